"""Pieces and versions: create, save (a published version's save is its pending changes), publish, unpublish, delete, go live."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import EllipsisType
from typing import TYPE_CHECKING, Any

import reversion
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from articles import events, figures, lifecycle
from articles.errors import Conflict, RuleBroken
from articles.lifecycle import Transition
from articles.models import (
    Author,
    Kind,
    PendingChange,
    Piece,
    PieceVersion,
    Section,
    Status,
)
from articles.sanitize import sanitize_html
from articles.services._base import (
    VERSION_FIELDS,
    ImageUsage,
    _announce_state,
    _check_publishable,
    _check_slug_free,
    _event_kind,
    _follow_title,
    _image_texts,
    _lock,
    _mark_current,
    _may_edit_piece,
    _piece_differs,
    _replace_usages,
    _revision,
    _same_as_live,
    _save_row,
    _saved_from,
    _set_piece_fields,
    _set_source,
    _set_tags,
    _slug_from,
    _stays_published,
    _stored_usages,
    _tracking,
    _usages_of,
    pending_usages,
    remember_moved_url,
)
from articles.services.assignments import _source_changed

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def create_piece(
    *,
    by: User | None,
    language: str,
    changes: Mapping[str, Any],
    section: Section | None = None,
    kind: Kind | None = None,
    authors: Iterable[Author] = (),
    tags: Iterable[str] = (),
    images: Sequence[ImageUsage] = (),
) -> PieceVersion:
    """A new piece with its source version in `language`; returns the version."""
    lifecycle.allow(Transition.CREATE, by=by, language=language)
    version = PieceVersion(language=language, **{f: v for f, v in changes.items() if f in VERSION_FIELDS})
    if not (version.slug or "").strip() and (version.title or "").strip():
        version.slug = _slug_from(language, version.title)
    born = lifecycle.save_transition(lifecycle.State(lifecycle.Phase.DRAFT), version.status, version.published_at, go_live=False)
    lifecycle.allow(born, by=by, language=language)  # a piece born published (or scheduled, or in review)
    if section is not None or kind is not None or authors:
        _may_edit_piece(by)
    _check_slug_free(version)
    _check_publishable(version, images)
    with _revision(by, gettext_noop("Created")):
        piece = Piece.objects.create(section=section, kind=kind)
        version.piece = piece
        _announce_state(version)
        _save_row(version)
        _set_source(piece, version)
        if authors:
            piece.authors.set(authors)
        _replace_usages(version, images)
        _set_tags(version, tags)
        reversion.add_to_revision(version)  # again: the revision follows the images and piece as they are now
    with _tracking([piece.pk]) as touched:
        pass
    kind_ = events.VERSION_PUBLISHED if version.is_published() else events.VERSION_CHANGED
    events.emit(kind_, touched["urls"], piece_id=piece.pk, version_id=version.pk, language=language)
    return version


@transaction.atomic
def save_version(
    *, version: PieceVersion, by: User | None, changes: Mapping[str, Any], expected_edit_version: int | None = None,
    section: Section | None | EllipsisType = ..., kind: Kind | None | EllipsisType = ...,
    authors: Iterable[Author] | EllipsisType = ..., tags: Iterable[str] | None = None, images: Sequence[ImageUsage] | None = None,
    matches_source_revision: int | None = None, go_live: bool = False, _keep_pending: bool = False,
) -> PieceVersion:  # fmt: skip
    """Change one version (and, for editors, the shared fields of its piece) in one step.

    `changes` maps version fields to new values; `images` (a list of usages) and `tags` (names)
    replace the current ones when given; `expected_edit_version` is the edit lock a form read.
    `matches_source_revision`: for a translation, the source's content revision its text now
    matches — the one the translator was shown, never simply the latest (it may have moved since).
    A changed image, caption or alt text is a change of content, as a changed word is.

    A published version (live or scheduled) that stays published is not changed: the change is
    kept as its pending changes (`PendingChange`), which readers do not see, until someone who may
    publish in its language makes them live (`publish_changes`, or `go_live=True` here). Shared
    fields of the piece are not text: they change at once, as `update_piece` changes them.
    """
    current = _lock(version, expected_edit_version)
    lifecycle.allow(Transition.SAVE, by=by, language=current.language)
    if _stays_published(current, changes) and not go_live:
        return _stage(current, by=by, changes=changes, tags=tags, images=images, matches_source_revision=matches_source_revision,
                      piece_changes={"section": section, "kind": kind, "authors": authors})  # fmt: skip
    before_state = lifecycle.state_of(current)
    transition = lifecycle.save_transition(
        before_state, changes.get("status", current.status), changes.get("published_at", current.published_at), go_live=go_live
    )
    lifecycle.require(transition, by=by, version=current, state=before_state)  # publishing, unpublishing: the publisher's
    before_published, before_url = current.is_published(), current.get_absolute_url()
    old_status, old_slug, before_revision = current.status, current.slug, current.content_revision
    for field_name, value in changes.items():
        if field_name in VERSION_FIELDS:
            setattr(current, field_name, value)
    piece_changes: dict[str, Any] = {k: v for k, v in {"section": section, "kind": kind, "authors": authors}.items() if v is not ...}
    shared_change = bool(piece_changes) and _piece_differs(current.piece, **piece_changes)
    if shared_change:
        _may_edit_piece(by)
    before_usages = _usages_of(current)
    usages = images if images is not None else before_usages
    _follow_title(current, old_slug, never_out=not before_published and old_status != Status.PUBLISHED)
    _check_slug_free(current)
    _check_publishable(current, usages)
    if matches_source_revision is not None and not current.is_source:
        _mark_current(current, matches_source_revision)
    if _image_texts(usages) != _image_texts(before_usages) and not current.text_changed():
        current.content_changed()
    _announce_state(current)
    with _tracking([current.piece_id], None if shared_change else {current.pk}) as touched, _revision(by, transition):
        _save_row(current)
        piece_changed = _set_piece_fields(current.piece, **piece_changes)
        if images is not None:
            _replace_usages(current, images)
        if tags is not None:
            _set_tags(current, tags)
        reversion.add_to_revision(current)  # again: the revision follows the images and piece as they are now
        if before_published and current.is_published():
            remember_moved_url(version=current, old_url=before_url)
        if current.is_source and current.content_revision > before_revision:
            _source_changed(current)
        if old_status == Status.PUBLISHED and not _keep_pending:
            PendingChange.objects.filter(version=current).delete()  # what was pending is what was just saved, or given up
    events.emit(
        _event_kind(before_published, before_url, current), touched["urls"], piece_id=current.piece_id, version_id=current.pk,
        language=current.language, extra={"translation": not current.is_source},
    )  # fmt: skip
    if piece_changed:
        events.emit(events.PIECE_CHANGED, touched["urls"], piece_id=current.piece_id)
    return current


def _stage(
    current: PieceVersion,
    *,
    by: User | None,
    changes: Mapping[str, Any],
    tags: Iterable[str] | None,
    images: Sequence[ImageUsage] | None,
    matches_source_revision: int | None,
    piece_changes: dict[str, Any],
) -> PieceVersion:
    """Keep `changes` as `current`'s pending changes; the version readers see is left as it is."""
    pending = PendingChange.objects.select_for_update().filter(version=current).first()
    if pending is None:
        pending = PendingChange(version=current, created_by=by, tags=[t.name for t in current.tags.all()],
                                images=_stored_usages(_usages_of(current)),
                                **{name: getattr(current, name) for name in PendingChange.FIELDS})  # fmt: skip
    copy = PieceVersion(pk=current.pk, piece=current.piece, language=current.language, status=Status.PUBLISHED,
                   **{name: getattr(pending, name) for name in PendingChange.FIELDS})  # fmt: skip
    for name in PendingChange.FIELDS:
        if name in changes:
            setattr(copy, name, changes[name])
    copy.body = figures.bind(sanitize_html(copy.body, figures=True))
    if not (copy.slug or "").strip():
        copy.slug = _slug_from(copy.language, copy.title, exclude=current.pk)
    _check_slug_free(copy)
    usages = images if images is not None else pending_usages(pending)
    _check_publishable(copy, usages)
    if matches_source_revision is not None and not current.is_source:
        _mark_current(copy, matches_source_revision)
        pending.matches_source_revision = copy.translated_from_revision
    for name in PendingChange.FIELDS:
        setattr(pending, name, getattr(copy, name))
    if tags is not None:
        pending.tags = sorted({name.strip() for name in tags if name.strip()}, key=str.lower)
    pending.images = _stored_usages(usages)
    pending.updated_by = by
    piece_changes = {k: v for k, v in piece_changes.items() if v is not ...}
    if piece_changes and _piece_differs(current.piece, **piece_changes):
        update_piece(piece=current.piece, by=by, **piece_changes)
    unchanged = _same_as_live(current, pending)
    # The History keeps each save of pending changes: the version as readers see it, with the pending text beside it.
    with _revision(by, gettext_noop("Saved back to the live text") if unchanged else gettext_noop("Saved pending changes")):
        if unchanged and not pending._state.adding:
            pending.delete()  # saved back to what readers see: nothing is pending any more
        elif not unchanged:
            pending.save()
        reversion.add_to_revision(current)
    PieceVersion.objects.filter(pk=current.pk).update(edit_version=F("edit_version") + 1)  # the edit lock covers the working copy
    current.edit_version += 1
    events.emit(events.CHANGES_PENDING, set(), piece_id=current.piece_id, version_id=current.pk, language=current.language)
    return current


