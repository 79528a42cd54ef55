"""Assignments: an editor asks a translator for a piece in a language by a date. The services write and mail."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles import services
from articles.errors import DomainError, NotAllowed
from articles.languages import language_codes, language_info
from articles.models import Assignment, PieceVersion
from articles.policies import TRANSLATORS, is_translator
from cms.admin.hardening import ModelAdmin, SafeAutocompleteSelect
from desk import glossary, tmx
from desk import states as desk
from desk.models import MemoryEntry, Term


class AssignmentForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Language"), choices=[])
    translator = forms.ModelChoiceField(label=_("Translator"), queryset=get_user_model().objects.none())

    class Meta:
        model = Assignment
        fields = ["piece", "language", "translator", "due_on"]
        widgets = {"piece": SafeAutocompleteSelect(Assignment._meta.get_field("piece"), admin.site)}

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if self.instance.pk:
            self.fields.pop("language", None)  # fixed once assigned
        else:
            self.fields["language"].choices = [(code, language_info(code)["name_local"]) for code in language_codes()]
        translators = get_user_model().objects.filter(groups__name=TRANSLATORS, is_active=True).distinct().order_by("username")
        self.fields["translator"].queryset = translators
        self.fields["translator"].help_text = _("Only someone who translates into the language can be assigned.")

    def clean(self):
        cleaned = super().clean()
        refusal = getattr(self.request, "review_refusal", None)
        if refusal is not None:
            if refusal.field in self.fields:
                self.add_error(refusal.field, refusal.message)
            else:
                raise forms.ValidationError(refusal.message)
        return cleaned


class OverdueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue"))]

    def queryset(self, request, queryset):
        return queryset.overdue() if self.value() == "yes" else queryset


@admin.register(Assignment)
class AssignmentAdmin(ModelAdmin):
    form = AssignmentForm
    list_display = ["piece", "language_name", "translator", "due_on", "state", "is_overdue"]
    list_filter = ["language", OverdueFilter, "translator"]
    list_select_related = ["piece__source", "translator"]
    search_fields = ["piece__versions__title", "translator__username"]
    date_hierarchy = "due_on"

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(base):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, request=request, **form_kwargs)

        return RequestForm

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.filter(translator=request.user) if is_translator(request.user) else queryset

    def get_list_filter(self, request):
        return ["language", OverdueFilter] if is_translator(request.user) else self.list_filter

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        keys = {(a.piece_id, a.language) for a in changelist.result_list}
        versions = PieceVersion.objects.filter(piece_id__in={k[0] for k in keys}).select_related("piece")
        states = {(v.piece_id, v.language): v.desk_state for v in desk.with_state(versions) if (v.piece_id, v.language) in keys}
        for assignment in changelist.result_list:
            assignment.desk_state = states.get((assignment.piece_id, assignment.language), desk.MISSING)
        return changelist

    @admin.display(description=_("language"), ordering="language")
    def language_name(self, assignment):
        return language_info(assignment.language)["name_local"] if assignment.language in language_codes() else assignment.language

    @admin.display(description=_("state"))
    def state(self, assignment):
        state = getattr(assignment, "desk_state", None)
        return desk.STATES.get(state, _("Source")) if state else "—"

    @admin.display(description=_("overdue"), boolean=True)
    def is_overdue(self, assignment):
        state = getattr(assignment, "desk_state", None)
        return bool(assignment.due_on and assignment.due_on < timezone.localdate() and state in desk.WAITING)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except NotAllowed:
            raise
        except DomainError as refusal:
            request.review_refusal = refusal  # shown beside the fields, with what was typed
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_readonly_fields(self, request, obj=None):
        return ["piece", "language"] if obj else []  # another piece or language is another assignment

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.assign(piece=obj.piece, language=data.get("language", obj.language), translator=data["translator"],
                                due_on=data.get("due_on"), by=request.user)  # fmt: skip
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        pass

    def delete_model(self, request, obj):
        services.unassign(assignment=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for assignment in queryset:
            services.unassign(assignment=assignment, by=request.user)


# Glossary and translation memory ------------------------------------------------------------------------


class DeskFileForm(forms.Form):
    file = forms.FileField(label=_("File"))


class DeskFiles:
    """An import page (a file in, all or nothing, a message) and an export (the list as filtered, as a download)."""

    import_title = export_name = content_type = ""
    import_help = ""

    def get_urls(self):
        from django.urls import path

        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [path("import/", view(self.import_view), name=f"{name}_import"),
                path("export/", view(self.export_view), name=f"{name}_export"), *super().get_urls()]  # fmt: skip

    def languages_of(self, request):
        from articles.policies import translator_languages

        return translator_languages(request.user)

    def import_view(self, request):
        from django.contrib import messages
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import redirect
        from django.template.response import TemplateResponse

        if not self.may_import(request):
            raise PermissionDenied
        form = DeskFileForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                count = self.read_file(form.cleaned_data["file"].read(self.max_bytes + 1), request)
            except NotAllowed:
                raise
            except DomainError as refusal:
                form.add_error("file", str(refusal))
            else:
                messages.success(request, ngettext("%(count)d entry imported.", "%(count)d entries imported.", count) % {"count": count})
                return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": self.import_title, "form": form,
                   "help": self.import_help}  # fmt: skip
        return TemplateResponse(request, "admin/desk/import.html", context)

    def may_import(self, request):
        return self.has_add_permission(request)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "may_import": self.may_import(request)})

    def export_view(self, request):
        from django.contrib import messages
        from django.core.exceptions import PermissionDenied
        from django.http import HttpResponse
        from django.shortcuts import redirect

        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        try:
            data = self.write_file(changelist.get_queryset(request), request)
        except DomainError as refusal:
            messages.error(request, str(refusal))
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        response = HttpResponse(data, content_type=self.content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.export_name}"'
        return response


@admin.register(Term)
class TermAdmin(DeskFiles, ModelAdmin):
    list_display = ["source_term", "target_term", "status", "source_language", "target_language", "note"]
    list_filter = ["target_language", "status", "source_language"]
    search_fields = ["source_term", "target_term", "note"]
    list_per_page = 100
    fields = ["source_language", "target_language", "source_term", "target_term", "status", "note"]
    change_list_template = "admin/desk/change_list.html"
    import_title, export_name, content_type, max_bytes = _("Import glossary terms (CSV)"), "glossary.csv", "text/csv", 2 * 2**20
    import_help = _("A CSV file in UTF-8 with the header row source_language, target_language, source_term, target_term, "
                    "status (preferred, allowed or forbidden), note. Existing terms are updated. If a row is wrong, nothing is "
                    "imported.")  # fmt: skip

    def read_file(self, data, request):
        return glossary.import_csv(data, languages=self.languages_of(request))

    def write_file(self, queryset, request):
        return glossary.export_csv(queryset)


@admin.register(MemoryEntry)
class MemoryEntryAdmin(DeskFiles, ModelAdmin):
    list_display = ["source_text", "target", "source_language", "target_language", "origin", "note", "recorded_at"]
    list_filter = ["target_language", "source_language", "origin"]
    search_fields = ["source_text", "target"]
    list_per_page = 50
    show_full_result_count = False  # the memory holds millions of pairs: no COUNT(*) over all of them per page
    readonly_fields = ["source_language", "target_language", "source", "target", "origin", "piece", "note", "recorded_at"]
    fields = readonly_fields
    change_list_template = "admin/desk/change_list.html"
    import_title, content_type, max_bytes = _("Import a translation memory (TMX 1.4)"), "application/x-tmx+xml", 50 * 2**20
    export_name = "review-memory.tmx"
    import_help = _("A TMX 1.4 file from a CAT tool: each unit's text in the header's source language is paired with its other "
                    "languages; inline codes become markup. If the file is wrong, nothing is imported.")  # fmt: skip

    def has_add_permission(self, request):  # entries come from reviews and imports, not from a form
        return False

    def may_import(self, request):
        return request.user.has_perm("desk.add_memoryentry")

    def has_change_permission(self, request, obj=None):
        return False

    def read_file(self, data, request):
        return tmx.import_tmx(data, languages=self.languages_of(request))

    def write_file(self, queryset, request):
        from articles.errors import RuleBroken

        languages = list(queryset.order_by().values_list("source_language", flat=True).distinct()[:2])
        if len(languages) > 1:
            raise RuleBroken(_("Choose one source language (the filter on the right) to export."))
        return tmx.export(queryset.order_by("pk")[:200_000], source_language=languages[0] if languages else "en")
