"""The configured languages: one place that reads settings.LANGUAGES."""

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

_codes: tuple[object, tuple[str, ...]] = (None, ())


def language_codes():
    """The codes of settings.LANGUAGES, in order (read once per LANGUAGES object: every request asks, often)."""
    global _codes
    languages = settings.LANGUAGES
    if _codes[0] is not languages:
        _codes = (languages, tuple(code for code, _name in languages))
    return list(_codes[1])


def default_language():
    """The default source language; a callable so migrations do not freeze its value."""
    return settings.LANGUAGE_CODE


def current_language():
    language = get_language() or settings.LANGUAGE_CODE
    return language if language in language_codes() else settings.LANGUAGE_CODE


def validate_language(value):
    if value not in language_codes():
        raise ValidationError(_("“%(value)s” is not one of the site’s languages."), params={"value": value})


def language_info(code):
    """Name in the language itself and text direction, for labels, switchers and `dir` (a fresh dict: callers add to it)."""
    return dict(_language_info(code))


@lru_cache(maxsize=512)
def _language_info(code):
    info = get_language_info(code)
    return {"code": code, "name_local": info["name_local"], "bidi": info["bidi"]}


def language_order(code):
    codes = language_codes()
    return codes.index(code) if code in codes else len(codes)
