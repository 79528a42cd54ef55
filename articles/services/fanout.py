"""Fan-out in the background: what a change to something many pieces show hands to a job, done in bounded batches.

`start_*` record a FanOut and queue the job once the change commits (the change itself answers at once);
`run_fan_out` works through the pieces in piece order, a batch per transaction, recording how far it got, so a job
that dies is resumed (`resume_fan_outs`, every minute) where it stopped and never starts again from the beginning.
Between batches it rests (`rest`): `REVIEW_FAN_OUT_REST` times as long as the batch took, as long as the job still
ends within `REVIEW_FAN_OUT_SECONDS` at its pace so far, so the readers' pages keep most of the machine while it runs.
Pages show a change from its commit on (they are purged then); only what the job rewrites (the search words of a
rename, a merge's moves, a new language's rows) waits, within that bound.
A later change to the same subject supersedes an unfinished job: the new one does the work with the newest data.
"""

from __future__ import annotations

import math
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from articles import listing, search
from articles.jobs import enqueue
from articles.languages import language_codes
from articles.models import FanOut, Piece, PieceVersion, TaggedArticle

if TYPE_CHECKING:
    from django.contrib.auth.models import User

BATCH = 500  # pieces per transaction: a few hundred milliseconds of work, so readers and writers never wait long
STALLED_AFTER = timedelta(minutes=2)  # an unfinished job silent this long is resumed


def _pieces(subject: str) -> tuple[QuerySet[Any, int], str]:
    """The ids of the pieces a subject's fan-out goes through, and the field they are read from (the runner orders
    and resumes by it)."""
    prefix, _sep, rest = subject.partition(":")
    if prefix == "t":
        return PieceVersion.objects.filter(tagged_items__tag_id=int(rest)).values_list("piece_id", flat=True).distinct(), "piece_id"
    if prefix == "a":
        return Piece.authors.through.objects.filter(author_id=int(rest)).values_list("piece_id", flat=True).distinct(), "piece_id"
    if prefix in ("s", "k"):
        return Piece.objects.filter(**{"section_id" if prefix == "s" else "kind_id": int(rest)}).values_list("pk", flat=True), "pk"
    return Piece.objects.values_list("pk", flat=True), "pk"


def _start(kind: str, subject: str, label: str, target: int | None = None) -> FanOut:
    unfinished = FanOut.objects.filter(subject=subject, finished_at__isnull=True).exclude(kind=FanOut.Kind.MERGE)  # a merge is never redone
    unfinished.update(finished_at=timezone.now(), superseded=True)
    job = FanOut.objects.create(kind=kind, subject=subject, label=label[:300], total=_pieces(subject)[0].count(), target=target)
    transaction.on_commit(lambda: enqueue("articles.fan_out", job.pk))
    return job


def start_search_words(*, facet: str, label: str) -> FanOut:
    """After a tag or an author was renamed (`facet`: "t:<id>" or "a:<id>"), where the search documents hold the
    names (SQLite, `search.names_in_documents`): the pieces that show it are found by its name, so their documents
    are rewritten, in the background. PostgreSQL's documents refer to it by id: nothing to rewrite."""
    return _start(FanOut.Kind.SEARCH_WORDS, facet, label)


def start_merge(*, subject: str, target: int, label: str) -> FanOut:
    """Merge the section, kind, author or tag `subject` ("t:<id>", ...) into the one of id `target`, in the background
    (services.merge_taxonomy checks and calls it). It supersedes a rename's unfinished job for the subject."""
    return _start(FanOut.Kind.MERGE, subject, label, target)


def add_language_rows(*, language: str, by: User | None = None) -> FanOut:
    """After a language was added to the site: build its listing rows (and the search documents' languages), in the
    background, piece batch by piece batch; the other languages' rows are not touched."""
    from articles.services._base import _may_edit_piece

    _may_edit_piece(by)
    if language not in language_codes():
        raise ValueError(f"Not a configured language: {language!r}")
    return _start(FanOut.Kind.LANGUAGE, language, language)


def fan_out_of(instance: object) -> FanOut | None:
    """The newest fan-out job of a tag or an author (None: it never had one)."""
    from articles.services.taxonomy import _event_and_facet

    facet = _event_and_facet(instance)[1]  # type: ignore[arg-type]
    return FanOut.objects.filter(subject=facet).first() if facet and facet[0] in "ta" and getattr(instance, "pk", None) else None


