"""The life of a version: its states, every transition between them, who may take each, what each records.

This is the one state machine. The services call `require()` before they change anything and name
each History entry with `label()`; the admin, the review panel, the calendar, jobs and imports ask
`offered()` what to show and `state_of()` what to call a version. Nothing else derives a state.

A version's state is its phase (draft, in review, scheduled, live) and, for a published one (live
or scheduled), whether it has pending changes and whether those wait for review:

    draft ──submit──▶ in review ──approve──▶ scheduled ──(its time)──▶ live
      ▲                  │                      │                       │
      └────send back─────┘◀───────unpublish─────┴───────unpublish───────┘
    scheduled / live ──save──▶ … with pending changes ──submit──▶ … pending changes in review
    … with pending changes ──publish pending──▶ live (the changes are the text)   ──discard──▶ as before

What a transition may never do: a restore never changes status or date (on a published version it
becomes pending changes); a live version leaves live only by unpublish or delete, by someone who may
publish in its language; a refused transition changes nothing (the services run in one transaction).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from articles import policies
from articles.errors import Conflict, NotAllowed
from articles.models import Status

if TYPE_CHECKING:
    from articles.models import PendingChange, PieceVersion


class Phase(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    SCHEDULED = "scheduled"
    LIVE = "live"


class Pending(StrEnum):
    NONE = "none"
    EDITING = "editing"  # pending changes, being worked on
    IN_REVIEW = "in_review"  # pending changes submitted for review


PHASE_LABELS: dict[Phase, Promise] = {
    Phase.DRAFT: pgettext_lazy("version state", "Draft"),
    Phase.IN_REVIEW: pgettext_lazy("version state", "In review"),
    Phase.SCHEDULED: pgettext_lazy("version state", "Scheduled"),
    Phase.LIVE: pgettext_lazy("version state", "Published"),
}
PENDING_LABELS: dict[Pending, Promise] = {
    Pending.EDITING: _("pending changes"),
    Pending.IN_REVIEW: _("pending changes, in review"),
}


@dataclass(frozen=True)
class State:
    phase: Phase
    pending: Pending = Pending.NONE

    @property
    def published(self) -> bool:
        """Passed for publication: live, or scheduled to be (the row readers will read is final)."""
        return self.phase in (Phase.SCHEDULED, Phase.LIVE)

    @property
    def live(self) -> bool:
        return self.phase == Phase.LIVE

    @property
    def has_pending(self) -> bool:
        return self.pending != Pending.NONE

    @property
    def in_review(self) -> bool:
        return self.phase == Phase.IN_REVIEW or self.pending == Pending.IN_REVIEW

    @property
    def label(self) -> Promise:
        return PHASE_LABELS[self.phase]

    @property
    def pending_label(self) -> Promise | None:
        return PENDING_LABELS.get(self.pending)


def phase_of(status: str, published_at: datetime | None, now: datetime | None = None) -> Phase:
    if status == Status.DRAFT:
        return Phase.DRAFT
    if status == Status.REVIEW:
        return Phase.IN_REVIEW
    if published_at is not None and published_at <= (now or timezone.now()):
        return Phase.LIVE
    return Phase.SCHEDULED


_UNKNOWN: Any = object()


def state_of(version: PieceVersion, pending: PendingChange | None | bool = _UNKNOWN, now: datetime | None = None) -> State:
    """The state of `version` now. `pending`: its PendingChange (or its `in_review` flag, or None) when the caller
    read it already; otherwise it is read here (a query)."""
    phase = phase_of(version.status, version.published_at, now)
    if phase not in (Phase.SCHEDULED, Phase.LIVE):
        return State(phase)
    if pending is _UNKNOWN:
        from articles.models import PendingChange

        pending = PendingChange.objects.filter(version_id=version.pk).values_list("in_review", flat=True).first()
    if pending is None:
        return State(phase)
    in_review = pending if isinstance(pending, bool) else pending.in_review
    return State(phase, Pending.IN_REVIEW if in_review else Pending.EDITING)


class Transition(StrEnum):
    CREATE = "create"
    SAVE = "save"  # text and settings; on a published version, they become its pending changes
    SUBMIT = "submit"
    SEND_BACK = "send_back"
    APPROVE = "approve"
    SCHEDULE = "schedule"
    PUBLISH = "publish"
    PUBLISH_PENDING = "publish_pending"
    DISCARD_PENDING = "discard_pending"
    RESCHEDULE = "reschedule"
    RESTORE = "restore"
    UNPUBLISH = "unpublish"
    DELETE = "delete"
    MAKE_SOURCE = "make_source"
    COMMENT = "comment"
    GO_LIVE = "go_live"  # the clock: a scheduled version's time has come


Who = Callable[[Any, str], bool]  # (user, language) -> may they


def _edit(user: Any, language: str) -> bool:
    return policies.may_edit_language(user, language)


def _publish(user: Any, language: str) -> bool:
    return policies.may_edit_language(user, language) and policies.may_publish_language(user, language)


def _delete(user: Any, language: str) -> bool:
    return policies.may_delete(user)


def _edit_piece(user: Any, language: str) -> bool:
    return policies.may_edit_piece(user)


def _nobody(user: Any, language: str) -> bool:
    return False  # the system's own (by=None) only


@dataclass(frozen=True)
class Rule:
    label: Promise  # the History entry it records
    who: Who
    when: Callable[[State], bool]
    refused: Promise  # why, when the state does not allow it
    denied: Promise  # why, when the person may not


def _any(state: State) -> bool:
    return True


RULES: dict[Transition, Rule] = {
    Transition.CREATE: Rule(_("Created"), _edit, _any, _("This version exists already."), _("You do not work in this language.")),
    Transition.SAVE: Rule(_("Changed"), _edit, _any, _("This version cannot be changed now."), _("You do not work in this language.")),
    Transition.SUBMIT: Rule(
        _("Submitted for review"),
        _edit,
        lambda s: s.phase == Phase.DRAFT or s.pending == Pending.EDITING,
        _("Only a draft can be submitted for review, or the pending changes of a published version."),
        _("You do not work in this language."),
    ),  # fmt: skip
    Transition.SEND_BACK: Rule(
        _("Sent back"),
        _publish,
        lambda s: s.in_review,
        _("Only a version in review can be sent back."),
        _("Only a reviser of this language sends versions back."),
    ),  # fmt: skip
    Transition.APPROVE: Rule(
        _("Approved"),
        _publish,
        lambda s: s.in_review,
        _("Only a version in review can be approved."),
        _("You may not publish or unpublish."),
    ),  # fmt: skip
    Transition.SCHEDULE: Rule(
        _("Scheduled"),
        _publish,
        lambda s: not s.published,
        _("This version is already published."),
        _("You may not publish or unpublish."),
    ),  # fmt: skip
    Transition.PUBLISH: Rule(
        _("Published"), _publish, _any, _("This version is already published."), _("You may not publish or unpublish.")
    ),
    Transition.PUBLISH_PENDING: Rule(
        _("Published the pending changes"),
        _publish,
        lambda s: s.has_pending,
        _("This version has no pending changes to publish."),
        _("You may not publish or unpublish."),
    ),  # fmt: skip
    Transition.DISCARD_PENDING: Rule(
        _("Discarded the pending changes"),
        _edit,
        lambda s: s.has_pending,
        _("This version has no pending changes."),
        _("You do not work in this language."),
    ),  # fmt: skip
    Transition.RESCHEDULE: Rule(
        _("Rescheduled"),
        _edit,
        lambda s: not s.live,
        _("This version is already live: its date can only be changed in its form, as a change readers will see."),
        _("You do not work in this language."),
    ),  # fmt: skip
    Transition.RESTORE: Rule(
        _("Restored a revision"), _edit, _any, _("This revision cannot be restored now."), _("You do not work in this language.")
    ),
    Transition.UNPUBLISH: Rule(
        _("Unpublished"), _publish, lambda s: s.published, _("This version is not published."), _("You may not publish or unpublish.")
    ),
    Transition.DELETE: Rule(_("Deleted"), _delete, _any, _("This version cannot be deleted now."), _("You may not delete versions.")),
    Transition.MAKE_SOURCE: Rule(
        _("Made the source"),
        _edit_piece,
        _any,
        _("This version cannot be the source now."),
        _("Only editors change what all versions of a piece share."),
    ),  # fmt: skip
    Transition.COMMENT: Rule(
        _("Commented"), lambda user, language: True, _any, _("No comments here."), _("You may not read this version.")
    ),
    Transition.GO_LIVE: Rule(
        _("Went live"), _nobody, lambda s: s.phase == Phase.LIVE, _("Not due yet."), _("Only the clock makes scheduled versions live.")
    ),
}


def may(transition: Transition, by: Any, language: str) -> bool:
    """Whether `by` may take `transition` in `language` (None is the system: scheduled jobs, imports; it may do anything)."""
    return by is None or RULES[transition].who(by, language)


def allow(transition: Transition, *, by: Any, language: str) -> None:
    """Refuse (NotAllowed) unless `by` may take `transition` in `language`, whatever the state."""
    if not may(transition, by, language):
        raise NotAllowed(RULES[transition].denied)


def require(transition: Transition, *, by: Any, version: PieceVersion, state: State | None = None) -> State:
    """Refuse (NotAllowed, or Conflict when the state does not allow it) unless `by` may take `transition` on
    `version` now; returns the state it was taken from. Call it with the row lock held."""
    rule = RULES[transition]
    allow(transition, by=by, language=version.language)
    state = state or state_of(version)
    if not rule.when(state):
        raise Conflict(rule.refused)
    return state


def save_transition(before: State, status: str, published_at: datetime | None, *, go_live: bool) -> Transition:
    """What a save with these settings is: an edit (of the text, or of pending changes), or a change of state.

    Everything a save can do is one of the transitions, so the same rule decides who may do it
    wherever the save comes from (the form, a job, an import)."""
    after = phase_of(status, published_at)
    if before.published and after in (Phase.DRAFT, Phase.IN_REVIEW):
        return Transition.UNPUBLISH
    if before.live and after == Phase.SCHEDULED:
        return Transition.UNPUBLISH  # moved into the future, a live version leaves readers until then
    if not before.published and after == Phase.LIVE:
        return Transition.PUBLISH
    if not before.published and after == Phase.SCHEDULED:
        return Transition.SCHEDULE
    if before.published and go_live:
        return Transition.PUBLISH_PENDING if before.has_pending else Transition.PUBLISH
    if before.phase == Phase.DRAFT and after == Phase.IN_REVIEW:
        return Transition.SUBMIT
    return Transition.SAVE  # a draft's text, or a version taken back from review by someone working on it


def offered(user: Any, version: PieceVersion, state: State) -> dict[Transition, bool]:
    """What the review panel and the form offer `user` on `version` in `state`: each transition they may take now."""
    return {transition: may(transition, user, version.language) and rule.when(state) for transition, rule in RULES.items()}
