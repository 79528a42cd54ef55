import tempfile

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Uploads made by tests never touch the working tree.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="review-test-media-"))  # noqa: F405
REVIEW_SERVE_MEDIA = True
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="review-test-static-"))  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
