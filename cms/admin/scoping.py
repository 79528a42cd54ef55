"""Translators act only in their languages; these pieces make every admin endpoint say so with a 403."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from articles import services
from articles.errors import DomainError
from articles.languages import language_codes, language_info
from articles.policies import is_translator, may_delete, may_edit_language, may_edit_piece, translator_languages


def deny_unless_language(request, language):
    if not may_edit_language(request.user, language):
        raise PermissionDenied(f"You do not translate into “{language}”.")


def deny_forged_languages(request):
    """A translator's POST may only name their languages, in any field or inline row ending in "language"."""
    if request.method == "POST" and is_translator(request.user):
        for key, value in request.POST.items():
            if (key == "language" or key.endswith("-language")) and value:
                deny_unless_language(request, value)


def language_choices(user, codes):
    allowed = translator_languages(user)
    return [(code, language_info(code)["name_local"]) for code in codes if allowed is None or code in allowed]


class LanguageTextsInline:
    """Inline of per-language texts: translators see, add and change only their languages' rows."""

    extra = 0

    def forms_at_most(self):
        return len(language_codes())  # one text per language

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        languages = translator_languages(request.user)
        return queryset if languages is None else queryset.filter(language__in=languages)

    def has_delete_permission(self, request, obj=None):
        return not is_translator(request.user) and super().has_delete_permission(request, obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "language":
            return forms.ChoiceField(choices=language_choices(request.user, language_codes()), label=db_field.verbose_name)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        label=gettext_lazy("Merge into"),
        empty_label=gettext_lazy("Choose…"),  # nothing chosen for the editor: Enter alone merges into nothing
        widget=forms.Select(attrs={"autofocus": True}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = candidates


class TaxonomyEvents:
    """Sections, kinds, authors and tags are written by the services (policy, listing index, search, change event):
    the admin hands them what its forms read, the thing and its texts in one call; deletes, bulk ones included; and
    "Merge selected into…", whose pieces move in the background."""

    actions = ["merge_selected"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not (may_edit_piece(request.user) and may_delete(request.user)):
            actions.pop("merge_selected", None)
        return actions

    @admin.action(description=gettext_lazy("Merge selected into…"))
    def merge_selected(self, request, queryset):
        """Choose the one the selected go into (for tags, of their language), then start a merge job for each."""
        opts = self.model._meta
        sources = list(queryset)
        if not sources:  # a second tab, after the first merged them
            self.message_user(request, _("The selected items no longer exist: they were merged or deleted meanwhile."), messages.WARNING)
            return None
        languages = {getattr(source, "language", None) for source in sources}
        if len(languages) > 1:
            self.message_user(request, _("Tags of different languages cannot be merged: select tags of one language."), messages.ERROR)
            return None
        candidates = self.get_queryset(request).exclude(pk__in=[source.pk for source in sources])
        if languages != {None}:
            candidates = candidates.filter(language__in=languages)
        form = MergeForm(request.POST if "into" in request.POST else None, candidates=candidates)
        if form.is_bound and form.is_valid():
            into = form.cleaned_data["into"]
            pieces = services.pieces_of(sources)  # each once, though it had two of them
            try:
                with transaction.atomic():
                    for source in sources:
                        services.merge_taxonomy(source=source, into=into, by=request.user)
            except DomainError as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
                return None
            done = ngettext(
                "Merging %(names)s into “%(into)s”: %(count)s piece moves in the background; then the merged pages lead to its page.",
                "Merging %(names)s into “%(into)s”: %(count)s pieces move in the background; then the merged pages lead to its page.",
                pieces,
            ) % {"names": ", ".join(f"“{source}”" for source in sources), "into": into, "count": f"{pieces:,}"}
            url = reverse("admin:articles_fanout_changelist") + "?kind__exact=merge"
            self.message_user(request, format_html('{} <a href="{}">{}</a>', done, url, _("Follow its progress.")), messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge %(things)s") % {"things": opts.verbose_name_plural},
            "opts": opts,
            "sources": sources,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/articles/merge.html", context)

    def save_model(self, request, obj, form, change):
        pass  # in save_related, with the texts, in one service call

    def save_related(self, request, form, formsets, change):
        texts, deleted = [], []
        for formset in formsets:
            texts += formset.save(commit=False)
            deleted += formset.deleted_objects
        services.save_taxonomy(instance=form.instance, by=request.user, texts=texts, deleted_texts=deleted)
        job = services.fan_out_of(form.instance)
        if job is not None and not job.finished_at:  # the rest happens in the background: say so, and where to follow it
            done = ngettext(
                "The search words of the %(count)s piece that shows it are being updated in the background.",
                "The search words of the %(count)s pieces that show it are being updated in the background.",
                job.total,
            ) % {"count": f"{job.total:,}"}
            url = reverse("admin:articles_fanout_change", args=[job.pk])
            self.message_user(request, format_html('{} <a href="{}">{}</a>', done, url, _("Follow its progress.")))

    def delete_model(self, request, obj):
        services.delete_taxonomy(instance=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        services.delete_taxonomies(instances=queryset, by=request.user)


class TranslatedThingAdmin(TaxonomyEvents):
    """Sections, kinds, authors: translators may edit their languages' texts, never the thing itself."""

    translator_readonly_fields = ()

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*fields, *self.translator_readonly_fields] if is_translator(request.user) else fields

    def has_add_permission(self, request):
        return not is_translator(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return not is_translator(request.user) and super().has_delete_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        deny_forged_languages(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if is_translator(request.user):
            changelist.list_editable = ()
        return changelist

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and is_translator(request.user) and ("_save" in request.POST or "action" in request.POST):
            raise PermissionDenied("Translators cannot change this list.")
        return super().changelist_view(request, extra_context)
