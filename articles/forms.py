from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .languages import current_language
from .models import Article, Kind, Section


class ArticleFilterForm(forms.Form):
    """The query string of the article list; anything not offered in the choices is refused."""

    kind = forms.ChoiceField(label=pgettext_lazy("article kind", "Kind"), required=False)
    section = forms.ChoiceField(label=_("Section"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = current_language()
        self.kinds = {kind.key: kind for kind in Kind.objects.prefetch_related("texts")}
        self.sections = {}
        for section in Section.objects.prefetch_related("texts"):
            text = section.text_for(language)
            if text:
                self.sections[text.slug] = section
        years = Article.objects.listed_in(language).dates("published_at", "year", order="DESC")
        self.fields["kind"].choices = [("", _("All kinds"))] + [(key, str(kind)) for key, kind in self.kinds.items()]
        self.fields["section"].choices = [("", _("All sections"))] + [
            (slug, section.text_for(language).name) for slug, section in self.sections.items()
        ]
        self.fields["year"].choices = [("", _("All years"))] + [(str(d.year), str(d.year)) for d in years]

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("kind"):
            queryset = queryset.filter(kind=self.kinds[data["kind"]])
        if data.get("section"):
            queryset = queryset.filter(section=self.sections[data["section"]])
        if data.get("year"):
            queryset = queryset.in_year(data["year"])
        return queryset

    def error_message(self):
        return " ".join(f"{self.fields[name].label}: {' '.join(errors)}" for name, errors in self.errors.items())