@transaction.atomic
def publish_changes(*, version: PieceVersion, by: User | None, expected_edit_version: int | None = None) -> PieceVersion:
    """Make a published version's pending changes what readers see: the ordinary save, with its rules and events."""
    current = _lock(version, expected_edit_version)
    lifecycle.allow(Transition.PUBLISH_PENDING, by=by, language=current.language)
    pending = PendingChange.objects.select_for_update().filter(version=current).first()
    lifecycle.require(Transition.PUBLISH_PENDING, by=by, version=current, state=lifecycle.state_of(current, pending))
    assert pending is not None  # require() refuses a version with nothing pending
    saved_from = _saved_from(pending)
    if len(saved_from["images"]) != len(pending.images):
        raise Conflict(_("An image of these pending changes has been deleted since: open the form, check the images and save again."))
    with _revision(by, Transition.PUBLISH_PENDING):
        return save_version(version=current, by=by, go_live=True, **saved_from)


@transaction.atomic
def reschedule(
    *, version: PieceVersion, by: User | None, published_at: datetime | None, expected_edit_version: int | None = None
) -> PieceVersion:
    """Move a scheduled version, or a draft's planned date, to another time (the editorial calendar's form).

    A scheduled version needs the right to publish in its language and a time still in the future:
    publishing now is publishing, not rescheduling. A draft's or review's planned date needs only the
    right to edit. A live version is not rescheduled: its date is part of its address and what readers
    were told. Pending changes keep their text and move with the date.
    """
    current = _lock(version, expected_edit_version)
    lifecycle.allow(Transition.RESCHEDULE, by=by, language=current.language)
    if published_at is None:
        raise RuleBroken(_("Give the new date and time."), field="published_at")
    state = lifecycle.state_of(current)
    if state.live:
        raise RuleBroken(lifecycle.RULES[Transition.RESCHEDULE].refused)
    if state.published:
        lifecycle.allow(Transition.SCHEDULE, by=by, language=current.language)  # moving a go-live is publishing
        if published_at <= timezone.now():
            raise RuleBroken(
                _("A scheduled version's new time must be in the future; to publish it now, publish it."), field="published_at"
            )
    old_time = current.published_at
    PendingChange.objects.filter(version=current, published_at=old_time).update(published_at=published_at)
    with _revision(by, Transition.RESCHEDULE):
        return save_version(version=current, by=by, changes={"published_at": published_at}, go_live=True, _keep_pending=True)


