"""What every admin class here shares so that no value in a URL, query string or form answers 500.

Found by the hostile crawl (tests/test_hostile_crawl.py), fixed as classes:

- Django's autocomplete widgets re-render posted or `?field=` initial values with a query
  (`pk__in=[...]`): a NUL byte or a 30-digit number there is a database error, not a form error.
  The widgets here drop what the target field could never hold before asking.
- A changelist evaluates its filters while it is built; a value the database cannot take
  (integer overflow, NUL on PostgreSQL, a year beyond 9999 in the date hierarchy) becomes
  Django's own "invalid lookup" answer (a redirect to `?e=1`), like any other bad filter.
- A prepopulated field that is read-only for this user (a translator on an author) is not
  prepopulated: Django would look for a form field that is not there.
- An inline builds at most its `max_num` forms, whatever count the posted management form claims:
  Django caps a claimed count only at 1,000 forms, each built, validated and rendered again (five
  seconds of one request for `TOTAL_FORMS=10**30`); beyond the bound it is a form error at once.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import DataError
from django.http import Http404
from js_asset import Media as AssetMedia

BIGINT = range(-(2**63), 2**63)


def storable(field, value):
    """Could `field` hold `value` at all (the database would not refuse it)?"""
    try:
        python = field.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return False
    if isinstance(python, int):
        return python in BIGINT
    if isinstance(python, str):
        return "\x00" not in python
    return True


def pk_or_404(model, object_id):
    """An object id from a URL, as the model's primary key, or a 404."""
    value = unquote(str(object_id))
    if not storable(model._meta.pk, value):
        raise Http404
    return model._meta.pk.to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django checks each value before one `pk__in` query, but not whether the database can hold it."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        field = self.queryset.model._meta.pk if key == "pk" else self.queryset.model._meta.get_field(key)
        for item in value:
            if not storable(field, item):
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item})
        return super()._check_values(value)


class SafeAutocompleteMixin:
    def optgroups(self, name, value, attr=None):
        # The field Django's own AutocompleteMixin looks values up by.
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", self.field.model._meta.pk.attname))
        return super().optgroups(name, [v for v in value if v in ("", None) or storable(target, v)], attr)


class SafeAutocompleteSelect(SafeAutocompleteMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(SafeAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class HardenedFields:
    """For model admins and inlines: autocomplete widgets that never query with an impossible value."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", SafeModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class HardenedAdmin(HardenedFields):
    """Mix into every ModelAdmin (before Django's class)."""

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except (OverflowError, ValueError, DataError) as error:
            raise IncorrectLookupParameters(error) from error

    def render_change_form(self, request, context, *args, **kwargs):
        # The rich text editor's import map is an inline script: it runs under the page's CSP nonce.
        context["media"] = AssetMedia.from_media(context["media"], nonce=request.csp_nonce)
        return super().render_change_form(request, context, *args, **kwargs)

    def get_prepopulated_fields(self, request, obj=None):
        readonly = set(self.get_readonly_fields(request, obj))
        return {field: sources for field, sources in super().get_prepopulated_fields(request, obj).items() if field not in readonly}


class ModelAdmin(HardenedAdmin, admin.ModelAdmin):
    pass


class BoundedInline(HardenedFields):
    """For inlines: never more forms than `forms_at_most()` (see the module's docstring)."""

    def forms_at_most(self):
        return 100

    def get_max_num(self, request, obj=None, **kwargs):
        max_num = super().get_max_num(request, obj, **kwargs)
        return self.forms_at_most() if max_num is None else min(max_num, self.forms_at_most())

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", self.forms_at_most())
        return super().get_formset(request, obj, **kwargs)


class TabularInline(BoundedInline, admin.TabularInline):
    pass


class StackedInline(BoundedInline, admin.StackedInline):
    pass
