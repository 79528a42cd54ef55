"""Uploads are checked before decoding, cleaned, and delivered as renditions in modern formats."""

import io
import os
import re
import struct
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image as PILImage

from articles.models import ArticleImage, Image, ImageState, Status
from library.images import inspect
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
    return editor.post(ADD, {**data, "upload": SimpleUploadedFile(name, content)})


def upload_processed(editor, name, content, django_capture_on_commit_callbacks, **fields):
    """Upload through the admin; the image worker's job runs at commit, as the in-process queue does without Redis."""
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(editor, name, content, **fields)
    assert response.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", response.content.decode(), re.S)
    return Image.objects.get(title=fields.get("title", name))


def stored_files(root):
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def assert_no_file_without_a_row(media_root):
    """Every file under MEDIA_ROOT is an original or a rendition some image row names; nothing waits in pending."""
    named = set()
    for image in Image.objects.all():
        named |= {image.file.name} if image.file else set()
        named |= {name for sets in image.renditions.values() for entries in sets.values() for _w, _h, name in entries}
    assert stored_files(media_root) <= named, stored_files(media_root) - named
    pending = set(Image.objects.exclude(pending_upload="").values_list("pending_upload", flat=True))
    assert stored_files(media_root.parent / "pending") <= pending


@pytest.mark.parametrize("image_format, extension", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("AVIF", "avif"), ("GIF", "gif")])
def test_each_accepted_format_round_trips_with_renditions(editor, image_format, extension, django_capture_on_commit_callbacks, media_root):
    image = upload_processed(editor, f"picture.{extension}", encoded(image_format, size=(700, 394)), django_capture_on_commit_callbacks)
    assert image.state == "ready" and image.problem == "" and image.pending_upload == ""
    assert re.fullmatch(rf"images/\d{{4}}/\d\d/[0-9a-f]{{32}}\.{extension}", image.file.name)  # unguessable, not "picture"
    with image.file.open("rb") as stored:
        assert PILImage.open(stored).format == image_format
    assert (image.width, image.height) == (700, 394)
    for variant in ("full", "card"):
        for extension_, entries in image.renditions[variant].items():
            assert [width for width, _height, _name in entries] == [320, 640], (variant, extension_)  # never above 700
    card = image.renditions["card"]["jpg"][-1]
    assert card[:2] == [640, 360]  # 16:9
    assert_no_file_without_a_row(media_root)


def gif_with_frames(count, size=(64, 64)):
    frames = []
    for i in range(count):  # each frame differs from the one before, so none are merged
        frame = PILImage.new("L", size, 0)
        frame.putpixel((i % size[0], (i // size[0]) % size[1]), 255)
        frames.append(frame)
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=20, loop=0)
    return buffer.getvalue()


def png_with_text_bomb():
    """A small PNG carrying a zTXt chunk that inflates to 200 MB."""
    picture = PILImage.new("RGB", (64, 64), (10, 20, 30))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    data = buffer.getvalue()

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    bomb = chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"A" * (200 * 2**20), 9))
    return data[:33] + bomb + data[33:]  # after IHDR


def polyglot_jpeg():
    """A JPEG that is also a web page and a ZIP archive: script in a comment segment, an archive appended."""
    jpeg = encoded("JPEG", size=(320, 180))
    comment = b"<html><script>alert(document.cookie)</script></html>"
    segment = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.html", "<script>alert(1)</script>")
    return jpeg[:2] + segment + jpeg[2:] + archive.getvalue()


HOSTILE_UPLOADS = {
    "bomb-header": ("bomb.png", png_header_only(30000, 30000), "far too many pixels"),
    "over-pixel-cap": ("big.png", encoded("PNG", size=(10000, 10000), mode="1"), "the limit is 40 megapixels"),
    "avif-over-its-cap": ("big.avif", encoded("AVIF", size=(5000, 4000), quality=10, speed=10),
                          "AVIF images may have at most 16 megapixels"),
    "extreme-aspect": ("line.png", png_header_only(39999, 1), "each side must be at least 16 pixels"),
    "too-long-for-its-width": ("strip.png", encoded("PNG", size=(30000, 1000), mode="1"), "at most 25 times its short side"),
    "png-text-bomb": ("text-bomb.png", png_with_text_bomb(), "not an image we can read"),
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
}  # fmt: skip


