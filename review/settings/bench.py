"""`make bench`: production settings with 30 languages and a bare view at /_bench/bare/ (bench/urls.py).

Needs what production needs (DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL); bench/run.py sets
them. Adding languages is a settings change only: the language fields have no choices.
"""

import os
import tempfile
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from review.settings.prod import *  # noqa: F403

# The six site languages first (en is the source language, ar the right-to-left one measured), then
# 24 more; ka ends up with very few versions of its own and mostly shows its sources (fallback).
LANGUAGES = [
    *LANGUAGES,  # noqa: F405
    ("es", _("Spanish")),
    ("it", _("Italian")),
    ("pl", _("Polish")),
    ("nl", _("Dutch")),
    ("pt", _("Portuguese")),
    ("cs", _("Czech")),
    ("sk", _("Slovak")),
    ("hu", _("Hungarian")),
    ("ro", _("Romanian")),
    ("bg", _("Bulgarian")),
    ("hr", _("Croatian")),
    ("sl", _("Slovenian")),
    ("et", _("Estonian")),
    ("lv", _("Latvian")),
    ("lt", _("Lithuanian")),
    ("fi", _("Finnish")),
    ("sv", _("Swedish")),
    ("da", _("Danish")),
    ("nb", _("Norwegian Bokmål")),
    ("el", _("Greek")),
    ("tr", _("Turkish")),
    ("ka", _("Georgian")),
    ("hy", _("Armenian")),
    ("he", _("Hebrew")),
]

ROOT_URLCONF = "bench.urls"
# Served over plain http on loopback: production's HTTPS redirect would measure redirects.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
DEBUG = False
# Collected (hashed) static files and generated pictures stay out of the working tree.
STATIC_ROOT = Path(os.environ.get("REVIEW_BENCH_STATIC_ROOT", Path(tempfile.gettempdir()) / "review-bench-static"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
