"""Figures in the body (issue 13): the image chooser's pictures are tied to the library on save, drawn for readers as
a responsive <picture>, and nothing else an editor's browser sends survives; the chooser pages, searches and
uploads in place, and refuses what it should."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from articles import services
from articles.models import Image, PieceVersion, PublicationPage
from tests.conftest import jpeg_bytes

pytestmark = pytest.mark.usefixtures("demo")
CHOOSER = "/admin/articles/image/choose/"


def change_url(version):
    return f"/admin/articles/pieceversion/{version.pk}/change/"


def figure_html(image_id, src="https://elsewhere.example/tracker.jpg", alt="A map of the Baltic"):
    return (f'<p>Before.</p><figure class="figure"><img src="{src}" alt="{alt}" data-file="{image_id}" onerror="alert(1)">'
            f'<figcaption>The Baltic Sea <em>today</em></figcaption></figure><p>After.</p>')  # fmt: skip


def test_a_chosen_picture_is_saved_bound_to_the_library_and_shown_as_a_picture(editor, make_image, django_assert_max_num_queries):
    image = make_image(title="Baltic map", credit="NATO <Maritime> Command")
    draft = services.create_piece(by=None, language="en", changes={"title": "Figures draft", "body": "<p>x</p>"})
    response = editor.submit(change_url(draft), {"body": figure_html(image.pk), "status": "published",
                                                 "published_at_0": "2024-01-02", "published_at_1": "10:00"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:500]
    draft.refresh_from_db()
    stored = draft.body
    assert f'data-file="{image.pk}"' in stored and "elsewhere.example" not in stored and "onerror" not in stored
    assert f'src="{image.picture("card")["src"]}"' in stored  # the editor shows the library's own rendition
    Client().get(draft.get_absolute_url())  # warm the caches
    with django_assert_max_num_queries(12):
        page = Client().get(draft.get_absolute_url()).content.decode()
    body = page.split('class="article__body')[1]
    figure = re.search(r'<figure class="figure">(.*?)</figure>', body, re.S).group(1)
    assert figure.startswith("<picture>") and '<source type="image/avif"' in figure and '<source type="image/webp"' in figure
    assert 'alt="A map of the Baltic"' in figure and 'loading="lazy"' in figure and "<figcaption>The Baltic Sea <em>today</em>" in figure
    assert '<span class="credit">NATO &lt;Maritime&gt; Command</span></figcaption>' in figure  # the library's credit, escaped
    assert "data-file" not in body  # readers get the picture, not the editor's markup


@pytest.mark.parametrize("image_id", ["999999", "abc", "", "-3", "²"])  # "²" is a digit int() refuses
def test_a_figure_that_names_no_library_picture_is_dropped_on_save(editor, image_id):
    version = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    services.save_version(version=version, by=None, changes={"body": figure_html(image_id)}, go_live=True)
    version.refresh_from_db()
    assert "<figure" not in version.body and "<img" not in version.body and "<p>After.</p>" in version.body


def test_a_picture_deleted_later_leaves_the_page_whole(make_image):
    image = make_image(title="Soon gone")
    version = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    services.save_version(version=version, by=None, changes={"body": figure_html(image.pk)}, go_live=True)
    services.delete_image(image=Image.objects.get(pk=image.pk), by=None)
    response = Client().get(version.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode().split('class="article__body')[1]
    assert "<figure" not in body and "<p>After.</p>" in body


def test_pages_that_take_no_figures_keep_no_pictures():
    page = PublicationPage(page="about", language="de", title="Über uns", body=figure_html(1, src="/media/x.jpg"))
    services.save_publication_page(page=page, by=None)
    page.refresh_from_db()
    assert "<img" not in page.body


def test_the_live_preview_draws_figures_too(editor, make_image):
    image = make_image(title="Preview picture")
    version = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    html = editor.post(f"/en/preview/{version.pk}/", {"body": figure_html(image.pk)}).content.decode()
    assert "<picture>" in html.split('class="article__body')[1] and "elsewhere.example" not in html


def test_the_chooser_lists_searches_and_pages_the_library(editor, make_image):
    for n in range(27):
        make_image(title=f"Quayside {n}" if n % 2 else f"Ships {n}", credit="Allied Maritime Command")
    response = editor.get(CHOOSER, {"CKEditorFuncNum": "-1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("data-choose") == 24 and 'rel="next"' in html and "js/image-chooser.js" in html
    html = editor.get(CHOOSER, {"CKEditorFuncNum": "-1", "q": "quayside"}).content.decode()
    assert html.count("data-choose") == 13 and "Ships" not in html
    assert editor.get(CHOOSER, {"CKEditorFuncNum": "-1", "q": "maritime"}).content.decode().count("data-choose") == 24
    assert editor.get(CHOOSER, {"CKEditorFuncNum": "-1", "page": "9999"}).status_code == 200  # the last page
    translator_html = _translator().get(CHOOSER, {"CKEditorFuncNum": "-2"}).content.decode()
    assert "data-choose" in translator_html


def _translator():
    from tests.admin_client import AdminUser

    return AdminUser("translator-fr", "review-translator")


@pytest.mark.parametrize("callback", ["", "abc", "1;alert(1)", "9" * 20, "-1\x00"])
def test_the_chooser_without_a_proper_editor_callback_is_a_400(editor, callback):
    response = editor.get(CHOOSER, {"CKEditorFuncNum": callback})
    assert response.status_code == 400 and "Open the chooser from a figure" in response.content.decode()


def test_a_picture_uploaded_in_the_chooser_is_offered_first(editor, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("arctic.jpg", jpeg_bytes((320, 180)), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):  # the image worker's job, run here
        response = editor.post(f"{CHOOSER}?CKEditorFuncNum=-1", {"title": "Arctic patrol", "credit": "NATO", "licence": "CC BY",
                                                                 "upload": upload})  # fmt: skip
    assert response.status_code == 302
    image = Image.objects.get(title="Arctic patrol")
    assert f"added={image.pk}" in response["Location"]
    html = editor.get(response["Location"]).content.decode()
    first = html.split('class="review-chooser__item')[1]
    assert "review-chooser__item--added" in 'class="review-chooser__item' + first and "Arctic patrol" in first
    assert image.file and f'data-choose data-id="{image.pk}"' in html  # processed: ready to choose


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "not an image we can read"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "SVG files are not accepted"),
        ("empty.jpg", b"", "empty"),
    ],
)
def test_a_bad_upload_in_the_chooser_is_a_form_error(editor, name, content, message):
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = editor.post(f"{CHOOSER}?CKEditorFuncNum=-1", {"title": "Bad", "upload": upload})
    assert response.status_code == 400
    assert message.lower() in response.content.decode().lower() and not Image.objects.filter(title="Bad").exists()


def test_strangers_and_readers_cannot_open_the_chooser():
    assert Client().get(CHOOSER, {"CKEditorFuncNum": "-1"}).status_code == 302  # to the login page
    assert Client().post(f"{CHOOSER}?CKEditorFuncNum=-1", {"title": "x", "upload": io.BytesIO(jpeg_bytes())}).status_code in (302, 403)