@pytest.mark.parametrize("name, content, message", HOSTILE_UPLOADS.values(), ids=HOSTILE_UPLOADS.keys())
def test_hostile_uploads_get_a_form_error_never_a_500(editor, name, content, message, media_root):
    response = upload(editor, name, content)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="errorlist' in page and message in page.replace("&#x27;", "'")
    assert not Image.objects.filter(title=name).exists()
    assert stored_files(media_root.parent / "pending") == set()  # nothing was kept for it
    assert_no_file_without_a_row(media_root)


WORKER_REFUSALS = {
    "truncated-jpeg": ("cut.jpg", encoded("JPEG")[:1500], "truncated or corrupt"),
}


@pytest.mark.parametrize("name, content, message", WORKER_REFUSALS.values(), ids=WORKER_REFUSALS.keys())
def test_files_whose_header_passes_but_that_do_not_decode_are_refused_by_the_worker(
    editor, name, content, message, django_capture_on_commit_callbacks, media_root
):
    image = upload_processed(editor, name, content, django_capture_on_commit_callbacks)
    assert image.state == "failed" and message in image.problem and not image.file and image.renditions == {}
    listing = editor.get("/admin/articles/image/").content.decode()
    assert "Failed" in listing and message in listing.replace("&#x27;", "'")  # the editor is told where they look
    assert_no_file_without_a_row(media_root)


def test_a_tall_infographic_gets_renditions_only_in_formats_that_can_hold_it(editor, django_capture_on_commit_callbacks, media_root):
    image = upload_processed(editor, "infographic.png", encoded("PNG", size=(1080, 20000), mode="1"), django_capture_on_commit_callbacks)
    assert image.state == "ready" and (image.width, image.height) == (1080, 20000)
    full = image.renditions["full"]
    assert list(full) == ["jpg"]  # 960×17778 is beyond WebP's and AVIF's sides: JPEG only, every width
    assert [entry[:2] for entry in full["jpg"]] == [[320, 5926], [640, 11852], [960, 17778]]
    assert sorted(image.renditions["card"]) == ["avif", "jpg", "webp"]
    assert_no_file_without_a_row(media_root)


def test_a_10000_frame_gif_is_kept_as_its_first_frame(editor, django_capture_on_commit_callbacks, media_root):
    content = gif_with_frames(10_000)
    assert PILImage.open(io.BytesIO(content)).n_frames == 10_000
    image = upload_processed(editor, "animation.gif", content, django_capture_on_commit_callbacks)
    assert image.state == "ready"
    with image.file.open("rb") as stored:
        kept = PILImage.open(stored)
        assert kept.format == "GIF" and getattr(kept, "n_frames", 1) == 1
    assert_no_file_without_a_row(media_root)


def test_a_polyglot_is_stored_as_a_plain_picture_and_served_as_one(editor, django_capture_on_commit_callbacks, media_root):
    content = polyglot_jpeg()
    assert zipfile.is_zipfile(io.BytesIO(content)) and b"<script>" in content
    image = upload_processed(editor, "innocent.jpg", content, django_capture_on_commit_callbacks)
    assert image.state == "ready"
    with image.file.open("rb") as stored:
        data = stored.read()
    assert b"<script" not in data and b"PK\x03\x04" not in data and not zipfile.is_zipfile(io.BytesIO(data))
    response = Client().get(image.file.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"


def peak_rss_bytes():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))


def test_the_web_process_decodes_nothing_and_the_worker_stays_within_its_memory_bound(
    editor, django_capture_on_commit_callbacks, media_root, settings, capsys
):
    """An 8000×5000 PNG (40 megapixels, ~115 MB decoded): the request and its job leave the web process's peak
    memory where it was; the bounded child did the decoding and reports its own peak."""
    big = PILImage.linear_gradient("L").resize((8000, 5000)).convert("RGB")
    buffer = io.BytesIO()
    big.save(buffer, format="PNG", compress_level=1)
    del big
    try:
        with open("/proc/self/clear_refs", "w") as reset:
            reset.write("5")  # the peak resident size starts again from now
    except OSError:
        pytest.skip("this kernel cannot reset the peak resident size")
    before = peak_rss_bytes()
    image = upload_processed(editor, "poster.png", buffer.getvalue(), django_capture_on_commit_callbacks)
    grown = peak_rss_bytes() - before
    assert image.state == "ready" and (image.width, image.height) == (8000, 5000)
    assert grown < 80 * 2**20, f"the web process grew by {grown / 2**20:.0f} MB"  # decoding here would add 230 MB or more

    from library.images import worked

    with image.file.open("rb") as original, worked(original, clean=True, focal=(0.5, 0.5)) as (result, _folder, _digest):
        peak = result["peak_bytes"]
    assert result["ok"] and peak < settings.REVIEW_IMAGE_WORKER_MEMORY
    with capsys.disabled():
        print(f"\n[image worker] 8000×5000 PNG: worker peak {peak / 2**20:.0f} MB (bound {settings.REVIEW_IMAGE_WORKER_MEMORY >> 20} MB)")

    settings.REVIEW_IMAGE_WORKER_MEMORY = 200 * 2**20  # a worker given too little memory refuses cleanly
    with image.file.open("rb") as original, worked(original, clean=True, focal=(0.5, 0.5)) as (result, _folder, _digest):
        assert result == {"ok": False, "code": "memory", "peak_bytes": result["peak_bytes"]}
    assert_no_file_without_a_row(media_root)


