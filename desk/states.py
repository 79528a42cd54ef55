"""The translation desk's questions, answered from the database: the state of each piece in each language,
how many pieces are in each state, what waits for one translator, and how many words a job is.

One definition of the states serves the dashboard's counts, the article list's filter they link to
and the translator's queue, so a count and the list behind it can never disagree.
"""

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles import policies
from articles.languages import language_codes, language_info
from articles.models import Assignment, Piece, PieceVersion, Status, VersionComment
from articles.segments import segments

MISSING, DRAFT, REVIEW, OUTDATED, CURRENT, SOURCE = "missing", "draft", "review", "outdated", "current", "source"
SENT_BACK = "sent_back"
STATES = {
    MISSING: _("Missing"),
    DRAFT: _("Draft"),
    SENT_BACK: _("Sent back"),
    REVIEW: _("In review"),
    OUTDATED: _("Outdated"),
    CURRENT: _("Current"),
}
WAITING = (MISSING, DRAFT, SENT_BACK, REVIEW, OUTDATED)  # what a translator's queue holds
SORTS = {"priority": _("Mine first, soonest due"), "newest": _("Newest source first"), "oldest": _("Oldest source first"),
         "due": _("Due date"), "words": _("Fewest words first")}  # fmt: skip


def with_state(queryset):
    """Versions annotated with `desk_state`: source, or for a translation draft, review, outdated or current.

    A version in review is that, whatever its source did (it waits for a reviser, who sees the source's
    changes beside it). A draft whose last comment sent it back is "sent back": the reviser's comment comes
    first. Any other translation, a draft included, is outdated while its source's text is newer than the
    one it was made from: the translator has to catch up before it is a draft to finish.
    """
    last_comment = VersionComment.objects.filter(version=OuterRef("pk")).order_by("-created_at", "-pk").values("kind")[:1]
    return queryset.alias(
        source_revision=F("piece__source__content_revision"),
        made_from=Coalesce("translated_from_revision", 0),
        last_comment=Subquery(last_comment),
    ).annotate(  # fmt: skip
        desk_state=Case(
            When(piece__source=F("pk"), then=Value(SOURCE)),
            When(status=Status.REVIEW, then=Value(REVIEW)),
            When(status=Status.DRAFT, last_comment=VersionComment.REJECTION, then=Value(SENT_BACK)),
            When(made_from__lt=F("source_revision"), then=Value(OUTDATED)),
            When(status=Status.DRAFT, then=Value(DRAFT)),
            default=Value(CURRENT),
            output_field=CharField(),
        )
    )


def in_state(queryset, state, language=None):
    """The article list's filter: versions in `state`; for MISSING, the sources of pieces with no `language` version."""
    if state == MISSING:
        if language not in language_codes():
            return queryset.none()
        return queryset.filter(piece__source=F("pk")).exclude(
            Exists(PieceVersion.objects.filter(piece=OuterRef("piece"), language=language))
        )
    queryset = with_state(queryset).filter(desk_state=state)
    return queryset.filter(language=language) if language in language_codes() else queryset


def counts(languages=None):
    """{language: {state: count}} over every piece, for `languages` (default: all): two grouped queries."""
    languages = [code for code in language_codes() if languages is None or code in languages]
    table = {code: dict.fromkeys([*STATES, SOURCE], 0) for code in languages}
    grouped = with_state(PieceVersion.objects.filter(language__in=languages)).values("language", "desk_state").annotate(n=Count("pk"))
    for row in grouped.order_by():
        table[row["language"]][row["desk_state"]] = row["n"]
    pieces = Piece.objects.filter(source__isnull=False).count()
    for row in table.values():
        row[MISSING] = pieces - sum(row[state] for state in (SOURCE, DRAFT, SENT_BACK, REVIEW, OUTDATED, CURRENT))
    return table


@dataclass
class Job:
    """One piece in one language that waits for a translator."""

    source: PieceVersion
    language: str
    state: str
    version: PieceVersion | None
    assignment: object = None  # an Assignment, when someone was asked for it

    @property
    def overdue(self):
        return bool(self.assignment and self.assignment.due_on and self.assignment.due_on < timezone.localdate())

    @property
    def language_name(self):
        return language_info(self.language)["name_local"]

    @property
    def state_label(self):
        return STATES[self.state]

    @cached_property
    def words(self):
        return word_counts(self.source, self.version)


