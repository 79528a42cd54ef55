"""The page cache: anonymous GETs of reader pages come from the cache; change events purge what they name.

A page is stored under its path and query string, with the time its render began and the *keys* of what it
shows: its path, and the names of things it shows beside its own content, recorded as it renders
(`events.shown`): the pieces on it (`shows:p:<id>`, each card and the piece's own page), the tags, authors and
kinds whose names it prints, the listings it reads (`list:<language>:<facet>`), the language's site chrome
(`chrome:<language>`). A purge stamps each name it is given with the time (`purge.purge_paths`): one cache write
per name, however many pages carry it, so a tag's rename is one write, not a URL per page that shows the tag. A
stored page is used only while no key of it was stamped after its render began; a page rendered while a purge
happens began before the stamp and is never used, so the order in which a render reads data and names keys
does not matter. Stamps are compared with `REVIEW_PAGE_CACHE_CLOCK_SKEW` to spare for processes on other
machines. The keys go out in `X-Review-Keys` for a caching proxy to ban by (delivery.backends.VarnishBan).

So that a hit stays one round trip, the stamps are read with the page: the path's, its language's chrome, and
the others from what this process last saw the path's page carry (`LearnedKeys`, a bounded memory; a hint only,
since a page whose keys it does not know costs one more round trip, never a stale answer).

A hit costs almost nothing: every purge, after its stamps, moves one counter (`CLOCK_KEY`), and each process keeps
the pages it served or stored lately (`LocalCopies`, bounded in bytes) with the counter as it was when it last read
their stamps (or began their render). While the counter has not moved, no purge happened since, and such a copy is
fresh without reading its keys: one read of three small values (the counter and the go-live facts) answers. With
Redis not even that: every purge and every move of the listing generation is also announced on a channel each
process listens to (review.cache.News), and a copy verified since the last news heard is fresh without a round trip
(a poll of the process's own socket); a lost subscription is news too, and until it is back the counter is read.
`FastHits` does that in front of Django (review/wsgi.py), before a request object, a signal or a middleware runs;
the middleware does the same for what reaches it (conditional requests, the test client). A lost counter (the cache
cleared or evicted) starts again at a random value: no copy checked against it is trusted. (A copy checked against
the news needs no counter: whatever changes a page is announced, and a cleared cache changes no page.)

Bypassed: anything but GET and HEAD, the admin, media and static files, and every request from staff (the
signed marker of delivery.staff: a forged session or CSRF cookie is a reader's) or with credentials; those reader
responses are marked `private, no-store`. Stored: 200 responses without Set-Cookie, with no Cache-Control that forbids
it (previews send `no-store`), varying on nothing but Accept-Encoding.

A scheduled go-live needs no clock: when the next one known (`selectors.epoch`) has passed, the
first request runs the go-live announcement, whose events purge what it changes.
"""

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache
from http.client import responses
from urllib.parse import parse_qsl, unquote

from compression_middleware.middleware import compressor
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import DatabaseError
from django.http import HttpResponse, QueryDict
from django.utils.cache import (
    cc_delim_re,
    get_conditional_response,
    get_max_age,
    patch_cache_control,
    patch_response_headers,
    set_response_etag,
)
from django.utils.encoding import iri_to_uri
from django.utils.http import http_date, parse_http_date_safe, urlencode

from articles import events, selectors
from delivery.staff import is_marked
from review.cache import announce_change, changes

logger = logging.getLogger(__name__)

PAGE_PREFIX = "review:page:"
STAMP_PREFIX = "review:stamp:"
CLOCK_KEY = "review:purge-clock"  # moves at every purge (delivery.purge.purge_paths)
GO_LIVE_LOCK = "review:go-live-lock"
IDENTITY_HEADERS = ("HTTP_AUTHORIZATION",)
STATUS_HEADER = "X-Review-Cache"  # hit or miss, for tests and the bench
KEYS_HEADER = "X-Review-Keys"
PATH_HEADER = "X-Review-Path"


@lru_cache(maxsize=65536)  # a hit hashes its page's names twice; the same few thousand names come back all day
def stamp_key(path):
    """Where the time a path or key was last purged is kept. Paths as events name them (IRI-escaped by reverse())
    and as requests carry them (decoded) meet here."""
    return STAMP_PREFIX + hashlib.sha256(unquote(path).encode()).hexdigest()[:32]


