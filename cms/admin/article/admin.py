"""The version admin, the editors' and translators' daily tool: the form, its permissions, saving through the services.

Its screens are mixins beside it: the list (changelist), bulk actions, the review panel, the translation desk, the
history with compare and restore; the images inline."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.admin import VersionAdmin

from articles import services
from articles.errors import DomainError, NotAllowed
from articles.models import ArticleImage, PendingChange, PieceVersion, Status
from articles.policies import (
    is_translator,
    may_delete,
    may_edit_language,
    may_read_version,
    may_view_history,
    readable_versions,
)
from cms.admin.article.actions import BulkActions
from cms.admin.article.changelist import (
    MissingLanguageFilter,
    ReviewFilter,
    TagFilter,
    TranslationStateFilter,
    VersionColumns,
    VersionsChangeList,
)
from cms.admin.article.history import HistoryViews
from cms.admin.article.images import ArticleImageInline, pending_images
from cms.admin.article.review import ReviewViews
from cms.admin.article.translation import TranslationViews
from cms.admin.calendar import CalendarViews
from cms.admin.forms import ArticleAdminForm, direction_attrs
from cms.admin.hardening import HardenedAdmin, pk_or_404
from cms.admin.scoping import deny_forged_languages, deny_unless_language


@admin.register(PieceVersion)
class ArticleAdmin(VersionColumns, BulkActions, ReviewViews, TranslationViews, HistoryViews, CalendarViews, HardenedAdmin,
                   VersionAdmin):  # fmt: skip
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
    change_form_template = "admin/articles/pieceversion/change_form.html"

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
            language = (
                PieceVersion.objects.filter(pk=pk_or_404(PieceVersion, unquote(object_id))).values_list("language", flat=True).first()
            )
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

    change_list_template = "admin/articles/pieceversion/change_list.html"

    def changelist_view(self, request, extra_context=None):
        # An action this person is not offered is refused (403), not silently ignored.
        if request.method == "POST" and "action" in request.POST and request.POST["action"] not in self.get_actions(request):
            raise PermissionDenied(_("You may not run this action."))
        return super().changelist_view(request, {**(extra_context or {}), "is_translator": is_translator(request.user)})

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
                return redirect("admin:articles_pieceversion_change", article.pk)
        return super().delete_view(request, object_id, extra_context)

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
            path("<path:object_id>/segments/", view(self.segments_view), name=f"{name}_segments"),
            path("<path:object_id>/review/", view(self.review_view), name=f"{name}_review"),
            path("<path:object_id>/compare/", view(self.compare_choice_view), name=f"{name}_compare_choice"),
            path("<path:object_id>/compare/<int:old_id>/<int:new_id>/", view(self.compare_view), name=f"{name}_compare"),
            path("<path:object_id>/restore/<int:version_id>/", view(self.restore_view), name=f"{name}_restore"),
            *super().get_urls(),
        ]
