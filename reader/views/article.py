"""A piece's page in one language, and any version's preview for staff who may see it."""

from collections import namedtuple
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from articles import events, selectors, services, taxonomy
from articles.languages import current_language
from articles.models import ArticleImage, ArticleRedirect, Author, Image, PendingChange, PieceVersion, Tag
from articles.models.version import outdated
from articles.policies import may_edit_language, may_read_pending, may_read_version, may_view_history
from articles.sanitize import sanitize_html
from reader import sharing
from reader.views.base import (
    LanguageAlternatesMixin,
    preview_headers,
)
from review import prepared
from review.numbers import read_id

AuthorLink = namedtuple("AuthorLink", "pk name slug")
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
        values = {"language": current_language(), "slug": self.kwargs["slug"], "now": timezone.now()}
        found = prepared.fetch("article page", _published_version, values)
        if not found:
            raise Http404
        return found[0]

    def get_alternates(self):
        return [(version.language, version.url) for version in self.facts["versions"]]

    @cached_property
    def facts(self):
        """Byline, tags and published versions: cached for the listing epoch, which every write and
        every scheduled go-live moves (selectors.epoch), and for the names' mark, which a tag's or an author's change
        moves (selectors.names_mark), so they are never older than the page."""
        article = self.object

        def load():
            versions = PieceVersion.objects.published().filter(piece_id=article.piece_id)
            versions = versions.only("id", "language", "slug", "published_at", "content_revision", "content_changed_at")
            tags = Tag.objects.filter(tagged_articles__content_object=article).order_by("name")
            return {
                "authors": [AuthorLink(author.pk, author.name, author.slug) for author in Author.objects.filter(pieces=article.piece_id)],
                "tags": [TagLink(tag.pk, tag.name, tag.slug, tag.language) for tag in tags],
                "versions": [
                    VersionLink(
                        version.pk, version.language, version.get_absolute_url(), version.content_revision, version.content_changed_at
                    )
                    for version in versions
                ],
            }

        return selectors.derived(("article-facts", article.pk, article.piece_id, selectors.names_mark()), load)

    @cached_property
    def source(self):
        """The piece's source version, if published."""
        return next((version for version in self.facts["versions"] if version.pk == self.object.piece.source_id), None)

    def x_default_language(self):
        return self.source.language if self.source else None  # the original is the page for everyone else

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article, language = self.object, current_language()
        source = self.source
        if source and source.pk != article.pk and source.changed_at and outdated(article.translated_from_revision, source.revision):
            # The original changed after this translation was made: the reader is told, in their language, until it catches up.
            context["original_update"] = {"language": source.language, "url": source.url, "when": source.changed_at,
                                          "name": get_language_info(source.language)["name_translated"]}  # fmt: skip
        words = taxonomy.for_language(language)
        context["section_info"] = words.sections_by_id.get(article.piece.section_id)
        context["kind_label"] = words.kind_names.get(article.piece.kind_id, "")
        tags = self.facts["tags"]
        context["authors"], context["tags"] = self.facts["authors"], tags
        events.shown(  # the page cache: this page shows the version, and these names
            {events.shows_key("v", article.pk), *(events.shows_key("a", author.pk) for author in context["authors"]),
             *(events.shows_key("t", tag.pk) for tag in tags if tag.pk),
             *([events.shows_key("k", article.piece.kind_id)] if article.piece.kind_id else [])}
        )  # fmt: skip
        related = self.related_rows(article, language, tags)
        # One query for the pictures of the piece and of its related cards.
        uses = selectors.image_uses([article.pk, *(row.version_id for row in related)])
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
        rows = selectors.Listing(language, facets, without=[article.piece_id])
        unique = {}
        for row in rows[: settings.REVIEW_RELATED * len(facets)]:
            unique.setdefault(row.piece_id, row)
        return list(unique.values())[: settings.REVIEW_RELATED]


def _published_version(*, language, slug, now):
    """The version an article page shows (slugs are unique per language)."""
    return PieceVersion.objects.published(now).in_language(language).for_detail().filter(slug=slug)[:1]


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
        if not (user.is_active and user.is_staff and user.has_perm("articles.view_pieceversion")):
            raise Http404
        version = get_object_or_404(PieceVersion.objects.for_detail(), pk=pk, language=current_language())
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
        revision_id = read_id(revision)
        if revision_id is None:
            raise Http404
        kept = get_object_or_404(Version.objects.get_for_object(self.object).select_related("revision"), pk=revision_id)
        texts = services.texts_kept(kept)
        images = Image.objects.in_bulk([u["image_id"] for u in texts["images"]])
        usages = [{**u, "image": images[u["image_id"]]} for u in texts["images"] if u["image_id"] in images]  # deleted since: left out
        fields = {name: texts[name] for name in PieceVersion.CONTENT_FIELDS}
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
