"""The search page: a form, the engine's results (articles.search) with their count, noindex on results."""

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.cache import add_never_cache_headers
from django.views.generic import TemplateView

from articles import search, selectors
from articles.languages import current_language
from reader.forms import SearchForm
from reader.views.base import (
    LanguageAlternatesMixin,
    with_filters,
)
from reader.views.errors import bad_request
from review.numbers import read_int


class SearchView(LanguageAlternatesMixin, TemplateView):
    """Published pieces in this language (with the fallback rule) matching the reader's words; never cached.

    The search page itself is a page like any other, to be found; its results (any query string) are kept
    out of search engines' indexes, as Google asks of a site's own search results, and so that a link made
    to show someone else's words on our results page cannot bring them into an index under our name."""

    template_name = "articles/search.html"
    switch_to_home = False

    def get(self, request, *args, **kwargs):
        self.form = SearchForm(request.GET or None)
        if request.GET and not self.form.is_valid():
            return bad_request(request, message=self.form.error_message())
        response = super().get(request, *args, **kwargs)
        add_never_cache_headers(response)  # results follow every edit: no page cache, no proxy
        if request.GET:
            response["X-Robots-Tag"] = "noindex, follow"
        return response

    def get_alternates(self):
        return with_filters(super().get_alternates(), self.form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, language = self.form, current_language()
        query = form.cleaned_data.get("q", "") if form.is_bound else ""
        context.update(form=form, query=query, shortened=form.is_bound and form.fields["q"].shortened, active_filters=form.active())
        context["has_words"] = search.has_words(query)
        if not query:
            return context
        number, size = self.request.GET.get("page", ""), settings.REVIEW_PAGE_SIZE
        wanted = (read_int(number, minimum=1, maximum=999_999) or 1) - 1  # the page get_page will read
        paginator = Paginator(search.Results(language, query, form.filters(), window=(wanted * size, size)), size)
        page = paginator.get_page(number)
        context.update(page_obj=page, is_paginated=page.has_other_pages(), result_count=paginator.count)
        context["articles"] = selectors.cards(page.object_list, language) if page.object_list else []
        return context
