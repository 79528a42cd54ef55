"""The one write path: every change to pieces and versions goes through these keyword-only functions.

Each one asks `policies` whether `by` may do it, takes the row lock that prevents lost updates,
applies the domain rules once (alt text, slug uniqueness, outdated tracking, redirects on URL
change), keeps the listing index in step, and emits one change event per change. Refusals are
`errors.DomainError`s with a message; the admin, jobs, imports and an API only call these.
`by=None` is the system (a scheduled job, a data import): it passes every policy.
"""

import hashlib
import logging
import secrets
from contextlib import contextmanager
from copy import copy as shallow_copy
from datetime import timedelta

import reversion
from django.conf import settings
from django.core.files.storage import default_storage, storages
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils import translation as translations
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext as _
from reversion.models import Version

from . import events, figures, images, lifecycle, listing, policies, search, selectors
from .errors import Conflict, EditConflict, NotAllowed, RuleBroken
from .languages import language_codes, language_info
from .lifecycle import Transition
from .models import (
    Article,
    ArticleImage,
    ArticleRedirect,
    Author,
    FeaturedPiece,
    Image,
    ImageState,
    Kind,
    PendingChange,
    Piece,
    Section,
    Status,
)
from .sanitize import sanitize_html
from .segments import image_segments, plain

logger = logging.getLogger(__name__)

VERSION_FIELDS = ("title", "slug", "standfirst", "body", "status", "published_at")


# Policies ----------------------------------------------------------------------------------------


def _require(allowed, message):
    if not allowed:
        raise NotAllowed(message)


def _may_edit(by, language):
    _require(by is None or policies.may_edit_language(by, language), _("You do not work in “%(language)s”.") % {"language": language})


def _may_publish(by, language):
    _require(by is None or policies.may_publish_language(by, language), _("You may not publish or unpublish."))


def _may_read(by, version):
    _require(by is None or policies.may_read_version(by, version), _("You may not read this version: it is not published yet."))


def _may_edit_piece(by):
    _require(by is None or policies.may_edit_piece(by), _("Only editors change what all versions of a piece share."))


# Plumbing -------------------------------------------------------------------------------------


@contextmanager
def _revision(by, comment):
    with reversion.create_revision():
        if by is not None:
            reversion.set_user(by)
        if not reversion.get_comment():  # an enclosing write (a restore) names the revision
            reversion.set_comment(comment)
        yield


def _language_name(code):
    return language_info(code)["name_local"] if code in language_codes() else code


def _slug_taken_message(language, slug):
    return _("The slug “%(slug)s” is already used by another %(language)s version: choose another.") % {
        "slug": slug,
        "language": _language_name(language),
    }


def _check_slug_free(version):
    if not version.slug or not version.slug.strip():
        raise RuleBroken(_("A version needs a slug."), field="slug")
    taken = Article.objects.filter(language=version.language, slug=version.slug).exclude(pk=version.pk).exists()
    if taken:
        raise Conflict(_slug_taken_message(version.language, version.slug), field="slug")


def _save_row(version, **kwargs):
    """Save in a savepoint: a constraint another writer won first becomes a Conflict, not a broken transaction."""
    try:
        with transaction.atomic():
            version.save(**kwargs)
    except IntegrityError:
        if Article.objects.filter(piece_id=version.piece_id, language=version.language).exclude(pk=version.pk).exists():
            raise Conflict(_("This piece already has a %(language)s version.") % {"language": _language_name(version.language)}) from None
        if Article.objects.filter(language=version.language, slug=version.slug).exclude(pk=version.pk).exists():
            raise Conflict(_slug_taken_message(version.language, version.slug), field="slug") from None
        raise


def _check_publishable(version, usages):
    """The rules a published (or scheduled) version must meet."""
    if version.status != Status.PUBLISHED:
        return
    if not version.published_at:
        raise RuleBroken(_("A published version needs a publication date."), field="published_at")
    blind = [str(u["image"]) for u in usages if not u.get("decorative") and not (u.get("alt_text") or "").strip()]
    if blind:
        raise RuleBroken(
            _("Every image of a published version needs alt text, or must be marked decorative: %(images)s") % {"images": ", ".join(blind)}
        )


def _usages_of(version):
    """A version's images as the usage dicts the services take and the history keeps."""
    return [
        {"image": u.image, "alt_text": u.alt_text, "decorative": u.decorative, "caption": u.caption, "order": u.order}
        for u in version.image_usages.select_related("image")
    ]


def _image_texts(usages):
    """What a translation translates of a version's images: which pictures, in order, with their texts."""
    ordered = sorted(usages, key=lambda u: u.get("order") or 0)
    return [(getattr(u["image"], "pk", u["image"]), plain(u.get("alt_text")), plain(u.get("caption")), bool(u.get("decorative")))
            for u in ordered]  # fmt: skip


def texts_of(version):
    """A version's translatable texts now: title, standfirst, body and its images' usages."""
    return {**{field: getattr(version, field) for field in Article.CONTENT_FIELDS}, "images": _usages_of(version)}


def _replace_usages(version, usages):
    version.image_usages.all().delete()
    ArticleImage.objects.bulk_create(
        ArticleImage(
            article=version,
            image=u["image"],
            alt_text=u.get("alt_text", ""),
            decorative=u.get("decorative", False),
            caption=u.get("caption", ""),
            order=u.get("order", 0),
        )
        for u in usages
    )


