"""The home arrangement page (issue 13): one page per language, featured pieces and section blocks in the editor's
order, a preview of the result that saves nothing, and the rules (editors only, published pieces only, no save
over someone else's newer arrangement) through the admin as a person uses it."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles import services
from articles.errors import Conflict, NotAllowed, RuleBroken
from articles.models import FeaturedPiece, HomeSection, PieceVersion, Section, Status
from tests.admin_client import AdminUser

pytestmark = pytest.mark.usefixtures("demo")
ARRANGE = "/admin/articles/featuredpiece/arrange/"


def version(language, slug):
    return PieceVersion.objects.get(language=language, slug=slug)


def piece_of(slug):
    return version("en", slug).piece_id


def home_titles(language):
    html = Client().get(f"/{language}/").content.decode()
    return re.findall(r'class="card__title"[^>]*><a [^>]*>([^<]+)</a>', html), html


def section_order(html):
    return re.findall(r'<h3 class="block__title"><a href="[^"]*/sections/([^/]+)/"', html)


def arrange_form(person, language):
    response, data = person.open_form(f"{ARRANGE}?language={language}", "arrange-form")
    return response, data


def test_an_editor_orders_featured_pieces_and_section_blocks_for_one_language(editor):
    isil, odessa = piece_of("could-isil-go-nuclear"), piece_of("odessa-ukraines-secret-weapon")
    default_order = section_order(home_titles("en")[1])
    response, data = arrange_form(editor, "en")
    assert '<option value="en" selected>' in response.content.decode()
    sections = data["sections"]
    assert len(sections) == Section.objects.count() and data.get("pieces", []) == []
    data.update({"pieces": [str(isil), str(odessa)], "sections": list(reversed(sections))})
    response = editor.client.post(f"{ARRANGE}?language=en", data)
    assert response.status_code == 302
    titles, html = home_titles("en")
    assert titles[:2] == ["Could ISIL go nuclear?", "Odessa: Ukraine’s secret weapon?"]
    assert section_order(html) == list(reversed(default_order))
    assert not FeaturedPiece.objects.filter(language="fr").exists()  # the French home is arranged on its own page
    assert list(FeaturedPiece.objects.filter(language="en").values_list("piece_id", flat=True)) == [isil, odessa]
    response, data = arrange_form(editor, "en")  # the page shows what is saved, in order
    assert data["pieces"] == [str(isil), str(odessa)] and data["sections"] == list(reversed(sections))
    data.update({"pieces": [str(odessa)]})  # remove one
    assert editor.client.post(f"{ARRANGE}?language=en", data).status_code == 302
    assert home_titles("en")[0][0] == "Odessa: Ukraine’s secret weapon?"


def test_without_javascript_the_chosen_piece_joins_the_end(editor):
    isil, nordic = piece_of("could-isil-go-nuclear"), piece_of("securing-the-nordic-baltic-region")
    _response, data = arrange_form(editor, "ar")
    data.update({"pieces": [str(nordic)], "add": [str(isil)]})
    assert editor.client.post(f"{ARRANGE}?language=ar", data).status_code == 302
    assert list(FeaturedPiece.objects.filter(language="ar").values_list("piece_id", flat=True)) == [nordic, isil]
    titles, _html = home_titles("ar")
    assert titles[:2] == ["تأمين منطقة الشمال والبلطيق", "Could ISIL go nuclear?"]  # the English one by the fallback rule


def test_the_preview_shows_the_proposed_arrangement_and_saves_nothing(editor):
    isil, odessa = piece_of("could-isil-go-nuclear"), piece_of("odessa-ukraines-secret-weapon")
    before, _html = home_titles("en")
    _response, data = arrange_form(editor, "en")
    data.update({"pieces": [str(odessa), str(isil)], "sections": list(reversed(data["sections"]))})
    response = editor.client.post("/en/preview/home/", data)
    assert response.status_code == 200
    html = response.content.decode()
    titles = re.findall(r'class="card__title"[^>]*><a [^>]*>([^<]+)</a>', html)
    assert titles[:2] == ["Odessa: Ukraine’s secret weapon?", "Could ISIL go nuclear?"]
    assert "no-cache" in response["Cache-Control"] and response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"] and "preview-banner" in html
    assert home_titles("en")[0] == before and not FeaturedPiece.objects.exists()
    odd = editor.client.post("/en/preview/home/", {**data, "pieces": ["²", "-1", "x", str(odessa)]})  # "²" is a digit int() refuses
    assert odd.status_code == 200 and re.findall(r'class="card__title"[^>]*><a [^>]*>([^<]+)</a>', odd.content.decode())[0] == titles[0]
    assert Client().post("/en/preview/home/", data).status_code in (403, 404)  # readers: nothing (and no CSRF token)
    translator = AdminUser("translator-fr", "review-translator")
    assert translator.post("/fr/preview/home/", {"pieces": [str(isil)]}).status_code == 404
    assert editor.get("/en/preview/home/").status_code == 405


@pytest.mark.parametrize(
    "pieces, message",
    [
        (["999999"], "deleted meanwhile"),
        (["x", "-1", "1e3", "\x00"], None),  # not ids: left out, nothing featured
    ],
)
def test_odd_piece_values_are_a_message_or_ignored_never_a_500(editor, pieces, message):
    _response, data = arrange_form(editor, "en")
    data["pieces"] = pieces
    response = editor.client.post(f"{ARRANGE}?language=en", data)
    if message:
        assert response.status_code == 400 and message in response.content.decode()
    else:
        assert response.status_code == 302 and not FeaturedPiece.objects.exists()


def test_a_piece_readers_of_that_language_cannot_see_is_refused(editor, make_article):
    draft = make_article(title="Unfinished draft", status=Status.DRAFT)
    french_only = make_article(title="Seulement en français", language="fr", status=Status.DRAFT)
    _response, data = arrange_form(editor, "en")
    for piece_id in (draft.piece_id, french_only.piece_id):
        data["pieces"] = [str(piece_id)]
        response = editor.client.post(f"{ARRANGE}?language=en", data)
        assert response.status_code == 400 and "nothing published that English readers would see" in response.content.decode()
    assert not FeaturedPiece.objects.exists()
    scheduled = make_article(title="Launching next week", published_at=timezone.now() + timedelta(days=7))
    data["pieces"] = [str(scheduled.piece_id)]  # shown from its time: it may be featured ahead of its launch
    assert editor.client.post(f"{ARRANGE}?language=en", data).status_code == 302
    assert "Launching next week" not in Client().get("/en/").content.decode()
    with pytest.raises(RuleBroken):
        services.arrange_home(language="en", pieces=list(range(1, 30)), sections=[], by=None)


def test_two_editors_at_once_never_overwrite_each_other(editor):
    isil, odessa = piece_of("could-isil-go-nuclear"), piece_of("odessa-ukraines-secret-weapon")
    other = AdminUser("admin", "review-admin")
    _response, mine = arrange_form(editor, "en")
    _response, theirs = arrange_form(other, "en")
    theirs["pieces"] = [str(odessa)]
    assert other.client.post(f"{ARRANGE}?language=en", theirs).status_code == 302
    mine["pieces"] = [str(isil)]
    response = editor.client.post(f"{ARRANGE}?language=en", mine)
    assert response.status_code == 400 and "Someone else changed this home page" in response.content.decode()
    assert list(FeaturedPiece.objects.filter(language="en").values_list("piece_id", flat=True)) == [odessa]
    assert f'name="pieces" value="{odessa}"' in response.content.decode()  # the page now starts from their arrangement
    with pytest.raises(Conflict):
        services.arrange_home(language="en", pieces=[isil], sections=[], by=None, expected_stamp="0" * 16)


def test_translators_and_strangers_cannot_arrange(editor):
    translator = AdminUser("translator-fr", "review-translator")
    assert translator.get(f"{ARRANGE}?language=fr").status_code == 403
    assert translator.post(f"{ARRANGE}?language=fr", {"pieces": "1"}).status_code == 403
    assert Client().get(f"{ARRANGE}?language=fr").status_code == 302  # to the login page
    from django.contrib.auth import get_user_model

    with pytest.raises(NotAllowed):
        services.arrange_home(language="fr", pieces=[], sections=[], by=get_user_model().objects.get(username="translator-fr"))


@pytest.mark.parametrize("language", ["xx", "", "fr\x00", "<script>", "e" * 500])
def test_an_unknown_language_is_a_400_with_the_default_language_shown(editor, language):
    response = editor.get(ARRANGE, {"language": language})
    assert response.status_code == 400
    assert "There is no such language here" in response.content.decode() and '<option value="en" selected>' in response.content.decode()
    with pytest.raises(RuleBroken):
        services.arrange_home(language=language, pieces=[], sections=[], by=None)


def test_the_arrangement_page_and_the_home_page_keep_their_query_counts(editor, django_assert_max_num_queries):
    isil = piece_of("could-isil-go-nuclear")
    services.arrange_home(language="en", pieces=[isil], sections=list(Section.objects.values_list("pk", flat=True)), by=None)
    assert HomeSection.objects.filter(language="en").count() == Section.objects.count()
    with django_assert_max_num_queries(16):
        assert editor.get(f"{ARRANGE}?language=en").status_code == 200
    Client().get("/en/")  # warm the caches, as the page cache's misses do
    with django_assert_max_num_queries(4):
        assert Client().get("/en/").status_code == 200