# Parameters that only say where a reader came from: no page reads them. Dropped before the page is looked up or
# made, so they never make another copy (or a render: a cache-busting query); review.vcl drops the same ones.
TRACKING_PARAMETERS = frozenset({"fbclid", "gclid", "gbraid", "wbraid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga", "_gl",
                                 "yclid", "igshid", "twclid", "ref_src"})  # fmt: skip


def is_tracking(name):
    name = name.lower()
    return name in TRACKING_PARAMETERS or name.startswith("utm_")


def normal_query(query):
    """The one form of a query string the caches know a page by: tracking parameters dropped, the others in name order
    (the order of one name's values kept), each spelled as Django's urlencode spells it."""
    if not query:
        return ""
    return _normal_query(query) if len(query) <= 512 else _normal_form(query)  # a long one is not remembered


@lru_cache(maxsize=4096)
def _normal_query(query):
    return _normal_form(query)


def _normal_form(query):
    pairs = [(name, value) for name, value in parse_qsl(query, keep_blank_values=True) if not is_tracking(name)]
    return urlencode(sorted(pairs, key=lambda pair: pair[0]))


def normal_path(path):
    """A path in its one escaped form (as reverse() spells it): every spelling of it (%d8 or %D8, raw letters) alike."""
    return iri_to_uri(unquote(path))


def page_key(request):
    """A page as one client gets it: host (in lower case), scheme, path (decoded), query string (`normal_query`), and the
    encoding it accepts (the page is stored compressed, as CompressionMiddleware chose for that client)."""
    query = normal_query(request.META.get("QUERY_STRING", ""))
    encoding = compressor(request.META.get("HTTP_ACCEPT_ENCODING", ""))[0] or "identity"
    identity = f"{request.get_host().lower()}\0{request.scheme}\0{unquote(request.path)}\0{query}\0{encoding}"
    return PAGE_PREFIX + hashlib.sha256(identity.encode(errors="replace")).hexdigest()[:40]


def normalise(request):
    """Make the request's query string its normal form before a view reads it (what the cache stores under it must be
    what that form renders)."""
    raw = request.META.get("QUERY_STRING", "")
    query = normal_query(raw)
    if query != raw:
        request.META["QUERY_STRING"] = query
        request.GET = QueryDict(query)


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
    """The keys a page at `path` probably carries: its language's site chrome (events.chrome_key), which every
    reader page carries, and the keys its page was last stored with in this process."""
    from articles.events import chrome_key
    from articles.languages import language_codes

    path = unquote(path)
    language = path.split("/", 2)[1] if path.count("/") >= 2 else ""
    chrome = [chrome_key(language)] if language in language_codes() else []
    return chrome + [key for key in learned_keys.get(path) if key not in chrome]


@dataclass(frozen=True)
class LocalCopy:
    """A stored page as this process keeps it, ready to send: `verified`, what this process had heard of changes (or the
    purge clock) when the copy was last known fresh."""

    entry: dict
    verified: tuple  # ("heard", count) or ("clock", value): see `held`
    status: str
    headers: tuple
    size: int

    def wsgi_headers(self):
        return [*self.headers, ("Age", str(max(0, int(time.time() - self.entry["created"])))), (STATUS_HEADER, "hit")]


class LocalCopies:
    """The pages this process served or stored lately, at most `limit` bytes of them, the oldest forgotten first."""

    def __init__(self, limit=32 * 2**20):
        self.limit, self.size, self.pages = limit, 0, {}

    def get(self, key):
        return self.pages.get(key)

    def keep(self, key, entry, verified):
        status = f"{entry['status']} {responses[entry['status']]}"
        headers = tuple((str(name), str(value)) for name, value in entry["headers"] if name not in ("Age", STATUS_HEADER))
        if not any(name.lower() == "content-length" for name, _value in headers):
            headers += (("Content-Length", str(len(entry["content"]))),)
        copy = LocalCopy(entry, verified, status, headers, len(entry["content"]) + 1024)
        self.forget(key)
        if copy.size > self.limit:
            return
        while self.pages and self.size + copy.size > self.limit:
            self.forget(next(iter(self.pages)))  # dicts keep insertion order: the oldest goes
        self.pages[key], self.size = copy, self.size + copy.size

    def forget(self, key):
        copy = self.pages.pop(key, None)
        if copy is not None:
            self.size -= copy.size

    def clear(self):
        self.pages, self.size = {}, 0