@transaction.atomic
def discard_changes(*, version: PieceVersion, by: User | None) -> PieceVersion:
    """Give up a published version's pending changes: readers saw none of them, and the form shows the live text again."""
    current = _lock(version)
    lifecycle.require(Transition.DISCARD_PENDING, by=by, version=current)
    with _revision(by, Transition.DISCARD_PENDING):
        PendingChange.objects.filter(version=current).delete()
        reversion.add_to_revision(current)
    PieceVersion.objects.filter(pk=current.pk).update(edit_version=F("edit_version") + 1)
    events.emit(events.CHANGES_PENDING, set(), piece_id=current.piece_id, version_id=current.pk, language=current.language)
    return current


@transaction.atomic
def update_piece(
    *,
    piece: Piece,
    by: User | None,
    section: Section | None | EllipsisType = ...,
    kind: Kind | None | EllipsisType = ...,
    authors: Iterable[Author] | EllipsisType = ...,
) -> Piece:
    """Change what all versions share: section, kind, authors."""
    _may_edit_piece(by)
    piece = Piece.objects.select_for_update().get(pk=piece.pk)
    with _tracking([piece.pk]) as touched, _revision(by, gettext_noop("Changed the piece")):
        changed = _set_piece_fields(piece, section=section, kind=kind, authors=authors)
    if changed:
        events.emit(events.PIECE_CHANGED, touched["urls"], piece_id=piece.pk)
    return piece


