"""What every service shares: policy checks, the row lock, revisions, listing and search tracking, slugs, usages, working copies."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from copy import copy as shallow_copy
from types import EllipsisType
from typing import TYPE_CHECKING, Any

import reversion
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from articles import events, figures, history, lifecycle, listing, policies, search, selectors
from articles.errors import Conflict, EditConflict, NotAllowed, RuleBroken
from articles.languages import language_codes, language_info
from articles.models import (
    ArticleImage,
    ArticleRedirect,
    Author,
    Image,
    Kind,
    PendingChange,
    Piece,
    PieceVersion,
    Section,
    Status,
)
from articles.sanitize import sanitize_html
from articles.segments import plain

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# One image as a version uses it: {"image": an Image (or its id, as JSON keeps it), "alt_text", "decorative", "caption",
# "order"}; the forms, the History and the pending changes hand them over as plain dicts.
ImageUsage = dict[str, Any]

VERSION_FIELDS = ("title", "slug", "standfirst", "body", "status", "published_at")


logger = logging.getLogger(__name__)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def _may_edit(by: User | None, language: str) -> None:
    _require(by is None or policies.may_edit_language(by, language), _("You do not work in “%(language)s”.") % {"language": language})


def _may_publish(by: User | None, language: str) -> None:
    _require(by is None or policies.may_publish_language(by, language), _("You may not publish or unpublish."))


def _may_read(by: User | None, version: PieceVersion) -> None:
    _require(by is None or policies.may_read_version(by, version), _("You may not read this version: it is not published yet."))


def _may_edit_piece(by: User | None) -> None:
    _require(by is None or policies.may_edit_piece(by), _("Only editors change what all versions of a piece share."))


@contextmanager
def _revision(by: User | None, comment: lifecycle.Transition | str, **params: str) -> Iterator[None]:
    """One revision by `by`, named by a transition or a message (stored in English, shown translated: articles.history)."""
    with reversion.create_revision():
        if by is not None:
            reversion.set_user(by)
        if not reversion.get_comment():  # an enclosing write (a restore) names the revision
            message = lifecycle.RULES[comment].label if isinstance(comment, lifecycle.Transition) else comment
            reversion.set_comment(history.stored(message, **params))
        yield


def _language_name(code: str) -> str:
    return language_info(code)["name_local"] if code in language_codes() else code


def _slug_taken_message(language: str, slug: str) -> str:
    return _("The slug “%(slug)s” is already used by another %(language)s version: choose another.") % {
        "slug": slug,
        "language": _language_name(language),
    }


def _check_slug_free(version: PieceVersion) -> None:
    if not version.slug or not version.slug.strip():
        raise RuleBroken(_("A version needs a slug."), field="slug")
    taken = PieceVersion.objects.filter(language=version.language, slug=version.slug).exclude(pk=version.pk).exists()
    if taken:
        raise Conflict(_slug_taken_message(version.language, version.slug), field="slug")


def _save_row(version: PieceVersion, **kwargs: Any) -> None:
    """Save in a savepoint: a constraint another writer won first becomes a Conflict, not a broken transaction.

    The body is sanitised whatever the editor sent, and each figure tied to its library image (articles.figures)."""
    version.body = figures.bind(sanitize_html(version.body, figures=True))
    try:
        with transaction.atomic():
            version.save(**kwargs)
    except IntegrityError:
        if PieceVersion.objects.filter(piece_id=version.piece_id, language=version.language).exclude(pk=version.pk).exists():
            raise Conflict(_("This piece already has a %(language)s version.") % {"language": _language_name(version.language)}) from None
        if PieceVersion.objects.filter(language=version.language, slug=version.slug).exclude(pk=version.pk).exists():
            raise Conflict(_slug_taken_message(version.language, version.slug), field="slug") from None
        raise


def _check_publishable(version: PieceVersion, usages: Iterable[ImageUsage]) -> None:
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


def _usages_of(version: PieceVersion) -> list[ImageUsage]:
    """A version's images as the usage dicts the services take and the history keeps."""
    return [
        {"image": u.image, "alt_text": u.alt_text, "decorative": u.decorative, "caption": u.caption, "order": u.order}
        for u in version.image_usages.select_related("image")
    ]


def _image_id(image: Image | int) -> int:
    """A usage's image as an id, whether the usage holds the Image or (as JSON keeps it) its id."""
    return image.pk if isinstance(image, Image) else image


def _image_texts(usages: Iterable[ImageUsage]) -> list[tuple[int, str, str, bool]]:
    """What a translation translates of a version's images: which pictures, in order, with their texts."""
    ordered = sorted(usages, key=lambda u: u.get("order") or 0)
    return [(_image_id(u["image"]), plain(u.get("alt_text")), plain(u.get("caption")), bool(u.get("decorative")))
            for u in ordered]  # fmt: skip