local_copies = LocalCopies()


def local_hit(request):
    """This process's copy of the page `request` asks for, if it is certainly fresh: no purge since it was last known
    fresh, its backstop lifetime not over, no scheduled go-live due. One cache read (three small values); None
    otherwise, also for requests the page cache does not answer. Touches no database."""
    if request.method not in ("GET", "HEAD") or not settings.REVIEW_PAGE_CACHE or not is_reader_path(request.path):
        return None
    if has_identity(request):
        return None
    try:
        key = page_key(request)
    except DisallowedHost:
        return None  # Django answers it (400)
    return held(key, unquote(request.path))


def held(key, path):
    """The copy this process holds of the page stored under `key`, if it is certainly fresh (see `local_hit`)."""
    copy = local_copies.get(key)
    if copy is None or copy.entry["path"] != path:
        return None
    if copy.entry["created"] + settings.REVIEW_PAGE_CACHE_SECONDS <= time.time():
        return None
    mark = heard_mark()
    if mark is not None:  # nothing announced since the copy was verified, and the go-live known as of then
        if copy.verified != mark or go_live_known.mark != mark:
            return None
        due = go_live_known.due
    else:
        found = cache.get_many([CLOCK_KEY, selectors.GENERATION_KEY, selectors.UNANNOUNCED_KEY])
        if copy.verified != ("clock", found.get(CLOCK_KEY)):
            return None  # a purge since (or a lost clock): the middleware reads the page's stamps
        known, current = found.get(selectors.UNANNOUNCED_KEY), found.get(selectors.GENERATION_KEY)
        if not known or current is None or known[0] != current:
            return None  # nobody knows yet whether a go-live is due: the middleware finds out (and may query)
        due = known[1]
    if due and due <= time.time():
        return None  # a go-live is due: the middleware announces it
    return copy


def heard_mark():
    """What this process has heard of changes (review.cache.changes): every purge and every move of the listing
    generation is announced, so a copy verified at this mark is fresh while the mark stays. None where the cache
    cannot tell (not Redis, or Redis unreachable): then the purge clock is read."""
    news = changes()
    heard = news.heard() if news is not None else None
    return None if heard is None else ("heard", heard)


@dataclass
class GoLiveKnown:
    """When the earliest unannounced go-live is due, as this process learnt it at a heard mark (0: none)."""

    mark: tuple | None = None
    due: float = 0


go_live_known = GoLiveKnown()


class FastHits:
    """WSGI in front of Django: a page this process holds and knows fresh (`local_hit`) is sent from here, before
    Django makes a request object, sends a signal or runs a middleware. Anything else, conditional requests
    included, goes to Django unchanged."""

    CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD") and not any(name in environ for name in self.CONDITIONAL):
            try:
                # A copy: a WSGIRequest writes the decoded path back into the environ it gets, and Django's handler
                # could not decode a path that is not Latin-1 (any Arabic or Georgian address) a second time.
                copy = local_hit(WSGIRequest(dict(environ)))
            except Exception:  # whatever went wrong, Django answers (and reports) it
                logger.exception("page cache: fast path failed")
                copy = None
            if copy is not None:
                start_response(copy.status, copy.wsgi_headers())
                return [b"" if environ["REQUEST_METHOD"] == "HEAD" else copy.entry["content"]]
        return self.application(environ, start_response)


def purge_clock():
    """The purge clock's value, started if the cache lost it: at a random value, so no copy kept against the lost
    clock matches the new one (a time would not do: clocks stand still in tests and go back on machines)."""
    cache.add(CLOCK_KEY, secrets.randbits(62), None)
    return cache.get(CLOCK_KEY)


def move_purge_clock():
    """After a purge's stamps are written: every process's local copies must read their stamps again (those that
    hear the news at once, the others at their next read of the clock)."""
    purge_clock()
    try:
        cache.incr(CLOCK_KEY)
    except ValueError:  # lost between the two calls: a new start is a move too
        purge_clock()
    announce_change()


def is_reader_path(path):
    return not path.startswith(tuple(settings.REVIEW_PAGE_CACHE_EXCLUDE))


def has_identity(request):
    """Staff (a marker this site signed: delivery.staff) or credentials; a session or CSRF cookie alone is anyone's."""
    return is_marked(request) or any(header in request.META for header in IDENTITY_HEADERS)


