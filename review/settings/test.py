import tempfile

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests never write into the working tree; tests/conftest.py gives each test its own MEDIA_ROOT.
MEDIA_ROOT = Path(tempfile.gettempdir()) / "review-test-media"  # noqa: F405
REVIEW_SERVE_MEDIA = True
STATIC_ROOT = Path(tempfile.gettempdir()) / "review-test-static"  # noqa: F405
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
