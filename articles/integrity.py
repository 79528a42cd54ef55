"""Drift: whether the listing index and the search documents are what a full rebuild would make of the data now.

The services keep both in step on every write; these checks prove it (the random-journey tests after every
step, `rebuild_listing --check` and `rebuild_search --check` on a live database). A check rebuilds inside a
savepoint, reads the result and rolls it back: nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from articles import listing, search


class _Rollback(Exception):
    pass


def listing_rows() -> set[tuple[Any, ...]]:
    from articles.models import ListingEntry

    fields = ("language", "facet", "piece_id", "version_id", "published_at", "visible_until", "section_id", "kind_id")
    return set(ListingEntry.objects.values_list(*fields))


def search_rows() -> set[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT rowid, title, standfirst, body, extra FROM {search.FTS_TABLE}")
            words = {("fts", *row) for row in cursor.fetchall()}
            cursor.execute("SELECT version_id, config FROM articles_searchdocument")
            return words | {("doc", *row) for row in cursor.fetchall()}
        cursor.execute("SELECT * FROM articles_searchdocument")
        return {tuple(repr(value) for value in row) for row in cursor.fetchall()}


def _rebuilt(read: Callable[[], set[tuple[Any, ...]]], rebuild: Callable[[], object]) -> set[tuple[Any, ...]]:
    found: set[tuple[Any, ...]] = set()
    try:
        with transaction.atomic():
            rebuild()
            found = read()
            raise _Rollback
    except _Rollback:
        pass
    return found


def listing_drift() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """(rows the index has that a rebuild would not, rows a rebuild would add): both empty when in step."""
    now, rebuilt = listing_rows(), _rebuilt(listing_rows, listing.rebuild_all)
    return now - rebuilt, rebuilt - now


def search_drift() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    now, rebuilt = search_rows(), _rebuilt(search_rows, search.rebuild_all)
    return now - rebuilt, rebuilt - now
