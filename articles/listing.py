"""Keeps the listing index (`ListingEntry`) in step with pieces and versions.

`entries_for()` is a pure function of a piece's data, so the data migration and the services build
rows the same way; `rebuild_pieces()` reads what it needs in a constant number of queries and
rewrites the rows of the given pieces.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from articles import selectors
from articles.languages import language_codes
from articles.models.listing import ALL, FALLBACK, LOCAL

PUBLISHED = "published"


@dataclass
class VersionFacts:
    id: int
    language: str
    status: str
    published_at: datetime | None
    tag_ids: list = field(default_factory=list)


@dataclass
class PieceFacts:
    id: int
    source_id: int | None
    section_id: int | None
    kind_id: int | None
    author_ids: list
    versions: list


def entries_for(piece, languages, now):
    """(language, facet, version, published_at, visible_until) rows of one piece, for every language.

    In language L a piece shows its L version when that is published, otherwise its published
    source. A local version scheduled after the source shows the source until its own time:
    the fallback row ends (`visible_until`) where the local row begins. Rows whose time is
    already over are left out; rows in the future are kept and become visible by themselves.
    """
    published = {v.language: v for v in piece.versions if v.status == PUBLISHED and v.published_at}
    source = next((v for v in published.values() if v.id == piece.source_id), None)
    shared = [ALL]
    if piece.section_id:
        shared.append(f"s:{piece.section_id}")
    if piece.kind_id:
        shared.append(f"k:{piece.kind_id}")
    shared += [f"a:{author_id}" for author_id in piece.author_ids]
    rows = []
    for language in languages:
        local = published.get(language)
        shown = []
        if local:
            shown.append((local, None))
        if source and source is not local:
            until = local.published_at if local else None
            if until is None or (until > source.published_at and until > now):
                shown.append((source, until))
        for version, until in shown:
            own = version.language == language
            facets = [*shared, LOCAL if own else FALLBACK, *([f"t:{tag_id}" for tag_id in version.tag_ids] if own else [])]
            rows += [(language, facet, version, until) for facet in facets]
    return rows


def rebuild_pieces(piece_ids, now=None):
    """Rewrite the listing rows of these pieces from their current data (call inside the write's transaction)."""
    from articles.models import ListingEntry, Piece, PieceVersion, TaggedArticle

    piece_ids = list(set(piece_ids))
    if not piece_ids:
        return 0
    now = now or timezone.now()
    facts = collect_facts(
        pieces=Piece.objects.filter(pk__in=piece_ids),
        versions=PieceVersion.objects.filter(piece_id__in=piece_ids),
        through_authors=Piece.authors.through.objects.filter(piece_id__in=piece_ids),
        taggings=TaggedArticle.objects.filter(content_object__piece_id__in=piece_ids),
    )
    ListingEntry.objects.filter(piece_id__in=piece_ids).delete()
    written = write_entries(ListingEntry, facts, now)
    selectors.next_generation()
    return written


def collect_facts(*, pieces, versions, through_authors, taggings):
    """PieceFacts for these pieces from four querysets (real or historical models)."""
    tags = {}
    for version_id, tag_id in taggings.values_list("content_object_id", "tag_id"):
        tags.setdefault(version_id, []).append(tag_id)
    authors = {}
    for piece_id, author_id in through_authors.values_list("piece_id", "author_id"):
        authors.setdefault(piece_id, []).append(author_id)
    by_piece = {}
    for version_id, piece_id, language, status, published_at in versions.values_list(
        "id", "piece_id", "language", "status", "published_at"
    ):
        by_piece.setdefault(piece_id, []).append(VersionFacts(version_id, language, status, published_at, tags.get(version_id, [])))
    return [
        PieceFacts(piece_id, source_id, section_id, kind_id, authors.get(piece_id, []), by_piece.get(piece_id, []))
        for piece_id, source_id, section_id, kind_id in pieces.values_list("id", "source_id", "section_id", "kind_id")
    ]


def write_entries(entry_model, facts, now, batch_size=5000):
    languages = language_codes()
    rows = [
        entry_model(
            language=language,
            facet=facet,
            published_at=version.published_at,
            visible_until=until,
            piece_id=piece.id,
            version_id=version.id,
            section_id=piece.section_id,
            kind_id=piece.kind_id,
        )
        for piece in facts
        for language, facet, version, until in entries_for(piece, languages, now)
    ]
    entry_model.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


def rebuild_all(batch=2000, now=None):
    """Rebuild the whole index (after a language is added, or for generated data); returns the row count."""
    from articles.models import ListingEntry, Piece

    ListingEntry.objects.all().delete()
    ids = list(Piece.objects.order_by("pk").values_list("pk", flat=True))
    return sum(rebuild_pieces(ids[i : i + batch], now=now) for i in range(0, len(ids), batch))
