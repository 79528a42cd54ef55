"""Keeps the listing index (`ListingEntry`) in step with pieces and versions.

`entries_for()` is a pure function of a piece's data; `rebuild_pieces()` reads what it needs in a constant
number of queries and writes only the rows that differ from it (a draft's save writes none, a publish the
rows of that piece that change). `rebuild_all()` and a language's build go piece batch by piece batch, each
batch in its own transaction, so no reader ever sees an empty or half-made listing.
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


def rebuild_pieces(piece_ids, now=None, languages=None):
    """Bring the listing rows of these pieces in line with their data (call inside the write's transaction), writing
    only the rows that differ: new rows inserted, moved ones updated, gone ones deleted. A draft's save writes none.
    `languages`: only these languages' rows (building a language added later). Returns the number of rows written."""
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
    existing = ListingEntry.objects.filter(piece_id__in=piece_ids)
    if languages is not None:
        existing = existing.filter(language__in=languages)
    written = write_difference(ListingEntry, facts, existing, now, languages or language_codes())
    if written:
        selectors.next_generation()
    return written


ROW_VALUES = ("published_at", "visible_until", "piece_id", "section_id", "kind_id")


def wanted_rows(facts, now, languages):
    """{(language, facet, version id): (published_at, visible_until, piece id, section id, kind id)} of these pieces."""
    return {
        (language, facet, version.id): (version.published_at, until, piece.id, piece.section_id, piece.kind_id)
        for piece in facts
        for language, facet, version, until in entries_for(piece, languages, now)
    }


def write_difference(entry_model, facts, existing, now, languages, batch_size=5000):
    """Make `existing` (the rows of these pieces, in these languages) what `facts` say: rows written."""
    wanted = wanted_rows(facts, now, languages)
    stale, moved = [], []
    for pk, language, facet, version_id, *values in existing.values_list("pk", "language", "facet", "version_id", *ROW_VALUES):
        want = wanted.pop((language, facet, version_id), None)  # a duplicate finds nothing left: it goes
        if want is None:
            stale.append(pk)
        elif tuple(values) != want:
            moved.append(
                entry_model(pk=pk, language=language, facet=facet, version_id=version_id, **dict(zip(ROW_VALUES, want, strict=True)))
            )
    for start in range(0, len(stale), batch_size):
        entry_model.objects.filter(pk__in=stale[start : start + batch_size]).delete()
    entry_model.objects.bulk_update(moved, ROW_VALUES, batch_size=500)
    entry_model.objects.bulk_create(
        [entry_model(language=language, facet=facet, version_id=version_id, **dict(zip(ROW_VALUES, values, strict=True)))
         for (language, facet, version_id), values in wanted.items()],
        batch_size=batch_size,
    )  # fmt: skip
    return len(stale) + len(moved) + len(wanted)


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


def rebuild_all(batch=2000, now=None, languages=None):
    """Bring the whole index in line with the data (after generated data, or to repair drift): piece by piece in
    batches, each in its own transaction and writing only what differs, so readers never see it empty or half
    made; then the rows of languages no longer configured go. Returns the rows written."""
    from django.db import transaction

    from articles.models import ListingEntry, Piece

    ids = list(Piece.objects.order_by("pk").values_list("pk", flat=True))
    written = 0
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            written += rebuild_pieces(ids[start : start + batch], now=now, languages=languages)
    if languages is None:
        written += ListingEntry.objects.exclude(language__in=language_codes()).delete()[0]
    return written
