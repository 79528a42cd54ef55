"""The listing index: every reader listing is a range of this table, never a scan over versions.

One row per (language, piece, facet) that a listing in that language shows, already resolved to
the version shown (the local version, else the source: DESIGN.md's fallback rule). Facets are
"all", "loc" (the piece has its own version in that language) or "fb" (it falls back to its
source), "s:<section id>", "k:<kind id>", "a:<author id>" and "t:<tag id>", so home, list, year
archive, section, kind, author and tag pages all read `(language, facet, published_at)` in index
order.

A fallback row whose language gets its own version later (a scheduled translation) carries
`visible_until`: from that moment the local row takes over, without any job having to run.
The rows are derived data: `articles.listing.rebuild_piece()` rewrites a piece's rows, and every
service that changes a piece or a version calls it.
"""

from datetime import datetime
from typing import Self

from django.db import models
from django.db.models import Q
from django.utils import timezone

ALL = "all"
LOCAL = "loc"
FALLBACK = "fb"


class ListingQuerySet(models.QuerySet["ListingEntry"]):
    def visible(self, now: datetime | None = None) -> Self:
        """Rows readers may see now: their version's time has come and no local version replaced them."""
        now = now or timezone.now()
        return self.filter(Q(visible_until__isnull=True) | Q(visible_until__gt=now), published_at__lte=now)

    def facet(self, language: str, facet: str = ALL) -> Self:
        return self.filter(language=language, facet=facet)


class ListingEntry(models.Model):
    language = models.CharField(max_length=12)
    facet = models.CharField(max_length=24)
    published_at = models.DateTimeField()
    visible_until = models.DateTimeField(null=True, blank=True)
    piece = models.ForeignKey("articles.Piece", on_delete=models.CASCADE, related_name="+", db_index=False)
    version = models.ForeignKey("articles.PieceVersion", on_delete=models.CASCADE, related_name="+", db_index=False)  # listing_version_idx
    section_id = models.BigIntegerField(null=True, blank=True)
    kind_id = models.BigIntegerField(null=True, blank=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-version_id"]
        indexes = [
            # visible_until rides along (PostgreSQL), so counting a listing for its pages is an index-only scan.
            models.Index(fields=["language", "facet", "-published_at", "-version"], name="listing_range_idx", include=["visible_until"]),
            models.Index(fields=["piece"], name="listing_piece_idx"),
            # A page of search results, or of featured pieces, reads a dozen versions' rows in one language: a dozen
            # probes, where an index on the version alone visits every language's rows of those versions (~60 each).
            models.Index(fields=["version", "language", "facet"], name="listing_version_idx"),
        ]

    def __str__(self):
        return f"{self.language}/{self.facet}: {self.version_id}"
