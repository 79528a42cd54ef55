"""Reader pages. Listings read ranges of the listing index (selectors); "published" is decided once, there."""

from collections import namedtuple
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from articles import events, search, selectors, services, taxonomy
from articles.languages import current_language, language_codes, language_info, language_order
from articles.models import Article, ArticleImage, ArticleRedirect, Author, Image, PendingChange, PublicationPage, SectionText, Tag
from articles.models.article import outdated
from articles.models.listing import ALL, FALLBACK, LOCAL
from articles.policies import may_edit_language, may_edit_piece, may_read_pending, may_read_version, may_view_history
from articles.sanitize import sanitize_html
from reader import sharing
from reader.forms import ArticleFilterForm, SearchForm


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
                {**language_info(code), "url": path, "current": code == current} for code, path in same_page_everywhere("articles:home", ())
            ]
        )
        return context

    switch_to_home = True


@lru_cache(maxsize=4096)
def same_page_everywhere(name, kwargs):
    """(language, path) of one view with the same arguments in every language; URLs never change while running."""
    return tuple((code, reverse_in(code, name, kwargs=dict(kwargs))) for code in language_codes())


def reverse_in(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, **kwargs)


class ListingMixin(LanguageAlternatesMixin):
    """Owns the listing: rows of the listing index in the reader's language, turned into cards per page."""

    context_object_name = "entries"
    facet = ALL

    def get_paginate_by(self, queryset):
        return settings.REVIEW_PAGE_SIZE

    def listing_name(self):
        """What identifies this listing's rows (for its cached count): language, facet, filters."""
        return (current_language(), self.facet)

    def get_paginator(self, queryset, per_page, **kwargs):
        return ListingPaginator(queryset, per_page, name=self.listing_name(), **kwargs)

    def get_queryset(self):
        return selectors.entries(current_language(), self.facet)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = selectors.cards(context["object_list"], current_language())
        return context


