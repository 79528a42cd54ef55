"""Purge backends: how caching proxies in front of the site hear of a change (`REVIEW_PURGE_BACKENDS`).

Each has `purge(paths)`; the `delivery.purge_proxies` job calls them with the paths a change event
names. The embedded default configures none.
"""

import logging
import re
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class NoPurge:
    """No proxy in front: nothing to tell."""

    def purge(self, paths):
        return 0


class VarnishBan:
    """Varnish (`delivery/varnish/review.vcl`): one BAN request per batch of paths, to every proxy in
    `REVIEW_PURGE_PROXIES`. The ban covers each path with any query string and nothing else."""

    batch = 40

    def purge(self, paths):
        """`paths` are paths (each with every query string) and keys (no leading "/": pages that carry the key in
        `X-Review-Keys`, as delivery.pagecache marks them)."""
        names = sorted(set(paths))
        keys = [name for name in names if not name.startswith("/")]
        paths = [name for name in names if name.startswith("/")]
        for start in range(0, len(paths), self.batch):
            chunk = paths[start : start + self.batch]
            self.ban({"X-Ban-Url": "^(" + "|".join(re.escape(path) for path in chunk) + r")(\?|$)"})
        for start in range(0, len(keys), self.batch):
            chunk = keys[start : start + self.batch]
            self.ban({"X-Ban-Keys": "(^|,)(" + "|".join(re.escape(key) for key in chunk) + r")(,|$)"})
        logger.info("varnish: banned %d paths and %d keys on %d proxies", len(paths), len(keys), len(settings.REVIEW_PURGE_PROXIES))
        return len(names)

    @staticmethod
    def ban(headers):
        for proxy in settings.REVIEW_PURGE_PROXIES:
            request = urllib.request.Request(proxy.rstrip("/") + "/", method="BAN", headers=headers)
            with urllib.request.urlopen(request, timeout=10) as response:  # an error raises: the job retries
                response.read()


def configured():
    """The backends `REVIEW_PURGE_BACKENDS` names, ready to purge."""
    return [import_string(path)() for path in settings.REVIEW_PURGE_BACKENDS]
