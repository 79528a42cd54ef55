"""Translations and the History: start a translation, restore a revision, the source's text at a revision."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import reversion
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from reversion.models import Version

from articles import events, lifecycle, policies, search
from articles.errors import Conflict
from articles.languages import language_codes
from articles.lifecycle import Transition
from articles.models import (
    ArticleImage,
    Author,
    Image,
    Kind,
    PendingChange,
    Piece,
    PieceVersion,
    Section,
    Status,
)
from articles.segments import image_segments
from articles.services._base import (
    _free_slug,
    _language_name,
    _lock,
    _may_edit,
    _may_read,
    _replace_usages,
    _revision,
    _source_of,
    _usages_of,
)
from articles.services.taxonomy import merged_into
from articles.services.versions import save_version

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from articles.models import Tag


def create_translation(*, source: PieceVersion, language: str, by: User | None, made_from: int | None = None) -> PieceVersion:
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


def _create_translation(source: PieceVersion, language: str, by: User | None, made_from: int | None = None) -> PieceVersion:
    piece = Piece.objects.select_for_update().get(pk=source.piece_id)
    existing = PieceVersion.objects.filter(piece=piece, language=language).first()
    if existing:
        raise Conflict(
            _("This piece already has a %(language)s version: open it instead.") % {"language": _language_name(language)},
            code="duplicate_translation",
        )
    source = _source_of(piece)
    _may_read(by, source)  # the draft is a copy of the source's full text
    with _revision(by, gettext_noop("Translation started from the %(language)s source"), language=source.language):
        translation = PieceVersion.objects.create(
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


def _counterpart(tag: Tag, language: str) -> Tag:
    """`tag`'s counterpart in `language`: the tag made from it there before (however it was renamed since), the one
    it was made from, a sibling made from the same tag, one of the same name; else a new one, for the translator
    to rename."""
    from articles.models import Tag

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


# What a restore brings back: text and address. Never status or date: a restore is an edit, not a transition of
# state, so a live version stays live (its restore becomes its pending changes) and a draft stays a draft.
RESTORED_FIELDS = ["title", "slug", "standfirst", "body"]


def _kept_pending(revision_version: Version) -> dict[str, Any] | None:
    """The pending changes a History entry kept beside its version (a save of a published version's working copy), or None."""
    for other in revision_version.revision.version_set.all():
        if other.content_type.model_class() is PendingChange and other.object_id == revision_version.object_id:
            return other.field_dict
    return None


@transaction.atomic
def restore_revision(*, version: PieceVersion, revision_version: Version, by: User | None) -> PieceVersion:
    """Bring back `version`'s text, settings and images as saved in `revision_version` (a reversion Version).

    The restore is a new save (and a new revision), so the current text stays in the history. For
    the source version the piece's shared fields come back too. Refused with a message when the
    slug is now used by another version, or when an image or section it used has been deleted.
    """
    current = _lock(version)
    lifecycle.require(Transition.RESTORE, by=by, version=current)
    if revision_version.object_id != str(current.pk) or revision_version.content_type.model_class() is not PieceVersion:
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
    piece_changes: dict[str, Any] = {}
    piece_data = next(
        (o.field_dict for o in siblings if o.content_type.model_class() is Piece and o.object_id == str(current.piece_id)), None
    )
    if piece_data and current.is_source and (by is None or policies.may_edit_piece(by)):
        # A section, kind or author merged into another since: the one it went to.
        section_id, kind_id, author_ids = piece_data.get("section_id"), piece_data.get("kind_id"), piece_data.get("authors", [])
        section_id = merged_into("s", [section_id]).get(section_id, section_id) if section_id else None
        kind_id = merged_into("k", [kind_id]).get(kind_id, kind_id) if kind_id else None
        authors_now = merged_into("a", author_ids)
        author_ids = [authors_now.get(pk, pk) for pk in author_ids]
        section = Section.objects.filter(pk=section_id).first() if section_id else None
        if section_id and section is None:
            raise Conflict(_("The section this revision used has been deleted; choose a section, then restore again."))
        kind = Kind.objects.filter(pk=kind_id).first() if kind_id else None
        piece_changes = {"section": section, "kind": kind, "authors": list(Author.objects.filter(pk__in=author_ids))}
    restored = [{**u, "image": images[u["image_id"]]} for u in sorted(usages, key=lambda u: u.get("order", 0))]
    when = revision_version.revision.date_created
    with _revision(by, gettext_noop("Restored the revision of %(date)s"), date=timezone.localtime(when).strftime("%Y-%m-%d %H:%M")):
        # Status and date stay as they are: on a published version the save becomes its pending changes.
        return save_version(version=current, by=by, changes=changes, images=restored, **piece_changes)


def untranslated_image_texts(version: PieceVersion) -> list[str]:
    """The captions and alt texts of a translation still word for word its source's: worth a warning when it goes out."""
    if version.is_source:
        return []
    source = {segment.text for segment in image_segments(_usages_of(_source_of(version.piece)))}
    return [segment.text for segment in image_segments(_usages_of(version)) if segment.text in source]


def source_text_at(source: PieceVersion, content_revision: int) -> dict[str, Any] | None:
    """The source's texts (as `texts_of` gives them) as they were at `content_revision`, or None if not kept."""
    for version in Version.objects.get_for_object(source).select_related("revision"):
        if version.field_dict.get("content_revision") == content_revision:
            return texts_kept(version, pending=False)  # the source's own text at that revision, not what was pending
    return None


def texts_kept(version: Version, pending: bool = True) -> dict[str, Any]:
    """A version's texts as one history entry (a reversion Version) kept them: `texts_of`'s keys, and the settings."""
    data = version.field_dict
    kept_pending = _kept_pending(version) if pending else None
    texts: dict[str, Any] = {field: (kept_pending or data).get(field, "") for field in (*PieceVersion.CONTENT_FIELDS, "slug")}
    texts["status"] = data.get("status", "")
    when = (kept_pending or data).get("published_at")
    texts["published_at"] = timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else ""  # one instant, one text
    if kept_pending is not None:  # a save of pending changes: what was saved is the pending text, beside the live row
        texts["images"] = [{**u, "image_id": u["image"], "article_id": int(version.object_id)} for u in kept_pending.get("images") or []]
        return texts
    kept = version.revision.version_set.filter(content_type__model="articleimage")
    texts["images"] = [other.field_dict for other in kept if other.field_dict.get("article_id") == int(version.object_id)]
    return texts
