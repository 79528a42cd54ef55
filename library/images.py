"""Image uploads and renditions.

The web process only reads an upload's header (`inspect`): format from content, file size,
pixels, sides and aspect, with per-format caps. The file then waits in the private "pending"
storage for the image worker (`services.process_image`, a background job), which runs
`library/imaging.py` as a child process bounded in memory and CPU time: it decodes the file once,
keeps the first frame, turns it upright, re-encodes it without metadata or appended bytes, and
writes renditions from an allowlist of widths in AVIF, WebP and JPEG, never upscaled. This module
runs that child and stores what it wrote through the storage API, originals under random names
and renditions under content-hashed ones.
"""

import contextlib
import hashlib
import json
import logging
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from library.imaging import EXTENSIONS as ACCEPTED_FORMATS

logger = logging.getLogger(__name__)
EXTENSIONS = {"jpg": "JPEG", "jpeg": "JPEG", "jpe": "JPEG", "png": "PNG", "webp": "WEBP", "avif": "AVIF", "gif": "GIF"}
CARD_RATIO = 16 / 9
IMAGING = os.path.join(os.path.dirname(os.path.abspath(__file__)), "imaging.py")


def stored_name(filename):
    """Where an original is stored: a random name no one can guess from the title, the upload or a neighbour."""
    extension = os.path.splitext(filename)[1].lower()
    return f"images/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{extension}"


def rejected(message, code, **params):
    return ValidationError(message, code=code, params=params)


