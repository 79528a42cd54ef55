"""The version list: its filters, the sibling versions it loads at once, and its columns."""

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from articles import lifecycle, taxonomy
from articles.languages import current_language, language_codes, language_info, language_order
from articles.models import PendingChange, PieceVersion, Status
from articles.models.version import outdated
from articles.policies import (
    may_read_version,
    publishing_languages,
    translator_languages,
)
from cms.admin.article.links import preview_url
from cms.admin.scoping import language_choices
from desk import states as desk
from review.numbers import read_id


class TranslationStateFilter(admin.SimpleListFilter):
    """The desk's states (desk.states): the dashboard's counts link here, so a count and its list agree."""

    title = gettext_lazy("translation state")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        states = [(state, label) for state, label in desk.STATES.items() if state != desk.MISSING]
        return [*states, (desk.SOURCE, _("Sources"))]

    def queryset(self, request, queryset):
        if self.value() in {*desk.STATES, desk.SOURCE} - {desk.MISSING}:
            return desk.in_state(queryset, self.value())
        return queryset


class MissingLanguageFilter(admin.SimpleListFilter):
    title = gettext_lazy("missing in")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return language_choices(request.user, language_codes())

    def queryset(self, request, queryset):
        return desk.in_state(queryset, desk.MISSING, self.value()) if self.value() else queryset


class ReviewFilter(admin.SimpleListFilter):
    """What waits for this person's review (drafts in review and pending changes in review, in the languages they
    publish in), and the published versions with pending changes."""

    title = gettext_lazy("review")
    parameter_name = "review"
    MINE, PENDING = "mine", "pending"

    def lookups(self, request, model_admin):
        return [(self.MINE, _("Waiting for my review")), (self.PENDING, _("With pending changes"))]

    def queryset(self, request, queryset):
        if self.value() == self.PENDING:
            return queryset.filter(pending__isnull=False)
        if self.value() == self.MINE:
            languages = publishing_languages(request.user)
            waiting = queryset.filter(Q(status=Status.REVIEW) | Q(status=Status.PUBLISHED, pending__in_review=True))
            return waiting if languages is None else waiting.filter(language__in=languages)
        return queryset


class TagFilter(admin.SimpleListFilter):
    title = gettext_lazy("tag")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        """The tags of the language the list is filtered to (none before a language is chosen: thirty languages'
        tags in one column help nobody)."""
        from articles.models import Tag

        language = request.GET.get("language__exact", "")
        if language not in language_codes():
            return []
        used = Tag.objects.filter(language=language, tagged_articles__content_object__in=model_admin.get_queryset(request))
        return [(str(tag.pk), tag.name) for tag in used.distinct().order_by("name")]

    def queryset(self, request, queryset):
        tag_id = read_id(self.value())
        return queryset.filter(tagged_items__tag_id=tag_id) if tag_id is not None else queryset


class VersionsChangeList(ChangeList):
    """Loads every listed version's sibling versions in one query, for the translation state column."""

    def get_results(self, request):
        super().get_results(request)
        pieces = {article.piece_id for article in self.result_list}
        siblings = {}
        for sibling in (
            PieceVersion.objects.filter(piece_id__in=pieces)
            .select_related("piece")
            .only("piece__source_id", "language", "content_revision", "translated_from_revision", "status", "published_at")
        ):
            siblings.setdefault(sibling.piece_id, []).append(sibling)
        languages = translator_languages(request.user)
        ids = [article.pk for article in self.result_list]
        pending = dict(PendingChange.objects.filter(version_id__in=ids).values_list("version_id", "in_review"))
        for article in self.result_list:
            article.pending_state = pending.get(article.pk)
            article.siblings = sorted(siblings.get(article.piece_id, []), key=lambda sibling: language_order(sibling.language))
            source = next((s for s in article.siblings if s.pk == article.piece.source_id), None)
            have = {sibling.language for sibling in article.siblings}
            startable = source is not None and may_read_version(request.user, source)
            # A translator is offered each of their missing languages; an editor, one link to choose from all.
            article.translate_into = (
                [c for c in language_codes() if c not in have and (languages is None or c in languages)] if startable else []
            )
            article.translate_choice = languages is None


