"""What every reader page shares: hreflang alternates and the language switcher, listings' pagination, preview headers."""

from dataclasses import dataclass
from functools import cached_property, lru_cache

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from articles import selectors
from articles.events import reverse_in
from articles.languages import current_language, language_codes, language_info, language_order
from articles.models.listing import ALL
from review.jinja2 import macros


class LanguageAlternatesMixin:
    """hreflang alternates and the language switcher for one page.

    `get_alternates()` lists (language, path) pairs of pages with the same content in other
    languages; by default the same view with the same arguments in every language. Pages with
    no equivalents elsewhere (a tag) list only themselves, and their switcher offers each
    language's home instead.
    """

    def get_alternates(self):
        match = self.request.resolver_match
        return same_page_everywhere(f"{match.namespace}:{match.url_name}", tuple(sorted(match.kwargs.items())))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        origin = self.request.build_absolute_uri("/")[:-1]  # scheme and host, once: every alternate's path is absolute
        pairs = tuple(self.get_alternates())
        own = self.request.path if self.always_named else None
        links = language_links(origin, current_language(), pairs, self.switch_to_home, self.x_default_language(), own)
        context.update(alternates=links.alternates, x_default=links.x_default, switcher=links.switcher, languages=links)
        return context

    switch_to_home = True
    always_named = False  # the switcher names the reader's language even where it has no version of the page (this one)

    def x_default_language(self):
        """The language whose page is the x-default (None: the site's default language, else the first)."""
        return None


@dataclass(frozen=True, eq=False)
class LanguageLinks:
    """A page's links to its other languages: hreflang alternates, x-default and the switcher's entries, and their
    HTML (the macros language_head and language_switcher), rendered the first time a page asks and kept with them."""

    current: str
    alternates: tuple
    x_default: dict | None
    switcher: tuple

    @cached_property
    def head(self):
        return macros().language_head(self)

    @cached_property
    def switcher_html(self):
        return macros().language_switcher(self, language_info(self.current))


@lru_cache(maxsize=256)
def language_links(origin, current, pairs, switch_to_home, default=None, own_path=None):
    """The LanguageLinks of a page whose other-language versions are `pairs` ((language, path)): a pure function of its
    arguments (and of the page's language, whose words the switcher's HTML holds), remembered for the pages asked
    for most (a listing's thirty links are the same on every request). Tuples: no page may change what another is
    given."""
    alternates = tuple(
        {**language_info(code), "url": path, "absolute_url": origin + path, "current": code == current}
        for code, path in sorted(pairs, key=lambda pair: language_order(pair[0]))
    )
    by_code = {alt["code"]: alt for alt in alternates}
    x_default = by_code.get(default) or by_code.get(settings.LANGUAGE_CODE) or (alternates[0] if alternates else None)
    if len(alternates) > 1 or not switch_to_home:
        switcher = alternates
        if own_path and current not in by_code:  # the reader's language shows another's text: still named in the switcher
            here = {**language_info(current), "url": own_path, "current": True}
            switcher = tuple(sorted([*alternates, here], key=lambda alt: language_order(alt["code"])))
        return LanguageLinks(current, alternates, x_default, switcher)
    home = tuple(
        {**language_info(code), "url": path, "current": code == current} for code, path in same_page_everywhere("articles:home", ())
    )
    return LanguageLinks(current, alternates, x_default, home)


@lru_cache(maxsize=4096)
def same_page_everywhere(name, kwargs):
    """(language, path) of one view with the same arguments in every language; URLs never change while running."""
    return tuple((code, reverse_in(code, name, **dict(kwargs))) for code in language_codes())


class ListingMixin(LanguageAlternatesMixin):
    """Owns the listing: rows of the listing index in the reader's language, turned into cards per page."""

    context_object_name = "entries"
    facet = ALL

    def get_paginate_by(self, queryset):
        return settings.REVIEW_PAGE_SIZE

    def get_paginator(self, queryset, per_page, **kwargs):
        return ListingPaginator(queryset, per_page, **kwargs)

    def get_queryset(self):
        return selectors.Listing(current_language(), self.facet)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = selectors.cards(context["object_list"], current_language())
        return context


class ListingPaginator(Paginator):
    """Pages of a selectors.Listing: its count is cached, its pages read by slicing it."""

    @cached_property
    def count(self):
        return self.object_list.count()


def preview_headers(response, framed=False):
    """A preview is never cached or indexed; `framed`: the admin shows it in a frame beside a form (same origin only)."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    if framed:
        response["X-Frame-Options"] = "SAMEORIGIN"
        response._csp_replace = {"frame-ancestors": ["'self'"]}  # django-csp: this response only
    return response


def with_filters(alternates, form):
    """The same listing in each language with the form's filters, where they exist in that language."""
    return _with_filters(tuple(alternates), form.carried())


@lru_cache(maxsize=1024)
def _with_filters(alternates, carried):
    """A pure function of its arguments (reader.forms.query_in): remembered, as thirty query strings are the same for
    every request of one filtered listing."""
    from reader.forms import query_in

    found = []
    for code, path in alternates:
        query = query_in(code, carried)
        found.append((code, f"{path}?{urlencode(query)}" if query else path))
    return tuple(found)


def moved_page(of, slug, name):
    """Where the page `name` ("articles:tag", "articles:author-feed", ...) of a section ("s"), author ("a") or tag ("t")
    whose slug is no longer in use now is: the path of the one it was merged into or renamed to, or None (a 404)."""
    from articles import services, taxonomy
    from articles.models import Author, Tag

    language = current_language()
    target = services.moved_to(of, language, slug)
    if target is None and of == "s" and language != settings.LANGUAGE_CODE:  # the default language's old slug
        target = services.moved_to(of, settings.LANGUAGE_CODE, slug)
    if target is None:
        return None
    if of == "s":
        info = taxonomy.for_language(language).sections_by_id.get(target)
        return info and reverse_in(language, name, slug=info.slug)
    row = (Tag if of == "t" else Author).objects.filter(pk=target).values_list("slug", flat=True).first()
    return row and reverse_in(language, name, slug=row)


def moved_or_404(of, slug, name):
    """A 301 to where a moved section's, author's or tag's page is now, else a 404."""
    from django.http import Http404
    from django.shortcuts import redirect

    moved = moved_page(of, slug, name)
    if not moved:
        raise Http404
    return redirect(moved, permanent=True)
