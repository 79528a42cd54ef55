"""Decode and encode one image in a child process with a memory and a CPU bound.

The web process never decodes an upload: `library.images` checks its header, and the background
job runs this file as its own process (`python library/imaging.py '<job as JSON>'`). The child
sets its limits before it opens the file, so a bomb or a pathological file costs at most that
child, which then exits and gives its memory back. It imports Pillow only, never Django.

The job names a source file and an output folder; the child writes the cleaned original (decoded
once, first frame, turned upright, re-encoded without metadata or appended bytes) and the
renditions there, and prints a manifest as JSON: what it wrote, with sizes, and its peak memory.
"""

import json
import os
import resource
import sys
import warnings

from PIL import Image, ImageOps

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif", "GIF": "gif"}
ENCODE_OPTIONS = {
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "WEBP": {"quality": 80, "method": 4},
    "AVIF": {"quality": 60, "speed": 8},
    "PNG": {"optimize": True},
    "GIF": {},
}
# Renditions, best first: (extension, Pillow format, the longest side the format can hold).
RENDITION_FORMATS = [("avif", "AVIF", 16384), ("webp", "WEBP", 16383), ("jpg", "JPEG", 65535)]


KEPT_INFO = ("icc_profile", "transparency", "background", "dpi")


class Refused(Exception):
    """The file cannot be processed; `code` says why (the parent turns it into a message)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def limit(memory_bytes, cpu_seconds):
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


def focal_box(size, ratio, focal_x, focal_y):
    """The largest `ratio` box inside `size` whose centre is as near the focal point as the edges allow."""
    width, height = size
    if width / height > ratio:
        crop_w, crop_h = max(1, round(height * ratio)), height
    else:
        crop_w, crop_h = width, max(1, round(width / ratio))
    left = min(max(round(focal_x * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(focal_y * height - crop_h / 2), 0), height - crop_h)
    return (left, top, left + crop_w, top + crop_h)


def plan(width, height, widths):
    """[(width, height)] of the renditions of a width×height picture: allowed widths up to its own, never upscaled."""
    chosen = [w for w in widths if w <= width] or [width]
    return [(w, max(1, round(height * w / width))) for w in chosen]


def formats_for(sizes):
    """The rendition formats that can hold every size: a format that cannot hold them all is left out,
    so a browser never picks a smaller picture in a better format over the full one."""
    return [(ext, fmt) for ext, fmt, side in RENDITION_FORMATS if all(max(w, h) <= side for w, h in sizes)]


def flatten(picture):
    """RGB for the renditions; transparency is laid on white (the page background), not black."""
    if picture.mode == "RGB":
        return picture
    if picture.mode == "L":
        return picture.convert("RGB")
    rgba = picture.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def clean(picture, out):
    """The original as stored: upright, first frame, re-encoded in its own format without metadata or appended bytes."""
    image_format = picture.format
    original = picture.convert("RGB") if image_format == "JPEG" and picture.mode not in ("RGB", "L") else picture
    # Pillow writes some of what it read back out (a JPEG or GIF comment, EXIF, XMP): keep only what draws the picture.
    original.info = {key: value for key, value in picture.info.items() if key in KEPT_INFO}
    name = f"original.{EXTENSIONS[image_format]}"
    original.save(os.path.join(out, name), format=image_format, **ENCODE_OPTIONS[image_format])  # no exif=: metadata dropped
    return {"file": name, "width": original.width, "height": original.height}


def write_renditions(flat, job, out, renditions):
    full = (0, 0, flat.width, flat.height)
    variants = {"full": full, "card": focal_box(flat.size, job["card_ratio"], *job["focal"])}
    for variant, box in variants.items():  # resized straight from the box: no cropped copy in memory
        sizes = plan(box[2] - box[0], box[3] - box[1], job["widths"])
        renditions[variant] = {}
        for width, height in sizes:
            resized = flat.resize((width, height), Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
            for extension, pil_format in formats_for(sizes):
                name = f"{variant}-{width}.{extension}"
                resized.save(os.path.join(out, name), format=pil_format, **ENCODE_OPTIONS[pil_format])
                renditions[variant].setdefault(extension, []).append([width, height, name])


def run(job):
    out = job["out"]
    manifest = {"original": None, "renditions": {}}
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        Image.MAX_IMAGE_PIXELS = job["max_pixels"]
        try:
            picture = Image.open(job["source"])
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise Refused("too_many_pixels") from None
        with picture:
            if picture.format not in EXTENSIONS:
                raise Refused("unreadable")
            picture.seek(0)  # animations: the first frame is the picture
            picture.load()  # a truncated or corrupt file fails here
            ImageOps.exif_transpose(picture, in_place=True)
            if job["clean"]:
                manifest["original"] = clean(picture, out)
            flat = flatten(picture)
            write_renditions(flat, job, out, manifest["renditions"])
    return manifest


def main():
    job = json.loads(sys.argv[1])
    limit(job["memory_bytes"], job["cpu_seconds"])
    try:
        result = {"ok": True, **run(job)}
    except Refused as refusal:
        result = {"ok": False, "code": refusal.code}
    except MemoryError:
        result = {"ok": False, "code": "memory"}
    except RuntimeError:  # the AVIF and WebP encoders' failures on a picture that decoded: out of memory in practice
        result = {"ok": False, "code": "memory"}
    except (OSError, SyntaxError, ValueError, EOFError):
        result = {"ok": False, "code": "corrupt"}
    result["peak_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
