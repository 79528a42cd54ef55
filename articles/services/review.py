"""Review: submit, send back with a comment, approve, publish every ready language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import reversion
from django.db import transaction
from django.utils.translation import gettext as _

from articles import lifecycle
from articles.errors import Conflict, RuleBroken
from articles.lifecycle import Transition
from articles.models import (
    PendingChange,
    PieceVersion,
    Status,
)
from articles.services._base import _lock, _may_read, _revision
from articles.services.versions import publish, publish_changes, save_version

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from articles.models import Piece, VersionComment


def add_comment(*, version: PieceVersion, by: User | None, text: str, kind: str | None = None) -> VersionComment:
    """A note on a version for its editors and translators (who may read it)."""
    from articles.models import VersionComment

    _may_read(by, version)
    text = (text or "").strip()
    if not text:
        raise RuleBroken(_("Write a comment first."), field="text")
    if len(text) > 5000:
        raise RuleBroken(_("A comment has at most 5,000 characters."), field="text")
    return VersionComment.objects.create(version=version, author=by, text=text, kind=kind or VersionComment.COMMENT)


@transaction.atomic
def submit_for_review(*, version: PieceVersion, by: User | None, comment: str = "") -> PieceVersion:
    """A draft (or a published version's pending changes) is ready: a reviser of its language approves it or sends it back."""
    current = _lock(version)
    lifecycle.allow(Transition.SUBMIT, by=by, language=current.language)
    pending = PendingChange.objects.select_for_update().filter(version=current).first()
    state = lifecycle.state_of(current, pending)
    if state.published and not state.has_pending:
        raise Conflict(_("This version is published and nothing is pending: change it first, then submit the changes."))
    lifecycle.require(Transition.SUBMIT, by=by, version=current, state=state)
    with _revision(by, Transition.SUBMIT):
        if state.has_pending:
            assert pending is not None  # state_of() saw pending changes in this row
            pending.in_review = True
            pending.save(update_fields=["in_review", "updated_at"])
            reversion.add_to_revision(current)
            saved = current
        else:
            saved = save_version(version=current, by=by, changes={"status": Status.REVIEW})
    if comment and comment.strip():
        add_comment(version=saved, by=by, text=comment)
    return saved


@transaction.atomic
def send_back(*, version: PieceVersion, by: User | None, comment: str) -> PieceVersion:
    """A reviser returns a version (or pending changes) in review, saying why; its translator sees the comment on the form."""
    from articles.models import VersionComment

    current = _lock(version)
    pending = PendingChange.objects.select_for_update().filter(version=current).first()
    state = lifecycle.require(Transition.SEND_BACK, by=by, version=current, state=lifecycle.state_of(current, pending))
    if not (comment or "").strip():
        raise RuleBroken(_("Say what needs changing: the translator reads it beside the form."), field="text")
    with _revision(by, Transition.SEND_BACK):
        if state.has_pending:
            assert pending is not None  # state_of() saw pending changes in this row
            pending.in_review = False  # the pending changes stay, for their author to change
            pending.save(update_fields=["in_review", "updated_at"])
            reversion.add_to_revision(current)
            saved = current
        else:
            saved = save_version(version=current, by=by, changes={"status": Status.DRAFT})
    add_comment(version=saved, by=by, text=comment, kind=VersionComment.REJECTION)
    return saved


@transaction.atomic
def approve(*, version: PieceVersion, by: User | None) -> PieceVersion | int:
    """A reviser approves a version in review (published at its date, or now), or pending changes in review (made live)."""
    current = _lock(version)
    state = lifecycle.require(Transition.APPROVE, by=by, version=current)
    with _revision(by, Transition.APPROVE):
        if state.has_pending:
            return publish_changes(version=current, by=by)
        return publish(versions=[current], by=by)


@transaction.atomic
def publish_ready(*, pieces: Iterable[Piece], by: User | None) -> int:
    """Publish every version in review of these pieces in one step: all of them, or, if any is refused, none."""
    ready = list(PieceVersion.objects.filter(piece__in=pieces, status=Status.REVIEW).select_related("piece"))
    if not ready:
        raise RuleBroken(_("No version of these pieces is ready: submit translations for review first."))
    return publish(versions=ready, by=by)
