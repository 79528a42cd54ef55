"""The home page's arrangement per language."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from articles import events, selectors
from articles.errors import Conflict, RuleBroken
from articles.languages import language_codes
from articles.models import (
    FeaturedPiece,
    Piece,
    Section,
)
from articles.services._base import _language_name, _may_edit_piece

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _home_arrangement_changed(featured: FeaturedPiece) -> None:
    selectors.next_generation()  # the home page's featured list is cached per epoch
    home = {events.reverse_in(featured.language, "articles:home")}
    events.emit(events.PIECE_CHANGED, home, piece_id=featured.piece_id, language=featured.language)


@transaction.atomic
def save_featured(*, featured: FeaturedPiece, by: User | None) -> None:
    """Put a piece first on one language's home page (or change its place there)."""
    _may_edit_piece(by)
    featured.save()
    _home_arrangement_changed(featured)


@transaction.atomic
def delete_featured(*, featured: FeaturedPiece, by: User | None) -> None:
    _may_edit_piece(by)
    featured.delete()
    _home_arrangement_changed(featured)


MAX_FEATURED = 12


def home_arrangement(language: str) -> tuple[list[int], list[int]]:
    """One language's home as editors arranged it: (featured piece ids, section ids), each in order."""
    from articles.models import HomeSection

    featured = FeaturedPiece.objects.filter(language=language).order_by("order", "id").values_list("piece_id", flat=True)
    sections = HomeSection.objects.filter(language=language).order_by("order", "id").values_list("section_id", flat=True)
    return list(featured), list(sections)


def arrangement_stamp(language: str) -> str:
    """A short fingerprint of a language's arrangement: a form keeps it, so a save never overwrites someone else's."""
    return hashlib.sha256(repr(home_arrangement(language)).encode()).hexdigest()[:16]


@transaction.atomic
def arrange_home(
    *, language: str, pieces: Iterable[int], sections: Iterable[int], by: User | None, expected_stamp: str | None = None
) -> tuple[list[int], list[int]]:
    """Set one language's home page: its featured pieces and the order of its section blocks, in one step.

    Every featured piece must be one this language's readers see (its own version or the source, by the
    fallback rule; a scheduled one counts, shown from its time); sections not named keep their own order
    after those named. `expected_stamp` (from `arrangement_stamp` when the form opened) refuses a save
    over someone else's newer arrangement.
    """
    from articles.models import HomeSection, ListingEntry
    from articles.models.listing import ALL

    _may_edit_piece(by)
    if language not in language_codes():
        raise RuleBroken(_("Choose one of the publication's languages."), field="language")
    list(Section.objects.select_for_update().order_by("pk").values_list("pk", flat=True))  # one arrangement at a time
    if expected_stamp is not None and expected_stamp != arrangement_stamp(language):
        raise Conflict(_("Someone else changed this home page after you opened it. Nothing was overwritten: "
                         "look at their arrangement and make your change again."))  # fmt: skip
    pieces, sections = list(dict.fromkeys(pieces)), list(dict.fromkeys(sections))
    if len(pieces) > MAX_FEATURED:
        raise RuleBroken(_("Feature at most %(count)s pieces; the home page shows no more.") % {"count": MAX_FEATURED}, field="pieces")
    existing = set(Piece.objects.filter(pk__in=pieces).values_list("pk", flat=True))
    if len(existing) < len(pieces):
        raise Conflict(_("A piece in the list has been deleted meanwhile. Look at the list again."), field="pieces")
    shown = set(ListingEntry.objects.filter(language=language, facet=ALL, piece_id__in=pieces).values_list("piece_id", flat=True))
    hidden = [pk for pk in pieces if pk not in shown]
    if hidden:
        piece = Piece.objects.select_related("source").get(pk=hidden[0])
        raise RuleBroken(
            _("“%(title)s” has nothing published that %(language)s readers would see, so it cannot be featured there.")
            % {"title": str(piece), "language": _language_name(language)},
            field="pieces",
        )
    if set(sections) - set(Section.objects.filter(pk__in=sections).values_list("pk", flat=True)):
        raise Conflict(_("A section in the list has been deleted meanwhile. Look at the list again."), field="sections")
    FeaturedPiece.objects.filter(language=language).delete()
    FeaturedPiece.objects.bulk_create([FeaturedPiece(language=language, piece_id=pk, order=n) for n, pk in enumerate(pieces)])
    HomeSection.objects.filter(language=language).delete()
    HomeSection.objects.bulk_create([HomeSection(language=language, section_id=pk, order=n) for n, pk in enumerate(sections)])
    selectors.next_generation()  # the home page's arrangement is cached per epoch
    events.emit(events.PIECE_CHANGED, {events.reverse_in(language, "articles:home")}, language=language)
    return home_arrangement(language)