def test_a_replacement_keeps_the_old_picture_until_ready_and_then_removes_it(
    editor, django_capture_on_commit_callbacks, media_root, make_article
):
    image = upload_processed(editor, "harbour.jpg", encoded("JPEG", size=(700, 394)), django_capture_on_commit_callbacks)
    article = make_article(image=image)
    first_file, first_renditions = image.file.name, image.renditions
    change = f"/admin/articles/image/{image.pk}/change/"
    fields = {"title": "harbour.jpg", "credit": "Test", "licence": "CC0", "focal_x": "", "focal_y": ""}

    response = editor.post(change, {**fields, "upload": SimpleUploadedFile("broken.jpg", encoded("JPEG")[:1500])})  # job not run yet
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.state == "processing" and image.file.name == first_file  # readers keep the old picture meanwhile
    assert first_renditions["full"]["jpg"][-1][2] in Client().get(article.get_absolute_url()).content.decode()
    from articles import services

    with django_capture_on_commit_callbacks(execute=True):
        services.process_image(image_id=image.pk)  # the broken replacement fails: the old picture stays, with a note
    image.refresh_from_db()
    assert image.state == "ready" and image.file.name == first_file and "previous picture stays" in image.problem

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(change, {**fields, "upload": SimpleUploadedFile("new.png", encoded("PNG", size=(800, 450)))})
    image.refresh_from_db()
    assert image.state == "ready" and image.file.name.endswith(".png") and image.problem == ""
    assert image.width == 800 and image.renditions != first_renditions
    assert not (media_root / first_file).exists()  # the replaced original and renditions are gone
    assert_no_file_without_a_row(media_root)


