"""Reads that several reader pages share. Every listing is a range of the listing index."""

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from articles import events, taxonomy
from articles.models import ArticleImage, Author, ListingEntry, PieceVersion, TaggedArticle
from articles.models.listing import ALL, ListingQuerySet
from articles.models.version import CARD_FIELDS, Status
from review import prepared
from review.cache import announce_change
from review.memo import ExpiringMemo

T = TypeVar("T")
Rows = TypeVar("Rows", bound=QuerySet[Any])
ENTRY_FIELDS = ("id", "language", "facet", "published_at", "kind_id", "section_id", "piece_id", "version_id")


class Listing:
    """One listing's visible rows, newest first, with just what a card needs: a language's facet (or several facets),
    maybe within a year, of one kind, among some pieces or without some. Counted from the derived-figures cache; read a
    page at a time (slicing) through a query compiled once per shape (review.prepared); `queryset()` is the same rows
    as a queryset. Creating one records that the page being rendered depends on the listing (events.listing_key)."""

    ordered = True  # for Django's Paginator: the rows have an order

    def __init__(
        self, language: str, facet: str | list[str] = ALL, *, year: int | None = None, kind: int | None = None,
        pieces: Sequence[int] | None = None, versions: Sequence[int] | None = None, without: Sequence[int] = (),
        now: datetime | None = None,
    ) -> None:  # fmt: skip
        self.language, self.facet, self.year, self.kind, self.now = language, facet, year, kind, now
        self.pieces = None if pieces is None else list(dict.fromkeys(pieces))
        self.versions = None if versions is None else list(dict.fromkeys(versions))
        self.without = list(dict.fromkeys(without))
        self.bounds = year_bounds(year) if year is not None else None
        names = facet if isinstance(facet, list) else [facet]
        # The whole listing has a key per year (events.listing_keys); a facet's one key covers its every year.
        events.shown(events.listing_key(language, f"{name}:{year}" if year is not None and name == ALL else name) for name in names)

    def _values(self) -> dict[str, Any] | None:
        """The query's values (None: it has no rows, as for a year the calendar cannot hold)."""
        if self.year is not None and self.bounds is None:
            return None
        values: dict[str, Any] = {"language": self.language, "facet": self.facet, "now": self.now or timezone.now()}
        for name in ("bounds", "kind", "pieces", "versions"):
            if getattr(self, name) is not None:
                values[name] = getattr(self, name)
        if self.without:
            values["without"] = self.without
        return values

    def queryset(self) -> QuerySet[ListingEntry]:
        values = self._values()
        return _listing_rows(**values) if values is not None else ListingEntry.objects.none()

    def count(self) -> int:
        """How many rows (a paginator asks on every page): cached for the listing epoch. A listing of chosen pieces or
        versions is never paged: counted afresh."""
        if self.pieces is not None or self.versions is not None or self.without:
            return self.queryset().count()
        facets = ",".join(self.facet) if isinstance(self.facet, list) else self.facet
        return derived(("count", self.language, facets, self.year or "", self.kind or ""), lambda: self.queryset().count())

    def exists(self) -> bool:
        return self.count() > 0

    def __getitem__(self, index: slice) -> list[ListingEntry]:
        if not isinstance(index, slice) or index.step is not None or (index.start or 0) < 0 or index.stop is None:
            raise TypeError("a listing is read by slices with an end: rows[start:stop]")
        start, stop = index.start or 0, index.stop
        values = self._values()
        if values is None or stop <= start:
            return []
        return prepared.fetch(("listing", start, stop), lambda **named: _page(_listing_rows(**named), start, stop), values)


def _listing_rows(*, language, facet, now, bounds=None, kind=None, pieces=None, versions=None, without=None) -> QuerySet[ListingEntry]:  # type: ignore[no-untyped-def]
    rows = _card_rows().visible(now)  # one filter call more: each call copies the query
    rows = rows.filter(language=language, facet__in=facet) if isinstance(facet, list) else rows.facet(language, facet)
    if bounds is not None:
        rows = within(rows, bounds)
    if kind is not None:
        rows = rows.filter(kind_id=kind)
    if pieces is not None:
        rows = rows.filter(piece_id__in=pieces)
    if versions is not None:
        rows = rows.filter(version_id__in=versions)
    if without:
        rows = rows.exclude(piece_id__in=without)
    return rows


