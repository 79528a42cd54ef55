"""The article admin: the editors' and translators' daily tool."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.admin import VersionAdmin
from reversion.models import Version

from .. import services, taxonomy
from ..diff import field_diffs, labelled
from ..errors import DomainError, NotAllowed
from ..languages import current_language, language_codes, language_info, language_order
from ..models import Article, ArticleImage
from ..policies import is_translator, may_delete, may_edit_piece, may_publish, may_read_version, may_view_history, readable_versions
from .forms import ArticleAdminForm
from .hardening import HardenedAdmin, TabularInline, pk_or_404
from .scoping import deny_forged_languages, deny_unless_language, language_choices

COMPARED_FIELDS = ["title", "slug", "standfirst", "body", "status", "published_at"]


def preview_url(article):
    with translation.override(article.language):
        return reverse("articles:preview", kwargs={"pk": article.pk})


class ArticleImageInline(TabularInline):
    model = ArticleImage
    extra = 0
    autocomplete_fields = ["image"]
    fields = ["image", "alt_text", "decorative", "caption", "order"]


class TranslationStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("translation state")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [("outdated", _("Outdated translations")), ("current", _("Up-to-date translations")), ("source", _("Sources"))]

    def queryset(self, request, queryset):
        queryset = queryset.alias(source_revision=F("piece__source__content_revision"), made_from=Coalesce("translated_from_revision", 0))
        translations = queryset.exclude(piece__source=F("pk"))
        if self.value() == "outdated":
            return translations.filter(made_from__lt=F("source_revision"))
        if self.value() == "current":
            return translations.filter(made_from__gte=F("source_revision"))
        if self.value() == "source":
            return queryset.filter(piece__source=F("pk"))
        return queryset


class TagFilter(admin.SimpleListFilter):
    title = gettext_lazy("tag")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        from ..models import Tag

        used = Tag.objects.filter(tagged_articles__content_object__in=model_admin.get_queryset(request)).distinct()
        return [(str(tag.pk), f"{tag.name} [{tag.language}]") for tag in used]

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
        for article in self.result_list:
            article.siblings = sorted(siblings.get(article.piece_id, []), key=lambda sibling: language_order(sibling.language))


@admin.register(Article)
class ArticleAdmin(HardenedAdmin, VersionAdmin):
    form = ArticleAdminForm
    list_display = ["title", "language", "status", "published_at", "section", "kind", "translation_state", "links"]
    list_filter = ["language", "status", "piece__section", "piece__kind", TranslationStateFilter, TagFilter]
    search_fields = ["title", "standfirst"]
    date_hierarchy = "published_at"
    list_select_related = ["piece"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ArticleImageInline]
    actions = ["publish_selected", "unpublish_selected", "make_source_selected", "delete_selected"]
    change_form_template = "admin/articles/article/change_form.html"

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["language", "title", "slug", "standfirst", "body"]}),
            (_("Publication"), {"fields": ["status", "published_at", "existing_tags", "new_tags"]}),
            (_("Shared by every language version"), {"fields": ["section", "kind", "authors"]}),
            (None, {"fields": ["seen_edit_version"], "classes": ["hidden"]}),
        ]
        if obj and not obj.is_source:
            fieldsets.insert(0, (_("Translation"), {"fields": ["mark_up_to_date"]}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["fields"] = None  # fields come from the form class and fieldsets
        base = super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(base):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, request=request, **form_kwargs)

        return RequestForm

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

    @admin.display(description=gettext_lazy("translations"))
    def translation_state(self, article):
        siblings = getattr(article, "siblings", [])
        source = next((s for s in siblings if s.pk == article.piece.source_id), None)

        def label(sibling):
            is_source = sibling is source
            outdated = source and not is_source and (sibling.translated_from_revision or 0) < source.content_revision
            marker = _("source") if is_source else (_("outdated") if outdated else "")
            css = "review-outdated" if outdated else ""
            return (css, sibling.language, f" ({marker})" if marker else "")

        return format_html_join(" ", '<span class="{}">{}{}</span>', (label(s) for s in siblings))

    @admin.display(description=gettext_lazy("links"))
    def links(self, article):
        preview = format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', preview_url(article), _("Preview"))
        if article.is_published():
            return format_html('{} · <a href="{}">{}</a>', preview, article.get_absolute_url(), _("View on site"))
        return preview

    def view_on_site(self, article):
        return article.get_absolute_url() if article.is_published() else None

    # Scope: translators act in their languages only, on every endpoint -----------------------

    def has_delete_permission(self, request, obj=None):
        return may_delete(request.user) and super().has_delete_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        article = self.get_object(request, unquote(object_id)) if object_id else None
        if object_id and article is None:  # not readable, or gone: name the rule rather than pretend it is gone
            language = Article.objects.filter(pk=pk_or_404(Article, unquote(object_id))).values_list("language", flat=True).first()
            if language:
                deny_unless_language(request, language)
        if article:
            deny_unless_language(request, article.language)
        deny_forged_languages(request)
        context = {**(extra_context or {}), **self.translation_context(article)}
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

    def changelist_view(self, request, extra_context=None):
        # An action this person is not offered is refused (403), not silently ignored.
        if request.method == "POST" and "action" in request.POST and request.POST["action"] not in self.get_actions(request):
            raise PermissionDenied(_("You may not run this action."))
        return super().changelist_view(request, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not may_publish(request.user):
            actions.pop("publish_selected", None)
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
                mark_current=bool(form.cleaned_data.get("mark_up_to_date")), **common,
            )  # fmt: skip
        else:
            saved = services.create_piece(language=form.cleaned_data["language"], **common)
        form.instance.pk, form.instance.piece_id = saved.pk, saved.piece_id

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
        count = services.publish(versions=queryset, by=request.user)
        self.message_user(request, _("%(count)d versions published.") % {"count": count}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Unpublish selected versions"))
    def unpublish_selected(self, request, queryset):
        count = services.unpublish(versions=queryset, by=request.user)
        self.message_user(request, _("%(count)d versions unpublished.") % {"count": count}, messages.SUCCESS)

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
            path("<path:object_id>/translate/", view(self.translate_view), name=f"{name}_translate"),
            path("<path:object_id>/compare/<int:old_id>/<int:new_id>/", view(self.compare_view), name=f"{name}_compare"),
            path("<path:object_id>/restore/<int:version_id>/", view(self.restore_view), name=f"{name}_restore"),
            *super().get_urls(),
        ]

    def translation_context(self, article):
        if not article:
            return {}
        context = {"preview_url": preview_url(article)}
        if not article.is_source:
            source = article.source_version()
            context["source"] = source
            context["source_language"] = language_info(source.language) if source else None
            if source and article.is_outdated():
                then = services.source_text_at(source, article.translated_from_revision)
                now = {field: getattr(source, field) for field in Article.CONTENT_FIELDS}
                context["outdated_diffs"] = labelled(Article, field_diffs(then, now, Article.CONTENT_FIELDS)) if then else None
                context["outdated"] = True
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
            "title": _("Add a translation of “%(title)s”") % {"title": article.title},
        }
        return TemplateResponse(request, "admin/articles/article/translate.html", context)

    def compare_view(self, request, object_id, old_id, new_id):
        article = self.viewable_version(request, object_id)
        versions = Version.objects.get_for_object(article).select_related("revision__user")
        old, new = get_object_or_404(versions, pk=old_id), get_object_or_404(versions, pk=new_id)
        as_text = lambda version: {field: str(version.field_dict.get(field) or "") for field in COMPARED_FIELDS}  # noqa: E731
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "old": old,
            "new": new,
            "diffs": labelled(Article, field_diffs(as_text(old), as_text(new), COMPARED_FIELDS)),
            "title": _("Changes in “%(title)s”") % {"title": article.title},
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, object_id, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.viewable_version(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(article), pk=version_id)
        try:
            services.restore_revision(version=article, revision_version=version, by=request.user)
        except NotAllowed:
            raise
        except DomainError as refusal:
            messages.error(request, _("Not restored: %(reason)s") % {"reason": refusal})
            return redirect("admin:articles_article_history", article.pk)
        messages.success(request, _("Revision restored. The text before the restore is kept in the history."))
        return redirect("admin:articles_article_change", article.pk)