def inspect(upload):
    """Return (format, width, height) of an upload, or raise ValidationError; decodes nothing in full."""
    limit = settings.REVIEW_IMAGE_MAX_BYTES
    if upload.size > limit:
        raise rejected(_("The file is %(size)s MB; the limit is %(limit)s MB."), "too_large",
                       size=round(upload.size / 2**20, 1), limit=round(limit / 2**20))  # fmt: skip
    upload.seek(0)
    head = upload.read(512).lstrip().lower()
    upload.seek(0)
    if head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head:
        raise rejected(_("SVG files are not accepted: upload a JPEG, PNG, WebP, AVIF or GIF."), "svg")
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own limit; ours (checked below, before any decoding) is lower.
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(upload) as picture:  # reads the header only
                image_format, (width, height) = picture.format, picture.size
    except PILImage.DecompressionBombError:
        raise rejected(_("The image has far too many pixels to be processed safely."), "too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise rejected(_("This file is not an image we can read: upload a JPEG, PNG, WebP, AVIF or GIF."), "unreadable") from None
    finally:
        upload.seek(0)
    if image_format not in ACCEPTED_FORMATS:
        raise rejected(_("%(format)s images are not accepted: upload a JPEG, PNG, WebP, AVIF or GIF."), "format", format=image_format)
    named = EXTENSIONS.get(os.path.splitext(upload.name or "")[1].lower().lstrip("."))
    if named and named != image_format:
        raise rejected(_("The file is named as %(named)s but its content is %(actual)s."), "mismatch", named=named, actual=image_format)
    cap = settings.REVIEW_IMAGE_MAX_PIXELS
    most = min(cap, settings.REVIEW_IMAGE_FORMAT_MAX_PIXELS.get(image_format, cap))
    if width * height > most:
        message = _("The image is %(width)s×%(height)s pixels; the limit is %(limit)s megapixels.")
        if most < settings.REVIEW_IMAGE_MAX_PIXELS:
            message = _("The image is %(width)s×%(height)s pixels; %(format)s images may have at most %(limit)s megapixels "
                        "(JPEG and PNG up to %(most)s).")  # fmt: skip
        raise rejected(message, "too_many_pixels", width=width, height=height, format=image_format, limit=most // 1_000_000,
                       most=settings.REVIEW_IMAGE_MAX_PIXELS // 1_000_000)  # fmt: skip
    if min(width, height) < settings.REVIEW_IMAGE_MIN_SIDE:
        raise rejected(_("The image is %(width)s×%(height)s pixels; each side must be at least %(least)s pixels."), "too_small",
                       width=width, height=height, least=settings.REVIEW_IMAGE_MIN_SIDE)  # fmt: skip
    if max(width, height) > settings.REVIEW_IMAGE_MAX_ASPECT * min(width, height):
        raise rejected(_("The image is %(width)s×%(height)s pixels; its long side may be at most %(ratio)s times its short side."),
                       "aspect", width=width, height=height, ratio=settings.REVIEW_IMAGE_MAX_ASPECT)  # fmt: skip
    return image_format, width, height


# What the image worker can answer, and what the editor is told ----------------------------------

WORKER_REFUSALS = {
    "too_many_pixels": _("The image has far too many pixels to be processed safely."),
    "unreadable": _("This file is not an image we can read: upload a JPEG, PNG, WebP, AVIF or GIF."),
    "corrupt": _("The image file is truncated or corrupt."),
    "memory": _("The image needs more memory than the image worker may use: upload a smaller image, or a JPEG or PNG."),
    "timeout": _("The image took too long to process: upload a smaller image, or a JPEG or PNG."),
    "missing": _("The uploaded file was lost before it could be processed: upload it again."),
    "failed": _("The image could not be processed: upload it again, or try another format."),
}


def refusal(result):
    return str(WORKER_REFUSALS.get(result.get("code"), WORKER_REFUSALS["failed"]))


@contextlib.contextmanager
def worked(source, *, clean, focal):
    """Run the bounded child on `source` (an open binary file); yield (result, folder, digest).

    `result` is the child's manifest ({"ok": True, "original": ..., "renditions": ..., "peak_bytes": ...})
    or {"ok": False, "code": ...}; `folder` holds the files it wrote until the block ends; `digest` is
    the SHA-256 of the original the renditions were made from (the cleaned one, or `source`).
    """
    with tempfile.TemporaryDirectory(prefix="review-image-") as folder:
        path = os.path.join(folder, "source")
        with open(path, "wb") as copy:
            shutil.copyfileobj(source, copy, 2**20)
        job = {
            "source": path, "out": folder, "clean": clean, "focal": list(focal), "card_ratio": CARD_RATIO,
            "widths": settings.REVIEW_RENDITION_WIDTHS, "max_pixels": settings.REVIEW_IMAGE_MAX_PIXELS,
            "memory_bytes": settings.REVIEW_IMAGE_WORKER_MEMORY, "cpu_seconds": settings.REVIEW_IMAGE_WORKER_SECONDS,
        }  # fmt: skip
        command = [sys.executable, "-I", IMAGING, json.dumps(job)]
        environment = {"PATH": os.environ.get("PATH", ""), "MALLOC_ARENA_MAX": "2"}  # arenas per thread would eat the bound
        try:
            done = subprocess.run(command, capture_output=True, timeout=settings.REVIEW_IMAGE_WORKER_SECONDS * 2, env=environment)
            result = json.loads(done.stdout) if done.returncode == 0 else {"ok": False, "code": killed(done.returncode)}
        except subprocess.TimeoutExpired:
            done, result = None, {"ok": False, "code": "timeout"}
        except ValueError:
            result = {"ok": False, "code": "failed"}
        if not result.get("ok") and done is not None and done.stderr:
            logger.warning("image worker refused (%s): %s", result.get("code"), done.stderr.decode(errors="replace")[-2000:])
        digest = file_digest(os.path.join(folder, result["original"]["file"]) if result.get("original") else path)
        yield result, folder, digest


def killed(returncode):
    """Why the child ended without a manifest: its CPU limit (SIGXCPU), the kernel's memory killer (SIGKILL), or else."""
    return {-signal.SIGXCPU: "timeout", -signal.SIGKILL: "memory"}.get(returncode, "failed")


def file_digest(path):
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def store(result, folder, digest, focal):
    """Save what the child wrote: (the new original's name or None, its size, the renditions with storage names)."""
    original = result.get("original")
    name = size = None
    if original:
        with open(os.path.join(folder, original["file"]), "rb") as file:
            name = default_storage.save(stored_name(original["file"]), File(file))
        size = (original["width"], original["height"])
    key = hashlib.sha256(f"{digest}:{focal[0]}:{focal[1]}".encode()).hexdigest()[:16]
    renditions = {}
    for variant, sets in result["renditions"].items():
        renditions[variant] = {}
        for extension, entries in sets.items():
            renditions[variant][extension] = []
            for width, height, filename in entries:
                stored = f"renditions/{key}/{filename}"
                if not default_storage.exists(stored):  # the same picture and crop: written once, shared
                    with open(os.path.join(folder, filename), "rb") as file:
                        stored = default_storage.save(stored, File(file))
                renditions[variant][extension].append([width, height, stored])
    return name, size, renditions


def rendition_names(renditions):
    return {name for sets in (renditions or {}).values() for entries in sets.values() for _width, _height, name in entries}


def discard(names, storage=None):
    """Delete files by name; a file already gone is fine."""
    storage = storage or default_storage
    for name in names:
        if name:
            with contextlib.suppress(OSError):
                storage.delete(name)


def make_renditions(image):
    """Renditions of an image's stored original, made by the bounded child (imports, the demo, regenerate)."""
    focal = (image.focal_x if image.focal_x is not None else 0.5, image.focal_y if image.focal_y is not None else 0.5)
    with image.file.open("rb") as original, worked(original, clean=False, focal=focal) as (result, folder, digest):
        if not result["ok"]:
            raise ValueError(f"{image}: {refusal(result)}")
        return store(result, folder, digest, focal)[2]