def _page(rows: QuerySet[ListingEntry], start: int, stop: int) -> QuerySet[ListingEntry]:
    """Rows start to stop; a deep page walks the index for its versions alone, then reads only those rows."""
    if not start:
        return rows[:stop]
    return rows.filter(version_id__in=rows[start:stop].values("version_id"))


@lru_cache(maxsize=1)
def _card_rows() -> ListingQuerySet:
    """Every listing row, newest first, with just what a card needs: made once (never evaluated, only filtered),
    where making it per page cost three copies of the query."""
    return (
        ListingEntry.objects.select_related("version")
        .only(*ENTRY_FIELDS, *(f"version__{name}" for name in CARD_FIELDS))
        .order_by("-published_at", "-version_id")
    )


def image_uses(version_ids: Iterable[int]) -> list[ArticleImage]:
    """The image uses of these versions with their images, in order (a version's first is its lead): one query."""
    return prepared.fetch("image_uses", _image_uses, {"versions": list(dict.fromkeys(version_ids))})


def _image_uses(versions: list[int]) -> QuerySet[ArticleImage]:
    uses = ArticleImage.objects.filter(article_id__in=versions).exclude(image__file="")  # a first upload still processing
    return uses.select_related("image").order_by("order", "id")


def bylines(piece_ids: Iterable[int]) -> dict[int, list[str]]:
    """{piece id: [author names]} for these pieces, in one query."""
    found: dict[int, list[str]] = {}
    shown = set()
    for piece_id, author_id, name in Author.objects.filter(pieces__in=piece_ids).order_by("name").values_list("pieces", "pk", "name"):
        found.setdefault(piece_id, []).append(name)
        shown.add(events.shows_key("a", author_id))
    events.shown(shown)
    return found


def version_tags(version_ids: Iterable[int]) -> dict[int, list[str]]:
    """{version id: [tag names]} for these versions, in one query."""
    found: dict[int, list[str]] = {}
    rows = TaggedArticle.objects.filter(content_object_id__in=version_ids).order_by("tag__name")
    shown = set()
    for version_id, tag_id, name in rows.values_list("content_object_id", "tag_id", "tag__name"):
        found.setdefault(version_id, []).append(name)
        shown.add(events.shows_key("t", tag_id))
    events.shown(shown)
    return found


def cards(rows: Iterable[ListingEntry], language: str, uses: Iterable[ArticleImage] | None = None) -> list[PieceVersion]:
    """The versions of these listing rows, ready for the card macro: `card_image` (the lead image's use) and `kind_label`.

    `uses`: image uses already fetched (with image_uses) for these versions and maybe others; else one query."""
    kind_names = taxonomy.for_language(language).kind_names
    versions: list[Any] = []  # Articles that carry card_image and kind_label for the template
    keys = set()
    for row in rows:
        version: Any = row.version
        version.kind_label = kind_names.get(row.kind_id, "")
        version.card_image = None
        versions.append(version)
        keys.add(events.shows_key("v", row.version_id))
        if row.kind_id:
            keys.add(events.shows_key("k", row.kind_id))
    events.shown(keys)  # the page shows these versions and their kinds' names
    by_id = {version.pk: version for version in versions}
    if uses is None:
        uses = image_uses(list(by_id)) if by_id else []
    for use in uses:
        shown = by_id.get(use.article_id)
        if shown is not None and shown.card_image is None:
            shown.card_image = use
    return versions


def year_bounds(year: int) -> tuple[datetime, datetime] | None:
    """[start, end) of `year` in the site's time zone, or None where the calendar or the database cannot go."""
    tz = timezone.get_current_timezone()
    try:
        start = timezone.make_aware(datetime(year, 1, 1), tz)
        end = timezone.make_aware(datetime(year + 1, 1, 1), tz)
        start.astimezone(UTC), end.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return start, end