def _lock(version, expected_edit_version=None):
    """The version's row, locked until the transaction ends; refuses if it changed since `expected_edit_version`."""
    current = Article.objects.select_for_update().filter(pk=version.pk).select_related("piece").first()
    if current is None:
        raise Conflict(_("This version has been deleted meanwhile."))
    if expected_edit_version is not None and expected_edit_version != current.edit_version:
        raise EditConflict(
            _("Someone else saved this version at %(when)s, after you opened it. Nothing was overwritten.")
            % {"when": timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M:%S")},
            current=current,
        )
    return current


def _announce_state(version):
    """Keep `live_announced` true exactly while the version is published and its time has come."""
    version.live_announced = version.is_published()


def _event_kind(before_published, before_url, version):
    if version.is_published() and not before_published:
        return events.VERSION_PUBLISHED
    if before_published and not version.is_published():
        return events.VERSION_UNPUBLISHED
    if before_published and before_url != version.get_absolute_url():
        return events.VERSION_MOVED
    return events.VERSION_CHANGED


@contextmanager
def _tracking(piece_ids, versions=None):
    """Around a write: the listing rows rebuilt at the end, and the URLs it affects (see events.affected_urls).

    `versions`: the ids of the versions the write changed; None when it changed what the pieces share.
    """
    before = events.snapshot(piece_ids)
    touched = {}
    yield touched
    listing.rebuild_pieces(piece_ids)
    search.index_pieces(piece_ids, versions)
    touched["urls"] = events.affected_urls(before, events.snapshot(piece_ids), versions)


def remember_moved_url(*, version, old_url):
    """After a save: if a published version's URL changed, its old URL keeps working with a 301."""
    new_url = version.get_absolute_url()
    ArticleRedirect.objects.filter(old_path=new_url).delete()  # moved back: the live URL wins
    if old_url and old_url != new_url:
        ArticleRedirect.objects.filter(article=version, old_path=old_url).delete()
        ArticleRedirect.objects.update_or_create(old_path=old_url, defaults={"article": version})


def _set_tags(version, names):
    from .models import Tag

    before = set(version.tags.values_list("pk", flat=True))
    version.tags.set([name.strip() for name in names if name.strip()], tag_kwargs={"language": version.language})
    dropped = before - set(version.tags.values_list("pk", flat=True))
    if dropped:  # a tag carried over from the source that no version kept is forgotten, not left in the picker
        Tag.objects.filter(pk__in=dropped, origin__isnull=False, tagged_articles__isnull=True).delete()


def _set_piece_fields(piece, section=..., kind=..., authors=...):
    """Apply the shared fields that were given (Ellipsis = leave as is); True if anything changed."""
    changed = False
    if section is not ... and piece.section_id != (section.pk if section else None):
        piece.section, changed = section, True
    if kind is not ... and piece.kind_id != (kind.pk if kind else None):
        piece.kind, changed = kind, True
    if changed:
        piece.save()
    if authors is not ...:
        wanted = {a.pk for a in authors}
        if wanted != set(piece.authors.values_list("pk", flat=True)):
            piece.authors.set(authors)
            changed = True
    return changed


# Pieces and versions -------------------------------------------------------------------------


@transaction.atomic
def create_piece(*, by, language, changes, section=None, kind=None, authors=(), tags=(), images=()):
    """A new piece with its source version in `language`; returns the version."""
    lifecycle.allow(Transition.CREATE, by=by, language=language)
    version = Article(language=language, **{f: v for f, v in changes.items() if f in VERSION_FIELDS})
    if not (version.slug or "").strip() and (version.title or "").strip():
        version.slug = _slug_from(language, version.title)
    born = lifecycle.save_transition(lifecycle.State(lifecycle.Phase.DRAFT), version.status, version.published_at, go_live=False)
    lifecycle.allow(born, by=by, language=language)  # a piece born published (or scheduled, or in review)
    if section is not None or kind is not None or authors:
        _may_edit_piece(by)
    _check_slug_free(version)
    _check_publishable(version, images)
    with _revision(by, _("Created")):
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
    *, version, by, changes, expected_edit_version=None, section=..., kind=..., authors=..., tags=None, images=None,
    matches_source_revision=None, go_live=False, _keep_pending=False,
):  # fmt: skip
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
    piece_changes = {k: v for k, v in {"section": section, "kind": kind, "authors": authors}.items() if v is not ...}
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
    with _tracking([current.piece_id], None if shared_change else {current.pk}) as touched, _revision(by, lifecycle.label(transition)):
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
        language=current.language,
    )  # fmt: skip
    if piece_changed:
        events.emit(events.PIECE_CHANGED, touched["urls"], piece_id=current.piece_id)
    return current


# Pending changes ------------------------------------------------------------------------------------


def _stays_published(current, changes):
    return current.status == Status.PUBLISHED and changes.get("status", Status.PUBLISHED) == Status.PUBLISHED


def pending_usages(pending):
    """The pending changes' images as the usage dicts the services take (with Image objects); ones deleted since are left out."""
    found = Image.objects.in_bulk([u["image"] for u in pending.images])
    return [{**u, "image": found[u["image"]]} for u in pending.images if u["image"] in found]


def _stored_usages(usages):
    """Usage dicts as JSON keeps them: the image by id."""
    return [
        {"image": getattr(u["image"], "pk", u["image"]), "alt_text": u.get("alt_text") or "", "decorative": bool(u.get("decorative")),
         "caption": u.get("caption") or "", "order": u.get("order") or 0}
        for u in usages
    ]  # fmt: skip


def working_copy(version):
    """`version` as its pending changes would make it (an unsaved copy, with `pending_tags`, `pending_usages` and
    `pending_record`), or None when nothing is pending. For the form, the preview and the diff."""
    pending = PendingChange.objects.filter(version_id=version.pk).first()
    if pending is None:
        return None
    copy = shallow_copy(version)  # the version as loaded, its pending fields then laid over it: no second read
    for name in PendingChange.FIELDS:
        setattr(copy, name, getattr(pending, name))
    copy.pending_tags, copy.pending_usages, copy.pending_record = list(pending.tags), pending_usages(pending), pending
    return copy


