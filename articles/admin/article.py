"""The article admin: the editors' and translators' daily tool."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.admin import VersionAdmin
from reversion.models import Version

from ..diff import field_diffs, labelled
from ..languages import language_codes, language_info, language_order
from ..models import Article, ArticleImage, Status
from ..roles import is_translator, may_publish
from ..services import (
    create_translation,
    mark_translation_current,
    publish,
    remember_moved_url,
    restore_revision,
    set_tags,
    source_text_at,
    unpublish,
)  # fmt: skip
from .forms import ArticleAdminForm
from .scoping import deny_forged_languages, deny_unless_language, language_choices

COMPARED_FIELDS = ["title", "slug", "standfirst", "body", "status", "published_at"]


def preview_url(article):
    with translation.override(article.language):
        return reverse("articles:preview", kwargs={"pk": article.pk})


class ImageUsageFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if self.instance.status != Status.PUBLISHED:
            return
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if (
                data
                and not data.get("DELETE")
                and data.get("image")
                and not data.get("decorative")
                and not data.get("alt_text", "").strip()
            ):
                raise forms.ValidationError(
                    _("Every image of a published version needs alt text, or must be marked decorative: %(image)s")
                    % {"image": data["image"]}
                )


class ArticleImageInline(admin.TabularInline):
    model = ArticleImage
    formset = ImageUsageFormSet
    extra = 0
    autocomplete_fields = ["image"]
    fields = ["image", "alt_text", "decorative", "caption", "order"]


class TranslationStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("translation state")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [("outdated", _("Outdated translations")), ("current", _("Up-to-date translations")), ("source", _("Sources"))]

    def queryset(self, request, queryset):
        source_revision = Subquery(
            Article.objects.filter(translation_key=OuterRef("translation_key"), is_source=True).values("content_revision")[:1]
        )
        queryset = queryset.alias(source_revision=source_revision, made_from=Coalesce("translated_from_revision", 0))
        if self.value() == "outdated":
            return queryset.filter(is_source=False, made_from__lt=F("source_revision"))
        if self.value() == "current":
            return queryset.filter(is_source=False, made_from__gte=F("source_revision"))
        if self.value() == "source":
            return queryset.filter(is_source=True)
        return queryset


class TagFilter(admin.SimpleListFilter):
    title = gettext_lazy("tag")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        from ..models import Tag

        return [(str(tag.pk), f"{tag.name} [{tag.language}]") for tag in Tag.objects.filter(tagged_articles__isnull=False).distinct()]

    def queryset(self, request, queryset):
        return queryset.filter(tagged_items__tag_id=self.value()) if self.value() and self.value().isdigit() else queryset


class VersionsChangeList(ChangeList):
    """Loads every listed version's sibling versions in one query, for the translation state column."""

    def get_results(self, request):
        super().get_results(request)
        keys = {article.translation_key for article in self.result_list}
        siblings = {}
        for sibling in Article.objects.filter(translation_key__in=keys).only(
            "translation_key", "language", "is_source", "content_revision", "translated_from_revision", "status", "published_at"
        ):
            siblings.setdefault(sibling.translation_key, []).append(sibling)
        for article in self.result_list:
            article.siblings = sorted(
                siblings.get(article.translation_key, []),
                key=lambda sibling: language_order(sibling.language),
            )


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    form = ArticleAdminForm
    list_display = ["title", "language", "status", "published_at", "section", "kind", "translation_state", "links"]
    list_filter = ["language", "status", "section", "kind", TranslationStateFilter, TagFilter]
    search_fields = ["title", "standfirst", "body"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["authors", "section", "kind"]
    list_select_related = ["section", "kind"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ArticleImageInline]
    actions = ["publish_selected", "unpublish_selected"]
    change_form_template = "admin/articles/article/change_form.html"

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["language", "title", "slug", "standfirst", "body"]}),
            (_("Publication"), {"fields": ["status", "published_at", "section", "kind", "authors", "existing_tags", "new_tags"]}),
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
        return super().get_queryset(request).prefetch_related("section__texts", "kind__texts")

    def get_changelist(self, request, **kwargs):
        return VersionsChangeList

    # Columns -------------------------------------------------------------------------------

    @admin.display(description=gettext_lazy("translations"))
    def translation_state(self, article):
        siblings = getattr(article, "siblings", [])
        source = next((s for s in siblings if s.is_source), None)

        def label(sibling):
            outdated = source and not sibling.is_source and (sibling.translated_from_revision or 0) < source.content_revision
            marker = _("source") if sibling.is_source else (_("outdated") if outdated else "")
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
        return not is_translator(request.user) and super().has_delete_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        article = self.get_object(request, unquote(object_id)) if object_id else None
        if article:
            deny_unless_language(request, article.language)
        deny_forged_languages(request)
        publishing = request.method == "POST" and request.POST.get("status") == Status.PUBLISHED
        if publishing and not may_publish(request.user) and not (article and article.status == Status.PUBLISHED):
            raise PermissionDenied(_("You may not publish."))
        context = {**(extra_context or {}), **self.translation_context(article)}
        return super().changeform_view(request, object_id, form_url, context)

    def history_view(self, request, object_id, extra_context=None):
        article = get_object_or_404(Article, pk=unquote(object_id))
        deny_unless_language(request, article.language)
        versions = list(Version.objects.get_for_object(article).select_related("revision__user"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": _("History: %(title)s") % {"title": article.title},
            "rows": [(version, versions[i + 1] if i + 1 < len(versions) else None) for i, version in enumerate(versions)],
        }
        return TemplateResponse(request, "admin/articles/article/history.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # reversion's own view reverts the row, edit lock included, before saving; restore_view does not.
        article = get_object_or_404(Article, pk=unquote(object_id))
        deny_unless_language(request, article.language)
        return redirect("admin:articles_article_history", article.pk)

    def recoverlist_view(self, request, extra_context=None):
        if is_translator(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if is_translator(request.user):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        # Checked before Django looks for the action: a translator has none to offer, so a forged
        # POST would otherwise be ignored silently instead of refused.
        if request.method == "POST" and "action" in request.POST and is_translator(request.user):
            selected = [pk for pk in request.POST.getlist(ACTION_CHECKBOX_NAME) if pk.isdigit()]
            for language in set(Article.objects.filter(pk__in=selected).values_list("language", flat=True)):
                deny_unless_language(request, language)
            if request.POST["action"] != "publish_selected" and request.POST["action"] != "unpublish_selected":
                raise PermissionDenied(_("Translators cannot run this action."))
            if not may_publish(request.user):
                raise PermissionDenied(_("You may not publish or unpublish."))
        return super().changelist_view(request, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not may_publish(request.user):
            actions.pop("publish_selected", None)
            actions.pop("unpublish_selected", None)
        return actions

    # Saving ------------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        previous = Article.objects.filter(pk=obj.pk).first() if change else None
        old_url = previous.get_absolute_url() if previous and previous.is_published() else None
        if form.cleaned_data.get("mark_up_to_date"):
            mark_translation_current(translation=obj)
        super().save_model(request, obj, form, change)
        if obj.is_published():
            remember_moved_url(article=obj, old_url=old_url)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        set_tags(article=form.instance, names=form.tag_names())

    # Bulk actions ------------------------------------------------------------------------------

    @admin.action(description=gettext_lazy("Publish selected versions"))
    def publish_selected(self, request, queryset):
        try:
            count = publish(articles=queryset, by=request.user)
        except ValidationError as refusal:
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
            return
        self.message_user(request, _("%(count)d versions published.") % {"count": count}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Unpublish selected versions"))
    def unpublish_selected(self, request, queryset):
        count = unpublish(articles=queryset, by=request.user)
        self.message_user(request, _("%(count)d versions unpublished.") % {"count": count}, messages.SUCCESS)

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
                then = source_text_at(source, article.translated_from_revision)
                now = {field: getattr(source, field) for field in Article.CONTENT_FIELDS}
                context["outdated_diffs"] = labelled(Article, field_diffs(then, now, Article.CONTENT_FIELDS)) if then else None
                context["outdated"] = True
        return context

    def translate_view(self, request, object_id):
        article = get_object_or_404(Article, pk=unquote(object_id))
        if not self.has_add_permission(request):
            raise PermissionDenied
        existing = set(Article.objects.filter(translation_key=article.translation_key).values_list("language", flat=True))
        choices = language_choices(request.user, [code for code in language_codes() if code not in existing])
        if request.method == "POST":
            language = request.POST.get("language", "")
            if language in existing or language not in language_codes():
                messages.error(request, _("Choose a language this piece does not have yet."))
                return redirect(request.path)
            deny_unless_language(request, language)
            created = create_translation(source=article, language=language, by=request.user)
            name = language_info(language)["name_local"]
            messages.success(request, _("Draft version in %(language)s created: translate it below.") % {"language": name})
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
        article = get_object_or_404(Article, pk=unquote(object_id))
        deny_unless_language(request, article.language)
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
        article = get_object_or_404(Article, pk=unquote(object_id))
        deny_unless_language(request, article.language)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(article), pk=version_id)
        if version.field_dict.get("status") == Status.PUBLISHED and article.status != Status.PUBLISHED and not may_publish(request.user):
            raise PermissionDenied(_("Restoring this revision would publish it."))
        restore_revision(article=article, version=version, by=request.user)
        messages.success(request, _("Revision restored. The text before the restore is kept in the history."))
        return redirect("admin:articles_article_change", article.pk)
