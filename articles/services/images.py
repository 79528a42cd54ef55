"""Images: save (the upload waits, private, for the worker), the worker's job, regenerate, delete, sweep."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.files.storage import default_storage, storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import events, policies
from articles.jobs import enqueue
from articles.models import (
    ArticleImage,
    Image,
    ImageState,
)
from articles.services._base import _require, logger
from library import images

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files import File


def request_processing(*, image: Image) -> None:
    """After an upload or a crop change: the image worker decodes in the background; readers keep the previous picture."""

    pk = image.pk
    transaction.on_commit(lambda: enqueue("articles.process_image", pk))


def _focal(image: Image) -> tuple[float, float]:
    return (image.focal_x if image.focal_x is not None else 0.5, image.focal_y if image.focal_y is not None else 0.5)


def save_image(*, image: Image, by: User | None, upload: File | None = None, crop_changed: bool = False) -> Image:
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


def save_generated_image(*, image: Image, name: str, content: File, by: User | None, renditions: bool = True) -> Image:
    """An image the application drew itself (the demo's placeholders): stored with its renditions at once, in this
    process, since nothing untrusted is decoded and the demo must be whole when `make run` serves it."""
    _require(by is None or policies.may_edit_piece(by), _("Only editors change the image library."))
    image.file.save(name, content, save=False)
    image.state, image.problem = ImageState.READY, ""
    with transaction.atomic():
        image.save()
        if renditions:
            image.renditions = images.make_renditions(image)
            image.save(update_fields=["renditions"])
    return image


def process_image(*, image_id: int) -> dict[str, Any] | None:
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
        result: dict[str, Any] = {"ok": False, "code": "missing"}
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
        done: dict[str, Any] = {"pending_upload": "", "state": ImageState.READY, "problem": ""}
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
        usages = ArticleImage.objects.filter(image_id=image_id).values_list("article_id", flat=True)
        events.emit(events.PIECE_CHANGED, {events.shows_key("v", pk) for pk in set(usages)}, extra={"image": image_id})
    return done


def _names_in_use(names: Collection[str]) -> set[str]:
    """Which of these stored files a row still names (renditions are shared by identical pictures)."""
    if not names:
        return set()
    folders = {name.rsplit("/", 1)[0] for name in names if name.startswith("renditions/")}
    used = set(Image.objects.filter(file__in=names).values_list("file", flat=True))
    for folder in folders:
        for renditions in Image.objects.filter(renditions__icontains=f"{folder}/").values_list("renditions", flat=True):
            used |= images.rendition_names(renditions) & names
    return used


def delete_image(*, image: Image, by: User | None) -> None:
    """Delete an image no version uses (the database refuses otherwise) with its files: original, pending upload, renditions."""
    _require(by is None or policies.may_delete(by), _("You may not delete images."))
    with transaction.atomic():
        names = ({image.file.name} if image.file else set()) | images.rendition_names(image.renditions)
        pending = image.pending_upload
        image.delete()
        transaction.on_commit(lambda: images.discard(names - _names_in_use(names)))
        if pending:
            transaction.on_commit(lambda: images.discard([pending], storages["pending"]))


def sweep_pending_uploads(*, older_than: timedelta = timedelta(hours=6)) -> int:
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


def regenerate_renditions(*, image: Image, by: User | None = None) -> Image:
    """Cut an image's renditions again from its stored original (after the widths or formats changed): the image
    worker does it in the background, as after a change of crop; readers keep the current picture meanwhile."""
    return save_image(image=image, by=by, crop_changed=True)