def _stage(current, *, by, changes, tags, images, matches_source_revision, piece_changes):
    """Keep `changes` as `current`'s pending changes; the version readers see is left as it is."""
    pending = PendingChange.objects.select_for_update().filter(version=current).first()
    if pending is None:
        pending = PendingChange(version=current, created_by=by, tags=[t.name for t in current.tags.all()],
                                images=_stored_usages(_usages_of(current)),
                                **{name: getattr(current, name) for name in PendingChange.FIELDS})  # fmt: skip
    copy = Article(pk=current.pk, piece=current.piece, language=current.language, status=Status.PUBLISHED,
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
    with _revision(by, _("Saved back to the live text") if unchanged else _("Saved pending changes")):
        if unchanged and not pending._state.adding:
            pending.delete()  # saved back to what readers see: nothing is pending any more
        elif not unchanged:
            pending.save()
        reversion.add_to_revision(current)
    Article.objects.filter(pk=current.pk).update(edit_version=F("edit_version") + 1)  # the edit lock covers the working copy
    current.edit_version += 1
    events.emit(events.CHANGES_PENDING, set(), piece_id=current.piece_id, version_id=current.pk, language=current.language)
    return current


def _same_as_live(version, pending):
    if any(getattr(version, name) != getattr(pending, name) for name in PendingChange.FIELDS):
        return False
    if sorted(pending.tags, key=str.lower) != sorted((t.name for t in version.tags.all()), key=str.lower):
        return False
    if pending.matches_source_revision is not None and pending.matches_source_revision != version.translated_from_revision:
        return False
    return _image_texts(pending_usages(pending)) == _image_texts(_usages_of(version))


def _saved_from(pending):
    """save_version's arguments that write `pending`'s text, tags, images and source revision to its version."""
    return {"changes": {name: getattr(pending, name) for name in PendingChange.FIELDS}, "tags": pending.tags,
            "images": pending_usages(pending), "matches_source_revision": pending.matches_source_revision}  # fmt: skip


@transaction.atomic
def publish_changes(*, version, by, expected_edit_version=None):
    """Make a published version's pending changes what readers see: the ordinary save, with its rules and events."""
    current = _lock(version, expected_edit_version)
    lifecycle.allow(Transition.PUBLISH_PENDING, by=by, language=current.language)
    pending = PendingChange.objects.select_for_update().filter(version=current).first()
    lifecycle.require(Transition.PUBLISH_PENDING, by=by, version=current, state=lifecycle.state_of(current, pending))
    saved_from = _saved_from(pending)
    if len(saved_from["images"]) != len(pending.images):
        raise Conflict(_("An image of these pending changes has been deleted since: open the form, check the images and save again."))
    with _revision(by, lifecycle.label(Transition.PUBLISH_PENDING)):
        return save_version(version=current, by=by, go_live=True, **saved_from)


@transaction.atomic
def reschedule(*, version, by, published_at, expected_edit_version=None):
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
    with _revision(by, lifecycle.label(Transition.RESCHEDULE)):
        return save_version(version=current, by=by, changes={"published_at": published_at}, go_live=True, _keep_pending=True)


@transaction.atomic
def discard_changes(*, version, by):
    """Give up a published version's pending changes: readers saw none of them, and the form shows the live text again."""
    current = _lock(version)
    lifecycle.require(Transition.DISCARD_PENDING, by=by, version=current)
    with _revision(by, lifecycle.label(Transition.DISCARD_PENDING)):
        PendingChange.objects.filter(version=current).delete()
        reversion.add_to_revision(current)
    Article.objects.filter(pk=current.pk).update(edit_version=F("edit_version") + 1)
    events.emit(events.CHANGES_PENDING, set(), piece_id=current.piece_id, version_id=current.pk, language=current.language)
    return current


def _mark_current(translation, revision):
    latest = translation.piece.source.content_revision
    if not 1 <= revision <= latest:
        raise RuleBroken(_("This form names a source text that does not exist. Reload the page and try again."))
    translation.translated_from_revision = revision  # the text now matches that source text, older or not


def _slug_from(language, title, exclude=None):
    base = slugify(title, allow_unicode=True)[:190].strip("-") or "piece"
    taken = Article.objects.filter(language=language, slug=base).exclude(pk=exclude).exists()
    return _free_slug(language, base) if taken else base


def _follow_title(version, old_slug, never_out):
    """An empty slug is made from the title. A translation that never went out keeps the slug it was given
    from its source only until its title is translated: then the slug follows the translated title."""
    if not (version.slug or "").strip():
        version.slug = _slug_from(version.language, version.title, exclude=version.pk)
        return
    inherited = never_out and not version.is_source and version.slug == old_slug and old_slug.startswith(version.piece.source.slug)
    if inherited and version.text_changed("title"):
        version.slug = _slug_from(version.language, version.title, exclude=version.pk)


def _piece_differs(piece, section=..., kind=..., authors=...):
    if section is not ... and piece.section_id != (section.pk if section else None):
        return True
    if kind is not ... and piece.kind_id != (kind.pk if kind else None):
        return True
    return authors is not ... and {a.pk for a in authors} != set(piece.authors.values_list("pk", flat=True))


@transaction.atomic
def update_piece(*, piece, by, section=..., kind=..., authors=...):
    """Change what all versions share: section, kind, authors."""
    _may_edit_piece(by)
    piece = Piece.objects.select_for_update().get(pk=piece.pk)
    with _tracking([piece.pk]) as touched, _revision(by, _("Changed the piece")):
        changed = _set_piece_fields(piece, section=section, kind=kind, authors=authors)
    if changed:
        events.emit(events.PIECE_CHANGED, touched["urls"], piece_id=piece.pk)
    return piece


def _set_status(versions, by, status, comment):
    versions = list(versions)
    transition = Transition.PUBLISH if status == Status.PUBLISHED else Transition.UNPUBLISH
    for version in versions:
        lifecycle.allow(transition, by=by, language=version.language)
    changed = []
    now = timezone.now()
    for version in versions:
        current = _lock(version)
        if current.status == status:
            continue
        current._before_published = current.is_published()
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
        kind = _event_kind(current._before_published, current.get_absolute_url(), current)
        events.emit(kind, touched["urls"], piece_id=current.piece_id, version_id=current.pk, language=current.language)
    return len(changed)


@transaction.atomic
def publish(*, versions, by):
    """Publish these versions; one without a publication date goes out now.

    Refused as a whole if any of them uses an image without alt text that is not marked decorative.
    """
    versions = list(versions)
    count = _set_status(versions, by, Status.PUBLISHED, _("Published"))
    for pending in PendingChange.objects.filter(version__in=[v.pk for v in versions]).select_related("version"):
        publish_changes(version=pending.version, by=by)  # already published: publishing it makes its pending changes live
        count += 1
    return count


@transaction.atomic
def unpublish(*, versions, by):
    """Take these versions back to draft: readers get a 404 until they are published again.

    Pending changes become the draft's text: once nothing is public there is only one text to work on.
    """
    versions = list(versions)
    count = _set_status(versions, by, Status.DRAFT, _("Unpublished"))
    for pending in PendingChange.objects.filter(version__in=[v.pk for v in versions]).select_related("version"):
        save_version(version=pending.version, by=by, **_saved_from(pending))
        pending.delete()
    return count


# Review ---------------------------------------------------------------------------------------------


def add_comment(*, version, by, text, kind=None):
    """A note on a version for its editors and translators (who may read it)."""
    from .models import VersionComment

    _may_read(by, version)
    text = (text or "").strip()
    if not text:
        raise RuleBroken(_("Write a comment first."), field="text")
    if len(text) > 5000:
        raise RuleBroken(_("A comment has at most 5,000 characters."), field="text")
    return VersionComment.objects.create(version=version, author=by, text=text, kind=kind or VersionComment.COMMENT)


@transaction.atomic
def submit_for_review(*, version, by, comment=""):
    """A draft (or a published version's pending changes) is ready: a reviser of its language approves it or sends it back."""
    current = _lock(version)
    lifecycle.allow(Transition.SUBMIT, by=by, language=current.language)
    pending = PendingChange.objects.select_for_update().filter(version=current).first()
    state = lifecycle.state_of(current, pending)
    if state.published and not state.has_pending:
        raise Conflict(_("This version is published and nothing is pending: change it first, then submit the changes."))
    lifecycle.require(Transition.SUBMIT, by=by, version=current, state=state)
    with _revision(by, lifecycle.label(Transition.SUBMIT)):
        if state.has_pending:
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
def send_back(*, version, by, comment):
    """A reviser returns a version (or pending changes) in review, saying why; its translator sees the comment on the form."""
    from .models import VersionComment

    current = _lock(version)
    pending = PendingChange.objects.select_for_update().filter(version=current).first()
    state = lifecycle.require(Transition.SEND_BACK, by=by, version=current, state=lifecycle.state_of(current, pending))
    if not (comment or "").strip():
        raise RuleBroken(_("Say what needs changing: the translator reads it beside the form."), field="text")
    with _revision(by, lifecycle.label(Transition.SEND_BACK)):
        if state.has_pending:
            pending.in_review = False  # the pending changes stay, for their author to change
            pending.save(update_fields=["in_review", "updated_at"])
            reversion.add_to_revision(current)
            saved = current
        else:
            saved = save_version(version=current, by=by, changes={"status": Status.DRAFT})
    add_comment(version=saved, by=by, text=comment, kind=VersionComment.REJECTION)
    return saved


@transaction.atomic
def approve(*, version, by):
    """A reviser approves a version in review (published at its date, or now), or pending changes in review (made live)."""
    current = _lock(version)
    state = lifecycle.require(Transition.APPROVE, by=by, version=current)
    with _revision(by, lifecycle.label(Transition.APPROVE)):
        if state.has_pending:
            return publish_changes(version=current, by=by)
        return publish(versions=[current], by=by)


@transaction.atomic
def publish_ready(*, pieces, by):
    """Publish every version in review of these pieces in one step: all of them, or, if any is refused, none."""
    ready = list(Article.objects.filter(piece__in=pieces, status=Status.REVIEW).select_related("piece"))
    if not ready:
        raise RuleBroken(_("No version of these pieces is ready: submit translations for review first."))
    return publish(versions=ready, by=by)


# Assignments --------------------------------------------------------------------------------------


@transaction.atomic
def assign(*, piece, language, translator, due_on=None, by):
    """Ask `translator` for `piece` in `language` (by `due_on`); they are mailed by the background queue.

    One assignment per piece and language: assigning again hands it to another person or moves the date.
    """
    from .models import Assignment

    _may_edit_piece(by)
    if language not in language_codes():
        raise RuleBroken(_("“%(language)s” is not one of the site’s languages.") % {"language": language}, field="language")
    if piece.source and piece.source.language == language:
        raise RuleBroken(_("This is the piece’s source language: there is nothing to translate."), field="language")
    if not (translator.is_active and translator.translator_languages.filter(language=language).exists()):
        raise RuleBroken(
            _("%(person)s does not translate into %(language)s.") % {"person": translator, "language": _language_name(language)},
            field="translator",
        )
    assignment, created = Assignment.objects.select_for_update().get_or_create(
        piece=piece, language=language, defaults={"translator": translator, "due_on": due_on, "assigned_by": by}
    )
    news = created or assignment.translator_id != translator.pk or assignment.due_on != due_on
    assignment.translator, assignment.due_on, assignment.assigned_by = translator, due_on, by
    assignment.notified_revision = piece.source.content_revision if piece.source else 0
    assignment.save()
    if news:
        _mail_later("assigned", assignment.pk)
    return assignment


@transaction.atomic
def unassign(*, assignment, by):
    """Withdraw an assignment (the translator is not mailed: nothing is asked of them any more)."""
    _may_edit_piece(by)
    assignment.delete()


@transaction.atomic
def save_translator_languages(*, user, rows=(), deleted=(), by):
    """Set which languages a translator works in, and where they revise (publish): the people's admin's business."""
    from .models import TranslatorLanguage

    _require(by is None or by.has_perm("auth.change_user"), _("You may not change people’s rights."))
    for row in rows:
        if row.language not in language_codes():
            raise RuleBroken(_("“%(language)s” is not one of the site’s languages.") % {"language": row.language}, field="language")
    for row in deleted:
        TranslatorLanguage.objects.filter(pk=row.pk, user=user).delete()
    for row in rows:
        row.user = user
        row.save()


def regenerate_renditions(*, image, by=None):
    """Cut an image's renditions again from its stored original (after the widths or formats changed): the image
    worker does it in the background, as after a change of crop; readers keep the current picture meanwhile."""
    return save_image(image=image, by=by, crop_changed=True)


def _mail_later(reason, assignment_id):
    from .tasks import mail_assignment

    transaction.on_commit(lambda: mail_assignment.delay(assignment_id, reason))


def _source_changed(source):
    """The source's text moved on: each person assigned a translation of it hears once per revision."""
    from .models import Assignment

    for pk in Assignment.objects.filter(piece_id=source.piece_id, notified_revision__lt=source.content_revision).values_list(
        "pk", flat=True
    ):
        _mail_later("source_changed", pk)


def mail_assignment(*, assignment_id, reason):
    """The background job: mail the translator about a new assignment or a changed source (once per source revision)."""
    from .models import Assignment

    with transaction.atomic():
        assignment = Assignment.objects.select_for_update(of=("self",)).select_related("piece__source", "translator")
        assignment = assignment.filter(pk=assignment_id).first()
        if assignment is None or not assignment.translator.email or assignment.piece.source is None:
            return False
        source = assignment.piece.source
        if reason == "source_changed":
            if assignment.notified_revision >= source.content_revision:
                return False  # already told about this text
            assignment.notified_revision = source.content_revision
            assignment.save(update_fields=["notified_revision"])
    version = Article.objects.filter(piece_id=assignment.piece_id, language=assignment.language).first()
    path = reverse("admin:articles_article_change", args=[version.pk]) if version else (
        reverse("admin:articles_article_translate", args=[source.pk]) + f"?language={assignment.language}"
    )  # fmt: skip
    context = {"assignment": assignment, "source": source, "reason": reason, "url": settings.REVIEW_SITE_URL.rstrip("/") + path,
               "language": _language_name(assignment.language)}  # fmt: skip
    with translations.override(settings.LANGUAGE_CODE):
        subject = render_to_string("articles/mail/assignment_subject.txt", context).strip()
        body = render_to_string("articles/mail/assignment.txt", context)
    send_mail(subject, body, None, [assignment.translator.email])
    return True


def _free_slug(language, slug):
    if not Article.objects.filter(language=language, slug=slug).exists():
        return slug
    base = f"{slug[:180]}-{language}"
    taken = set(Article.objects.filter(language=language, slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def create_translation(*, source, language, by, made_from=None):
    """Start a draft `language` version of `source`'s piece, prefilled from its source version.

    Records the source's content revision it was made from; image usages are copied with their
    captions and alt text for the translator to translate. If the source's slug is taken in that
    language, the draft gets a free one (`<slug>-<language>`). A second request for the same
    language (a double click, two people at once) gets a Conflict naming the existing version.
    """
    if language not in language_codes():
        raise Conflict(_("“%(language)s” is not one of the site’s languages.") % {"language": language})
    _may_edit(by, language)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _create_translation(source, language, by, made_from)
        except IntegrityError:
            pass  # someone took the slug or the language between our check and our insert: look again
    raise Conflict(_("The translation could not be created because others are changing this piece; try again."))


def _create_translation(source, language, by, made_from=None):
    piece = Piece.objects.select_for_update().get(pk=source.piece_id)
    existing = Article.objects.filter(piece=piece, language=language).first()
    if existing:
        raise Conflict(
            _("This piece already has a %(language)s version: open it instead.") % {"language": _language_name(language)},
            code="duplicate_translation",
        )
    source = piece.source
    _may_read(by, source)  # the draft is a copy of the source's full text
    with _revision(by, _("Translation started from the %(language)s source") % {"language": source.language}):
        translation = Article.objects.create(
            piece=piece,
            language=language,
            translated_from_revision=made_from or source.content_revision,
            title=source.title,
            slug=_free_slug(language, source.slug),
            standfirst=source.standfirst,
            body=source.body,
            status=Status.DRAFT,
            published_at=source.published_at,
        )
        _replace_usages(translation, _usages_of(source))
        translation.tags.set([_counterpart(tag, language) for tag in source.tags.all()])
        reversion.add_to_revision(translation)
    search.index_pieces([piece.pk], {translation.pk})  # a draft is listed nowhere, but its words are kept as every version's
    events.emit(events.VERSION_CHANGED, set(), piece_id=piece.pk, version_id=translation.pk, language=language)
    return translation


def _counterpart(tag, language):
    """`tag`'s counterpart in `language`: the tag made from it there before (however it was renamed since), the one
    it was made from, a sibling made from the same tag, one of the same name; else a new one, for the translator
    to rename."""
    from .models import Tag

    links = Q(origin=tag) | Q(pk=tag.origin_id) | Q(origin_id=tag.origin_id) if tag.origin_id else Q(origin=tag)
    found = Tag.objects.filter(links, language=language).first()
    if found:
        return found
    found = Tag.objects.filter(language=language, name__iexact=tag.name).first()
    if found:
        if found.origin_id is None and tag.origin_id != found.pk:  # remembered, so a later renaming keeps the link
            Tag.objects.filter(pk=found.pk).update(origin=tag)
        return found
    return Tag.objects.create(language=language, name=tag.name, origin=tag)  # taggit picks a free slug


def _set_source(piece, version, *also):
    """The piece's source and the source's language, always together (search reads the language: configs_shown)."""
    piece.source, piece.source_language = version, version.language
    piece.save(update_fields=["source", "source_language", *also])


@transaction.atomic
def make_source(*, version, by):
    """Make `version` the source of its piece; the other versions count as translations of it, up to date now."""
    current = _lock(version)
    lifecycle.allow(Transition.MAKE_SOURCE, by=by, language=current.language)
    piece = Piece.objects.select_for_update().get(pk=current.piece_id)
    if piece.source_id == current.pk:
        return current
    with _tracking([piece.pk]) as touched, _revision(by, _("Made the %(language)s version the source") % {"language": current.language}):
        _set_source(piece, current, "updated_at")
        reversion.add_to_revision(current)
        Article.objects.filter(piece=piece).exclude(pk=current.pk).update(translated_from_revision=current.content_revision)
        Article.objects.filter(pk=current.pk).update(translated_from_revision=None)
    events.emit(events.PIECE_CHANGED, touched["urls"], piece_id=piece.pk)
    return current


def check_deletable(version):
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
def delete_version(*, version, by):
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
def delete_versions(*, versions, by):
    """Delete several versions, all or none: refused if any is a source whose translations stay."""
    versions = list(versions)
    doomed = {v.pk for v in versions}
    for version in versions:
        piece = version.piece
        others = set(piece.versions.values_list("pk", flat=True)) - doomed
        if piece.source_id == version.pk and others:
            check_deletable(version)
    for version in sorted(versions, key=lambda v: v.piece.source_id == v.pk):  # translations first
        if Article.objects.filter(pk=version.pk).exists():
            delete_version(version=version, by=by)
    return len(versions)


@transaction.atomic
def delete_piece(*, piece, by):
    """Delete a piece with all its versions."""
    lifecycle.allow(Transition.DELETE, by=by, language=piece.source_language)
    with _tracking([piece.pk]) as touched:
        Piece.objects.filter(pk=piece.pk).delete()
    events.emit(events.PIECE_DELETED, touched["urls"], piece_id=piece.pk)


# What a restore brings back: text and address. Never status or date: a restore is an edit, not a transition of
# state, so a live version stays live (its restore becomes its pending changes) and a draft stays a draft.
RESTORED_FIELDS = ["title", "slug", "standfirst", "body"]


def _kept_pending(revision_version):
    """The pending changes a History entry kept beside its version (a save of a published version's working copy), or None."""
    for other in revision_version.revision.version_set.all():
        if other.content_type.model_class() is PendingChange and other.object_id == revision_version.object_id:
            return other.field_dict
    return None


@transaction.atomic
def restore_revision(*, version, revision_version, by):
    """Bring back `version`'s text, settings and images as saved in `revision_version` (a reversion Version).

    The restore is a new save (and a new revision), so the current text stays in the history. For
    the source version the piece's shared fields come back too. Refused with a message when the
    slug is now used by another version, or when an image or section it used has been deleted.
    """
    current = _lock(version)
    lifecycle.require(Transition.RESTORE, by=by, version=current)
    if revision_version.object_id != str(current.pk) or revision_version.content_type.model_class() is not Article:
        raise Conflict(_("That revision belongs to another version."))
    pending = _kept_pending(revision_version)
    data = pending or revision_version.field_dict  # a save of pending changes: the text saved was the pending text
    changes = {field: data.get(field) for field in RESTORED_FIELDS if field in data}
    if not changes.get("slug"):
        changes.pop("slug", None)
    siblings = [other for other in revision_version.revision.version_set.all()]
    if pending is not None:
        usages = [{**u, "image_id": u["image"]} for u in pending.get("images") or []]
    else:
        usages = [
            other.field_dict
            for other in siblings
            if other.content_type.model_class() is ArticleImage and other.field_dict.get("article_id") == current.pk
        ]
    images = Image.objects.in_bulk([u["image_id"] for u in usages])
    missing = [str(u["image_id"]) for u in usages if u["image_id"] not in images]
    if missing:
        raise Conflict(
            _("This revision uses images that have since been deleted (%(ids)s); it cannot be restored.") % {"ids": ", ".join(missing)}
        )
    piece_changes = {}
    piece_data = next(
        (o.field_dict for o in siblings if o.content_type.model_class() is Piece and o.object_id == str(current.piece_id)), None
    )
    if piece_data and current.is_source and (by is None or policies.may_edit_piece(by)):
        section_id, kind_id = piece_data.get("section_id"), piece_data.get("kind_id")
        section = Section.objects.filter(pk=section_id).first() if section_id else None
        if section_id and section is None:
            raise Conflict(_("The section this revision used has been deleted; choose a section, then restore again."))
        kind = Kind.objects.filter(pk=kind_id).first() if kind_id else None
        piece_changes = {"section": section, "kind": kind, "authors": list(Author.objects.filter(pk__in=piece_data.get("authors", [])))}
    restored = [{**u, "image": images[u["image_id"]]} for u in sorted(usages, key=lambda u: u.get("order", 0))]
    when = revision_version.revision.date_created
    with _revision(by, _("Restored the revision of %(date)s") % {"date": timezone.localtime(when).strftime("%Y-%m-%d %H:%M")}):
        # Status and date stay as they are: on a published version the save becomes its pending changes.
        return save_version(version=current, by=by, changes=changes, images=restored, **piece_changes)


def untranslated_image_texts(version):
    """The captions and alt texts of a translation still word for word its source's: worth a warning when it goes out."""
    if version.is_source:
        return []
    source = {segment.text for segment in image_segments(_usages_of(version.piece.source))}
    return [segment.text for segment in image_segments(_usages_of(version)) if segment.text in source]


def source_text_at(source, content_revision):
    """The source's texts (as `texts_of` gives them) as they were at `content_revision`, or None if not kept."""
    for version in Version.objects.get_for_object(source).select_related("revision"):
        if version.field_dict.get("content_revision") == content_revision:
            return texts_kept(version, pending=False)  # the source's own text at that revision, not what was pending
    return None


def texts_kept(version, pending=True):
    """A version's texts as one history entry (a reversion Version) kept them: `texts_of`'s keys, and the settings."""
    data = version.field_dict
    pending = _kept_pending(version) if pending else None
    texts = {field: (pending or data).get(field, "") for field in (*Article.CONTENT_FIELDS, "slug")}
    texts["status"] = data.get("status", "")
    when = (pending or data).get("published_at")
    texts["published_at"] = timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else ""  # one instant, one text
    if pending is not None:  # a save of pending changes: what was saved is the pending text, beside the live row
        texts["images"] = [{**u, "image_id": u["image"], "article_id": int(version.object_id)} for u in pending.get("images") or []]
        return texts
    kept = version.revision.version_set.filter(content_type__model="articleimage")
    texts["images"] = [other.field_dict for other in kept if other.field_dict.get("article_id") == int(version.object_id)]
    return texts


# Scheduled go-live ---------------------------------------------------------------------------------


def go_live_due(*, now=None):
    """Announce the versions whose publication time has come: the same event as a manual publish, once.

    Listings show them already (their rows carry the time); this rebuilds their pieces' rows, so
    fallback rows a local version has replaced are dropped, and emits `version.published`.
    Safe to run twice at once: each version is claimed by a conditional update.
    """
    now = now or timezone.now()
    due = list(Article.objects.filter(status=Status.PUBLISHED, live_announced=False, published_at__lte=now).values_list("pk", flat=True))
    announced = 0
    for pk in due:
        with transaction.atomic():
            if not Article.objects.filter(pk=pk, live_announced=False, status=Status.PUBLISHED, published_at__lte=now).update(
                live_announced=True
            ):
                continue  # another run claimed it
            version = Article.objects.get(pk=pk)
            with _tracking([version.piece_id], {pk}) as touched:
                pass
            events.emit(events.VERSION_PUBLISHED, touched["urls"], piece_id=version.piece_id, version_id=pk, language=version.language)
            announced += 1
    return announced


# Sections, kinds, authors, tags, images ---------------------------------------------------------


def taxonomy_changed(*, instance, by=None, also=()):
    """After a section, kind, tag or author (or one of its texts) was saved: events and caches. `also`: URLs it
    had before (a changed slug's old pages)."""
    from . import taxonomy
    from .models import ListingEntry, SectionText, Tag

    taxonomy.forget()
    selectors.next_generation()  # names and slugs shown beside listings (bylines, tags) changed
    if isinstance(instance, Section):
        facet, kind = f"s:{instance.pk}", events.SECTION_CHANGED
        own = events.listing_urls_everywhere(
            "articles:section", dict(SectionText.objects.filter(section=instance).values_list("language", "slug"))
        )
    elif isinstance(instance, Kind):
        facet, kind, own = f"k:{instance.pk}", events.KIND_CHANGED, set()
    elif isinstance(instance, Author):
        facet, kind = f"a:{instance.pk}", events.AUTHOR_CHANGED
        own = events.listing_urls_everywhere("articles:author", dict.fromkeys(language_codes(), instance.slug))
    elif isinstance(instance, Tag):
        facet, kind = f"t:{instance.pk}", events.TAG_CHANGED
        own = events.listing_urls_everywhere("articles:tag", {instance.language: instance.slug})
    else:
        return None
    piece_ids = set(ListingEntry.objects.filter(facet=facet).values_list("piece_id", flat=True)[:10_000])
    if kind in (events.AUTHOR_CHANGED, events.TAG_CHANGED):
        search.index_pieces(piece_ids)  # their names are words the pieces are found by
    urls = own | events.piece_urls(piece_ids) if kind != events.KIND_CHANGED else events.piece_urls(piece_ids)
    return events.emit(kind, urls | set(also))


def _taxonomy_pieces(instance):
    """The pieces a section, kind, author or tag is shown with (the listing rows that carry it, or its own links)."""
    from .models import ListingEntry, Tag

    if isinstance(instance, Section):
        return set(Piece.objects.filter(section=instance).values_list("pk", flat=True))
    if isinstance(instance, Kind):
        return set(Piece.objects.filter(kind=instance).values_list("pk", flat=True))
    if isinstance(instance, Author):
        return set(Piece.objects.filter(authors=instance).values_list("pk", flat=True))
    if isinstance(instance, Tag):
        return set(Article.objects.filter(tagged_items__tag=instance).values_list("piece_id", flat=True))
    return set(ListingEntry.objects.none().values_list("piece_id", flat=True))


def _taxonomy_own_urls(instance):
    """A section's, author's or tag's own pages (and feeds) in every language it has one."""
    from .models import SectionText, Tag

    if isinstance(instance, Section):
        slugs = dict(SectionText.objects.filter(section=instance).values_list("language", "slug"))
        return events.listing_urls_everywhere("articles:section", slugs)
    if isinstance(instance, Author):
        return events.listing_urls_everywhere("articles:author", dict.fromkeys(language_codes(), instance.slug))
    if isinstance(instance, Tag):
        return events.listing_urls_everywhere("articles:tag", {instance.language: instance.slug})
    return set()


# The fields of a section, kind, author or tag itself, shared by every language (their texts are per language).
TAXONOMY_FIELDS = {Section: ("key", "order", "show_on_home"), Kind: ("key", "order"), Author: ("name", "slug", "photo_id")}


def _shared_fields_changed(instance):
    from .models import Tag

    fields = ("name", "slug", "language", "origin_id") if isinstance(instance, Tag) else TAXONOMY_FIELDS[type(instance)]
    stored = type(instance).objects.filter(pk=instance.pk).values(*fields).first() if instance.pk else None
    return stored is None or any(stored[name] != getattr(instance, name) for name in fields)


@transaction.atomic
def save_taxonomy(*, instance, by, texts=(), deleted_texts=()):
    """Save a section, kind, author or tag (its own fields as set on `instance`) and its per-language texts.

    `texts`: per-language rows (SectionText, KindText, AuthorBio) to save; `deleted_texts`: ones to delete.
    Editors change the thing itself; translators only its texts in their languages. Rich texts are
    sanitised. Then the caches, search words and pages that show it follow (`taxonomy_changed`), the
    pages it had before a slug changed included.
    """
    texts, deleted_texts = list(texts), list(deleted_texts)
    if by is not None:
        if _shared_fields_changed(instance) or deleted_texts:
            _may_edit_piece(by)  # the thing itself is shared by every language
        for text in texts:
            _may_edit(by, text.language)
    before = _taxonomy_own_urls(instance) if instance.pk else set()
    instance.save()
    owner = type(instance).__name__.lower()
    for text in texts:
        setattr(text, owner, instance)
        text.save()  # a text's save sanitises its rich text
    for text in deleted_texts:
        text.delete()
    taxonomy_changed(instance=instance, by=by, also=before)
    return instance


@transaction.atomic
def delete_taxonomy(*, instance, by):
    """Delete a section, kind, author or tag: its pieces lose it (their listing rows and search words follow), and every
    page that showed it is purged, its own pages included."""
    from . import taxonomy

    _may_edit_piece(by)
    if by is not None:
        _require(policies.may_delete(by), _("You may not delete this."))
    own = _taxonomy_own_urls(instance)
    piece_ids = _taxonomy_pieces(instance)
    kind = {Section: events.SECTION_CHANGED, Kind: events.KIND_CHANGED, Author: events.AUTHOR_CHANGED}.get(
        type(instance), events.TAG_CHANGED
    )
    with _tracking(piece_ids) as touched:
        instance.delete()
    taxonomy.forget()
    selectors.next_generation()
    return events.emit(kind, own | touched["urls"])


def delete_taxonomies(*, instances, by):
    """Bulk delete (the admin's "Delete selected"): each through `delete_taxonomy`, all or none."""
    with transaction.atomic():
        return sum(1 for instance in list(instances) if delete_taxonomy(instance=instance, by=by) is not None)


def save_section(*, section, by, changes=None, texts=(), deleted_texts=()):
    for name, value in (changes or {}).items():
        setattr(section, name, value)
    return save_taxonomy(instance=section, by=by, texts=texts, deleted_texts=deleted_texts)


def delete_section(*, section, by):
    return delete_taxonomy(instance=section, by=by)


def request_processing(*, image):
    """After an upload or a crop change: the image worker decodes in the background; readers keep the previous picture."""
    from .tasks import process_image

    pk = image.pk
    transaction.on_commit(lambda: process_image.delay(pk))


def _focal(image):
    return (image.focal_x if image.focal_x is not None else 0.5, image.focal_y if image.focal_y is not None else 0.5)


def save_image(*, image, by, upload=None, crop_changed=False):
    """Save an image's details. A new upload is checked from its header and waits, private, for the image worker;
    a crop change has the worker cut new renditions. The web process decodes nothing."""
    pending = None
    if upload is not None:
        _width_height = images.inspect(upload)[1:]  # the form checked it; every other surface is checked here too
        pending = storages["pending"].save(secrets.token_hex(16), upload)
        image.pending_upload, image.state, image.problem = pending, ImageState.PROCESSING, ""
        if not image.file:
            image.width, image.height = _width_height
    elif crop_changed and image.file:
        image.state = ImageState.PROCESSING
    try:
        with transaction.atomic():
            previous = Image.objects.filter(pk=image.pk).values_list("pending_upload", flat=True).first() if image.pk else None
            image.save()
            if previous and pending:  # replaced again before the worker got to the last one
                transaction.on_commit(lambda: images.discard([previous], storages["pending"]))
            if image.state == ImageState.PROCESSING:
                request_processing(image=image)
    except BaseException:
        if pending:
            images.discard([pending], storages["pending"])  # no row holds it: it must not stay
        raise
    return image


def process_image(*, image_id):
    """The image worker's job: decode a pending upload (or re-cut the stored original after a crop change) in the
    bounded child, store the cleaned original and renditions, and switch the row to them in one step.

    If the row changed meanwhile (another upload, another crop, deleted), what this run wrote is thrown away:
    the newer job writes the newer picture. A refusal is recorded on the row for the editor; a replacement that
    fails leaves the previous picture live. Files no row names are deleted.
    """
    image = Image.objects.filter(pk=image_id).first()
    if image is None or image.state != ImageState.PROCESSING:
        return None
    pending, focal = image.pending_upload, _focal(image)
    storage, name = (storages["pending"], pending) if pending else (default_storage, image.file.name)
    stored = None
    try:
        source = storage.open(name, "rb")
    except OSError:
        result = {"ok": False, "code": "missing"}
    else:
        with source, images.worked(source, clean=bool(pending), focal=focal) as (result, folder, digest):
            stored = images.store(result, folder, digest, focal) if result["ok"] else None
    logger.info("image %s: %s, worker peak %.0f MB", image_id, result.get("code", "processed"), result.get("peak_bytes", 0) / 2**20)
    written = set()
    if stored:
        written = {stored[0]} | images.rendition_names(stored[2])
    with transaction.atomic():
        row = Image.objects.select_for_update().filter(pk=image_id).first()
        if row is None or row.pending_upload != pending or _focal(row) != focal or row.state != ImageState.PROCESSING:
            kept = _names_in_use(written)
            transaction.on_commit(lambda: images.discard(written - kept))
            return None
        done = {"pending_upload": "", "state": ImageState.READY, "problem": ""}
        if stored is None:
            message = images.refusal(result)
            if row.file:
                done["problem"] = _("The new file could not be used, so the previous picture stays: %(reason)s") % {"reason": message}
            else:
                done.update(state=ImageState.FAILED, problem=message)
            obsolete = set()
        else:
            new_name, size, renditions = stored
            if new_name:
                done.update(file=new_name, width=size[0], height=size[1])
            done["renditions"] = renditions
            obsolete = ({row.file.name} if new_name and row.file else set()) | images.rendition_names(row.renditions)
        Image.objects.filter(pk=image_id).update(**done)
        transaction.on_commit(lambda: images.discard([pending], storages["pending"]) if pending else None)
        transaction.on_commit(lambda: images.discard(obsolete - _names_in_use(obsolete)))
        usages = ArticleImage.objects.filter(image_id=image_id).values_list("article__piece_id", flat=True)
        events.emit(events.PIECE_CHANGED, events.piece_urls(set(usages)), extra={"image": image_id})
    return done


def _names_in_use(names):
    """Which of these stored files a row still names (renditions are shared by identical pictures)."""
    if not names:
        return set()
    folders = {name.rsplit("/", 1)[0] for name in names if name.startswith("renditions/")}
    used = set(Image.objects.filter(file__in=names).values_list("file", flat=True))
    for folder in folders:
        for renditions in Image.objects.filter(renditions__icontains=f"{folder}/").values_list("renditions", flat=True):
            used |= images.rendition_names(renditions) & names
    return used


def delete_image(*, image, by):
    """Delete an image no version uses (the database refuses otherwise) with its files: original, pending upload, renditions."""
    _require(by is None or policies.may_delete(by), _("You may not delete images."))
    with transaction.atomic():
        names = ({image.file.name} if image.file else set()) | images.rendition_names(image.renditions)
        pending = image.pending_upload
        image.delete()
        transaction.on_commit(lambda: images.discard(names - _names_in_use(names)))
        if pending:
            transaction.on_commit(lambda: images.discard([pending], storages["pending"]))


def sweep_pending_uploads(*, older_than=timedelta(hours=6)):
    """Delete pending uploads no row names (a crash between storing and saving): run daily by the clock."""
    storage = storages["pending"]
    try:
        _folders, files = storage.listdir("")
    except FileNotFoundError:
        return 0
    named = set(Image.objects.exclude(pending_upload="").values_list("pending_upload", flat=True))
    cutoff = timezone.now() - older_than
    orphans = [name for name in files if name not in named and storage.get_modified_time(name) < cutoff]
    images.discard(orphans, storage)
    return len(orphans)


def _home_arrangement_changed(featured):
    selectors.next_generation()  # the home page's featured list is cached per epoch
    home = {events.reverse_in(featured.language, "articles:home")}
    events.emit(events.PIECE_CHANGED, home, piece_id=featured.piece_id, language=featured.language)


@transaction.atomic
def save_featured(*, featured, by):
    """Put a piece first on one language's home page (or change its place there)."""
    _may_edit_piece(by)
    featured.save()
    _home_arrangement_changed(featured)


@transaction.atomic
def delete_featured(*, featured, by):
    _may_edit_piece(by)
    featured.delete()
    _home_arrangement_changed(featured)


MAX_FEATURED = 12


def home_arrangement(language):
    """One language's home as editors arranged it: (featured piece ids, section ids), each in order."""
    from .models import HomeSection

    featured = FeaturedPiece.objects.filter(language=language).order_by("order", "id").values_list("piece_id", flat=True)
    sections = HomeSection.objects.filter(language=language).order_by("order", "id").values_list("section_id", flat=True)
    return list(featured), list(sections)


def arrangement_stamp(language):
    """A short fingerprint of a language's arrangement: a form keeps it, so a save never overwrites someone else's."""
    return hashlib.sha256(repr(home_arrangement(language)).encode()).hexdigest()[:16]


@transaction.atomic
def arrange_home(*, language, pieces, sections, by, expected_stamp=None):
    """Set one language's home page: its featured pieces and the order of its section blocks, in one step.

    Every featured piece must be one this language's readers see (its own version or the source, by the
    fallback rule; a scheduled one counts, shown from its time); sections not named keep their own order
    after those named. `expected_stamp` (from `arrangement_stamp` when the form opened) refuses a save
    over someone else's newer arrangement.
    """
    from .models import HomeSection, ListingEntry
    from .models.listing import ALL

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


# The publication's own pages ---------------------------------------------------------------------


def _publication_page_changed(page):
    # Every language shows this text where it has none of its own: each language's address of the page.
    urls = {events.reverse_in(code, f"articles:{page.page}") for code in language_codes()}
    events.emit(events.PAGE_CHANGED, urls, language=page.language, extra={"page": page.page})


@transaction.atomic
def save_publication_page(*, page, by):
    """Write one language's text of an about, contact, editorial policy or reproduction page."""
    _may_edit(by, page.language)
    page.body = sanitize_html(page.body)
    page.title = page.title.strip()
    if not page.title:
        raise RuleBroken(_("A page needs a title."))
    if not strip_tags(page.body).strip():
        raise RuleBroken(_("A page needs some text."))
    page.save()
    _publication_page_changed(page)
    return page


@transaction.atomic
def delete_publication_page(*, page, by):
    _may_edit(by, page.language)
    page.delete()
    _publication_page_changed(page)
