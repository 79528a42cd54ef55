"""What every service shares: policy checks, the row lock, revisions, listing and search tracking, slugs, usages, working copies."""

import logging
from contextlib import contextmanager
from copy import copy as shallow_copy

import reversion
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from articles import events, figures, history, lifecycle, listing, policies, search
from articles.errors import Conflict, EditConflict, NotAllowed, RuleBroken
from articles.languages import language_codes, language_info
from articles.models import (
    Article,
    ArticleImage,
    ArticleRedirect,
    Image,
    PendingChange,
    Status,
)
from articles.sanitize import sanitize_html
from articles.segments import plain

VERSION_FIELDS = ("title", "slug", "standfirst", "body", "status", "published_at")


logger = logging.getLogger(__name__)


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


@contextmanager
def _revision(by, comment, **params):
    """One revision by `by`, named by a transition or a message (stored in English, shown translated: articles.history)."""
    with reversion.create_revision():
        if by is not None:
            reversion.set_user(by)
        if not reversion.get_comment():  # an enclosing write (a restore) names the revision
            message = lifecycle.RULES[comment].label if isinstance(comment, lifecycle.Transition) else comment
            reversion.set_comment(history.stored(message, **params))
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
    """Save in a savepoint: a constraint another writer won first becomes a Conflict, not a broken transaction.

    The body is sanitised whatever the editor sent, and each figure tied to its library image (articles.figures)."""
    version.body = figures.bind(sanitize_html(version.body, figures=True))
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
    from articles.models import Tag

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


def _set_source(piece, version, *also):
    """The piece's source and the source's language, always together (search reads the language: configs_shown)."""
    piece.source, piece.source_language = version, version.language
    piece.save(update_fields=["source", "source_language", *also])


def _free_slug(language, slug):
    if not Article.objects.filter(language=language, slug=slug).exists():
        return slug
    base = f"{slug[:180]}-{language}"
    taken = set(Article.objects.filter(language=language, slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def _slug_from(language, title, exclude=None):
    base = slugify(title, allow_unicode=True)[:190].strip("-") or "piece"
    taken = Article.objects.filter(language=language, slug=base).exclude(pk=exclude).exists()
    return _free_slug(language, base) if taken else base


def _mark_current(translation, revision):
    latest = translation.piece.source.content_revision
    if not 1 <= revision <= latest:
        raise RuleBroken(_("This form names a source text that does not exist. Reload the page and try again."))
    translation.translated_from_revision = revision  # the text now matches that source text, older or not


def _piece_differs(piece, section=..., kind=..., authors=...):
    if section is not ... and piece.section_id != (section.pk if section else None):
        return True
    if kind is not ... and piece.kind_id != (kind.pk if kind else None):
        return True
    return authors is not ... and {a.pk for a in authors} != set(piece.authors.values_list("pk", flat=True))


def _follow_title(version, old_slug, never_out):
    """An empty slug is made from the title. A translation that never went out keeps the slug it was given
    from its source only until its title is translated: then the slug follows the translated title."""
    if not (version.slug or "").strip():
        version.slug = _slug_from(version.language, version.title, exclude=version.pk)
        return
    inherited = never_out and not version.is_source and version.slug == old_slug and old_slug.startswith(version.piece.source.slug)
    if inherited and version.text_changed("title"):
        version.slug = _slug_from(version.language, version.title, exclude=version.pk)


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