def in_year(rows: QuerySet[ListingEntry], year: int) -> QuerySet[ListingEntry]:
    bounds = year_bounds(year)
    return within(rows, bounds) if bounds else rows.none()


def within(rows: Rows, bounds: Sequence[datetime]) -> Rows:
    """Rows published in [start, end)."""
    return rows.filter(published_at__gte=bounds[0], published_at__lt=bounds[1])


GENERATION_KEY = "review:listing:generation"
NEXT_KEY = "review:listing:next"  # (generation, timestamp of the next scheduled go-live or 0)
NAMES_KEY = "review:listing:names"  # moved by a tag's or an author's change alone (`next_names`)
DERIVED_TIMEOUT = 300  # a backstop; every listing rebuild moves to a new generation at once


def generation() -> int:
    """The listing index's generation: figures derived from it (counts, years) are cached under it."""
    value = cache.get(GENERATION_KEY)
    if value is None:  # first use, or the cache lost it: start where no earlier generation was
        cache.add(GENERATION_KEY, fresh_generation(), None)
        value = cache.get(GENERATION_KEY)
    return value


def fresh_generation() -> int:
    return int(timezone.now().timestamp() * 1_000_000)


def next_generation() -> None:
    """After listing rows changed: a new generation now, for this transaction's own reads, and again
    once it commits, so nothing a reader cached before the commit is used after it."""
    _move(GENERATION_KEY)


def next_names() -> None:
    """After a tag's or an author's name or slug changed, and nothing else: what shows them (an article's byline and
    tags, `names_mark`) is made again, now and after the commit; counts, years, home arrangements and section names,
    which do not show them, stay cached (a move of the whole generation made every page of every language cold)."""
    _move(NAMES_KEY)


def _move(key: str) -> None:
    def bump() -> None:
        if memo := _request_epoch.get():
            memo.clear()  # this request's own later reads see the new value
        try:
            cache.incr(key)
        except ValueError:  # not in the cache (evicted, or never read): any new value will do
            cache.set(key, fresh_generation(), None)
        announce_change()  # processes that keep what depends on it hear it (delivery.pagecache.held)

    bump()
    transaction.on_commit(bump)


_request_epoch: ContextVar[list[str] | None] = ContextVar("listing_epoch", default=None)


def request_memo(sender: object = None, **kwargs: object) -> None:
    """Django's request_started: within a request the epoch is read once (a listing page asks for its count and its
    years), until a write in the request moves the generation (`next_generation` forgets it)."""
    _request_epoch.set([])


def end_request_memo(sender: object = None, **kwargs: object) -> None:
    _request_epoch.set(None)


def names_mark() -> str:
    """The names' mark: part of the key of what shows tags' and authors' names (read with the epoch, in the same
    cache round trip)."""
    return _marks()[1]


def epoch() -> str:
    """What figures derived from the listings depend on: the generation, and the next scheduled go-live.

    Listings go by the time alone (a row becomes visible at its publication time, a fallback row
    ends when its local version goes live), so a count made at 09:59 must not be used at 10:00
    when a piece is scheduled for 10:00: the epoch changes then, before any job has run.
    Both are read in one cache round trip, once per request.
    """
    return _marks()[0]


def _marks() -> list[str]:
    """[the epoch, the names' mark], read once per request (until a write in it moves one)."""
    memo = _request_epoch.get()
    if memo:
        return memo
    marks = _epoch_now()
    if memo is not None:
        memo[:] = marks
    return marks


