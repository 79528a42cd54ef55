"""Settings shared by every environment; dev, test and prod override what differs."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-development-key-do-not-use-in-production")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "django_prose_editor",
    "axes",
    "articles",  # the core: models, the version state machine, services, policies, events (app label "articles")
    "library",  # images and the image worker
    "reader",  # the public site
    "desk",  # the translation desk and exchange
    "cms",  # the admin
    "delivery",  # page cache, purge, proxies
    "demo",  # demo content from the seeds
]

MIDDLEWARE = [
    # First: a cached page (stored as the rest of the stack made it, compressed, per encoding) is served before
    # anything else runs; it answers conditional requests itself. It reads no session and sets no cookie.
    "delivery.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "compression_middleware.middleware.CompressionMiddleware",  # brotli, zstd or gzip, as the client accepts
    "django.middleware.http.ConditionalGetMiddleware",  # ETag / Last-Modified: 304
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "review.site.StaffSiteURLMiddleware",  # links in mail lead to the host staff use
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "delivery.staff.StaffMarkerMiddleware",  # staff for the caches: a signed marker, not any session cookie
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "review.security.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "review.urls"
WSGI_APPLICATION = "review.wsgi.application"

# Reader pages are Jinja2 (templates/jinja2/, see review/jinja2.py); the admin stays on Django templates.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "review.jinja2.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "reader.context_processors.site",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reader.context_processors.site",
            ],
        },
    },
]


def database_options(database):
    """PostgreSQL with server-side binding: psycopg sends the parameters apart from the query instead of quoting each
    value into it in Python (a reader page's queries cost ~1-2 ms less at 100,000 versions). Prepared statements stay
    off, as Django leaves them: PostgreSQL's generic plan for a listing query is blind to how unevenly languages and
    facets fill the index, and the filtered list took 39 ms instead of 15 with them. DATABASE_SERVER_SIDE_BINDING=0
    turns binding on the server off."""
    if database["ENGINE"] == "django.db.backends.postgresql" and os.environ.get("DATABASE_SERVER_SIDE_BINDING", "1") == "1":
        database.setdefault("OPTIONS", {})["server_side_binding"] = True
    return database


DATABASES = {
    "default": database_options(
        dj_database_url.config(
            default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        )
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database under concurrent writers (threads of runserver, two editors at once):
    # take the write lock when a transaction starts and wait for it (busy timeout) instead of failing
    # with "locked"; WAL lets readers go on while one writer writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: adding one is a settings change (plus its catalog), never a schema migration.
LANGUAGE_CODE = "en"  # also the default source language of new pieces
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("de", _("German")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Reader search on PostgreSQL: the text search configuration (stemmer) of each language, by code.
# Every configuration PostgreSQL ships is listed; a language missing here is searched with `simple`
# (no stemming). The search migration makes an accent-blind copy of each, `review_<name>`.
REVIEW_SEARCH_CONFIGS = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish", "nl": "dutch", "en": "english",
    "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian",
    "ga": "irish", "it": "italian", "lt": "lithuanian", "ne": "nepali", "nb": "norwegian", "nn": "norwegian",
    "no": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian", "es": "spanish",
    "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}  # fmt: skip
REVIEW_SEARCH_MAX_CHARS = 200  # longer queries are cut (at a word) and the reader is told
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Brussels"

# Publication dates as CLDR patterns (Babel); the default suits most languages.
# English keeps NATO Review's "17 Mar. 2016".
REVIEW_DATE_PATTERNS = {
    "en": "dd MMM. y",
    "de": "dd. MMM y",
}
REVIEW_DEFAULT_DATE_PATTERN = "dd MMM y"

REVIEW_SITE_NAME = "Review"
REVIEW_HOME_LATEST = 9  # cards on the home page
REVIEW_PAGE_SIZE = 12  # pieces per listing page
REVIEW_RELATED = 3  # related pieces under an article
REVIEW_WORDS_PER_MINUTE = 200
# Uploads: the web process checks the header only (format from content, size, pixels, sides);
# the image worker decodes, in a child process bounded in memory and CPU time. The per-format
# caps keep the heaviest encoders (AVIF, WebP) within that memory bound.
REVIEW_IMAGE_MAX_BYTES = 20 * 2**20
REVIEW_IMAGE_MAX_PIXELS = 40_000_000
REVIEW_IMAGE_FORMAT_MAX_PIXELS = {"AVIF": 16_000_000, "WEBP": 16_000_000}
REVIEW_IMAGE_MIN_SIDE = 16
REVIEW_IMAGE_MAX_ASPECT = 25  # longest side ÷ shortest side: a tall infographic fits, a 39999×1 line does not
REVIEW_IMAGE_WORKER_MEMORY = int(os.environ.get("REVIEW_IMAGE_WORKER_MEMORY_MB", "768")) * 2**20
REVIEW_IMAGE_WORKER_SECONDS = int(os.environ.get("REVIEW_IMAGE_WORKER_SECONDS", "120"))
REVIEW_RENDITION_WIDTHS = [320, 640, 960, 1280, 1920]
# The editor-in-chief may let translators publish their own languages' versions.
REVIEW_TRANSLATORS_CAN_PUBLISH = False
# Machine translation in the segment editor (desk.mt): "deepl" or "libretranslate", its API's base URL and key; off
# when no provider is named.
REVIEW_MACHINE_TRANSLATION = {
    "provider": os.environ.get("REVIEW_MT_PROVIDER", ""),
    "url": os.environ.get("REVIEW_MT_URL", ""),
    "key": os.environ.get("REVIEW_MT_KEY", ""),
    "timeout": float(os.environ.get("REVIEW_MT_TIMEOUT", "10")),
}

# The page cache (delivery/pagecache.py): anonymous reader pages, purged exactly by change events.
REVIEW_PAGE_CACHE = os.environ.get("REVIEW_PAGE_CACHE", "1") == "1"
REVIEW_PAGE_CACHE_SECONDS = 3600  # a backstop: change events make pages stale at once
# A fan-out job (articles/services/fanout.py) rests this many times as long as each batch took, so readers keep most
# of the machine, as long as it still ends within REVIEW_FAN_OUT_SECONDS (a bigger job rests less, a huge one not).
REVIEW_FAN_OUT_REST = float(os.environ.get("REVIEW_FAN_OUT_REST", "4"))
REVIEW_FAN_OUT_SECONDS = float(os.environ.get("REVIEW_FAN_OUT_SECONDS", "20"))
# Sitemaps change with every publication anywhere and only crawlers read them: served fresh.
# Seconds to spare between processes' clocks: a page whose render began this soon after a purge is not reused.
REVIEW_PAGE_CACHE_CLOCK_SKEW = float(os.environ.get("REVIEW_PAGE_CACHE_CLOCK_SKEW", "0.1"))
REVIEW_PAGE_CACHE_EXCLUDE = ["/admin/", "/media/", "/static/", "/_bench/", "/sitemap", "/robots.txt"]
REVIEW_SITEMAP_LIMIT = 5000  # versions per sitemap page (the protocol allows 50,000)
REVIEW_BROWSER_MAX_AGE = 60  # browsers cannot be purged: a minute
# Caching proxies told of every change (delivery/backends.py); none for the embedded default.
REVIEW_PURGE_BACKENDS = [b for b in os.environ.get("REVIEW_PURGE_BACKENDS", "").split(",") if b]
REVIEW_PURGE_PROXIES = [p for p in os.environ.get("REVIEW_PURGE_PROXIES", "").split(",") if p]
REVIEW_SHARED_MAX_AGE = 86400 if REVIEW_PURGE_BACKENDS else REVIEW_BROWSER_MAX_AGE  # long only where purged

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_ROOT = BASE_DIR / "static" / "root"  # /favicon.ico, which browsers ask for whatever the page says
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Serve uploads from Django itself; production puts a CDN or proxy in front of /media/.
REVIEW_SERVE_MEDIA = os.environ.get("REVIEW_SERVE_MEDIA", "1") == "1"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Uploads waiting for the image worker: private, never under MEDIA_URL; shared by web and worker.
    "pending": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("REVIEW_PENDING_UPLOADS_ROOT", BASE_DIR / "var" / "pending-uploads")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TAGGIT_CASE_INSENSITIVE = True

LOGIN_URL = "admin:login"

# Login throttling (django-axes) against guessing and credential stuffing: the 6th failure within the cool-off for one
# username, from any addresses, locks that username; the 6th from one address, across usernames, locks that address;
# right password included, until the cool-off ends or an administrator unlocks (the users list's action). A username
# that does not exist is counted and locked alike, so the lock says nothing about who exists. A success resets the
# count. The client is REMOTE_ADDR; X-Forwarded-For counts only behind a proxy the settings name (review/security.py).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("REVIEW_LOGIN_FAILURE_LIMIT", "6"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("REVIEW_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each alone: a username from anywhere, an address for anyone
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "review.security.client_ip"
REVIEW_TRUSTED_PROXY_COUNT = int(os.environ.get("REVIEW_TRUSTED_PROXY_COUNT", "0"))

SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp): nothing inline runs anywhere; the admin's additions are in
# review/security.py. Permissions-Policy: the site uses no powerful browser feature.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],  # the nonce appears only where a page asks for it (the admin's editor)
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# Mail (translators' assignments and source changes), sent by the background queue. Development prints it;
# production sets EMAIL_BACKEND and its EMAIL_* settings from the environment.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Review <desk@review.example>")
REVIEW_SITE_URL = os.environ.get("REVIEW_SITE_URL", "http://127.0.0.1:8000")  # the start of links in mail

# Background work: Celery with Redis as the broker. Without REDIS_URL tasks run in-process
# (eagerly), so the embedded default needs no Redis; production and CI set it.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "go-live-every-minute": {"task": "articles.go_live_due", "schedule": 60.0},
    "resume-fan-outs-every-minute": {"task": "articles.resume_fan_outs", "schedule": 60.0},
    "sweep-pending-uploads-daily": {"task": "articles.sweep_pending_uploads", "schedule": 24 * 3600.0},
}
# Decoding happens in a bounded child of the worker; a worker process that grew anyway is replaced
# after its current job (kilobytes).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 400_000