def texts_of(version: PieceVersion) -> dict[str, Any]:
    """A version's translatable texts now: title, standfirst, body and its images' usages."""
    return {**{field: getattr(version, field) for field in PieceVersion.CONTENT_FIELDS}, "images": _usages_of(version)}


def _replace_usages(version: PieceVersion, usages: Iterable[ImageUsage]) -> None:
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


def _lock(version: PieceVersion, expected_edit_version: int | None = None) -> PieceVersion:
    """The version's row, locked until the transaction ends; refuses if it changed since `expected_edit_version`."""
    current = PieceVersion.objects.select_for_update().filter(pk=version.pk).select_related("piece").first()
    if current is None:
        raise Conflict(_("This version has been deleted meanwhile."))
    if expected_edit_version is not None and expected_edit_version != current.edit_version:
        raise EditConflict(
            _("Someone else saved this version at %(when)s, after you opened it. Nothing was overwritten.")
            % {"when": timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M:%S")},
            current=current,
        )
    return current


def _announce_state(version: PieceVersion) -> None:
    """Keep `live_announced` true exactly while the version is published and its time has come."""
    version.live_announced = version.is_published()


def _event_kind(before_published: bool, before_url: str, version: PieceVersion) -> str:
    if version.is_published() and not before_published:
        return events.VERSION_PUBLISHED
    if before_published and not version.is_published():
        return events.VERSION_UNPUBLISHED
    if before_published and before_url != version.get_absolute_url():
        return events.VERSION_MOVED
    return events.VERSION_CHANGED


@contextmanager
def _tracking(piece_ids: Collection[int], versions: Collection[int] | None = None) -> Iterator[dict[str, set[str]]]:
    """Around a write: the listing rows rebuilt at the end, and the URLs it affects (see events.affected_urls).

    `versions`: the ids of the versions the write changed; None when it changed what the pieces share.
    """
    touched: dict[str, set[str]] = {}
    hidden = versions is not None and not _any_published(versions)
    before = None if hidden else events.snapshot(piece_ids)
    yield touched
    if before is None:
        if not _any_published(versions or ()):  # unpublished before and after: nothing public shows them
            search.index_pieces(piece_ids, versions)
            touched["urls"] = {events.shows_key("v", pk) for pk in versions or ()}
            return
        # Going public: the listing rows are still those of before the write, and the other versions' pages are
        # unchanged by it (the URLs affected are the union of the pages before and after).
        before = events.snapshot(piece_ids)
    written = listing.rebuild_pieces(piece_ids)  # moves the listing generation when it writes
    search.index_pieces(piece_ids, versions)
    after = events.snapshot(piece_ids)
    if not written and (versions is None or before != after or _any_published(versions)):
        selectors.next_generation()  # what readers see of the pieces changed beside their listing rows (slugs, texts)
    touched["urls"] = events.affected_urls(before, after, versions)


def _any_published(version_ids: Collection[int]) -> bool:
    return PieceVersion.objects.filter(pk__in=version_ids, status=Status.PUBLISHED).exists()


def remember_moved_url(*, version: PieceVersion, old_url: str) -> None:
    """After a save: if a published version's URL changed, its old URL keeps working with a 301."""
    new_url = version.get_absolute_url()
    ArticleRedirect.objects.filter(old_path=new_url).delete()  # moved back: the live URL wins
    if old_url and old_url != new_url:
        ArticleRedirect.objects.filter(article=version, old_path=old_url).delete()
        ArticleRedirect.objects.update_or_create(old_path=old_url, defaults={"article": version})


def merged_tag_names(language: str, names: Iterable[str]) -> list[str]:
    """`names` with each name of a tag merged into another (typed again by someone used to it) replaced by the name
    of the tag it went into, so that a merge is never undone by a new tag of the old name. One query when none was."""
    from articles.models import Tag, TaxonomyRedirect

    names = [name.strip() for name in names if name.strip()]
    by_slug = {Tag(language=language).slugify(name): name for name in names}
    merged = TaxonomyRedirect.objects.filter(of="t", language=language, old_slug__in=list(by_slug), old_id__isnull=False)
    moved = dict(merged.values_list("old_slug", "target_id"))
    if not moved:
        return names
    live = {name.lower() for name in Tag.objects.filter(language=language, slug__in=list(moved)).values_list("name", flat=True)}
    targets = Tag.objects.in_bulk(list(moved.values()))
    renamed = {by_slug[slug]: targets[pk].name for slug, pk in moved.items() if pk in targets and by_slug[slug].lower() not in live}
    return list(dict.fromkeys(renamed.get(name, name) for name in names))


def _set_tags(version: PieceVersion, names: Iterable[str]) -> None:
    from articles.models import Tag

    before = set(version.tags.values_list("pk", flat=True))
    version.tags.set(merged_tag_names(version.language, names), tag_kwargs={"language": version.language})
    dropped = before - set(version.tags.values_list("pk", flat=True))
    if dropped:  # a tag carried over from the source that no version kept is forgotten, not left in the picker
        Tag.objects.filter(pk__in=dropped, origin__isnull=False, tagged_articles__isnull=True).delete()


def _set_piece_fields(
    piece: Piece,
    section: Section | None | EllipsisType = ...,
    kind: Kind | None | EllipsisType = ...,
    authors: Iterable[Author] | EllipsisType = ...,
) -> bool:
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


def _source_of(piece: Piece) -> PieceVersion:
    """A piece's source version. Every piece has one from its creation on (`create_piece` sets it, and the database
    refuses to delete a source on its own), so its absence is a broken invariant, not a refusal."""
    if piece.source is None:
        raise RuntimeError(f"Piece {piece.pk} has no source version.")
    return piece.source


def _set_source(piece: Piece, version: PieceVersion, *also: str) -> None:
    """The piece's source and the source's language, always together (search reads the language: configs_shown)."""
    piece.source, piece.source_language = version, version.language
    piece.save(update_fields=["source", "source_language", *also])


def _free_slug(language: str, slug: str) -> str:
    if not PieceVersion.objects.filter(language=language, slug=slug).exists():
        return slug
    base = f"{slug[:180]}-{language}"
    taken = set(PieceVersion.objects.filter(language=language, slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def _slug_from(language: str, title: str, exclude: int | None = None) -> str:
    base = slugify(title, allow_unicode=True)[:190].strip("-") or "piece"
    same = PieceVersion.objects.filter(language=language, slug=base)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    return _free_slug(language, base) if same.exists() else base


def _mark_current(translation: PieceVersion, revision: int) -> None:
    latest = _source_of(translation.piece).content_revision
    if not 1 <= revision <= latest:
        raise RuleBroken(_("This form names a source text that does not exist. Reload the page and try again."))
    translation.translated_from_revision = revision  # the text now matches that source text, older or not


def _piece_differs(
    piece: Piece,
    section: Section | None | EllipsisType = ...,
    kind: Kind | None | EllipsisType = ...,
    authors: Iterable[Author] | EllipsisType = ...,
) -> bool:
    if section is not ... and piece.section_id != (section.pk if section else None):
        return True
    if kind is not ... and piece.kind_id != (kind.pk if kind else None):
        return True
    return authors is not ... and {a.pk for a in authors} != set(piece.authors.values_list("pk", flat=True))


def _follow_title(version: PieceVersion, old_slug: str, never_out: bool) -> None:
    """An empty slug is made from the title. A translation that never went out keeps the slug it was given
    from its source only until its title is translated: then the slug follows the translated title."""
    if not (version.slug or "").strip():
        version.slug = _slug_from(version.language, version.title, exclude=version.pk)
        return
    inherited = never_out and not version.is_source and version.slug == old_slug and old_slug.startswith(_source_of(version.piece).slug)
    if inherited and version.text_changed("title"):
        version.slug = _slug_from(version.language, version.title, exclude=version.pk)


def _stays_published(current: PieceVersion, changes: Mapping[str, Any]) -> bool:
    return current.status == Status.PUBLISHED and changes.get("status", Status.PUBLISHED) == Status.PUBLISHED


def pending_usages(pending: PendingChange) -> list[ImageUsage]:
    """The pending changes' images as the usage dicts the services take (with Image objects); ones deleted since are left out."""
    found = Image.objects.in_bulk([u["image"] for u in pending.images])
    return [{**u, "image": found[u["image"]]} for u in pending.images if u["image"] in found]


def _stored_usages(usages: Iterable[ImageUsage]) -> list[ImageUsage]:
    """Usage dicts as JSON keeps them: the image by id."""
    return [
        {"image": _image_id(u["image"]), "alt_text": u.get("alt_text") or "", "decorative": bool(u.get("decorative")),
         "caption": u.get("caption") or "", "order": u.get("order") or 0}
        for u in usages
    ]  # fmt: skip


def working_copy(version: PieceVersion) -> PieceVersion | None:
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


def _same_as_live(version: PieceVersion, pending: PendingChange) -> bool:
    if any(getattr(version, name) != getattr(pending, name) for name in PendingChange.FIELDS):
        return False
    if sorted(pending.tags, key=str.lower) != sorted((t.name for t in version.tags.all()), key=str.lower):
        return False
    if pending.matches_source_revision is not None and pending.matches_source_revision != version.translated_from_revision:
        return False
    return _image_texts(pending_usages(pending)) == _image_texts(_usages_of(version))


def _saved_from(pending: PendingChange) -> dict[str, Any]:
    """save_version's arguments that write `pending`'s text, tags, images and source revision to its version."""
    return {"changes": {name: getattr(pending, name) for name in PendingChange.FIELDS}, "tags": pending.tags,
            "images": pending_usages(pending), "matches_source_revision": pending.matches_source_revision}  # fmt: skip