def _set_status(versions: Iterable[PieceVersion], by: User | None, status: Status, comment: lifecycle.Transition) -> int:
    versions = list(versions)
    transition = Transition.PUBLISH if status == Status.PUBLISHED else Transition.UNPUBLISH
    for version in versions:
        lifecycle.allow(transition, by=by, language=version.language)
    changed: list[PieceVersion] = []
    before_published: dict[int, bool] = {}
    now = timezone.now()
    for version in versions:
        current = _lock(version)
        if current.status == status:
            continue
        before_published[current.pk] = current.is_published()
        current.status = status
        if status == Status.PUBLISHED:
            current.published_at = current.published_at or now
            _check_publishable(current, _usages_of(current))
        changed.append(current)
    if not changed:
        return 0
    piece_ids = {v.piece_id for v in changed}
    with _tracking(piece_ids, {v.pk for v in changed}) as touched, _revision(by, comment):
        for current in changed:
            _announce_state(current)
            _save_row(current)
            reversion.add_to_revision(current)
    for current in changed:
        kind = _event_kind(before_published[current.pk], current.get_absolute_url(), current)
        events.emit(kind, touched["urls"], piece_id=current.piece_id, version_id=current.pk, language=current.language,
                    extra={"translation": not current.is_source})  # fmt: skip
    return len(changed)


@transaction.atomic
def publish(*, versions: Iterable[PieceVersion], by: User | None) -> int:
    """Publish these versions; one without a publication date goes out now.

    Refused as a whole if any of them uses an image without alt text that is not marked decorative.
    """
    versions = list(versions)
    count = _set_status(versions, by, Status.PUBLISHED, Transition.PUBLISH)
    for pending in PendingChange.objects.filter(version__in=[v.pk for v in versions]).select_related("version"):
        publish_changes(version=pending.version, by=by)  # already published: publishing it makes its pending changes live
        count += 1
    return count


@transaction.atomic
def unpublish(*, versions: Iterable[PieceVersion], by: User | None) -> int:
    """Take these versions back to draft: readers get a 404 until they are published again.

    Pending changes become the draft's text: once nothing is public there is only one text to work on.
    """
    versions = list(versions)
    count = _set_status(versions, by, Status.DRAFT, Transition.UNPUBLISH)
    for pending in PendingChange.objects.filter(version__in=[v.pk for v in versions]).select_related("version"):
        save_version(version=pending.version, by=by, **_saved_from(pending))
        pending.delete()
    return count


