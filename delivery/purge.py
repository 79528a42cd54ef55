"""Purge: the URLs and keys a change event names (delivery.pagecache), and nothing else.

The page cache is purged at once, in the process that made the change (one cache write for all
paths); caching proxies are told by the background queue, through the backends in
`REVIEW_PURGE_BACKENDS` (none for the embedded default).
"""

import time

from django.conf import settings
from django.core.cache import cache

from articles.jobs import enqueue
from delivery.pagecache import move_purge_clock, stamp_key


def purge_paths(paths):
    """Make every stored page of these paths (any query string), and every page carrying one of these keys, stale:
    one cache write, one stamp per name."""
    paths = set(paths)
    if not paths:
        return
    now = time.time()
    # A stamp outlives every page stored before it: a page made before the purge can never be used again.
    cache.set_many({stamp_key(path): now for path in paths}, settings.REVIEW_PAGE_CACHE_SECONDS + 60)
    move_purge_clock()  # after the stamps: a process that sees the clock unmoved has read every stamp before this purge


def on_change(sender, event, **kwargs):
    purge_paths(event.urls)
    if settings.REVIEW_PURGE_BACKENDS and event.urls:
        enqueue("delivery.purge_proxies", sorted(event.urls))
