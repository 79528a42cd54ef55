"""Change events: every service emits one per change, naming the public URLs and the page-cache keys it affects.

A key names what pages show beside their own content (a version's card, a tag's name, a listing, the site
chrome): pages record the keys of what they show as they render (`shown`, under `recording`), so one key reaches
every page that shows the thing, however many. Receivers (the page-cache and proxy purge, later mail and
webhooks) connect to `change_event`; it is sent after the transaction commits, so nobody hears of a change that
was rolled back.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.db import transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone, translation

from articles.languages import language_codes

if TYPE_CHECKING:
    from articles.models import Author, SectionText, Tag

change_event = Signal()  # send(sender=ChangeEvent, event=ChangeEvent(...))

VERSION_PUBLISHED = "version.published"
VERSION_CHANGED = "version.changed"
CHANGES_PENDING = "version.changes_pending"  # a published version's working copy changed: nothing public did
VERSION_UNPUBLISHED = "version.unpublished"
VERSION_MOVED = "version.moved"
VERSION_DELETED = "version.deleted"
PIECE_CHANGED = "piece.changed"
PIECE_DELETED = "piece.deleted"
SECTION_CHANGED = "section.changed"
KIND_CHANGED = "kind.changed"
TAG_CHANGED = "tag.changed"
AUTHOR_CHANGED = "author.changed"
PAGE_CHANGED = "page.changed"  # a publication page (about, contact, ...)


@dataclass(frozen=True)
class ChangeEvent:
    kind: str
    urls: frozenset[str]
    piece_id: int | None = None
    version_id: int | None = None
    language: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


class EventDetails(TypedDict, total=False):
    """What an event may say besides its kind and URLs: ChangeEvent's optional fields."""

    piece_id: int | None
    version_id: int | None
    language: str | None
    extra: dict[str, Any]


# A listing row as a snapshot reads it: (language, facet, version id, published at); and what the public sees of
# some pieces: their published versions' pages and their visible listing rows.
Row = tuple[str, str, int, datetime]
Snapshot = tuple[set[str], set[Row]]


def emit(kind: str, urls: Iterable[str], **details: Unpack[EventDetails]) -> ChangeEvent:
    event = ChangeEvent(kind=kind, urls=frozenset(urls), **details)
    transaction.on_commit(lambda: change_event.send(sender=ChangeEvent, event=event))
    return event


def reverse_in(language: str, name: str, **kwargs: str | int) -> str:
    """The path of view `name` with `kwargs` in `language`: remembered, since URLs never change while running and
    every page asks for thirty of them (its other languages)."""
    return _reverse_in(language, name, tuple(sorted(kwargs.items())))


@lru_cache(maxsize=50_000)
def _reverse_in(language: str, name: str, kwargs: tuple[tuple[str, str | int], ...]) -> str:
    with translation.override(language):
        return reverse(name, kwargs=dict(kwargs) or None)


def snapshot(piece_ids: Iterable[int | None]) -> Snapshot:
    """What the public sees of these pieces now: their published versions' pages and their visible listing rows."""
    from articles.models import ListingEntry, PieceVersion

    piece_ids = [pk for pk in piece_ids if pk]
    if not piece_ids:
        return set(), set()
    pages = {
        version.get_absolute_url()
        for version in PieceVersion.objects.filter(piece_id__in=piece_ids).published().only("language", "slug", "published_at")
    }
    rows = set(ListingEntry.objects.filter(piece_id__in=piece_ids).visible().values_list("language", "facet", "version_id", "published_at"))
    return pages, rows


def listing_key(language: str, facet: str) -> str:
    """The key of one listing (`facet` of the listing index in `language`): every page that reads its rows (the
    listing's own pages and feeds, the related cards of article pages) depends on it (delivery.pagecache), so one
    purge of the key reaches them all. Keys never start with "/", paths always do."""
    return f"list:{language}:{facet}"


def listing_keys(language: str, facet: str, published_at: datetime) -> set[str]:
    """The keys of the listings a row is in: its facet, and for the language's whole listing its year's too."""
    if facet != "all":
        return {listing_key(language, facet)}
    return {listing_key(language, facet), listing_key(language, f"{facet}:{timezone.localdate(published_at).year}")}


def shows_key(prefix: str, pk: int) -> str:
    """The key of the pages that show one thing beside their own content: a version ("v", on its cards and its
    page), a tag ("t"), an author ("a") or a kind ("k") by name. A rename purges one key, however many pages."""
    return f"shows:{prefix}:{pk}"


