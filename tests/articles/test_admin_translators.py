"""A French translator: the whole French flow works; everything German answers 403, forged requests included."""

import json
import re

import pytest
from django.contrib.auth.models import User

from articles import services
from articles.errors import NotAllowed
from articles.models import PieceVersion, SectionText, Status, Tag
from tests.admin_client import AdminUser

pytestmark = pytest.mark.usefixtures("demo")
LIST = "/admin/articles/pieceversion/"


@pytest.fixture
def german():
    """A German version of the Nordic-Baltic piece, with one saved change so it has two revisions."""
    source = PieceVersion.objects.get(language="en", slug="securing-the-nordic-baltic-region")
    version = services.create_translation(source=source, language="de", by=None)
    return services.save_version(
        version=version, by=None, changes={"title": "Die nordisch-baltische Region sichern"}, tags=["Ostsee"], go_live=True
    )


def versions_of(article):
    from reversion.models import Version

    return list(Version.objects.get_for_object(article).values_list("pk", flat=True))


def test_translator_gets_403_on_every_endpoint_for_a_german_version(translator, german):
    editor = AdminUser("editor", "review-editor")
    editor.submit(f"/admin/articles/pieceversion/{german.pk}/change/", {"standfirst": "Wie?"})  # a second revision
    newer, older = versions_of(german)[:2]
    base = f"/admin/articles/pieceversion/{german.pk}"
    _page, forged = editor.open_form(f"{base}/change/", "pieceversion_form")  # a real German form, posted by the translator
    forged.update({"title": ["Übernommen"], "_save": ["Save"]})
    section = SectionText.objects.get(language="en", slug="collective-defence").section

    forbidden = {
        "change view": translator.get(f"{base}/change/"),
        "forged change POST": translator.post(f"{base}/change/", forged),
        "forged inline POST": translator.post(f"{base}/change/", {**forged, "image_usages-0-caption": ["x"]}),
        "add view POST in German": translator.post("/admin/articles/pieceversion/add/", {**forged, "language": "de"}),
        "history": translator.get(f"{base}/history/"),
        "revision view": translator.get(f"{base}/history/{older}/"),
        "compare": translator.get(f"{base}/compare/{older}/{newer}/"),
        "restore": translator.post(f"{base}/restore/{older}/", {}),
        "delete": translator.get(f"{base}/delete/"),
        "preview": translator.get(f"/de/preview/{german.pk}/"),
        "bulk unpublish": translator.post(LIST, {"action": "unpublish_selected", "_selected_action": [german.pk], "index": 0}),
        "bulk delete": translator.post(LIST, {"action": "delete_selected", "_selected_action": [german.pk], "index": 0}),
        "section inline in German": translator.post(
            f"/admin/articles/section/{section.pk}/change/",
            {"texts-TOTAL_FORMS": "1", "texts-INITIAL_FORMS": "0", "texts-0-language": "de", "texts-0-name": "X", "texts-0-slug": "x"},
        ),
        "section list_editable": translator.post(
            "/admin/articles/section/",
            {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": section.pk, "form-0-order": "9", "_save": "Save"},
        ),
        "recover deleted": translator.get("/admin/articles/pieceversion/recover/"),
    }
    assert {name: response.status_code for name, response in forbidden.items()} == dict.fromkeys(forbidden, 403)
    german.refresh_from_db()
    assert german.title == "Die nordisch-baltische Region sichern" and PieceVersion.objects.filter(pk=german.pk).exists()
    assert section.order == SectionText.objects.get(language="en", slug="collective-defence").section.order

    autocomplete = translator.get(
        "/admin/autocomplete/", {"app_label": "articles", "model_name": "pieceversion", "field_name": "tags", "term": "Ost"}
    )
    assert autocomplete.status_code == 200
    assert Tag.objects.filter(name="Ostsee").exists() and json.loads(autocomplete.content)["results"] == []


def test_translator_cannot_publish_or_delete_even_in_french(translator, settings):
    french = PieceVersion.objects.get(language="fr")
    services.unpublish(versions=[french], by=None)
    url = f"/admin/articles/pieceversion/{french.pk}/change/"
    page, form = translator.open_form(url, "pieceversion_form")
    assert 'value="published"' not in page.content.decode().split('name="status"')[1].split("</select>")[0]
    forged = translator.post(url, {**form, "status": ["published"], "_save": ["Save"]})
    assert forged.status_code == 200 and "Select a valid choice" in forged.content.decode()  # not offered, so refused
    with pytest.raises(NotAllowed):  # and the service refuses the same thing called directly
        services.publish(versions=[french], by=User.objects.get(username="translator-fr"))
    french.refresh_from_db()
    assert french.status == Status.DRAFT
    assert translator.post(LIST, {"action": "publish_selected", "_selected_action": [french.pk], "index": 0}).status_code == 403
    assert translator.get(f"/admin/articles/pieceversion/{french.pk}/delete/").status_code == 403

    settings.REVIEW_TRANSLATORS_CAN_PUBLISH = True  # the editor-in-chief allows it
    assert translator.post(url, {**form, "status": ["published"], "_save": ["Save"]}).status_code == 302
    french.refresh_from_db()
    assert french.status == Status.PUBLISHED


def test_translator_does_the_whole_french_flow(translator):
    source = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    page, form = translator.open_form(f"/admin/articles/pieceversion/{source.pk}/translate/")
    assert re.findall(r'<option value="(\w+)"', page.content.decode()) == ["fr"]
    response = translator.post(f"/admin/articles/pieceversion/{source.pk}/translate/", {"language": "fr"})
    french = PieceVersion.objects.get(piece_id=source.piece_id, language="fr")
    assert response.status_code == 302 and response["Location"] == f"/admin/articles/pieceversion/{french.pk}/change/"
    assert french.status == Status.DRAFT and not french.is_source
    assert french.translated_from_revision == source.content_revision
    assert french.image_usages.get().caption == source.image_usages.get().caption  # to translate

    page = translator.get(response["Location"]).content.decode()
    assert "Source (English), read-only" in page and "Could ISIL go nuclear?" in page  # side by side

    response = translator.submit(
        response["Location"],
        {"title": "L’EIIL pourrait-il se doter de l’arme nucléaire ?", "slug": "eiil-arme-nucleaire",
         "standfirst": "Ce qui relève du bluff, et ce qu’il faut prendre au sérieux.", "body": "<p>Analyse.</p>",
         "tags": ["EIIL", "Nucléaire"], "image_usages-0-caption": "Une matière plus facile à obtenir qu’une arme."},
    )  # fmt: skip
    assert response.status_code == 302
    french.refresh_from_db()
    assert french.title.startswith("L’EIIL") and french.status == Status.DRAFT
    assert {"EIIL", "Nucléaire"} <= set(french.tags.names()) and set(french.tags.values_list("language", flat=True)) == {"fr"}
    assert french.image_usages.get().caption == "Une matière plus facile à obtenir qu’une arme."
    preview = translator.get(f"/fr/preview/{french.pk}/")
    assert preview.status_code == 200 and "L’EIIL pourrait-il" in preview.content.decode()


def test_outdated_translations_are_flagged_with_a_diff_until_updated(translator):
    editor = AdminUser("editor", "review-editor")
    source = PieceVersion.objects.get(language="en", slug="securing-the-nordic-baltic-region")
    french = PieceVersion.objects.get(piece_id=source.piece_id, language="fr")
    assert french.pk not in outdated_ids(editor)

    editor.submit(
        f"/admin/articles/pieceversion/{source.pk}/change/",
        {"standfirst": "How are Allies and partners defending the region now?"},
        button="_publish_changes",
    )
    assert french.pk in outdated_ids(editor)
    row = editor.get(LIST + "?q=Nordic").content.decode()
    assert '<span class="review-badge review-badge--outdated" title="outdated">fr<span class="review-sr"> (outdated)</span></span>' in row

    page = translator.get(f"/admin/articles/pieceversion/{french.pk}/change/").content.decode()
    assert "Outdated: the source changed after this translation was made" in page
    diff = page.split("review-panel--outdated")[1].split("</section>")[0]
    assert "<h3>Standfirst</h3>" in diff
    assert "How are<del> NATO</del> Allies and" in diff
    assert "region <del>in the current security context?</del><ins>now?</ins>" in diff

    response = translator.submit(f"/admin/articles/pieceversion/{french.pk}/change/", {"mark_up_to_date": "on"})
    assert response.status_code == 302
    french.refresh_from_db()
    assert french.is_outdated()  # a published translation: the tick is pending until a reviser publishes it
    services.publish_changes(version=french, by=None)
    french.refresh_from_db()
    assert not french.is_outdated() and french.pk not in outdated_ids(editor)


def outdated_ids(user):
    page = user.get(LIST + "?translation=outdated").content.decode()
    return {int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', page)}


def test_translator_edits_only_their_languages_texts_of_a_section(translator):
    french = SectionText.objects.get(language="fr", slug="partenariats")
    section = french.section
    url = f"/admin/articles/section/{section.pk}/change/"
    page, form = translator.open_form(url, "section_form")
    html = page.content.decode()
    assert 'name="key"' not in html and 'name="order"' not in html  # the section itself is read-only
    assert form["texts-TOTAL_FORMS"] == ["1"]  # only the French text is offered
    form.update({"texts-0-intro": ["Nouvelle introduction."], "_save": ["Save"]})
    assert translator.client.post(url, form).status_code == 302
    french.refresh_from_db()
    assert french.intro == "Nouvelle introduction."
    assert SectionText.objects.get(language="de", section=section).intro.startswith("In den vergangenen")


def test_translator_opens_an_author_and_writes_the_french_biography(translator):
    """The author's name and slug are read-only for a translator; the slug was still prepopulated (500)."""
    from articles.models import Author, AuthorBio

    author = Author.objects.order_by("pk").first()
    url = f"/admin/articles/author/{author.pk}/change/"
    response, data = translator.open_form(url, "author_form")
    assert 'id="id_slug"' not in response.content.decode()  # shown as text, not a field to prepopulate
    prefix = next(key for key in data if key.endswith("-TOTAL_FORMS")).removesuffix("-TOTAL_FORMS")
    total = int(data[f"{prefix}-TOTAL_FORMS"][0])
    row = next((n for n in range(total) if data.get(f"{prefix}-{n}-language") == ["fr"]), total)
    if row == total:  # no French biography yet: add the row
        data[f"{prefix}-TOTAL_FORMS"] = [str(total + 1)]
        data.update({f"{prefix}-{row}-language": ["fr"], f"{prefix}-{row}-author": [str(author.pk)]})
    data.update({f"{prefix}-{row}-bio": ["Chercheuse."], "_save": ["Save"]})
    response = translator.post(url, data)
    assert response.status_code == 302, re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    assert AuthorBio.objects.get(author=author, language="fr").bio == "Chercheuse."
    assert Author.objects.get(pk=author.pk).slug == author.slug
