"""Live preview (issue 13): the version form's unsaved text, posted to its preview beside the form; nothing is saved,
hostile markup is cleaned, and only those who may edit the version's language see it."""

import pytest
from django.test import Client

from articles import services
from articles.models import PendingChange, PieceVersion
from tests.admin_client import AdminUser

pytestmark = pytest.mark.usefixtures("demo")


def preview_path(version):
    return f"/{version.language}/preview/{version.pk}/"


def test_the_unsaved_text_is_shown_cleaned_and_nothing_is_saved(editor):
    version = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    before = (version.title, version.body, version.edit_version)
    typed = {
        "title": "Could ISIL go nuclear? A second look",
        "standfirst": "Typed, not saved.",
        "body": '<p>New <strong>text</strong></p><script>alert(1)</script><img src=x onerror="alert(2)">',
    }
    response = editor.post(preview_path(version), typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Could ISIL go nuclear? A second look" in html and "Typed, not saved." in html and "<strong>text</strong>" in html
    assert "alert(1)" not in html and "onerror" not in html
    assert "updated as you type" in html  # the banner says what this is
    assert response["X-Frame-Options"] == "SAMEORIGIN" and "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert "no-cache" in response["Cache-Control"]
    version.refresh_from_db()
    assert (version.title, version.body, version.edit_version) == before and not PendingChange.objects.exists()
    assert "A second look" not in Client().get(version.get_absolute_url()).content.decode()


def test_only_typed_fields_change_and_pending_text_is_the_base(editor):
    version = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    services.save_version(version=version, by=None, changes={"standfirst": "Pending standfirst."})
    html = editor.post(preview_path(version), {"title": "Only the title typed"}).content.decode()
    assert "Only the title typed" in html and "Pending standfirst." in html


def test_who_may_see_a_live_preview(editor):
    english = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    french = services.create_translation(source=english, language="fr", by=None)
    translator = AdminUser("translator-fr", "review-translator")
    assert translator.post(preview_path(french), {"title": "Brouillon tapé"}).status_code == 200
    assert translator.post(preview_path(english), {"title": "Not theirs"}).status_code == 403  # may read, not edit
    assert translator.get(preview_path(english)).status_code == 200  # reading the source stays allowed
    assert Client().post(preview_path(english), {"title": "x"}).status_code in (403, 404)
    assert Client(enforce_csrf_checks=True).post(preview_path(english), {"title": "x"}).status_code in (403, 404)
    assert editor.post(f"/fr/preview/{english.pk}/", {"title": "x"}).status_code == 404  # the version's own language only


@pytest.mark.parametrize("field, value", [("title", "t" * 20_000), ("body", "<p>" + "x" * 600_000), ("standfirst", "\x00 nul"),
                                          ("body", "<div><p>unclosed <em>tags")])  # fmt: skip
def test_hostile_typing_is_a_page_never_a_500(editor, field, value):
    version = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    assert editor.post(preview_path(version), {field: value}).status_code == 200


def test_the_form_offers_the_live_preview_to_those_who_may_change_the_version(editor):
    version = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    html = editor.get(f"/admin/articles/pieceversion/{version.pk}/change/").content.decode()
    assert 'id="live-preview-toggle"' in html and f'action="/en/preview/{version.pk}/"' in html and "js/live-preview.js" in html