class ListingPaginator(Paginator):
    def __init__(self, *args, name, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = name

    @cached_property
    def count(self):
        return selectors.count(self.object_list, self.name)

    def _get_page(self, object_list, number, paginator):
        if object_list.query.low_mark:  # a deep page: walk the index for its versions alone, then read only those rows
            object_list = self.object_list.filter(version_id__in=object_list.values("version_id"))
        return super()._get_page(object_list, number, paginator)


class HomeView(LanguageAlternatesMixin, TemplateView):
    """Editors' featured pieces first, then the pieces that exist in this language, then the latest fallbacks;
    the section blocks in the editors' order for this language."""

    template_name = "articles/home.html"

    def arrangement(self, language):
        """(featured piece ids, section ids) as editors arranged this language's home: cached per listing epoch."""
        return selectors.derived(("home", language), lambda: services.home_arrangement(language))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        language, wanted = current_language(), settings.REVIEW_HOME_LATEST
        featured_ids, section_ids = self.arrangement(language)
        featured_ids = featured_ids[:wanted]
        rows = []
        if featured_ids:
            by_piece = {row.piece_id: row for row in selectors.entries(language).filter(piece_id__in=featured_ids)}
            rows = [by_piece[pk] for pk in featured_ids if pk in by_piece]
        for facet in (LOCAL, FALLBACK):
            if len(rows) < wanted:
                rows += list(selectors.entries(language, facet).exclude(piece_id__in=featured_ids)[: wanted - len(rows)])
        context["articles"] = selectors.cards(rows, language)
        place = {pk: n for n, pk in enumerate(section_ids)}
        sections = [section for section in taxonomy.for_language(language).sections if section.on_home]
        context["section_blocks"] = sorted(sections, key=lambda section: (place.get(section.id, len(place)), section.order))
        return context


class HomePreviewView(HomeView):
    """The home page as an arrangement being edited would make it (POSTed by the admin's arrangement page, which
    shows it in a frame beside the lists): for editors only, a 404 for everyone else; never cached, never saved."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff and may_edit_piece(request.user)):
            raise Http404
        self.proposed = (ids_from(request.POST.getlist("pieces")), ids_from(request.POST.getlist("sections")))
        return preview_headers(self.render_to_response(self.get_context_data(preview=True)), framed=True)

    def arrangement(self, language):
        return self.proposed


def preview_headers(response, framed=False):
    """A preview is never cached or indexed; `framed`: the admin shows it in a frame beside a form (same origin only)."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    if framed:
        response["X-Frame-Options"] = "SAMEORIGIN"
        response._csp_replace = {"frame-ancestors": ["'self'"]}  # django-csp: this response only
    return response


def ids_from(values, limit=100):
    """Positive integer ids from form values, in order; anything else is left out."""
    return [int(value) for value in values[:limit] if value.isdecimal() and len(value) < 12]


class ArticleListView(ListingMixin, ListView):
    template_name = "articles/article_list.html"

    def get(self, request, *args, **kwargs):
        self.filter_form = ArticleFilterForm(request.GET or None)
        if request.GET and not self.filter_form.is_valid():
            return bad_request_page(request, self.filter_form.error_message())
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.filter_form.entries()

    def get_alternates(self):
        return with_filters(super().get_alternates(), self.filter_form)

    def listing_name(self):
        data = self.filter_form.cleaned_data if self.filter_form.is_bound else {}
        return (current_language(), "list", data.get("section") or "", data.get("kind") or "", data.get("year") or "")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["active_filters"] = self.filter_form.active()
        context["result_count"] = context["paginator"].count if context.get("paginator") else len(context["object_list"])
        return context


class YearArchiveView(ListingMixin, ListView):
    template_name = "articles/article_year.html"
    allow_empty = False

    def get_queryset(self):
        return selectors.in_year(super().get_queryset(), self.kwargs["year"])

    def listing_name(self):
        return (*super().listing_name(), self.kwargs["year"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"] = self.kwargs["year"]
        context["years"] = selectors.years(current_language())
        return context


def with_filters(alternates, form):
    """The same listing in each language with the form's filters, where they exist in that language."""
    found = []
    for code, path in alternates:
        query = form.query_in(code)
        found.append((code, f"{path}?{urlencode(query)}" if query else path))
    return found


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
            return bad_request_page(request, self.form.error_message())
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
        wanted = int(number) - 1 if number.isdecimal() and len(number) < 7 and int(number) > 0 else 0  # the page get_page will read
        paginator = Paginator(search.Results(language, query, form.filters(), window=(wanted * size, size)), size)
        page = paginator.get_page(number)
        context.update(page_obj=page, is_paginated=page.has_other_pages(), result_count=paginator.count)
        context["articles"] = selectors.cards(page.object_list, language) if page.object_list else []
        return context


AuthorLink = namedtuple("AuthorLink", "name slug")
TagLink = namedtuple("TagLink", "pk name slug language")
VersionLink = namedtuple("VersionLink", "pk language url revision changed_at")


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
        return [(version.language, version.url) for version in self.facts["versions"]]

    @cached_property
    def facts(self):
        """Byline, tags and published versions: cached for the listing epoch, which every write and
        every scheduled go-live moves (selectors.epoch), so they are never older than the page."""
        article = self.object

        def load():
            versions = Article.objects.published().filter(piece_id=article.piece_id)
            versions = versions.only("id", "language", "slug", "published_at", "content_revision", "content_changed_at")
            tags = Tag.objects.filter(tagged_articles__content_object=article).order_by("name")
            return {
                "authors": [AuthorLink(author.name, author.slug) for author in Author.objects.filter(pieces=article.piece_id)],
                "tags": [TagLink(tag.pk, tag.name, tag.slug, tag.language) for tag in tags],
                "versions": [
                    VersionLink(
                        version.pk, version.language, version.get_absolute_url(), version.content_revision, version.content_changed_at
                    )
                    for version in versions
                ],
            }

        return selectors.derived(("article", article.pk, article.piece_id), load)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article, language = self.object, current_language()
        source = next((version for version in self.facts["versions"] if version.pk == article.piece.source_id), None)
        if source:
            context["x_default"] = next((alt for alt in context["alternates"] if alt["code"] == source.language), context["x_default"])
        if source and source.pk != article.pk and source.changed_at and outdated(article.translated_from_revision, source.revision):
            # The original changed after this translation was made: the reader is told, in their language, until it catches up.
            context["original_update"] = {"language": source.language, "url": source.url, "when": source.changed_at,
                                          "name": get_language_info(source.language)["name_translated"]}  # fmt: skip
        words = taxonomy.for_language(language)
        context["section_info"] = words.sections_by_id.get(article.piece.section_id)
        context["kind_label"] = words.kind_names.get(article.piece.kind_id, "")
        tags = self.facts["tags"]
        context["authors"], context["tags"] = self.facts["authors"], tags
        related = self.related_rows(article, language, tags)
        # One query for the pictures of the piece and of its related cards.
        uses = list(selectors.image_uses([article.pk, *(row.version_id for row in related)]))
        context["usages"] = [use for use in uses if use.article_id == article.pk]
        context["related"] = selectors.cards(related, language, uses) if related else []
        context["canonical_url"] = self.request.build_absolute_uri(article.get_absolute_url())  # never the query string
        source_alternate = next((alt for alt in context["alternates"] if source and alt["code"] == source.language), None)
        context["og"], context["json_ld"] = sharing.article_metadata(
            self.request, article, canonical_url=context["canonical_url"], alternates=context["alternates"],
            authors=context["authors"], tags=tags, section_name=context["section_info"].name if context["section_info"] else "",
            usages=context["usages"], source_url=source_alternate and source_alternate["absolute_url"],
        )  # fmt: skip
        return context

    def related_rows(self, article, language, tags):
        """Newest pieces of the same section; without a section, of the same tags; without either, none."""
        if article.piece.section_id:
            facets = [f"s:{article.piece.section_id}"]
        else:
            facets = [f"t:{tag.pk}" for tag in tags if tag.language == language]
        if not facets:
            return []
        depends_on = getattr(self.request, "review_depends_on", None)  # the page cache: this page shows these listings' cards
        if depends_on is not None:
            depends_on([events.related_key(language, facet) for facet in facets])
        rows = selectors.entries(language, facets).exclude(piece_id=article.piece_id)
        unique = {}
        for row in rows[: settings.REVIEW_RELATED * len(facets)]:
            unique.setdefault(row.piece_id, row)
        return list(unique.values())[: settings.REVIEW_RELATED]


class ArticlePreviewView(ArticleDetailView):
    """Any version as it will look, for staff who may see it; a 404 for everyone else. Never cached.

    A published version with pending changes is shown with them; `?revision=<id>` shows a revision
    from its history (its text and images), to look at before restoring it.
    """

    overlay = None  # {"fields": {...}, "tags": [names] or None, "usages": [usage dicts] or None}
    LIVE_FIELDS = {"title": 300, "standfirst": 5000, "body": 500_000}  # what the form's live preview sends, and how much of it

    def get(self, request, *args, **kwargs):
        self.object = self.version_to_preview(request, kwargs["pk"])
        revision = request.GET.get("revision")
        self.overlay = self.revision_overlay(request.user, revision) if revision is not None else self.pending_overlay()
        return self.preview_response()

    def post(self, request, *args, **kwargs):
        """The change form's live preview: its unsaved title, standfirst and body over the working copy; nothing is saved."""
        self.object = self.version_to_preview(request, kwargs["pk"])
        if not may_edit_language(request.user, self.object.language):
            raise PermissionDenied
        self.overlay = self.pending_overlay() or {}
        typed = {name: request.POST.get(name, "")[:limit] for name, limit in self.LIVE_FIELDS.items() if name in request.POST}
        if "body" in typed:
            typed["body"] = sanitize_html(typed["body"], figures=True)
        self.overlay = {**self.overlay, "fields": {**self.overlay.get("fields", {}), **typed}, "live": True}
        return preview_headers(self.preview_response(), framed=True)  # shown in a frame beside the form

    def version_to_preview(self, request, pk):
        user = request.user
        if not (user.is_active and user.is_staff and user.has_perm("articles.view_article")):
            raise Http404
        version = get_object_or_404(Article.objects.for_detail(), pk=pk, language=current_language())
        if not may_read_version(user, version):  # a translator previews their drafts and the sources they translate
            raise PermissionDenied
        return version

    def preview_response(self):
        for name, value in (self.overlay or {}).get("fields", {}).items():
            setattr(self.object, name, value)
        overlay = self.overlay or {}
        context = self.get_context_data(object=self.object, preview=True, pending=overlay.get("pending"), live_preview=overlay.get("live"))
        return preview_headers(self.render_to_response(context))

    def pending_overlay(self):
        if not may_read_pending(self.request.user, self.object):
            return None  # a published version read from outside its language: its live text, never what is pending
        copy = services.working_copy(self.object)
        if copy is None:
            return None
        fields = {name: getattr(copy, name) for name in PendingChange.FIELDS}
        return {"fields": fields, "tags": copy.pending_tags, "usages": copy.pending_usages, "pending": copy.pending_record}

    def revision_overlay(self, user, revision):
        from reversion.models import Version

        if not may_view_history(user, self.object.language):
            raise PermissionDenied
        if not (revision.isdigit() and len(revision) < 12):
            raise Http404
        kept = get_object_or_404(Version.objects.get_for_object(self.object).select_related("revision"), pk=revision)
        texts = services.texts_kept(kept)
        images = Image.objects.in_bulk([u["image_id"] for u in texts["images"]])
        usages = [{**u, "image": images[u["image_id"]]} for u in texts["images"] if u["image_id"] in images]  # deleted since: left out
        fields = {name: texts[name] for name in Article.CONTENT_FIELDS}
        return {"fields": fields, "tags": None, "usages": usages, "revision": kept}

    @cached_property
    def facts(self):
        facts = super().facts
        names = (self.overlay or {}).get("tags")
        if names is None:
            return facts
        known = {tag.name.lower(): tag for tag in Tag.objects.filter(language=self.object.language, name__in=names)}
        tags = [known.get(name.lower()) or Tag(name=name, slug=slugify(name, allow_unicode=True), language=self.object.language)
                for name in names]  # fmt: skip
        return {**facts, "tags": [TagLink(tag.pk, tag.name, tag.slug, tag.language) for tag in tags]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        usages = (self.overlay or {}).get("usages")
        if usages is not None:
            context["usages"] = [
                ArticleImage(article=self.object, image=u["image"], alt_text=u.get("alt_text") or "", decorative=bool(u.get("decorative")),
                             caption=u.get("caption") or "", order=u.get("order") or 0)
                for u in sorted(usages, key=lambda u: u.get("order") or 0) if u["image"].file
            ]  # fmt: skip
        context["preview_revision"] = (self.overlay or {}).get("revision")
        return context


class SectionDetailView(ListingMixin, ListView):
    template_name = "articles/section_detail.html"

    def get(self, request, *args, **kwargs):
        language = current_language()
        self.section_info = taxonomy.for_language(language).sections_by_slug.get(kwargs["slug"])
        if self.section_info is None:
            # The default language's slug on another language's page: send the reader to theirs.
            text = SectionText.objects.filter(slug=kwargs["slug"], language=settings.LANGUAGE_CODE).first()
            info = text and taxonomy.for_language(language).sections_by_id.get(text.section_id)
            if not info:
                raise Http404(_("No such section."))
            return redirect("articles:section", slug=info.slug, permanent=True)
        self.facet = f"s:{self.section_info.id}"
        return super().get(request, *args, **kwargs)

    def get_alternates(self):
        slugs = {code: taxonomy.for_language(code).sections_by_id.get(self.section_info.id) for code in language_codes()}
        return [(code, reverse_in(code, "articles:section", kwargs={"slug": info.slug})) for code, info in slugs.items() if info]

    def get_context_data(self, **kwargs):
        return super().get_context_data(section_info=self.section_info, **kwargs)


class TagDetailView(ListingMixin, ListView):
    """A tag's pieces; a tag no published piece uses is a 404, like anything unpublished."""

    template_name = "articles/tag_detail.html"
    allow_empty = False

    def get(self, request, *args, **kwargs):
        self.tag = get_object_or_404(Tag, language=current_language(), slug=kwargs["slug"])
        self.facet = f"t:{self.tag.pk}"
        return super().get(request, *args, **kwargs)

    def get_alternates(self):
        # A tag is a word of one language: there is no equivalent page elsewhere.
        return [(self.tag.language, self.request.path)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorDetailView(ListingMixin, ListView):
    template_name = "articles/author_detail.html"

    def get(self, request, *args, **kwargs):
        self.author = get_object_or_404(Author.objects.prefetch_related("texts").select_related("photo"), slug=kwargs["slug"])
        self.facet = f"a:{self.author.pk}"
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class PublicationPageView(LanguageAlternatesMixin, TemplateView):
    """About, contact, editorial policy, reproduction: this language's text, else the default language's, labelled."""

    template_name = "articles/publication_page.html"
    switch_to_home = False

    def get(self, request, *args, page, **kwargs):
        self.texts = {text.language: text for text in PublicationPage.objects.filter(page=page)}
        self.text = self.texts.get(current_language()) or self.texts.get(settings.LANGUAGE_CODE)
        if self.text is None:
            raise Http404(_("This page has not been written yet."))
        return super().get(request, *args, **kwargs)

    def get_alternates(self):
        name = self.request.resolver_match.url_name
        return [(code, path) for code, path in same_page_everywhere(f"articles:{name}", ()) if code in self.texts]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(page=self.text, page_info=language_info(self.text.language), **kwargs)
        current = current_language()
        if current not in self.texts:  # the reader's language shows another's text: still named in the switcher
            here = {**language_info(current), "url": self.request.path, "current": True}
            context["switcher"] = sorted([*context["switcher"], here], key=lambda alt: language_order(alt["code"]))
        return context


def robots_txt(request):
    """Crawlers: everything public, never the admin or previews; where the sitemap is."""
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /*/preview/", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def bad_request_page(request, message):
    return render(request, "400.html", {"message": message}, status=400)


def bad_request(request, exception):
    return bad_request_page(request, _("The request could not be understood."))


def page_not_found(request, exception):
    """The 404 page offers search and the latest pieces in the reader's language."""
    language = current_language()
    latest = selectors.cards(list(selectors.entries(language)[:3]), language)
    return render(request, "404.html", {"request_path": request.path, "articles": latest}, status=404)
