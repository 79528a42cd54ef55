"""The article admin: the editors' and translators' daily tool."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from reversion.admin import VersionAdmin
from reversion.models import Version

from articles import lifecycle, services, taxonomy
from articles.diff import field_diffs, labelled
from articles.errors import DomainError, NotAllowed
from articles.languages import current_language, language_codes, language_info, language_order
from articles.lifecycle import Transition
from articles.models import Article, ArticleImage, PendingChange, Status
from articles.models.article import outdated
from articles.policies import (
    is_translator,
    may_delete,
    may_edit_language,
    may_edit_piece,
    may_publish,
    may_read_version,
    may_view_history,
    publishing_languages,
    readable_versions,
    translator_languages,
)
from articles.segments import image_segments
from cms.admin.calendar import CalendarViews
from cms.admin.forms import ArticleAdminForm, ExportForm, ImportForm, direction_attrs, working_copy_for
from cms.admin.hardening import HardenedAdmin, TabularInline, pk_or_404
from cms.admin.scoping import deny_forged_languages, deny_unless_language, language_choices
from desk import exchange
from desk import states as desk

COMPARED_FIELDS = ["title", "slug", "standfirst", "body", "images", "status", "published_at"]
# The review panel's buttons, each a transition of the state machine (articles.lifecycle).
REVIEW_STEP_TRANSITIONS = {
    "submit": Transition.SUBMIT,
    "approve": Transition.APPROVE,
    "send_back": Transition.SEND_BACK,
    "comment": Transition.COMMENT,
    "publish_changes": Transition.PUBLISH_PENDING,
    "discard_changes": Transition.DISCARD_PENDING,
}


def preview_url(article):
    with translation.override(article.language):
        return reverse("articles:preview", kwargs={"pk": article.pk})


class ArticleImageInline(TabularInline):
    model = ArticleImage
    extra = 0
    autocomplete_fields = ["image"]
    fields = ["image", "alt_text", "decorative", "caption", "order"]

    # On a version this person only reads (a translator on a source), the images are read-only too.
    @staticmethod
    def _writes(request, obj):
        return obj is None or may_edit_language(request.user, obj.language)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._writes(request, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._writes(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._writes(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        pending = pending_images(request, obj)
        if pending is not None:
            kwargs["extra"] = len(pending)  # the working copy's images, as forms to edit (get_formset_kwargs fills them)
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:  # alt text and caption are written in the version's language and direction
            for name in ("alt_text", "caption"):
                if name in formset.form.base_fields:
                    formset.form.base_fields[name].widget.attrs.update(direction_attrs(obj.language))
        if pending is None:
            return formset

        class PendingImagesFormSet(formset):
            def get_form_kwargs(self, index):
                form_kwargs = super().get_form_kwargs(index)
                if index is not None and index < len(self.initial_extra or []):  # None: the blank template form
                    form_kwargs["empty_permitted"] = False  # an image kept unchanged is still one of the pending images
                return form_kwargs

        return PendingImagesFormSet


def pending_images(request, obj):
    """A published version's pending images as initial form data, or None when nothing is pending."""
    copy = working_copy_for(request, obj)
    if copy is None:
        return None
    return [{**usage, "image": usage["image"].pk} for usage in sorted(copy.pending_usages, key=lambda u: u.get("order") or 0)]


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
        return queryset.filter(tagged_items__tag_id=self.value()) if self.value() and self.value().isdigit() else queryset


