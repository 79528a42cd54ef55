"""WSGI entry point; production serves it with gunicorn (see docker-compose.yml).

In front of Django, the page cache's fast path (delivery.pagecache.FastHits): a page this process holds and knows
fresh is answered before Django builds a request or runs a middleware. Around both, `review.warm.FreezeWhenWarm`
keeps the worker's long-lived objects out of the garbage collector's full collections once it is warm.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "review.settings.prod")

application = get_wsgi_application()  # sets Django up: the page cache can be imported after it

from delivery.pagecache import FastHits  # noqa: E402
from review.warm import FreezeWhenWarm  # noqa: E402

application = FreezeWhenWarm(FastHits(application))