def run_fan_out(fan_out_id: int, batch: int = BATCH, max_batches: int | None = None) -> FanOut | None:
    """Do (the rest of) a fan-out job, a batch of pieces per transaction, resuming after the last batch done; returns
    it, finished unless `max_batches` stopped it first (None: it is gone). Between batches it rests (`rest`)."""
    batches, started, worked, done = 0, time.monotonic(), 0.0, 0
    while True:
        began = time.monotonic()
        with transaction.atomic():
            job = FanOut.objects.select_for_update().filter(pk=fan_out_id).first()
            if job is None or job.finished_at:
                return job
            pieces, field = _pieces(job.subject)
            ids = list(pieces.filter(**{f"{field}__gt": job.cursor}).order_by(field)[:batch])
            if ids:
                _do(job, ids)
                job.cursor, job.done = ids[-1], job.done + len(ids)
            if len(ids) < batch:
                _finish(job, pieces)
                job.finished_at = timezone.now()
            job.save()
        batches += 1
        if job.finished_at or (max_batches is not None and batches >= max_batches):
            return job
        took = time.monotonic() - began
        worked, done = worked + took, done + len(ids)
        left = max(0, job.total - job.done)
        time.sleep(rest(took, worked / done * left, time.monotonic() - started, batches_left=math.ceil(left / batch)))


def rest(took: float, work_left: float, elapsed: float, batches_left: int) -> float:
    """Seconds to rest after a batch that took `took` (no transaction open), so readers keep most of the machine:
    REVIEW_FAN_OUT_REST times the batch, as PostgreSQL's vacuum rests, but never so long that the rest of the job
    (`work_left` seconds of work at the pace so far, in `batches_left` batches) would end later than
    REVIEW_FAN_OUT_SECONDS after it began."""
    slack = settings.REVIEW_FAN_OUT_SECONDS - elapsed - work_left
    return max(0.0, min(settings.REVIEW_FAN_OUT_REST * took, slack / max(1, batches_left)))


def _do(job: FanOut, piece_ids: list[int]) -> None:
    from articles.services.taxonomy import move_pieces

    if job.kind == FanOut.Kind.MERGE and job.target is not None:
        move_pieces(job.subject, job.target, piece_ids)
    elif job.kind == FanOut.Kind.LANGUAGE:
        listing.rebuild_pieces(piece_ids, languages=[job.subject])
        search.refresh_shown(piece_ids)
    elif job.subject.startswith("t:"):  # a tag is on versions, not pieces: only the versions that carry it
        tagged = TaggedArticle.objects.filter(tag_id=int(job.subject[2:]), content_object__piece_id__in=piece_ids)
        search.index_pieces(piece_ids, tagged.values_list("content_object_id", flat=True))
    else:  # an author is on every version of their pieces
        search.index_pieces(piece_ids)


def _finish(job: FanOut, pieces: QuerySet[Any, int]) -> None:
    """A merge's last batch: pieces given the subject behind the cursor while the job ran move too, then it goes."""
    from articles.services.taxonomy import finish_merge, move_pieces

    if job.kind != FanOut.Kind.MERGE or job.target is None:
        return
    late = list(pieces)
    if late:
        move_pieces(job.subject, job.target, late)
        job.done += len(late)
    finish_merge(job.subject, job.target)


def end_merges_of(subject: str) -> int:
    """A section, kind, author or tag deleted while it is merged, or merged into: its merge jobs end where they are."""
    prefix, _sep, pk = subject.partition(":")
    merges = FanOut.objects.filter(kind=FanOut.Kind.MERGE, finished_at__isnull=True)
    ended = merges.filter(subject=subject) | merges.filter(subject__startswith=f"{prefix}:", target=int(pk))
    return ended.update(finished_at=timezone.now(), superseded=True)


def resume_fan_outs(now: datetime | None = None) -> int:
    """Queue again every unfinished job silent for STALLED_AFTER (its worker died): it resumes after its cursor."""
    now = now or timezone.now()
    stalled = list(FanOut.objects.filter(finished_at__isnull=True, updated_at__lt=now - STALLED_AFTER).values_list("pk", flat=True))
    for pk in stalled:
        FanOut.objects.filter(pk=pk).update(updated_at=now)
        enqueue("articles.fan_out", pk)
    return len(stalled)
