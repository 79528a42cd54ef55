"""The publication's own pages (about, contact, editorial policy, reproduction), one text per language."""

from django import forms
from django.contrib import admin
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget

from articles import services
from articles.languages import language_codes
from articles.models import PublicationPage
from articles.policies import translator_languages
from articles.sanitize import sanitize_html
from cms.admin.forms import BODY_EDITOR
from cms.admin.hardening import ModelAdmin
from cms.admin.scoping import language_choices


class PublicationPageForm(forms.ModelForm):
    class Meta:
        model = PublicationPage
        fields = ["page", "language", "title", "body"]
        widgets = {"body": AdminProseEditorWidget(config=BODY_EDITOR, preset="configurable")}

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"] = forms.ChoiceField(
            label=_("Language"), choices=language_choices(request.user, language_codes()), initial=self.instance.language or None
        )
        if self.instance.pk:
            self.fields["language"].disabled = self.fields["page"].disabled = True  # write another language as a new text

    def clean_body(self):
        body = sanitize_html(self.cleaned_data["body"])
        if not strip_tags(body).strip():
            raise forms.ValidationError(_("A page needs some text."))
        return body


@admin.register(PublicationPage)
class PublicationPageAdmin(ModelAdmin):
    form = PublicationPageForm
    list_display = ["title", "page", "language", "updated_at"]
    list_filter = ["page", "language"]
    search_fields = ["title"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class RequestForm(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, request=request, **inner)

        return RequestForm

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        languages = translator_languages(request.user)
        return queryset if languages is None else queryset.filter(language__in=languages)

    def view_on_site(self, obj):
        return obj.get_absolute_url()

    def save_model(self, request, obj, form, change):
        services.save_publication_page(page=obj, by=request.user)

    def delete_model(self, request, obj):
        services.delete_publication_page(page=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for page in queryset:
            services.delete_publication_page(page=page, by=request.user)