def queue(user, limit=200, *, language=None, state=None, mine=False, sort="priority"):
    """What waits for `user` in their languages (every language for editors): pieces missing in a language (only
    those whose source this person may read) and translations that are drafts, sent back, in review or outdated.
    Two queries per language. Filters: one `language`, one `state`, `mine` (assigned to this person). Sorts (SORTS):
    "priority" (what was asked of this person first, soonest due first, then newest source first), "newest",
    "oldest", "due" (soonest due first, unassigned last) and "words" (smallest job first)."""
    allowed = policies.translator_languages(user)
    sources = PieceVersion.objects.filter(piece__source=F("pk")).filter(policies.readable_versions(user)).select_related("piece")
    jobs = []
    for code in language_codes():
        if (allowed is not None and code not in allowed) or (language and code != language):
            continue
        if state in (None, MISSING):
            for source in in_state(sources, MISSING, code).order_by("-published_at", "-pk")[:limit]:
                jobs.append(Job(source, code, MISSING, None))
        if state != MISSING:
            waiting = with_state(PieceVersion.objects.filter(language=code)).filter(desk_state__in=[state] if state else WAITING)
            for version in waiting.select_related("piece__source").order_by("-published_at", "-pk")[:limit]:
                jobs.append(Job(version.piece.source, code, version.desk_state, version))
    assigned = Assignment.objects.filter(language__in={job.language for job in jobs}, piece_id__in={job.source.piece_id for job in jobs})
    by_key = {(a.piece_id, a.language): a for a in assigned.select_related("translator")}
    for job in jobs:
        job.assignment = by_key.get((job.source.piece_id, job.language))
    if mine:
        jobs = [job for job in jobs if job.assignment is not None and job.assignment.translator_id == user.pk]
    jobs.sort(key=lambda job: (job.source.published_at is not None, job.source.published_at, job.source.pk), reverse=True)
    if sort == "oldest":
        jobs.reverse()
    elif sort == "due":
        jobs.sort(key=lambda job: job.assignment.due_on if job.assignment and job.assignment.due_on else date.max)
    elif sort == "words":
        jobs = jobs[:limit]

        def work(job):  # what is left to translate: the changed words of an outdated one, else every word
            changed = job.words["changed"]
            return changed if job.state == OUTDATED and changed is not None else job.words["total"]

        jobs.sort(key=work)
    elif sort not in SORTS or sort == "priority":

        def priority(job):  # what was asked of this person comes first, soonest due first; then everything else, newest first
            asked = job.assignment is not None and job.assignment.translator_id == user.pk
            return (not asked, job.assignment.due_on if asked and job.assignment.due_on else date.max)

        jobs.sort(key=priority)
    return jobs[:limit]


@dataclass
class Comparison:
    """A source's texts now and, for an outdated translation, as they were when it was made (read once, used by the
    word counts, the side by side and the outdated diff). `then` is None when the translation is missing or current,
    or when that source text is no longer in the history (`known` then says which)."""

    now: dict
    then: dict | None
    outdated: bool
    known: bool


def compare(source, translation=None):
    from articles.services import source_text_at, texts_of

    made_from = (translation.translated_from_revision or 0) if translation else 0
    outdated = translation is not None and made_from < source.content_revision
    then = source_text_at(source, made_from) if outdated else None
    return Comparison(texts_of(source), then, outdated, not outdated or then is not None)


def word_counts(source, translation=None, comparison=None):
    """{"total": words in the source, "changed": words in source segments new or changed since `translation` was made}.

    For a missing translation every word is to translate; for one whose source revision is no longer in the
    history, `changed` is None (unknown).
    """
    comparison = comparison or compare(source, translation)
    now = segments(comparison.now)
    total = sum(segment.words for segment in now)
    if translation is None:
        return {"total": total, "changed": total}
    if not comparison.outdated:
        return {"total": total, "changed": 0}
    if not comparison.known:
        return {"total": total, "changed": None}
    before = {segment.text for segment in segments(comparison.then)}
    return {"total": total, "changed": sum(segment.words for segment in now if segment.text not in before)}


@dataclass
class Row:
    """One line of the side-by-side view: a source segment and the translation's segment in the same place."""

    key: str
    label: str
    source: object  # Segment or None
    translation: object  # Segment or None
    changed: bool  # the source segment is new or changed since the translation was made


BLOCK_LABELS = {"p": _("Paragraph"), "li": _("List item"), "blockquote": _("Quotation"), "h2": _("Heading"), "h3": _("Heading"),
                "figcaption": _("Figure caption"),
                "h4": _("Heading"), "title": _("Title"), "standfirst": _("Standfirst")}  # fmt: skip


def segment_label(segment):
    from articles.segments import image_label

    if segment.kind in ("caption", "alt"):
        return image_label(segment)
    label = BLOCK_LABELS.get(segment.kind, _("Block"))
    return f"{label} {segment.number}" if segment.number else str(label)


def side_by_side(source, translation, comparison=None):
    """The source and the translation aligned segment by segment (title, standfirst, each body block in order,
    each image's caption and alt text), with the source segments changed since the translation's revision marked."""
    from articles.services import texts_of

    comparison = comparison or compare(source, translation)
    mine = {segment.key: segment for segment in segments(texts_of(translation))}
    before = {segment.text for segment in segments(comparison.then)} if comparison.then else None
    rows = []
    for segment in segments(comparison.now):
        changed = before is not None and segment.text not in before
        rows.append(Row(segment.key, segment_label(segment), segment, mine.pop(segment.key, None), changed))
    rows += [Row(key, segment_label(segment), None, segment, False) for key, segment in mine.items()]  # the translation's extra blocks
    return rows