def _epoch_now() -> list[str]:
    """[the epoch, the names' mark], from one cache round trip."""
    found = cache.get_many([GENERATION_KEY, NEXT_KEY, NAMES_KEY])
    current = found.get(GENERATION_KEY) or generation()
    now = timezone.now()
    known = found.get(NEXT_KEY)
    if known and known[0] == current and not (known[1] and known[1] <= now.timestamp()):
        upcoming = known[1]
    else:
        due = PieceVersion.objects.filter(status=Status.PUBLISHED, live_announced=False, published_at__gt=now)  # article_due_idx
        first = due.aggregate(first=Min("published_at"))["first"]
        upcoming = first.timestamp() if first else 0
        cache.set(NEXT_KEY, (current, upcoming), DERIVED_TIMEOUT)
    names = found.get(NAMES_KEY)
    if names is None:  # first use, or the cache lost it: start where no earlier mark was
        cache.add(NAMES_KEY, fresh_generation(), None)
        names = cache.get(NAMES_KEY)
    return [f"{current}:{upcoming}", str(names)]


UNANNOUNCED_KEY = "review:listing:unannounced"  # (generation, timestamp of the earliest unannounced go-live or 0)


def earliest_unannounced(found: Mapping[str, Any]) -> float:
    """When the earliest published version whose go-live is not yet announced goes (or went) live, as a
    timestamp, 0 if none. `found`: what the caller already read of GENERATION_KEY and UNANNOUNCED_KEY."""
    current = found.get(GENERATION_KEY) or generation()
    known = found.get(UNANNOUNCED_KEY)
    if known and known[0] == current:
        return known[1]
    first = PieceVersion.objects.filter(status=Status.PUBLISHED, live_announced=False).aggregate(first=Min("published_at"))["first"]
    cache.set(UNANNOUNCED_KEY, (current, first.timestamp() if first else 0), DERIVED_TIMEOUT)
    return first.timestamp() if first else 0


# What this process already read of them: the key holds the epoch, so a value is never used after the listings
# changed; the same backstop as in the shared cache.
_derived = ExpiringMemo(10_000, DERIVED_TIMEOUT)


def derived(name: Sequence[Hashable], compute: Callable[[], T]) -> T:
    """`compute()`, cached for the current listing epoch under `name` (a tuple of plain values): in this process, and
    in the shared cache for the others. Callers share the value and must not change it."""
    key = "review:listing:" + ":".join(str(part) for part in (epoch(), *name))

    def shared() -> T:
        found = cache.get(key)
        if found is None:
            found = compute()
            cache.set(key, found, DERIVED_TIMEOUT)
        return found

    return _derived.get(key, shared)


def years(language: str) -> list[int]:
    """Years with at least one visible piece in this language's listings, newest first."""
    return derived(("years", language), lambda: years_now(language))


def years_now(language: str, now: datetime | None = None) -> list[int]:
    """The years, from the database: two index probes per year, in two queries."""
    now = now or timezone.now()
    rows = ListingEntry.objects.facet(language).visible(now)
    span = rows.aggregate(first=Min("published_at"), last=Max("published_at"))
    if span["first"] is None:
        return []
    candidates = range(timezone.localtime(span["last"]).year, timezone.localtime(span["first"]).year - 1, -1)
    found = any_rows([in_year(rows, year) for year in candidates])
    return [year for year, present in zip(candidates, found, strict=True) if present]


def languages_with_year(year: int) -> set[str]:
    """The languages whose listing shows a piece published in `year` (the switcher keeps a year filter only
    there): one query of an index probe per language, cached for the epoch."""

    def load() -> set[str]:
        now = timezone.now()
        codes = [code for code, _name in settings.LANGUAGES]
        found = any_rows([in_year(ListingEntry.objects.facet(code).visible(now), year) for code in codes])
        return {code for code, present in zip(codes, found, strict=True) if present}

    return derived(("year-in", year), load)


def any_rows(querysets: Sequence[QuerySet[Any]]) -> tuple[bool, ...]:
    """[whether each queryset has a row], in one query of EXISTS probes."""
    probes: list[str] = []
    params: list[Any] = []
    for rows in querysets:
        sql, row_params = rows.values("id")[:1].query.sql_with_params()
        probes.append(f"EXISTS ({sql})")
        params.extend(row_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(probes)}", params)
        return cursor.fetchone()
