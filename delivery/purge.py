"""Purge: the URLs a change event names, in every language, and nothing else.

The page cache is purged at once, in the process that made the change (one cache write for all
paths); caching proxies are told by the background queue, through the backends in
`REVIEW_PURGE_BACKENDS` (none for the embedded default).
"""

import secrets

from django.conf import settings
from django.core.cache import cache

from articles.jobs import enqueue
from delivery.pagecache import path_key


def purge_paths(paths):
    """Make every stored page of these paths (any query string) stale, in one cache write."""
    paths = set(paths)
    if not paths:
        return
    token = secrets.token_hex(8)
    # A token outlives every page stored before it: a page made before the purge can never match again.
    cache.set_many({path_key(path): token for path in paths}, settings.REVIEW_PAGE_CACHE_SECONDS + 60)


def on_change(sender, event, **kwargs):
    purge_paths(event.urls)
    if settings.REVIEW_PURGE_BACKENDS and event.urls:
        enqueue("delivery.purge_proxies", sorted(event.urls))