def test_deleting_an_image_deletes_its_files_but_not_renditions_another_image_shares(
    editor, django_capture_on_commit_callbacks, media_root
):
    content = encoded("JPEG", size=(700, 394))
    before = stored_files(media_root)
    one = upload_processed(editor, "one.jpg", content, django_capture_on_commit_callbacks, title="One")
    two = upload_processed(editor, "two.jpg", content, django_capture_on_commit_callbacks, title="Two")
    assert one.renditions == two.renditions  # the same picture and crop: one set of renditions
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(f"/admin/articles/image/{one.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Image.objects.filter(pk=one.pk).exists()
    assert not (media_root / one.file.name).exists() and (media_root / two.file.name).exists()
    assert all((media_root / entry[2]).exists() for entry in two.renditions["full"]["jpg"])
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(f"/admin/articles/image/{two.pk}/delete/", {"post": "yes"})
    assert stored_files(media_root) == before


def test_an_image_deleted_before_its_job_runs_leaves_nothing_behind(editor, media_root, django_capture_on_commit_callbacks):
    before = stored_files(media_root)
    upload(editor, "soon-gone.jpg", encoded("JPEG"))  # the job is not run
    image = Image.objects.get(title="soon-gone.jpg")
    assert stored_files(media_root.parent / "pending") == {image.pending_upload}
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(f"/admin/articles/image/{image.pk}/delete/", {"post": "yes"})
    from articles import services

    assert services.process_image(image_id=image.pk) is None  # the queued job finds nothing to do
    assert stored_files(media_root.parent / "pending") == set() and stored_files(media_root) == before


def test_the_daily_sweep_removes_pending_uploads_no_row_names(editor, media_root):
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from articles import services

    upload(editor, "waiting.jpg", encoded("JPEG"))  # named by its row: kept
    orphan = storages["pending"].save("orphan", ContentFile(b"left by a crash"))
    old = os.path.getmtime(media_root.parent / "pending" / orphan) - 7 * 3600
    os.utime(media_root.parent / "pending" / orphan, (old, old))
    assert services.sweep_pending_uploads() == 1
    assert stored_files(media_root.parent / "pending") == {Image.objects.get(title="waiting.jpg").pending_upload}


def test_a_translator_may_upload_and_the_same_limits_hold(django_capture_on_commit_callbacks, media_root, demo):
    translator = AdminUser("translator-fr", "review-translator")
    refused = upload(translator, "line.png", png_header_only(39999, 1))
    assert refused.status_code == 200 and "each side must be at least 16 pixels" in refused.content.decode()
    image = upload_processed(translator, "carte.png", encoded("PNG", size=(640, 360)), django_capture_on_commit_callbacks)
    assert image.state == "ready"
    assert translator.post(f"/admin/articles/image/{image.pk}/delete/", {"post": "yes"}).status_code == 403
    assert_no_file_without_a_row(media_root)


def test_a_decompression_bomb_is_refused_from_its_header_without_allocating_pixels():
    bomb = SimpleUploadedFile("bomb.png", png_header_only(30000, 30000))  # 900 megapixels: ~2.7 GB decoded
    tracemalloc.start()
    with pytest.raises(ValidationError) as refusal:
        inspect(bomb)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert refusal.value.code == "too_many_pixels"
    assert peak < 5 * 2**20


def test_gps_and_other_metadata_are_removed_and_rotated_photos_come_out_upright(editor, django_capture_on_commit_callbacks):
    exif = PILImage.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "SpyCam"  # camera make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (50.0, 50.0, 0.0), 3: "E", 4: (4.0, 21.0, 0.0)})
    original = encoded("JPEG", size=(60, 30), exif=exif) + b"<script>appended()</script>"
    assert b"SpyCam" in original

    image = upload_processed(editor, "photo.jpg", original, django_capture_on_commit_callbacks)
    with image.file.open("rb") as stored:
        cleaned = stored.read()
    picture = PILImage.open(io.BytesIO(cleaned))
    assert picture.size == (30, 60) == (image.width, image.height)  # upright: the wide sensor image turned as the camera said
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
    response = editor.post("/admin/articles/pieceversion/", {"action": "publish_selected", "_selected_action": [draft.pk], "index": 0},
                           follow=True)  # fmt: skip
    assert "needs alt text, or must be marked decorative" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT

    refused = editor.submit(f"/admin/articles/pieceversion/{draft.pk}/change/", {"status": "published"})
    assert refused.status_code == 200 and "needs alt text, or must be marked decorative" in refused.content.decode()
    accepted = editor.submit(f"/admin/articles/pieceversion/{draft.pk}/change/", {"status": "published", "image_usages-0-decorative": "on"})
    assert accepted.status_code == 302


def test_the_library_shows_where_an_image_is_used_and_finds_it_by_caption(editor):
    image = Image.objects.get(title="Baltic coastline at dawn")
    page = editor.get(f"/admin/articles/image/{image.pk}/change/").content.decode()
    assert "Securing the Nordic-Baltic region</a> [en]" in page and "[fr]" in page and "[ar]" in page
    assert "Baltic coastline at dawn" in editor.get("/admin/articles/image/?q=Allies+and+partners").content.decode()


def test_card_crops_keep_the_focal_point_in_frame():
    from library.imaging import focal_box

    picture = PILImage.new("RGB", (1000, 300))
    picture.paste((255, 0, 0), (900, 0, 1000, 300))  # the subject: a red strip at the right edge
    right = picture.crop(focal_box(picture.size, 16 / 9, focal_x=0.95, focal_y=0.5))
    centre = picture.crop(focal_box(picture.size, 16 / 9, focal_x=0.5, focal_y=0.5))
    assert right.size == centre.size == (533, 300)
    assert right.getpixel((right.width - 1, 150)) == (255, 0, 0)
    assert centre.getpixel((centre.width - 1, 150)) == (0, 0, 0)


def test_regenerate_renditions_sends_every_image_to_the_worker(make_image, settings, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    images = [make_image(), make_image()]
    settings.REVIEW_RENDITION_WIDTHS = [32]
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the jobs run at commit (in-process without a broker)
        call_command("regenerate_renditions", stdout=out)
        for image in images:
            image.refresh_from_db()
            assert image.state == ImageState.PROCESSING and image.renditions["full"]["avif"]  # readers keep the old ones meanwhile
    assert "Renditions of 2 images sent to the image worker." in out.getvalue()
    for image in images:
        image.refresh_from_db()
        assert image.state == ImageState.READY and [entry[0] for entry in image.renditions["full"]["avif"]] == [32]
