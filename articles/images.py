"""Image uploads and renditions.

Uploads are checked from their header before anything is decoded in full (format from content,
file size, pixel count), then decoded once to prove they are whole, turned upright and re-encoded
so metadata and appended bytes are gone. Renditions come from an allowlist of widths in AVIF, WebP
and JPEG, never upscaled, written once through the storage API under content-hashed names.
"""

import hashlib
import io
import os
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif", "GIF": "gif"}
EXTENSIONS = {"jpg": "JPEG", "jpeg": "JPEG", "jpe": "JPEG", "png": "PNG", "webp": "WEBP", "avif": "AVIF", "gif": "GIF"}
RENDITION_FORMATS = [("avif", "AVIF", "image/avif"), ("webp", "WEBP", "image/webp"), ("jpg", "JPEG", "image/jpeg")]
ENCODE_OPTIONS = {
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "WEBP": {"quality": 80, "method": 4},
    "AVIF": {"quality": 60, "speed": 8},
    "PNG": {"optimize": True},
    "GIF": {},
}
CARD_RATIO = 16 / 9


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
    if width * height > settings.REVIEW_IMAGE_MAX_PIXELS:
        raise rejected(_("The image is %(width)s×%(height)s pixels; the limit is %(limit)s megapixels."), "too_many_pixels",
                       width=width, height=height, limit=settings.REVIEW_IMAGE_MAX_PIXELS // 1_000_000)  # fmt: skip
    return image_format, width, height


def clean_original(upload):
    """Decode a checked upload, turn it upright, and re-encode it without metadata or appended bytes."""
    image_format, _width, _height = inspect(upload)
    try:
        with PILImage.open(upload) as picture:
            picture.load()  # a truncated or corrupt file fails here, with the size already known to be safe
            upright = ImageOps.exif_transpose(picture)
            if image_format == "JPEG" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            buffer = io.BytesIO()
            upright.save(buffer, format=image_format, **ENCODE_OPTIONS[image_format])  # no exif= : metadata dropped
    except (OSError, SyntaxError, ValueError):
        raise rejected(_("The image file is truncated or corrupt."), "corrupt") from None
    finally:
        upload.seek(0)
    base = os.path.splitext(os.path.basename(upload.name or "image"))[0][:80] or "image"
    return ContentFile(buffer.getvalue(), name=f"{base}.{ACCEPTED_FORMATS[image_format]}")


def focal_crop(picture, ratio, focal_x, focal_y):
    """The largest `ratio` crop of `picture` whose centre is as near the focal point as the edges allow."""
    width, height = picture.size
    if width / height > ratio:
        crop_w, crop_h = round(height * ratio), height
    else:
        crop_w, crop_h = width, round(width / ratio)
    left = min(max(round(focal_x * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(focal_y * height - crop_h / 2), 0), height - crop_h)
    return picture.crop((left, top, left + crop_w, top + crop_h))


def rendition_widths(original_width):
    widths = [w for w in settings.REVIEW_RENDITION_WIDTHS if w <= original_width]
    return widths or [original_width]


def make_renditions(image):
    """Write every rendition of `image` once and return their description (stored on the image row).

    {"full": {"avif": [[width, height, name], ...], ...}, "card": {...}}: card renditions are cropped
    to 16:9 around the focal point.
    """
    with image.file.open("rb") as original:
        data = original.read()
    key = hashlib.sha256(data + f"{image.focal_x}:{image.focal_y}".encode()).hexdigest()[:16]
    renditions = {}
    with PILImage.open(io.BytesIO(data)) as picture:
        picture = ImageOps.exif_transpose(picture).convert("RGB")
        variants = {"full": picture, "card": focal_crop(picture, CARD_RATIO, image.focal_x or 0.5, image.focal_y or 0.5)}
        for variant, source in variants.items():
            renditions[variant] = {}
            for extension, pil_format, _mime in RENDITION_FORMATS:
                entries = []
                for width in rendition_widths(source.width):
                    height = round(source.height * width / source.width)
                    name = f"renditions/{key}/{variant}-{width}.{extension}"
                    if not default_storage.exists(name):
                        buffer = io.BytesIO()
                        source.resize((width, height), PILImage.Resampling.LANCZOS).save(
                            buffer, format=pil_format, **ENCODE_OPTIONS[pil_format]
                        )
                        default_storage.save(name, ContentFile(buffer.getvalue()))
                    entries.append([width, height, name])
                renditions[variant][extension] = entries
    return renditions
