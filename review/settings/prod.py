"""Production: every secret and host comes from the environment, and a missing or weak one stops start-up."""

import os

from django.core.exceptions import ImproperlyConfigured

from review.settings.base import *  # noqa: F403


def required_env(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable for production.")
    return value


# Placeholders people copy (.env.example, old defaults): refused whatever their length.
PLACEHOLDER_SECRETS = {
    "change-me-to-a-long-random-string",
    "insecure-development-key-do-not-use-in-production",
    "bench-only-secret-key-not-for-production",
    "secret",
    "changeme",
}


def weakness(secret):
    """Why `secret` is too weak to sign sessions, password resets and the staff marker, or None."""
    if secret.lower() in PLACEHOLDER_SECRETS or "change-me" in secret.lower() or secret.startswith("django-insecure-"):
        return "it is a placeholder"
    if len(secret) < 50:
        return f"it has {len(secret)} characters, fewer than 50"
    if len(set(secret)) < 10:
        return f"it uses only {len(set(secret))} different characters"
    return None


SECRET_KEY = required_env("DJANGO_SECRET_KEY")
if weakness(SECRET_KEY):
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY is too weak for production: {weakness(SECRET_KEY)}. Make one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
ALLOWED_HOSTS = [host.strip() for host in required_env("DJANGO_ALLOWED_HOSTS").split(",") if host.strip()]
required_env("DATABASE_URL")
DATABASES = {
    "default": database_options(  # noqa: F405
        dj_database_url.config(conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")), conn_health_checks=True)  # noqa: F405
    )
}
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

DEBUG = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "review.cache.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}


def env_flag(name, default):
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


# HTTPS only, by default; each part can be turned off for a trial without TLS (see .env.example).
SESSION_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES", "1")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_flag("DJANGO_SSL_REDIRECT", "1")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", "1")
SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD", "1")
# Only behind a TLS proxy that sets X-Forwarded-Proto itself may the header be believed.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_flag("DJANGO_TLS_PROXY", "0") else None
# Uploaded files are the web server's or the storage's to serve, not Django's, unless asked.
REVIEW_SERVE_MEDIA = env_flag("REVIEW_SERVE_MEDIA", "0")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
