from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from articles import events, search, selectors, taxonomy
from articles.languages import current_language
from articles.models.listing import ALL


class Choices(BaseChoiceIterator):
    """Choices already in Django's normal form ((value, label) pairs): taken as they are, where a list would be walked
    and copied again on every request (half the filter form's cost)."""

    def __init__(self, pairs):
        self.pairs = pairs

    def __iter__(self):
        return iter(self.pairs)


class ArticleFilterForm(forms.Form):
    """The query string of the article list; anything not offered in the choices is refused."""

    kind = forms.ChoiceField(label=pgettext_lazy("article kind", "Kind"), required=False)
    section = forms.ChoiceField(label=_("Section"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language = current_language()
        words = taxonomy.for_language(self.language)
        self.kinds = words.kinds_by_key
        self.sections = {section.slug: section.id for section in words.sections}
        self.fields["kind"].choices = Choices([("", _("All kinds")), *((key, name) for _id, key, name in words.kinds)])
        events.shown(events.shows_key("k", kind_id) for kind_id, _key, _name in words.kinds)  # their names are options
        self.fields["section"].choices = Choices([("", _("All sections")), *((s.slug, s.name) for s in words.sections)])
        self.fields["year"].choices = Choices([("", _("All years")), *((str(year), str(year)) for year in selectors.years(self.language))])

    def entries(self):
        """The listing rows the filters ask for: the narrowest facet's index range, then the other filters."""
        data = self.cleaned_data if self.is_bound else {}
        section_id, kind_id = self.sections.get(data.get("section")), self.kinds.get(data.get("kind"))
        facet = f"s:{section_id}" if section_id else f"k:{kind_id}" if kind_id else ALL
        return selectors.Listing(self.language, facet, kind=kind_id if section_id and kind_id else None, year=data.get("year"))

    def active(self):
        """(field name, label, chosen value's name) of each filter in use, in the form's order."""
        if not self.is_bound or not self.is_valid():
            return []
        chosen = []
        for name, field in self.fields.items():
            if not hasattr(field, "choices"):
                continue  # the search words: not a filter
            value = self.cleaned_data.get(name)
            if value not in (None, ""):
                names = dict((str(key), label) for key, label in field.choices)
                chosen.append((name, field.label, names.get(str(value), str(value))))
        return chosen

    def carried(self):
        """What of this query another language's listing can keep, as one hashable value (None: nothing): the search
        words, the kind's key, the section's slug here and in every language, the year and the languages showing it."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if not any(data.get(name) for name in ("q", "kind", "section", "year")):
            return None  # nothing to carry over: no other language's taxonomy to read
        kind = data["kind"] if data.get("kind") and data["kind"] in self.kinds else None  # kinds have one key everywhere
        section = taxonomy.for_language(self.language).sections_by_id.get(self.sections.get(data.get("section")))
        year = data.get("year")
        year_languages = frozenset(selectors.languages_with_year(year)) if year else None
        return (data.get("q") or "", kind, section and (section.slug, section.slugs), year, year_languages)

    def error_message(self):
        return " ".join(f"{self.fields[name].label}: {' '.join(errors)}" for name, errors in self.errors.items())


class QueryField(forms.CharField):
    """The reader's search words, cleaned rather than refused: control characters (NUL included) go, and
    an overlong query is cut at a word (`shortened` says so)."""

    def __init__(self, **kwargs):
        super().__init__(strip=False, **kwargs)
        self.validators = []  # no "Null characters are not allowed": they are dropped

    def to_python(self, value):
        query, self.shortened = search.clean_query(value if isinstance(value, str) else "")
        return query


class SearchForm(ArticleFilterForm):
    q = QueryField(label=_("Search for"), required=False)

    field_order = ["q", "section", "kind", "year"]

    def filters(self):
        data = self.cleaned_data
        year = data.get("year")
        return search.Filters(
            section_id=self.sections.get(data.get("section")),
            kind_id=self.kinds.get(data.get("kind")),
            year_bounds=selectors.year_bounds(year) if year else None,
        )


def query_in(language, carried):
    """The query string (a dict) of the same listing in `language`, from ArticleFilterForm.carried(): the words, and
    the filters that exist there."""
    if carried is None:
        return {}
    q, kind, section, year, year_languages = carried
    query = {"q": q} if q else {}
    if kind:
        query["kind"] = kind
    if section:
        query["section"] = dict(section[1]).get(language, section[0])
    if year and language in year_languages:
        query["year"] = year
    return query