class VersionColumns:
    """The list's columns (and the form's \"View on site\")."""

    @admin.display(description=gettext_lazy("section"), ordering="piece__section")
    def section(self, article):
        info = taxonomy.for_language(current_language()).sections_by_id.get(article.piece.section_id)
        return info.name if info else "—"

    @admin.display(description=gettext_lazy("kind"), ordering="piece__kind")
    def kind(self, article):
        return taxonomy.for_language(current_language()).kind_names.get(article.piece.kind_id, "—")

    @admin.display(description=gettext_lazy("section and kind"), ordering="piece__section")
    def filed_under(self, article):
        return format_html('{}<br><span class="review-quiet">{}</span>', self.section(article), self.kind(article))

    @admin.display(description=gettext_lazy("date"), ordering="published_at")
    def date(self, article):
        if not article.published_at:
            return "—"
        when = timezone.localtime(article.published_at)
        return format_html('<time datetime="{}" title="{}">{}</time>', when.isoformat(), date_format(when, "DATETIME_FORMAT"),
                           date_format(when, "SHORT_DATE_FORMAT"))  # fmt: skip

    @admin.display(description=gettext_lazy("translations"))
    def translation_state(self, article):
        """One small badge per language version (source, up to date, outdated, not published yet), then how many are missing."""
        siblings = getattr(article, "siblings", [])
        source = next((s for s in siblings if s.pk == article.piece.source_id), None)

        def badge(sibling):
            if sibling is source:
                state, label = "source", _("source")
            elif source and outdated(sibling.translated_from_revision, source.content_revision):
                state, label = "outdated", _("outdated")
            elif sibling.status != Status.PUBLISHED:
                state, label = "draft", sibling.get_status_display()
            else:
                state, label = "current", _("up to date")
            return state, label, sibling.language, label

        badges = format_html_join(
            "", '<span class="review-badge review-badge--{}" title="{}">{}<span class="review-sr"> ({})</span></span>',
            (badge(s) for s in siblings),
        )  # fmt: skip
        missing = [code for code in language_codes() if code not in {s.language for s in siblings}]
        if not missing:
            return badges
        label = ngettext("%(count)d language missing", "%(count)d languages missing", len(missing)) % {"count": len(missing)}
        missing_badge = (
            '<span class="review-badge review-badge--missing" dir="ltr" title="{}: {}">−{}<span class="review-sr"> ({})</span></span>'
        )
        return format_html("{}" + missing_badge, badges, label, ", ".join(missing), len(missing), label)

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def state(self, article):
        state = lifecycle.state_of(article, getattr(article, "pending_state", None))  # scheduled is not "Published"
        if state.pending_label is None:
            return state.label
        return format_html('{} <span class="review-pending-badge">{}</span>', state.label, state.pending_label)

    @admin.display(description=gettext_lazy("links"))
    def links(self, article):
        links = [format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', preview_url(article), _("Preview"))]
        if article.is_published():
            links.append(format_html('<a href="{}">{}</a>', article.get_absolute_url(), _("View on site")))
        translate = reverse("admin:articles_pieceversion_translate", args=[article.pk])
        into = getattr(article, "translate_into", [])
        if into and getattr(article, "translate_choice", False):
            links.append(format_html('<a href="{}">{}</a>', translate, _("Translate…")))
        else:
            for code in into:
                label = _("Translate into %(language)s") % {"language": language_info(code)["name_local"]}
                links.append(format_html('<a href="{}?language={}">{}</a>', translate, code, label))
        return format_html('<ul class="review-links">{}</ul>', format_html_join("", "<li>{}</li>", ((link,) for link in links)))

    def view_on_site(self, article):
        return article.get_absolute_url() if article.is_published() else None
