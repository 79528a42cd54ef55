"""The outside bare Django of `make bench`: what `django-admin startproject` makes, minus every app and sessions.

No project app, no database, no template engine; the middleware a new project has that works without
sessions (security, common, CSRF, clickjacking). bench/run.py serves it with the same gunicorn command
and measures it with the same wrk settings as the in-project bare view (bench/urls.py): the in-project
figure shows what Review's settings and middleware cost before a page does anything.
"""

import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "bench-bare-secret-key-for-the-reference-process-only-4Hq8Zt2Wm7Xc")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "bench.bare.urls"
WSGI_APPLICATION = "bench.bare.wsgi.application"
DATABASES: dict[str, dict[str, str]] = {}
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
