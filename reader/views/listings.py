"""Listing pages: home (and its preview), all pieces, a year, a section, a tag, an author. Each reads a range of the
listing index (selectors); "published" is decided once, there."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from articles import events, selectors, services, taxonomy
from articles.languages import current_language
from articles.models import Author, AuthorBio, SectionText, Tag
from articles.models.base import pick_text
from articles.models.listing import FALLBACK, LOCAL
from articles.policies import may_edit_piece
from reader.forms import ArticleFilterForm
from reader.views.base import (
    LanguageAlternatesMixin,
    ListingMixin,
    moved_or_404,
    moved_page,
    preview_headers,
    reverse_in,
    with_filters,
)
from reader.views.errors import bad_request
from review import prepared
from review.numbers import read_ids


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
            by_piece = {row.piece_id: row for row in selectors.Listing(language, pieces=featured_ids)[: len(featured_ids)]}
            rows = [by_piece[pk] for pk in featured_ids if pk in by_piece]
        for facet in (LOCAL, FALLBACK):
            if len(rows) < wanted:
                rows += selectors.Listing(language, facet, without=featured_ids)[: wanted - len(rows)]
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
        self.proposed = (read_ids(request.POST.getlist("pieces")), read_ids(request.POST.getlist("sections")))
        return preview_headers(self.render_to_response(self.get_context_data(preview=True)), framed=True)

    def arrangement(self, language):
        return self.proposed


class ArticleListView(ListingMixin, ListView):
    template_name = "articles/article_list.html"

    def get(self, request, *args, **kwargs):
        self.filter_form = ArticleFilterForm(request.GET or None)
        if request.GET and not self.filter_form.is_valid():
            return bad_request(request, message=self.filter_form.error_message())
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.filter_form.entries()

    def get_alternates(self):
        return with_filters(super().get_alternates(), self.filter_form)

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
        return selectors.Listing(current_language(), self.facet, year=self.kwargs["year"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"] = self.kwargs["year"]
        context["years"] = selectors.years(current_language())
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
            moved = (
                reverse_in(language, "articles:section", slug=info.slug) if info else moved_page("s", kwargs["slug"], "articles:section")
            )
            if not moved:
                raise Http404(_("No such section."))
            return redirect(moved, permanent=True)
        self.facet = f"s:{self.section_info.id}"
        return super().get(request, *args, **kwargs)

    def get_alternates(self):
        return [(code, reverse_in(code, "articles:section", slug=slug)) for code, slug in self.section_info.slugs]

    def get_context_data(self, **kwargs):
        return super().get_context_data(section_info=self.section_info, **kwargs)


class TagDetailView(ListingMixin, ListView):
    """A tag's pieces; a tag no published piece uses is a 404, like anything unpublished."""

    template_name = "articles/tag_detail.html"
    allow_empty = False

    def get(self, request, *args, **kwargs):
        found = prepared.fetch("tag page", _tag, {"language": current_language(), "slug": kwargs["slug"]})
        self.tag = found[0] if found else None
        if self.tag is None:  # merged into another, or renamed: its page moved with it
            return moved_or_404("t", kwargs["slug"], "articles:tag")
        self.facet = f"t:{self.tag.pk}"
        events.shown([events.shows_key("t", self.tag.pk)])  # its name is the page's heading
        return super().get(request, *args, **kwargs)

    def get_alternates(self):
        # A tag is a word of one language: there is no equivalent page elsewhere.
        return [(self.tag.language, self.request.path)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorDetailView(ListingMixin, ListView):
    template_name = "articles/author_detail.html"

    def get(self, request, *args, **kwargs):
        found = prepared.fetch("author page", _author, {"slug": kwargs["slug"]})
        self.author = found[0] if found else None
        if self.author is None:
            return moved_or_404("a", kwargs["slug"], "articles:author")
        self.bio = pick_text(prepared.fetch("author bios", _bios, {"author": self.author.pk}), current_language())
        self.facet = f"a:{self.author.pk}"
        events.shown([events.shows_key("a", self.author.pk)])  # its name, bio and photo
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, bio=self.bio, **kwargs)


def _tag(*, language, slug):
    return Tag.objects.filter(language=language, slug=slug).order_by("pk")[:1]


def _author(*, slug):
    return Author.objects.select_related("photo").filter(slug=slug)[:1]


def _bios(*, author):
    return AuthorBio.objects.filter(author_id=author).order_by("language")
