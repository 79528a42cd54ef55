"""The page cache: anonymous GETs of reader pages come from the cache; change events purge exactly their URLs.

A page is stored under its path and query string. Each path also has a version token, which a
purge replaces (`purge.purge_paths`): a stored page is used only while the token it was made under
is still the path's token, so one purge makes every query-string variant of that path stale at once,
in one cache write per path and without scanning keys. The token is read *before* the page is
rendered, so a page rendered while a purge happens is stored under the old token and never used.
Page and token are read in one round trip.

Bypassed: anything but GET and HEAD, the admin, media and static files, and every request that
carries a session or CSRF cookie (staff) or credentials; those reader responses are marked
`private, no-store`. Stored: 200 responses without Set-Cookie, with no Cache-Control that forbids
it (previews send `no-store`), varying on nothing but Accept-Encoding.

A page may also depend on *keys*, names of things it shows beside its own content (the related cards of
an article page depend on `related:<language>:<facet>`): the view calls `request.review_depends_on(keys)`
before it reads them, which reads their tokens, and the page is used only while those are unchanged
too. Change events name keys beside paths (`events.related_key`), and a purge replaces their tokens as
it does a path's: one write, however many pages show the thing. The keys go out in `X-Review-Keys` for
a caching proxy to ban by (delivery.backends.VarnishBan). So that a hit stays one round trip, the key tokens are
read with the page: the site chrome's key from the path's language, the others from what this process last saw
the path's page depend on (`LearnedKeys`, a bounded memory; a hint only, since a page whose keys it does not
know costs one more round trip, never a stale answer).

A scheduled go-live needs no clock: when the next one known (`selectors.epoch`) has passed, the
first request runs the go-live announcement, whose events purge what it changes.
"""

import hashlib
import time
from urllib.parse import unquote

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import cc_delim_re, get_max_age, patch_cache_control, patch_response_headers, set_response_etag
from django.utils.http import http_date

from articles import selectors

PAGE_PREFIX = "review:page:"
VERSION_PREFIX = "review:page-version:"
GO_LIVE_LOCK = "review:go-live-lock"
IDENTITY_HEADERS = ("HTTP_AUTHORIZATION",)
STATUS_HEADER = "X-Review-Cache"
KEYS_HEADER = "X-Review-Keys"


def path_key(path):
    """Paths as events name them (IRI-escaped by reverse()) and as requests carry them (decoded) meet here."""
    return VERSION_PREFIX + hashlib.sha256(unquote(path).encode()).hexdigest()[:32]


def page_key(request):
    query = request.META.get("QUERY_STRING", "")
    identity = f"{request.get_host()}\0{unquote(request.path)}\0{query}"
    return PAGE_PREFIX + hashlib.sha256(identity.encode(errors="replace")).hexdigest()[:40]


class LearnedKeys:
    """The keys each path's page was last stored with, as this process saw them: at most `limit` paths, the
    oldest forgotten first. A wrong or missing hint costs a round trip, never correctness."""

    def __init__(self, limit=20_000):
        self.limit, self.paths = limit, {}

    def get(self, path):
        return self.paths.get(path, ())

    def learn(self, path, keys):
        keys = tuple(sorted(keys or ()))
        if self.paths.get(path) == keys:
            return
        self.paths.pop(path, None)
        if len(self.paths) >= self.limit:
            del self.paths[next(iter(self.paths))]  # dicts keep insertion order: the oldest goes
        self.paths[path] = keys


learned_keys = LearnedKeys()


def likely_keys(path):
    """The keys a page at `path` probably depends on: its language's site chrome (events.chrome_key), which every
    reader page carries, and the keys its page was last stored with (related cards: `related:<language>:<facet>`)."""
    from articles.events import chrome_key
    from articles.languages import language_codes

    path = unquote(path)
    language = path.split("/", 2)[1] if path.count("/") >= 2 else ""
    chrome = [chrome_key(language)] if language in language_codes() else []
    return chrome + [key for key in learned_keys.get(path) if key not in chrome]


def is_reader_path(path):
    return not path.startswith(tuple(settings.REVIEW_PAGE_CACHE_EXCLUDE))


