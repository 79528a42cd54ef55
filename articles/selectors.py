"""Reads that several reader pages share. Every listing is a range of the listing index."""

from datetime import UTC, datetime

from django.db import connection
from django.db.models import Max, Min, prefetch_related_objects
from django.utils import timezone

from . import taxonomy
from .models import ListingEntry
from .models.article import CARD_FIELDS, lead_images
from .models.listing import ALL

ENTRY_FIELDS = ("id", "language", "facet", "published_at", "kind_id", "section_id", "piece_id", "version_id")


def entries(language, facet=ALL, now=None):
    """Visible rows of one listing (or of several facets, given a list), newest first, with just what a card needs."""
    rows = (
        ListingEntry.objects.filter(language=language, facet__in=facet)
        if isinstance(facet, list)
        else ListingEntry.objects.facet(language, facet)
    )
    return (
        rows.visible(now)
        .select_related("version")
        .only(*ENTRY_FIELDS, *(f"version__{name}" for name in CARD_FIELDS))
        .order_by("-published_at", "-version_id")
    )


def cards(rows, language):
    """The versions of these listing rows, ready for includes/card.html: lead image, kind label."""
    rows = list(rows)
    kind_names = taxonomy.for_language(language).kind_names
    versions = []
    for row in rows:
        version = row.version
        version.kind_label = kind_names.get(row.kind_id, "")
        versions.append(version)
    prefetch_related_objects(versions, lead_images())
    return versions


def year_bounds(year):
    """[start, end) of `year` in the site's time zone, or None where the calendar or the database cannot go."""
    tz = timezone.get_current_timezone()
    try:
        start = timezone.make_aware(datetime(year, 1, 1), tz)
        end = timezone.make_aware(datetime(year + 1, 1, 1), tz)
        start.astimezone(UTC), end.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return start, end


def in_year(rows, year):
    bounds = year_bounds(year)
    return rows.filter(published_at__gte=bounds[0], published_at__lt=bounds[1]) if bounds else rows.none()


def years(language, now=None):
    """Years with at least one visible piece in this language's listings, newest first: two index probes per year, in two queries."""
    now = now or timezone.now()
    rows = ListingEntry.objects.facet(language).visible(now)
    span = rows.aggregate(first=Min("published_at"), last=Max("published_at"))
    if span["first"] is None:
        return []
    candidates = range(timezone.localtime(span["last"]).year, timezone.localtime(span["first"]).year - 1, -1)
    probes, params = [], []
    for year in candidates:
        sql, year_params = in_year(rows, year).values("id")[:1].query.sql_with_params()
        probes.append(f"EXISTS ({sql})")
        params.extend(year_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(probes)}", params)
        found = cursor.fetchone()
    return [year for year, present in zip(candidates, found, strict=True) if present]
