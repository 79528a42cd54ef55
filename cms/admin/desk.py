"""Assignments: an editor asks a translator for a piece in a language by a date. The services write and mail."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles import services
from articles.errors import DomainError, NotAllowed
from articles.languages import language_codes, language_info
from articles.models import Assignment, PieceVersion
from articles.policies import TRANSLATORS, is_translator
from cms.admin.hardening import ModelAdmin, SafeAutocompleteSelect
from desk import states as desk


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

    def has_module_permission(self, request):
        return not is_translator(request.user) and super().has_module_permission(request)

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
