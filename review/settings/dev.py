from review.settings.base import *  # noqa: F403

DEBUG = True
INTERNAL_IPS = ["127.0.0.1"]
# Static files straight from static/ while developing; production serves collected, hashed files.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
