import os
import tempfile

from review.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests never write into the working tree; tests/conftest.py gives each test its own MEDIA_ROOT.
MEDIA_ROOT = Path(tempfile.gettempdir()) / "review-test-media"  # noqa: F405
REVIEW_SERVE_MEDIA = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: concurrency tests need SQLite's real locking (memory answers "table is locked").
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"review-test-{os.getpid()}.sqlite3")}  # noqa: F405
STATIC_ROOT = Path(tempfile.gettempdir()) / "review-test-static"  # noqa: F405
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests that are not about the page cache read what they just wrote; tests/delivery turn it on.
REVIEW_PAGE_CACHE = False
REVIEW_FAN_OUT_REST = 0.0  # jobs run straight through (tests/articles/test_jobs.py shows the rest)
# One machine, one clock: a page rendered right after a purge may be reused (the page cache tests ask for a hit).
REVIEW_PAGE_CACHE_CLOCK_SKEW = 0.0
