"""Reader pages. Each view's queryset comes from ArticleQuerySet, so "published" is decided once."""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from .forms import ArticleFilterForm
from .languages import current_language, language_codes, language_info, language_order
from .models import Article, ArticleRedirect, Author, FeaturedPiece, Section, SectionText, Tag, TaggedArticle
from .roles import may_edit_language


class LanguageAlternatesMixin:
    """hreflang alternates and the language switcher for one page.

    `get_alternates()` lists (language, path) pairs of pages with the same content in other
    languages; by default the same view with the same arguments in every language. Pages with
    no equivalents elsewhere (a tag) list only themselves, and their switcher offers each
    language's home instead.
    """

    def get_alternates(self):
        match = self.request.resolver_match
        name = f"{match.namespace}:{match.url_name}"
        return [(code, reverse_in(code, name, kwargs=match.kwargs)) for code in language_codes()]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = current_language()
        alternates = [
            {
                **language_info(code),
                "url": path,
                "absolute_url": self.request.build_absolute_uri(path),
                "current": code == current,
            }
            for code, path in sorted(self.get_alternates(), key=lambda pair: language_order(pair[0]))
        ]
        context["alternates"] = alternates
        by_code = {alt["code"]: alt for alt in alternates}
        context["x_default"] = by_code.get(settings.LANGUAGE_CODE) or (alternates[0] if alternates else None)
        context["switcher"] = (
            alternates
            if len(alternates) > 1 or not self.switch_to_home
            else [
                {**language_info(code), "url": reverse_in(code, "articles:home"), "current": code == current} for code in language_codes()
            ]
        )
        return context

    switch_to_home = True


def reverse_in(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, **kwargs)


class PublishedArticlesMixin(LanguageAlternatesMixin):
    """Owns the listing queryset: published pieces, once each, in the reader's language, joins declared once."""

    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.REVIEW_PAGE_SIZE

    def get_queryset(self):
        return Article.objects.listed_in(current_language()).for_cards()


class HomeView(PublishedArticlesMixin, TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        language = current_language()
        # Editors' featured pieces come first, in their order; the latest fill the rest.
        featured_keys = list(
            FeaturedPiece.objects.filter(language=language).order_by("order", "id").values_list("article__translation_key", flat=True)
        )
        featured = {a.translation_key: a for a in self.get_queryset().filter(translation_key__in=featured_keys)}
        latest = self.get_queryset().exclude(translation_key__in=featured_keys)
        pieces = [featured[key] for key in featured_keys if key in featured]
        context["articles"] = (pieces + list(latest[: settings.REVIEW_HOME_LATEST]))[: settings.REVIEW_HOME_LATEST]
        blocks = Section.objects.filter(show_on_home=True).prefetch_related("texts")
        context["section_blocks"] = [section for section in blocks if section.text and section.text.show_on_home]
        return context


class ArticleListView(PublishedArticlesMixin, ListView):
    template_name = "articles/article_list.html"

    def get(self, request, *args, **kwargs):
        self.filter_form = ArticleFilterForm(request.GET or None)
        if request.GET and not self.filter_form.is_valid():
            return bad_request_page(request, self.filter_form.error_message())
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        return self.filter_form.filter(queryset) if self.filter_form.is_bound else queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        return context


class YearArchiveView(PublishedArticlesMixin, ListView):
    template_name = "articles/article_year.html"
    allow_empty = False

    def get_queryset(self):
        return super().get_queryset().in_year(self.kwargs["year"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"] = self.kwargs["year"]
        context["years"] = [d.year for d in Article.objects.listed_in(current_language()).dates("published_at", "year", order="DESC")]
        return context


class ArticleDetailView(LanguageAlternatesMixin, DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"
    switch_to_home = False

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            moved = ArticleRedirect.objects.select_related("article").filter(old_path=request.path).first()
            if moved and moved.article.is_published():
                return redirect(moved.article.get_absolute_url(), permanent=True)
            raise
        try:
            requested = date(self.kwargs["year"], self.kwargs["month"], self.kwargs["day"])
        except ValueError:
            raise Http404(_("No such date.")) from None
        if requested != self.object.local_date:
            return redirect(self.object.get_absolute_url(), permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_object(self, queryset=None):
        queryset = Article.objects.published().in_language(current_language()).for_detail()
        return get_object_or_404(queryset, slug=self.kwargs["slug"])

    def get_alternates(self):
        return [(version.language, version.get_absolute_url()) for version in self.versions]

    @property
    def versions(self):
        if not hasattr(self, "_versions"):
            self._versions = list(Article.objects.published().filter(translation_key=self.object.translation_key))
        return self._versions

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        source = next((version for version in self.versions if version.is_source), None)
        if source:
            context["x_default"] = next(alt for alt in context["alternates"] if alt["code"] == source.language)
        tag_ids = [tag.pk for tag in article.tags.all()]
        related = Article.objects.listed_in(current_language()).exclude(translation_key=article.translation_key)
        related = related.filter(
            Q(section_id=article.section_id) | Q(pk__in=TaggedArticle.objects.filter(tag_id__in=tag_ids).values("content_object_id"))
        )
        context["related"] = related.for_cards()[: settings.REVIEW_RELATED]
        return context


class ArticlePreviewView(ArticleDetailView):
    """Any version as it will look, for staff who may see it; a 404 for everyone else. Never cached."""

    def get(self, request, *args, **kwargs):
        user = request.user
        if not (user.is_active and user.is_staff and user.has_perm("articles.view_article")):
            raise Http404
        self.object = get_object_or_404(Article.objects.for_detail(), pk=kwargs["pk"], language=current_language())
        if not may_edit_language(user, self.object.language):
            raise PermissionDenied
        response = self.render_to_response(self.get_context_data(object=self.object, preview=True))
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class SectionDetailView(PublishedArticlesMixin, ListView):
    template_name = "articles/section_detail.html"

    def get(self, request, *args, **kwargs):
        language = current_language()
        texts = SectionText.objects.filter(slug=kwargs["slug"], language__in={language, settings.LANGUAGE_CODE})
        texts = sorted(texts.select_related("section"), key=lambda text: text.language != language)
        if not texts:
            raise Http404(_("No such section."))
        self.section = Section.objects.prefetch_related("texts").get(pk=texts[0].section_id)
        self.section_text = self.section.text_for(language)
        if self.section_text.slug != kwargs["slug"]:
            return redirect("articles:section", slug=self.section_text.slug, permanent=True)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(section=self.section)

    def get_alternates(self):
        return [
            (code, reverse_in(code, "articles:section", kwargs={"slug": self.section.text_for(code).slug})) for code in language_codes()
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["section"] = self.section
        context["section_text"] = self.section_text
        return context


class TagDetailView(PublishedArticlesMixin, ListView):
    template_name = "articles/tag_detail.html"

    def get(self, request, *args, **kwargs):
        self.tag = get_object_or_404(Tag, language=current_language(), slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(tagged_items__tag=self.tag)

    def get_alternates(self):
        # A tag is a word of one language: there is no equivalent page elsewhere.
        return [(self.tag.language, self.request.path)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorDetailView(PublishedArticlesMixin, ListView):
    template_name = "articles/author_detail.html"

    def get(self, request, *args, **kwargs):
        self.author = get_object_or_404(Author.objects.prefetch_related("texts").select_related("photo"), slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(authors=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


def bad_request_page(request, message):
    return render(request, "400.html", {"message": message}, status=400)


def bad_request(request, exception):
    return bad_request_page(request, _("The request could not be understood."))


def page_not_found(request, exception):
    return render(request, "404.html", {"request_path": request.path}, status=404)