def storable(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = {part.split("=")[0].strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", "")) if part}
    if control & {"private", "no-store", "no-cache"} or get_max_age(response) == 0:
        return False
    varies = {part.strip().lower() for part in cc_delim_re.split(response.get("Vary", "")) if part.strip()}
    return varies <= {"accept-encoding"}


def fresh(entry, stamps):
    """Whether no key of a stored page was stamped (purged) after its render began. `stamps`: {stamp key: time}
    already read; the keys whose stamps it lacks cost one more round trip."""
    names = [entry["path"], *entry["keys"]]
    missing = [stamp_key(name) for name in names if stamp_key(name) not in stamps]
    if missing:
        stamps = {**stamps, **cache.get_many(missing)}
    latest = max((stamps.get(stamp_key(name)) or 0 for name in names), default=0)
    return latest + settings.REVIEW_PAGE_CACHE_CLOCK_SKEW < entry["started"]


def conditional(request, response):
    """A 304 where the client's copy is still this one (ConditionalGetMiddleware's rule, for a replayed page)."""
    last_modified = response.get("Last-Modified")
    return get_conditional_response(
        request, etag=response.get("ETag"), last_modified=last_modified and parse_http_date_safe(last_modified), response=response
    )


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

        normalise(request)
        entry_key, path = page_key(request), unquote(request.path)
        copy = held(entry_key, path)  # the checks of local_hit passed above
        if copy is not None:
            return conditional(request, self.replay(copy.entry))

        mark = heard_mark()  # before anything this request reads: news after it makes what it reads unsure
        started = time.time()  # ditto: a purge after it makes the page stale
        # The stamps of the keys the page probably carries come in the same round trip as the page.
        hinted = [stamp_key(key) for key in (path, *likely_keys(path))]
        found = cache.get_many([entry_key, CLOCK_KEY, selectors.GENERATION_KEY, selectors.UNANNOUNCED_KEY, *hinted])
        if self.go_live_passed(found, mark):
            mark = heard_mark()
            found = cache.get_many([entry_key, CLOCK_KEY, *hinted])  # the announcement purged what it changed
            started = time.time()
        # The clock as read with the stamps: a purge whose stamps this read missed moves it after (purge_paths).
        mark = mark or ("clock", found.get(CLOCK_KEY) or purge_clock())
        entry, stamps = found.get(entry_key), {name: found.get(name) for name in hinted}  # None: never purged
        if entry is not None and entry.get("path") == path and fresh(entry, stamps):
            learned_keys.learn(path, entry["keys"])  # another process may have stored it
            local_copies.keep(entry_key, entry, verified=mark)
            return conditional(request, self.replay(entry))

        with events.recording() as shown:
            response = self.get_response(request)
        if storable(response):
            self.mark_public(response)
            keys = sorted(shown)
            if keys:
                response[KEYS_HEADER] = ",".join(keys)  # no spaces: Varnish reads a ban's regex up to one
            response[PATH_HEADER] = normal_path(path)  # what a proxy bans this page by, however the client spelled it
            headers = [(name, value) for name, value in response.items() if name.lower() != "set-cookie"]
            stored = {"path": path, "started": started, "keys": keys, "status": response.status_code, "headers": headers,
                      "content": response.content, "created": time.time()}  # fmt: skip
            cache.set(entry_key, stored, settings.REVIEW_PAGE_CACHE_SECONDS)
            learned_keys.learn(path, keys)
            local_copies.keep(entry_key, stored, verified=mark)  # any purge after the render began moved the mark
            response[STATUS_HEADER] = "miss"
        return response

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
    def go_live_passed(found, mark):
        """Whether a scheduled go-live has passed unannounced; if so, announce it now (its events purge). With the database
        down nobody can announce it: the pages held are served as they are (the view's own error otherwise). `mark`:
        the heard mark taken before `found` was read, under which the next go-live is then known (GoLiveKnown)."""
        try:
            due = selectors.earliest_unannounced(found)
        except DatabaseError:
            logger.warning("The database is down: go-lives cannot be announced; cached pages are served as they are")
            return False
        if not due or due > time.time():
            if mark is not None:
                go_live_known.mark, go_live_known.due = mark, due
            return False
        if cache.add(GO_LIVE_LOCK, 1, 30):  # one request announces; the others go on
            from articles import services

            try:
                services.go_live_due()
            finally:
                cache.delete(GO_LIVE_LOCK)
        return True
