"""What a translator may read: their languages' versions, and published (or scheduled) sources to translate from.

Another language's draft or version in review never reaches them: not by title, text, caption or
search hit, on any admin endpoint that lists or copies text. An editor reads everything.
"""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from articles import services
from articles.errors import NotAllowed
from articles.models import PieceVersion, Status
from tests.admin_client import AdminUser

pytestmark = pytest.mark.usefixtures("demo")

SECRET = "Zeppelin manoeuvre"  # in the title, standfirst and caption of versions the French translator may not read


@pytest.fixture
def translator():
    return AdminUser("translator-fr", "review-translator")


@pytest.fixture
def editor():
    return AdminUser("editor", "review-editor")


@pytest.fixture
def unreadable(make_article, make_image):
    """An English source still in draft, and a German translation (of a published piece) in review."""
    image = make_image(title="Shared harbour photograph")
    draft = make_article(title=f"{SECRET} in the Baltic", slug="zeppelin", status=Status.DRAFT, standfirst=f"The {SECRET}.", image=image)
    draft.image_usages.update(caption=f"{SECRET} at dawn", alt_text=f"{SECRET} seen from the shore")
    published = PieceVersion.objects.get(language="en", slug="securing-the-nordic-baltic-region")
    german = services.create_translation(source=published, language="de", by=None)
    german = services.save_version(
        version=german, by=None, changes={"title": f"{SECRET} auf Deutsch", "status": Status.REVIEW}, images=[
            {"image": image, "alt_text": f"{SECRET} vom Ufer", "caption": f"{SECRET} im Morgengrauen"}
        ], go_live=True,
    )  # fmt: skip
    return {"draft": draft, "german": german, "image": image}


@pytest.fixture
def readable(make_article):
    """What the French translator may read: a scheduled English source and their own French draft."""
    scheduled = make_article(title="Harbour security ahead", slug="harbour-ahead", published_at=timezone.now() + timedelta(days=2))
    french = services.create_translation(source=scheduled, language="fr", by=None)
    return {
        "scheduled": scheduled,
        "french": services.save_version(version=french, by=None, changes={"title": "Sécurité portuaire"}, go_live=True),
    }


def page_text(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_article_list_its_search_and_its_filters_show_no_unreadable_version(translator, editor, unreadable, readable):
    for query in ({}, {"q": "Zeppelin"}, {"language__exact": "de"}, {"status__exact": "review"}, {"tag": "1"}, {"o": "1"}):
        page = page_text(translator.get("/admin/articles/pieceversion/", query))
        assert SECRET not in page, query
    everything = page_text(translator.get("/admin/articles/pieceversion/", {"all": ""}))
    assert "Harbour security ahead" in everything and "Sécurité portuaire" in everything  # scheduled source, own draft
    assert "Securing the Nordic-Baltic region" in everything  # a published source

    assert page_text(editor.get("/admin/articles/pieceversion/", {"q": "Zeppelin"})).count(SECRET) >= 2  # the editor reads everything


def test_autocompletes_never_offer_an_unreadable_title_or_match_its_caption(translator, editor, unreadable):
    def results(user, model_name, field_name, term):
        query = {"app_label": "articles", "model_name": model_name, "field_name": field_name, "term": term}
        response = user.get("/admin/autocomplete/", query)
        assert response.status_code == 200, (model_name, field_name, response.status_code)
        return json.loads(response.content)["results"]

    assert results(translator, "featuredpiece", "piece", "Zeppelin") == []  # pieces are named by their source's title
    assert results(translator, "articleimage", "image", "Zeppelin") == []  # captions and alt text of unreadable versions
    found = {r["text"] for r in results(editor, "featuredpiece", "piece", "Zeppelin")}  # any version's title matches
    assert found == {f"{SECRET} in the Baltic", "Securing the Nordic-Baltic region"}
    assert [r["text"] for r in results(editor, "articleimage", "image", "Zeppelin")] == ["Shared harbour photograph"]
    assert "Shared harbour photograph" in {r["text"] for r in results(translator, "articleimage", "image", "harbour")}


def test_pieces_and_images_list_only_readable_versions(translator, unreadable):
    draft, german, image = unreadable["draft"], unreadable["german"], unreadable["image"]
    assert SECRET not in page_text(translator.get("/admin/articles/piece/"))
    assert SECRET not in page_text(translator.get("/admin/articles/piece/", {"q": "Zeppelin"}))
    assert translator.get(f"/admin/articles/piece/{draft.piece_id}/change/").status_code == 302  # "does not exist": not readable
    nordic = page_text(translator.get(f"/admin/articles/piece/{german.piece_id}/change/"))
    assert "Securing the Nordic-Baltic region" in nordic and SECRET not in nordic  # the German row is left out

    image_page = page_text(translator.get(f"/admin/articles/image/{image.pk}/change/"))
    assert "Shared harbour photograph" in image_page and SECRET not in image_page
    assert SECRET not in page_text(translator.get("/admin/articles/image/", {"q": "Zeppelin"}))
    assert "Shared harbour photograph" not in page_text(translator.get("/admin/articles/image/", {"q": "Zeppelin"}))


def test_unreadable_versions_cannot_be_opened_previewed_or_copied_into_a_translation(translator, unreadable):
    draft, german = unreadable["draft"], unreadable["german"]
    assert translator.get(f"/admin/articles/pieceversion/{german.pk}/change/").status_code == 403
    assert translator.get(f"/admin/articles/pieceversion/{draft.pk}/change/").status_code == 403
    assert translator.get(f"/en/preview/{draft.pk}/").status_code == 403
    assert translator.get(f"/admin/articles/pieceversion/{draft.pk}/history/").status_code == 403

    for method in ("get", "post"):  # "Add translation" would copy the draft's full text into a French draft
        response = getattr(translator, method)(
            f"/admin/articles/pieceversion/{draft.pk}/translate/", *([{"language": "fr"}] if method == "post" else [])
        )
        assert response.status_code in (403, 404) and SECRET not in response.content.decode(), method
    assert not PieceVersion.objects.filter(piece_id=draft.piece_id, language="fr").exists()

    with pytest.raises(NotAllowed):  # the service refuses the copy too, whatever surface asks
        services.create_translation(source=draft, language="fr", by=User.objects.get(username="translator-fr"))
    assert not PieceVersion.objects.filter(piece_id=draft.piece_id, language="fr").exists()


def test_a_scheduled_source_can_be_translated_for_a_simultaneous_launch(translator, make_article):
    scheduled = make_article(title="Launch day", slug="launch-day", published_at=timezone.now() + timedelta(days=1))
    response = translator.post(f"/admin/articles/pieceversion/{scheduled.pk}/translate/", {"language": "fr"})
    assert response.status_code == 302
    assert PieceVersion.objects.get(piece_id=scheduled.piece_id, language="fr").title == "Launch day"


def test_an_editor_may_start_a_translation_of_a_draft_and_the_translator_then_works_on_it(translator, editor, unreadable):
    draft = unreadable["draft"]
    assert editor.post(f"/admin/articles/pieceversion/{draft.pk}/translate/", {"language": "fr"}).status_code == 302
    french = PieceVersion.objects.get(piece_id=draft.piece_id, language="fr")
    assert SECRET in page_text(translator.get(f"/admin/articles/pieceversion/{french.pk}/change/"))  # assigned to them: their language