class VersionsChangeList(ChangeList):
    """Loads every listed version's sibling versions in one query, for the translation state column."""

    def get_results(self, request):
        super().get_results(request)
        pieces = {article.piece_id for article in self.result_list}
        siblings = {}
        for sibling in (
            Article.objects.filter(piece_id__in=pieces)
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


@admin.register(Article)
class ArticleAdmin(CalendarViews, HardenedAdmin, VersionAdmin):
    form = ArticleAdminForm
    list_display = ["title", "language", "state", "date", "filed_under", "translation_state", "links"]
    list_filter = ["language", "status", ReviewFilter, TranslationStateFilter, MissingLanguageFilter, "piece__section", "piece__kind",
                   TagFilter]  # fmt: skip
    search_fields = ["title", "standfirst"]
    date_hierarchy = "published_at"
    list_select_related = ["piece"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ArticleImageInline]
    actions = [
        "publish_selected",
        "publish_ready_selected",
        "export_selected",
        "unpublish_selected",
        "make_source_selected",
        "delete_selected",
    ]
    change_form_template = "admin/articles/article/change_form.html"

    class Media:
        js = ["js/admin-direction.js", "js/live-preview.js"]

    readonly_fields = ["body_as_read"]

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):  # a source a translator reads
            return [(None, {"fields": ["language", "title", "slug", "standfirst", "body_as_read", "status", "published_at"]})]
        fieldsets = [
            (None, {"fields": ["language", "title", "slug", "standfirst", "body"]}),
            (_("Publication"), {"fields": ["status", "published_at", "tags"]}),
            (_("Shared by every language version"), {"fields": ["section", "kind", "authors"]}),
            (None, {"fields": ["seen_edit_version", "seen_source_revision"], "classes": ["hidden"]}),
        ]
        if obj and not obj.is_source and obj.is_outdated():
            fieldsets.insert(0, (_("Translation"), {"fields": ["mark_up_to_date"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None or self.has_change_permission(request, obj) else super().get_readonly_fields(request, obj)

    @admin.display(description=gettext_lazy("body"))
    def body_as_read(self, article):
        return format_html('<div {}>{}</div>', format_html_join(" ", '{}="{}"', direction_attrs(article.language).items()),
                           mark_safe(article.body))  # fmt: skip  # sanitised on every save

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and not self.has_change_permission(request, obj):  # read, not edited: no fields at all
            return super().get_form(request, obj, change=change, **{**kwargs, "form": forms.ModelForm, "fields": []})
        kwargs["fields"] = None  # fields come from the form class and fieldsets
        base = super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(base):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, request=request, **form_kwargs)

        return RequestForm

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        pending = pending_images(request, obj) if isinstance(inline, ArticleImageInline) else None
        if pending is not None:  # the form edits the pending images, not the rows readers see
            kwargs.update(queryset=ArticleImage.objects.none(), initial=pending)
        return kwargs

    def get_queryset(self, request):
        # Every list, search, count, date drill-down and object lookup of this admin reads from here.
        return super().get_queryset(request).filter(readable_versions(request.user)).defer("body")

    def get_changelist(self, request, **kwargs):
        return VersionsChangeList

    # Columns -------------------------------------------------------------------------------

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
        translate = reverse("admin:articles_article_translate", args=[article.pk])
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

    # Scope: translators act in their languages only, on every endpoint -----------------------

    def has_delete_permission(self, request, obj=None):
        return may_delete(request.user) and super().has_delete_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or may_edit_language(request.user, obj.language))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or may_read_version(request.user, obj))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        article = self.get_object(request, unquote(object_id)) if object_id else None
        if object_id and article is None:  # not readable, or gone: name the rule rather than pretend it is gone
            language = Article.objects.filter(pk=pk_or_404(Article, unquote(object_id))).values_list("language", flat=True).first()
            if language:
                deny_unless_language(request, language)
        if article and not may_read_version(request.user, article):
            deny_unless_language(request, article.language)
        if article and request.method == "POST":
            deny_unless_language(request, article.language)  # a translator reads other languages' sources, never writes them
        deny_forged_languages(request)
        context = {**(extra_context or {}), **self.translation_context(article), **self.review_context(request, article),
                   "may_view_history": bool(article) and may_view_history(request.user, article.language)}  # fmt: skip
        try:
            return super().changeform_view(request, object_id, form_url, context)
        except NotAllowed:
            raise
        except DomainError as refusal:
            # The services refused after the form was valid (everything was rolled back). Run the
            # form again with the refusal, so it is shown beside the fields and nothing typed is lost.
            request.review_refusal = refusal
            return super().changeform_view(request, object_id, form_url, context)

    def history_view(self, request, object_id, extra_context=None):
        article = self.viewable_version(request, object_id)
        versions = list(Version.objects.get_for_object(article).select_related("revision__user"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": _("History: %(title)s") % {"title": article.title},
            "preview_url": preview_url(article),
            "rows": [(version, versions[i + 1] if i + 1 < len(versions) else None) for i, version in enumerate(versions)],
        }
        return TemplateResponse(request, "admin/articles/article/history.html", context)

    def viewable_version(self, request, object_id):
        article = get_object_or_404(Article, pk=pk_or_404(Article, object_id))
        if not may_view_history(request.user, article.language):
            raise PermissionDenied
        return article

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # reversion's own view reverts the row, edit lock included, before saving; restore_view does not.
        article = self.viewable_version(request, object_id)
        return redirect("admin:articles_article_history", article.pk)

    def recoverlist_view(self, request, extra_context=None):
        if is_translator(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        raise PermissionDenied(_("Deleted versions are restored by an editor from the piece's history."))

    change_list_template = "admin/articles/article/change_list.html"

    def changelist_view(self, request, extra_context=None):
        # An action this person is not offered is refused (403), not silently ignored.
        if request.method == "POST" and "action" in request.POST and request.POST["action"] not in self.get_actions(request):
            raise PermissionDenied(_("You may not run this action."))
        return super().changelist_view(request, {**(extra_context or {}), "is_translator": is_translator(request.user)})

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not may_publish(request.user):
            actions.pop("publish_selected", None)
            actions.pop("publish_ready_selected", None)
            actions.pop("unpublish_selected", None)
        if not may_edit_piece(request.user):
            actions.pop("make_source_selected", None)
        return actions

    # Saving: the services do it; the admin hands them what the forms read -------------------------

    def save_model(self, request, obj, form, change):
        pass  # written in save_related, with the images and tags, in one service call

    def save_related(self, request, form, formsets, change):
        usages = [
            {key: data.get(key) for key in ("image", "alt_text", "decorative", "caption", "order")}
            for formset in formsets
            for data in (getattr(f, "cleaned_data", None) or {} for f in formset.forms)
            if data.get("image") and not data.get("DELETE")
        ]
        common = {"by": request.user, "changes": form.version_changes(), "tags": form.tag_names(), "images": usages, **form.piece_fields()}
        if change:
            seen = form.cleaned_data.get("seen_edit_version")
            saved = services.save_version(
                version=form.instance, expected_edit_version=-1 if seen is None else seen,
                matches_source_revision=form.matches_source_revision(), go_live="_publish_changes" in request.POST, **common,
            )  # fmt: skip
        else:
            saved = services.create_piece(language=form.cleaned_data["language"], **common)
        form.instance.pk, form.instance.piece_id = saved.pk, saved.piece_id
        if form.cleaned_data.get("mark_up_to_date") and saved.is_outdated():
            message = _(
                "The source changed again while you were translating. This translation is marked up to date with the text "
                "you were shown; the newer changes are listed above."
            )
            self.message_user(request, message, messages.WARNING)
        if change and "_publish_changes" not in request.POST and PendingChange.objects.filter(version_id=saved.pk).exists():
            message = _("Your changes are pending: readers still see the live text until the changes are published.")
            self.message_user(request, message, messages.INFO)
        elif saved.status == Status.PUBLISHED:
            self.warn_untranslated([saved], request)

    def warn_untranslated(self, versions, request):
        for version in versions:
            leftovers = services.untranslated_image_texts(version)
            if leftovers:
                message = _("“%(title)s” [%(language)s] goes out with image texts still in the source language: %(texts)s") % {
                    "title": version.title, "language": version.language, "texts": "; ".join(f"“{text}”" for text in leftovers),
                }  # fmt: skip
                self.message_user(request, message, messages.WARNING)

    def construct_change_message(self, request, form, formsets, add=False):
        return super().construct_change_message(request, form, [], add)

    def delete_model(self, request, obj):
        services.delete_version(version=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        services.delete_versions(versions=queryset.select_related("piece"), by=request.user)

    def get_deleted_objects(self, objs, request):
        # The services decide what may be deleted (a piece's only version takes the piece with it);
        # Django's collector would call the piece's RESTRICT link to its source "protected".
        deleted, counts, perms_needed, _protected = super().get_deleted_objects(objs, request)
        return deleted, counts, perms_needed, []

    def delete_view(self, request, object_id, extra_context=None):
        article = self.get_object(request, unquote(object_id))
        if article is not None:
            try:
                services.check_deletable(article)
            except DomainError as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
                return redirect("admin:articles_article_change", article.pk)
        return super().delete_view(request, object_id, extra_context)

    def response_action(self, request, queryset):
        try:
            return super().response_action(request, queryset)
        except NotAllowed:
            raise
        except DomainError as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # Bulk actions ------------------------------------------------------------------------------

    @admin.action(description=gettext_lazy("Publish selected versions"))
    def publish_selected(self, request, queryset):
        versions = list(queryset.select_related("piece"))
        count = services.publish(versions=versions, by=request.user)
        message = ngettext("%(count)d version published.", "%(count)d versions published.", count) % {"count": count}
        self.message_user(request, message, messages.SUCCESS)
        self.warn_untranslated(versions, request)

    @admin.action(description=gettext_lazy("Publish every ready language of the selected pieces (all or none)"))
    def publish_ready_selected(self, request, queryset):
        pieces = {version.piece_id for version in queryset}
        count = services.publish_ready(pieces=pieces, by=request.user)
        message = ngettext("%(count)d version published.", "%(count)d versions published.", count) % {"count": count}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Export the selected pieces for translation (XLIFF 2 or PO)…"))
    def export_selected(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[:500])
        return redirect(f"{reverse('admin:articles_article_export')}?ids={ids}")

    @admin.action(description=gettext_lazy("Unpublish selected versions"))
    def unpublish_selected(self, request, queryset):
        count = services.unpublish(versions=queryset, by=request.user)
        message = ngettext("%(count)d version unpublished.", "%(count)d versions unpublished.", count) % {"count": count}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Make source version of its piece"))
    def make_source_selected(self, request, queryset):
        for version in queryset:
            services.make_source(version=version, by=request.user)
        self.message_user(request, _("Source versions changed."), messages.SUCCESS)

    # Translation, comparison, restore -------------------------------------------------------

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("desk/", view(self.desk_view), name=f"{name}_desk"),
            path("queue/", view(self.queue_view), name=f"{name}_queue"),
            path("exchange/export/", view(self.export_view), name=f"{name}_export"),
            path("exchange/import/", view(self.import_view), name=f"{name}_import"),
            *self.calendar_urls(name),
            path("<path:object_id>/translate/", view(self.translate_view), name=f"{name}_translate"),
            path("<path:object_id>/review/", view(self.review_view), name=f"{name}_review"),
            path("<path:object_id>/compare/", view(self.compare_choice_view), name=f"{name}_compare_choice"),
            path("<path:object_id>/compare/<int:old_id>/<int:new_id>/", view(self.compare_view), name=f"{name}_compare"),
            path("<path:object_id>/restore/<int:version_id>/", view(self.restore_view), name=f"{name}_restore"),
            *super().get_urls(),
        ]

    REVIEW_STEPS = {
        "submit": lambda version, by, text: services.submit_for_review(version=version, by=by, comment=text),
        "approve": lambda version, by, text: services.approve(version=version, by=by),
        "send_back": lambda version, by, text: services.send_back(version=version, by=by, comment=text),
        "comment": lambda version, by, text: services.add_comment(version=version, by=by, text=text),
        "publish_changes": lambda version, by, text: services.publish_changes(version=version, by=by),
        "discard_changes": lambda version, by, text: services.discard_changes(version=version, by=by),
    }

    def review_view(self, request, object_id):
        """The review panel's buttons: submit for review, approve, send back with a comment, comment."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(Article.objects.select_related("piece"), pk=pk_or_404(Article, object_id))
        step = self.REVIEW_STEPS.get(request.POST.get("step", ""))
        if step is None:
            return HttpResponseBadRequest(_("Unknown review step."))
        try:
            step(article, request.user, request.POST.get("text", "")[:10_000])
        except NotAllowed:
            raise  # a 403
        except DomainError as refusal:
            messages.error(request, str(refusal))
        else:
            done = {"submit": _("Submitted for review."), "approve": _("Approved and published."),
                    "send_back": _("Sent back to the translator with your comment."), "comment": _("Comment added."),
                    "publish_changes": _("The pending changes are live."),
                    "discard_changes": _("The pending changes were discarded; the form shows the live text.")}  # fmt: skip
            messages.success(request, done[request.POST["step"]])
        if not may_read_version(request.user, Article.objects.get(pk=article.pk)):
            return redirect("admin:articles_article_changelist")
        return redirect("admin:articles_article_change", article.pk)

    def review_context(self, request, article):
        """What the review panel under the form offers this person for this version."""
        if not article:
            return {}
        user = request.user
        copy = working_copy_for(request, article) if article.status == Status.PUBLISHED else None
        pending = copy.pending_record if copy else None
        state = lifecycle.state_of(article, pending)
        offered = lifecycle.offered(user, article, state)  # the state machine says what this person may do now
        context = {
            "comments": list(article.comments.select_related("author")[:50]),
            "review_steps": {step: offered[transition] for step, transition in REVIEW_STEP_TRANSITIONS.items()},
            "staged": state.published and may_edit_language(user, article.language),
            "may_publish_here": lifecycle.may(Transition.PUBLISH, user, article.language),
            "version_state": state,
        }
        if pending:

            def settings_of(version):
                when = version.published_at
                return {"slug": version.slug, "published_at": timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else ""}

            live = {**services.texts_of(article), **settings_of(article)}
            changes = {**{name: getattr(copy, name) for name in Article.CONTENT_FIELDS}, "images": copy.pending_usages, **settings_of(copy)}
            fields = [*Article.CONTENT_FIELDS, "images", "slug", "published_at"]
            context.update(pending=pending, pending_diffs=labelled(Article, field_diffs(live, changes, fields)),
                           pending_dir=direction_attrs(article.language).get("dir", "ltr"))  # fmt: skip
        return context

    def export_view(self, request):
        """Choose the language and format of an exchange file for the chosen pieces, then download it."""
        ids = [int(pk) for pk in request.GET.get("ids", request.POST.get("ids", "")).split(",") if pk.isdigit() and len(pk) < 12]
        versions = list(self.get_queryset(request).filter(pk__in=ids).select_related("piece__source"))
        form = ExportForm(request.POST or None, languages=language_choices(request.user, language_codes()))
        if request.method == "POST" and form.is_valid() and versions:
            try:
                name, data, content_type = exchange.export(
                    sources=versions, language=form.cleaned_data["language"], by=request.user, fmt=form.cleaned_data["format"]
                )
            except NotAllowed:
                raise
            except DomainError as refusal:
                form.add_error(None, str(refusal))
            else:
                response = HttpResponse(data, content_type=content_type)
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Export for translation"),
            "form": form,
            "versions": versions,
            "ids": ",".join(str(v.pk) for v in versions),
        }
        return TemplateResponse(request, "admin/articles/article/export.html", context)

    def import_view(self, request):
        """Upload an agency's XLIFF 2 or PO file: drafts created or updated, all or nothing."""
        if not self.has_view_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                done = exchange.import_file(upload=form.cleaned_data["file"], by=request.user)
            except NotAllowed:
                raise
            except DomainError as refusal:
                form.add_error("file", str(refusal))
            else:
                for item in done:
                    current = item.complete and not item.version.is_outdated()
                    if item.created:
                        message = (
                            _("“%(title)s” [%(language)s]: draft created, up to date.")
                            if current
                            else _("“%(title)s” [%(language)s]: draft created, still to finish or outdated.")
                        )
                    else:
                        message = (
                            _("“%(title)s” [%(language)s]: imported, up to date.")
                            if current
                            else _("“%(title)s” [%(language)s]: imported, still to finish or outdated.")
                        )
                    messages.success(request, message % {"title": item.version.title, "language": item.version.language})
                return redirect("admin:articles_article_queue")
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": _("Import translations"), "form": form}
        return TemplateResponse(request, "admin/articles/article/import.html", context)

    def desk_view(self, request):
        """Language × state: how many pieces are missing, drafts, in review, outdated or current, each a link to its list."""
        if is_translator(request.user) or not self.has_view_permission(request):
            raise PermissionDenied(_("The translation desk's overview is for editors; translators have their queue."))
        changelist = reverse("admin:articles_article_changelist")
        rows = []
        for code, row in desk.counts().items():
            cells = []
            for state in desk.STATES:
                query = f"missing={code}" if state == desk.MISSING else f"language__exact={code}&translation={state}"
                cells.append({"state": state, "count": row[state], "url": f"{changelist}?{query}"})
            rows.append({"language": language_info(code), "sources": row[desk.SOURCE], "cells": cells})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Translation desk"),
            "states": desk.STATES,
            "rows": rows,
        }
        return TemplateResponse(request, "admin/articles/article/desk.html", context)

    def queue_view(self, request):
        """What waits in this person's languages, with a way in to each: translate, or open the version."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        jobs = desk.queue(request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("My translation queue") if is_translator(request.user) else _("Translation queue"),
            "jobs": jobs,
        }
        return TemplateResponse(request, "admin/articles/article/queue.html", context)

    def translation_context(self, article):
        if not article:
            return {}
        context = {"preview_url": preview_url(article)}
        if not article.is_source:
            source = article.source_version()
            context["source"] = source
            context["source_language"] = language_info(source.language) if source else None
            context["language_dir"] = direction_attrs(article.language)
            if source:
                comparison = desk.compare(source, article)  # the source now and then, read once for all below
                context["words"] = desk.word_counts(source, article, comparison)
                context["source_images"] = image_segments(comparison.now["images"])
                context["side_by_side"] = desk.side_by_side(source, article, comparison)
                if comparison.outdated:
                    diffs = field_diffs(comparison.then, comparison.now, [*Article.CONTENT_FIELDS, "images"]) if comparison.then else None
                    context["outdated_diffs"], context["outdated"] = diffs and labelled(Article, diffs), True
        return context

    def translate_view(self, request, object_id):
        article = get_object_or_404(self.get_queryset(request).select_related("piece__source"), pk=pk_or_404(Article, object_id))
        if not self.has_add_permission(request):
            raise PermissionDenied
        if not may_read_version(request.user, article.piece.source):
            raise PermissionDenied(_("This piece’s source is not published yet: an editor can start its translation."))
        existing = set(Article.objects.filter(piece_id=article.piece_id).values_list("language", flat=True))
        choices = language_choices(request.user, [code for code in language_codes() if code not in existing])
        if request.method == "POST":
            language = request.POST.get("language", "")
            deny_unless_language(request, language) if language in language_codes() else None
            try:
                created = services.create_translation(source=article, language=language, by=request.user)
            except NotAllowed:
                raise
            except DomainError as refusal:
                messages.error(request, str(refusal))
                there = Article.objects.filter(piece_id=article.piece_id, language=language).first()
                return redirect("admin:articles_article_change", there.pk) if there else redirect(request.path)
            name = language_info(language)["name_local"]
            messages.success(request, _("Draft version in %(language)s created: translate it below.") % {"language": name})
            if created.slug != article.slug:
                messages.warning(request, _("The slug “%(slug)s” was taken in this language, so the draft has “%(new)s”.")
                                 % {"slug": article.slug, "new": created.slug})  # fmt: skip
            return redirect("admin:articles_article_change", created.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "choices": choices,
            "chosen": request.GET.get("language", ""),
            "title": _("Add a translation of “%(title)s”") % {"title": article.title},
        }
        return TemplateResponse(request, "admin/articles/article/translate.html", context)

    def compare_view(self, request, object_id, old_id, new_id):
        article = self.viewable_version(request, object_id)
        versions = Version.objects.get_for_object(article).select_related("revision__user")
        old, new = get_object_or_404(versions, pk=old_id), get_object_or_404(versions, pk=new_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "old": old,
            "new": new,
            "diffs": labelled(Article, field_diffs(services.texts_kept(old), services.texts_kept(new), COMPARED_FIELDS)),
            "direction": direction_attrs(article.language).get("dir", "ltr"),
            "title": _("Changes in “%(title)s”") % {"title": article.title},
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def compare_choice_view(self, request, object_id):
        """The history's "compare the two chosen revisions": any two, older first."""
        article = self.viewable_version(request, object_id)
        chosen = [request.GET.get(name, "") for name in ("old", "new")]
        if not all(value.isdigit() and len(value) < 12 for value in chosen) or chosen[0] == chosen[1]:
            return HttpResponseBadRequest(_("Choose two different revisions to compare."))
        ids = set(Version.objects.get_for_object(article).filter(pk__in=chosen).values_list("pk", flat=True))
        if len(ids) != 2:
            return HttpResponseBadRequest(_("These revisions are not revisions of this version."))
        old, new = sorted(int(value) for value in chosen)
        return redirect("admin:articles_article_compare", article.pk, old, new)

    def restore_view(self, request, object_id, version_id):
        """Restore a revision: a GET (or a POST without `confirm`) asks first, saying what the restore will do."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        article = self.viewable_version(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(article).select_related("revision"), pk=version_id)
        if request.method == "GET" or request.POST.get("confirm") != "yes":
            return self.restore_confirmation(request, article, version)
        try:
            services.restore_revision(version=article, revision_version=version, by=request.user)
        except NotAllowed:
            raise
        except DomainError as refusal:
            messages.error(request, _("Not restored: %(reason)s") % {"reason": refusal})
            return redirect("admin:articles_article_history", article.pk)
        if PendingChange.objects.filter(version_id=article.pk).exists():  # a live version: the restore is pending
            messages.success(
                request, _("The revision is now this version’s pending changes: readers keep the live text until they are published.")
            )
        else:
            messages.success(request, _("Revision restored. The text before the restore is kept in the history."))
        return redirect("admin:articles_article_change", article.pk)

    def restore_confirmation(self, request, article, version):
        """What the restore of `version` will change, compared with the text the form edits now (pending changes included)."""
        state = lifecycle.state_of(article)
        copy = working_copy_for(request, article) if state.has_pending else None
        now = {**services.texts_of(copy or article), "slug": (copy or article).slug}
        if copy is not None:
            now["images"] = copy.pending_usages
        kept = services.texts_kept(version)
        fields = [*Article.CONTENT_FIELDS, "images", "slug"]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "kept": version,
            "state": state,
            "diffs": labelled(Article, field_diffs(now, kept, fields)),
            "direction": direction_attrs(article.language).get("dir", "ltr"),
            "title": _("Restore the revision of %(when)s?") % {"when": date_format(timezone.localtime(version.revision.date_created),
                                                                                   "DATETIME_FORMAT")},
        }  # fmt: skip
        return TemplateResponse(request, "admin/articles/article/restore.html", context)
