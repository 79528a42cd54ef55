"""Uploads are checked before decoding, cleaned, and delivered as renditions in modern formats."""

import io
import os
import struct
import tracemalloc
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image as PILImage

from articles.images import clean_original, inspect
from articles.models import ArticleImage, Image, Status
from tests.admin_client import AdminUser

ADD = "/admin/articles/image/add/"


def encoded(image_format, size=(800, 450), mode="RGB", **save):
    buffer = io.BytesIO()
    PILImage.new(mode, size, (30, 90, 160) if mode == "RGB" else 1).save(buffer, format=image_format, **save)
    return buffer.getvalue()


def png_header_only(width, height):
    """A PNG that claims width×height pixels but carries almost no data: a decompression bomb's header."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.fixture
def editor(db):
    from django.core.management import call_command

    call_command("load_demo", skip_renditions=True, stdout=io.StringIO())
    return AdminUser("editor", "review-editor")


def upload(editor, name, content, **fields):
    data = {"title": fields.pop("title", name), "credit": "Test", "licence": "CC0", "focal_x": "", "focal_y": "", **fields}
    return editor.post(ADD, {**data, "file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize("image_format, extension", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("AVIF", "avif"), ("GIF", "gif")])
def test_each_accepted_format_round_trips_with_renditions(editor, image_format, extension, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the rendition job runs in-process at commit (no Redis here)
        response = upload(editor, f"picture.{extension}", encoded(image_format, size=(700, 394)))
    assert response.status_code == 302, response.content.decode()[:2000]
    image = Image.objects.get(title=f"picture.{extension}")
    with image.file.open("rb") as stored:
        assert PILImage.open(stored).format == image_format
    assert (image.width, image.height) == (700, 394)
    for variant in ("full", "card"):
        for extension_, entries in image.renditions[variant].items():
            assert [width for width, _height, _name in entries] == [320, 640], (variant, extension_)  # never above 700
    card = image.renditions["card"]["jpg"][-1]
    assert card[:2] == [640, 360]  # 16:9


HOSTILE_UPLOADS = {
    "bomb-header": ("bomb.png", png_header_only(30000, 30000), "far too many pixels"),
    "over-pixel-cap": ("big.png", encoded("PNG", size=(10000, 10000), mode="1"), "the limit is 40 megapixels"),
    "truncated-jpeg": ("cut.jpg", encoded("JPEG")[:1500], "truncated or corrupt"),
    "svg-with-script": (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "SVG files are not accepted",
    ),
    "png-named-jpg-with-html": (
        "photo.jpg",
        encoded("PNG") + b"<html><script>alert(1)</script></html>",
        "named as JPEG but its content is PNG",
    ),
    "25-MB": ("huge.jpg", encoded("JPEG") + os.urandom(25 * 2**20), "the limit is 20 MB"),
    "not-an-image": ("notes.png", b"just some text", "not an image we can read"),
    "empty": ("empty.jpg", b"", ""),
}


@pytest.mark.parametrize("name, content, message", HOSTILE_UPLOADS.values(), ids=HOSTILE_UPLOADS.keys())
def test_hostile_uploads_get_a_form_error_never_a_500(editor, name, content, message):
    response = upload(editor, name, content)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="errorlist' in page and message in page.replace("&#x27;", "'")
    assert not Image.objects.filter(title=name).exists()


def test_a_decompression_bomb_is_refused_from_its_header_without_allocating_pixels():
    bomb = SimpleUploadedFile("bomb.png", png_header_only(30000, 30000))  # 900 megapixels: ~2.7 GB decoded
    tracemalloc.start()
    with pytest.raises(ValidationError) as refusal:
        inspect(bomb)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert refusal.value.code == "too_many_pixels"
    assert peak < 5 * 2**20


def test_gps_and_other_metadata_are_removed_and_rotated_photos_come_out_upright():
    exif = PILImage.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "SpyCam"  # camera make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (50.0, 50.0, 0.0), 3: "E", 4: (4.0, 21.0, 0.0)})
    original = encoded("JPEG", size=(60, 30), exif=exif) + b"<script>appended()</script>"
    assert b"SpyCam" in original

    cleaned = clean_original(SimpleUploadedFile("photo.jpg", original)).read()
    picture = PILImage.open(io.BytesIO(cleaned))
    assert picture.size == (30, 60)  # upright: the wide sensor image turned as the camera said
    assert dict(picture.getexif()) == {}
    assert b"SpyCam" not in cleaned and b"appended" not in cleaned


def test_article_pages_offer_avif_and_webp_with_sizes_and_the_first_image_eagerly(editor, make_article, make_image):
    image = make_image()
    article = make_article(image=image)
    page = Client().get(article.get_absolute_url()).content.decode()
    lead = page.split('class="article__lead')[1].split("</picture>")[0]
    assert '<source type="image/avif" srcset="/media/renditions/' in lead
    assert '<source type="image/webp" srcset="/media/renditions/' in lead
    assert 'sizes="(min-width: 64rem) 60rem, 100vw"' in lead and 'fetchpriority="high"' in lead and "loading=" not in lead
    assert f'width="{image.renditions["full"]["jpg"][-1][0]}"' in lead

    rendition = lead.split('srcset="')[1].split(" ")[0]
    response = Client().get(rendition)
    assert response.status_code == 200 and "immutable" in response["Cache-Control"]
    assert response["Content-Type"] == "image/avif"


def test_decorative_images_have_empty_alt_and_undescribed_images_cannot_be_published(editor, make_article, make_image):
    article = make_article(image=make_image())
    usage = article.image_usages.get()
    usage.decorative = True
    usage.save()
    assert 'alt=""' in Client().get(article.get_absolute_url()).content.decode().split('class="article__lead')[1].split("</picture>")[0]

    draft = make_article(status=Status.DRAFT, image=make_image())
    ArticleImage.objects.filter(article=draft).update(alt_text="", decorative=False)
    response = editor.post("/admin/articles/article/", {"action": "publish_selected", "_selected_action": [draft.pk], "index": 0},
                           follow=True)  # fmt: skip
    assert "needs alt text, or must be marked decorative" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT

    refused = editor.submit(f"/admin/articles/article/{draft.pk}/change/", {"status": "published"})
    assert refused.status_code == 200 and "needs alt text, or must be marked decorative" in refused.content.decode()
    accepted = editor.submit(f"/admin/articles/article/{draft.pk}/change/", {"status": "published", "image_usages-0-decorative": "on"})
    assert accepted.status_code == 302


def test_the_library_shows_where_an_image_is_used_and_finds_it_by_caption(editor):
    image = Image.objects.get(title="Baltic coastline at dawn")
    page = editor.get(f"/admin/articles/image/{image.pk}/change/").content.decode()
    assert "Securing the Nordic-Baltic region</a> [en]" in page and "[fr]" in page and "[ar]" in page
    assert "Baltic coastline at dawn" in editor.get("/admin/articles/image/?q=Allies+and+partners").content.decode()


def test_card_crops_keep_the_focal_point_in_frame():
    from articles.images import focal_crop

    picture = PILImage.new("RGB", (1000, 300))
    picture.paste((255, 0, 0), (900, 0, 1000, 300))  # the subject: a red strip at the right edge
    right = focal_crop(picture, 16 / 9, focal_x=0.95, focal_y=0.5)
    centre = focal_crop(picture, 16 / 9, focal_x=0.5, focal_y=0.5)
    assert right.size == centre.size == (533, 300)
    assert right.getpixel((right.width - 1, 150)) == (255, 0, 0)
    assert centre.getpixel((centre.width - 1, 150)) == (0, 0, 0)


def test_regenerate_renditions_rebuilds_every_image_with_a_progress_bar(make_image, settings):
    from django.core.management import call_command

    images = [make_image(), make_image()]
    Image.objects.update(renditions={})
    settings.REVIEW_RENDITION_WIDTHS = [32]
    out = io.StringIO()
    call_command("regenerate_renditions", stdout=out)
    assert "] 2/2" in out.getvalue() and "Renditions regenerated for 2 images." in out.getvalue()
    for image in images:
        image.refresh_from_db()
        assert [entry[0] for entry in image.renditions["full"]["avif"]] == [32]