_shown: ContextVar[set[str] | None] = ContextVar("review_shown", default=None)


def shown(keys: Iterable[str]) -> None:
    """Record that the page being rendered shows what these keys name (a no-op outside `recording`)."""
    found = _shown.get()
    if found is not None:
        found.update(keys)


@contextmanager
def recording() -> Iterator[set[str]]:
    """The keys of everything shown while the block runs (a page's render: delivery.pagecache)."""
    keys: set[str] = set()
    token = _shown.set(keys)
    try:
        yield keys
    finally:
        _shown.reset(token)


def chrome_key(language: str) -> str:
    """The key of a language's site chrome, on every reader page: the sections bar (names, slugs, order, with the
    default language's names where a language has none) and the footer's publication pages. A change to a section
    or to which publication pages exist purges it: one write per language, however many pages there are."""
    return f"chrome:{language}"


def chrome_keys() -> set[str]:
    from articles.languages import language_codes

    return {chrome_key(code) for code in language_codes()}


def affected_urls(before: Snapshot, after: Snapshot, versions: Collection[int] | None = None) -> set[str]:
    """The URLs a change affects: every page of the piece's versions (their switchers and hreflang links),
    and each listing whose rows changed, or that shows one of `versions` (None: the whole piece changed);
    and those listings' keys (the other pages that read them: related cards)."""
    from articles.models import Author, SectionText, Tag

    (pages_before, rows_before), (pages_after, rows_after) = before, after
    if versions is None:
        rows = rows_before | rows_after
    else:
        rows = (rows_before ^ rows_after) | {row for row in rows_before | rows_after if row[2] in versions}
    # Listings whose rows changed; what a listing shows of a version is on the version's cards, which carry its key.
    listings = {key for lang, facet, _v, at in rows_before ^ rows_after for key in listing_keys(lang, facet, at)}
    shown = {shows_key("v", version) for version in (versions if versions is not None else {row[2] for row in rows})}
    return (
        pages_before
        | pages_after
        | listings
        | shown
        | facet_urls({(lang, facet, at) for lang, facet, _v, at in rows}, SectionText, Tag, Author)
    )


def piece_urls(piece_ids: Iterable[int | None]) -> set[str]:
    """Every public URL that shows these pieces now (for changes to what they share)."""
    state = snapshot(piece_ids)
    return affected_urls(state, state)


def facet_urls(rows: Iterable[tuple[str, str, datetime]], SectionText: type[SectionText], Tag: type[Tag], Author: type[Author]) -> set[str]:
    parsed = [(language, *facet.partition(":")[::2], published_at) for language, facet, published_at in rows]
    ids = {prefix: {int(rest) for _l, kind, rest, _p in parsed if kind == prefix} for prefix in "sta"}
    sections = {(t.section_id, t.language): t.slug for t in SectionText.objects.filter(section_id__in=ids["s"])}
    tags = dict(Tag.objects.filter(pk__in=ids["t"]).values_list("pk", "slug"))
    authors = dict(Author.objects.filter(pk__in=ids["a"]).values_list("pk", "slug"))
    default = language_codes()[0]
    urls = set()
    for language, prefix, rest, published_at in parsed:
        if prefix == "all":
            year = timezone.localdate(published_at).year
            urls |= {reverse_in(language, "articles:home"), reverse_in(language, "articles:list"),
                     reverse_in(language, "articles:year-archive", year=year),
                     reverse_in(language, "articles:feed"), reverse_in(language, "articles:feed-atom")}  # fmt: skip
        elif prefix == "s":
            slug = sections.get((int(rest), language)) or sections.get((int(rest), default))
            if slug:
                urls |= with_feeds(language, "articles:section", slug)
        elif prefix == "t" and int(rest) in tags:
            urls |= with_feeds(language, "articles:tag", tags[int(rest)])
        elif prefix == "a" and int(rest) in authors:
            urls |= with_feeds(language, "articles:author", authors[int(rest)])
    return urls


def with_feeds(language: str, name: str, slug: str) -> set[str]:
    """A section's, tag's or author's page in one language, and its RSS and Atom feeds."""
    return {reverse_in(language, name, slug=slug), reverse_in(language, f"{name}-feed", slug=slug),
            reverse_in(language, f"{name}-feed-atom", slug=slug)}  # fmt: skip


def listing_urls_everywhere(name: str, slug_by_language: Mapping[str, str]) -> set[str]:
    """A section's, tag's or author's own page (and feeds) in each language it has one."""
    return {url for language, slug in slug_by_language.items() if slug for url in with_feeds(language, name, slug)}