def has_identity(request):
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME in cookies
        or settings.CSRF_COOKIE_NAME in cookies
        or any(header in request.META for header in IDENTITY_HEADERS)
    )


def storable(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = {part.split("=")[0].strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", "")) if part}
    if control & {"private", "no-store", "no-cache"} or get_max_age(response) == 0:
        return False
    varies = {part.strip().lower() for part in cc_delim_re.split(response.get("Vary", "")) if part.strip()}
    return varies <= {"accept-encoding"}


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_reader_path(request.path):
            return self.get_response(request)
        staff = has_identity(request)
        if request.method not in ("GET", "HEAD") or staff or not settings.REVIEW_PAGE_CACHE:
            response = self.get_response(request)
            if staff and "Cache-Control" not in response:
                patch_cache_control(response, private=True, no_store=True)  # staff: never in a shared cache
            return response

        entry_key, version_key = page_key(request), path_key(request.path)
        # The tokens of the keys the page probably depends on come in the same round trip as the page.
        hinted = [path_key(key) for key in likely_keys(request.path)]
        found = cache.get_many([entry_key, version_key, selectors.GENERATION_KEY, selectors.UNANNOUNCED_KEY, *hinted])
        if self.go_live_passed(found):
            found = cache.get_many([entry_key, version_key, *hinted])  # the announcement purged what it changed
        version, entry = found.get(version_key), found.get(entry_key)
        known = {name: found.get(name) for name in hinted}
        if entry is not None and entry["version"] == version and self.keys_unchanged(entry.get("keys"), known):
            learned_keys.learn(unquote(request.path), entry.get("keys"))  # another process may have stored it
            return self.replay(entry)

        depends = {}
        request.review_depends_on = lambda keys: depends.update(self.key_tokens(keys))
        response = self.get_response(request)
        if storable(response):
            self.mark_public(response)
            if depends:
                response[KEYS_HEADER] = " ".join(sorted(depends))
            content = response.content
            headers = [(name, value) for name, value in response.items() if name.lower() != "set-cookie"]
            stored = {"version": version, "status": response.status_code, "headers": headers, "content": content,
                      "created": time.time(), "keys": depends}  # fmt: skip
            cache.set(entry_key, stored, settings.REVIEW_PAGE_CACHE_SECONDS)
            learned_keys.learn(unquote(request.path), depends)
            response[STATUS_HEADER] = "miss"
        return response

    @staticmethod
    def key_tokens(keys):
        """{key: its token now} (None for a key never purged), read before the view reads what the keys name."""
        keys = set(keys)
        found = cache.get_many([path_key(key) for key in keys])
        return {key: found.get(path_key(key)) for key in keys}

    @classmethod
    def keys_unchanged(cls, keys, known=None):
        """Whether every key's token is still the one the page was stored under; `known`: tokens already read
        ({path_key(key): token}), so that only the others cost a round trip."""
        if not keys:
            return True
        known = known or {}
        rest = [key for key in keys if path_key(key) not in known]
        tokens = {key: known[path_key(key)] for key in keys if path_key(key) in known} | (cls.key_tokens(rest) if rest else {})
        return tokens == keys

    @staticmethod
    def mark_public(response):
        patch_response_headers(response, cache_timeout=settings.REVIEW_BROWSER_MAX_AGE)  # Expires and max-age for browsers
        patch_cache_control(response, public=True, s_maxage=settings.REVIEW_SHARED_MAX_AGE)
        if not response.has_header("ETag"):
            set_response_etag(response)
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date()

    @staticmethod
    def replay(entry):
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response["Age"] = str(max(0, int(time.time() - entry["created"])))
        response[STATUS_HEADER] = "hit"
        return response

    @staticmethod
    def go_live_passed(found):
        """Whether a scheduled go-live has passed unannounced; if so, announce it now (its events purge)."""
        due = selectors.earliest_unannounced(found)
        if not due or due > time.time():
            return False
        if cache.add(GO_LIVE_LOCK, 1, 30):  # one request announces; the others go on
            from articles import services

            try:
                services.go_live_due()
            finally:
                cache.delete(GO_LIVE_LOCK)
        return True