@transaction.atomic
def make_source(*, version: PieceVersion, by: User | None) -> PieceVersion:
    """Make `version` the source of its piece; the other versions count as translations of it, up to date now."""
    current = _lock(version)
    lifecycle.allow(Transition.MAKE_SOURCE, by=by, language=current.language)
    piece = Piece.objects.select_for_update().get(pk=current.piece_id)
    if piece.source_id == current.pk:
        return current
    with (
        _tracking([piece.pk]) as touched,
        _revision(by, gettext_noop("Made the %(language)s version the source"), language=current.language),
    ):
        _set_source(piece, current, "updated_at")
        reversion.add_to_revision(current)
        PieceVersion.objects.filter(piece=piece).exclude(pk=current.pk).update(translated_from_revision=current.content_revision)
        PieceVersion.objects.filter(pk=current.pk).update(translated_from_revision=None)
    events.emit(events.PIECE_CHANGED, touched["urls"], piece_id=piece.pk)
    return current


def check_deletable(version: PieceVersion) -> None:
    """Raise Conflict if deleting `version` alone would leave its piece without a source."""
    piece = version.piece
    if piece.source_id == version.pk and piece.versions.exclude(pk=version.pk).exists():
        raise Conflict(
            _(
                "“%(title)s” is the source of its piece and other versions translate it. Make another version "
                "the source first (action “Make source version of its piece”), or delete the whole piece."
            )
            % {"title": version.title},
            code="source_with_translations",
        )


@transaction.atomic
def delete_version(*, version: PieceVersion, by: User | None) -> None:
    """Delete one version. A source with translations is refused; a piece's last version takes the piece with it."""
    current = _lock(version)
    lifecycle.allow(Transition.DELETE, by=by, language=current.language)
    check_deletable(current)
    piece_id = current.piece_id
    with _tracking([piece_id], {current.pk}) as touched:
        if current.piece.source_id == current.pk:
            Piece.objects.filter(pk=piece_id).delete()  # its only version: the piece goes with it
        else:
            current.delete()
    events.emit(events.VERSION_DELETED, touched["urls"], piece_id=piece_id, version_id=version.pk, language=current.language)


@transaction.atomic
def delete_versions(*, versions: Iterable[PieceVersion], by: User | None) -> int:
    """Delete several versions, all or none: refused if any is a source whose translations stay."""
    versions = list(versions)
    doomed = {v.pk for v in versions}
    for version in versions:
        piece = version.piece
        others = set(piece.versions.values_list("pk", flat=True)) - doomed
        if piece.source_id == version.pk and others:
            check_deletable(version)
    for version in sorted(versions, key=lambda v: v.piece.source_id == v.pk):  # translations first
        if PieceVersion.objects.filter(pk=version.pk).exists():
            delete_version(version=version, by=by)
    return len(versions)


@transaction.atomic
def delete_piece(*, piece: Piece, by: User | None) -> None:
    """Delete a piece with all its versions."""
    lifecycle.allow(Transition.DELETE, by=by, language=piece.source_language)
    with _tracking([piece.pk]) as touched:
        Piece.objects.filter(pk=piece.pk).delete()
    events.emit(events.PIECE_DELETED, touched["urls"], piece_id=piece.pk)


def go_live_due(*, now: datetime | None = None) -> int:
    """Announce the versions whose publication time has come: the same event as a manual publish, once.

    Listings show them already (their rows carry the time); this rebuilds their pieces' rows, so
    fallback rows a local version has replaced are dropped, and emits `version.published`.
    Safe to run twice at once: each version is claimed by a conditional update.
    """
    now = now or timezone.now()
    due = list(
        PieceVersion.objects.filter(status=Status.PUBLISHED, live_announced=False, published_at__lte=now).values_list("pk", flat=True)
    )
    announced = 0
    for pk in due:
        with transaction.atomic():
            if not PieceVersion.objects.filter(pk=pk, live_announced=False, status=Status.PUBLISHED, published_at__lte=now).update(
                live_announced=True
            ):
                continue  # another run claimed it
            version = PieceVersion.objects.get(pk=pk)
            with _tracking([version.piece_id], {pk}) as touched:
                pass
            events.emit(events.VERSION_PUBLISHED, touched["urls"], piece_id=version.piece_id, version_id=pk, language=version.language)
            announced += 1
    return announced
