"""The translation desk's six “wrong today” points (issue 12), each as a translator or an editor meets it in the admin."""

import json
import re
from datetime import UTC

import pytest
from django.db.models import Q
from django.utils.text import slugify

from articles import services
from articles.models import PieceVersion, Tag

pytestmark = pytest.mark.usefixtures("demo")
LIST = "/admin/articles/pieceversion/"


def change_url(version):
    return f"{LIST}{version.pk}/change/"


def nordic(language):
    source = PieceVersion.objects.get(language="en", slug="securing-the-nordic-baltic-region")
    return source if language == "en" else PieceVersion.objects.get(piece_id=source.piece_id, language=language)


def field_tag(html, name):
    """The opening tag of the form field called `name` (input or textarea)."""
    return re.search(rf'<(?:input|textarea)[^>]*\bname="{re.escape(name)}"[^>]*>', html).group(0)


# 1. The stale tick ---------------------------------------------------------------------------


def test_the_tick_marks_current_only_against_the_source_text_the_translator_saw(translator, editor):
    source, french = nordic("en"), nordic("fr")
    editor.submit(change_url(source), {"standfirst": "How do Allies defend the region today?"}, button="_publish_changes")
    source.refresh_from_db()
    seen = source.content_revision
    _page, form = translator.open_form(change_url(french), "pieceversion_form")  # the translator reads revision `seen`

    editor.submit(
        change_url(source), {"standfirst": "How do Allies and partners defend the region today?"}, button="_publish_changes"
    )  # meanwhile
    form.update({"mark_up_to_date": ["on"], "_save": ["Save"]})
    response = translator.post(change_url(french), form, follow=True)
    services.publish_changes(version=french, by=None)  # a published translation: a reviser makes the tick live

    french.refresh_from_db()
    source.refresh_from_db()
    assert french.translated_from_revision == seen < source.content_revision
    assert french.is_outdated()
    assert "The source changed again while you were translating" in response.content.decode()


def test_a_forged_tick_cannot_claim_a_revision_newer_than_the_source(translator, editor):
    source, french = nordic("en"), nordic("fr")
    editor.submit(change_url(source), {"standfirst": "Changed."}, button="_publish_changes")
    source.refresh_from_db()
    _page, form = translator.open_form(change_url(french), "pieceversion_form")
    form.update({"mark_up_to_date": ["on"], "seen_source_revision": [str(source.content_revision + 5)], "_save": ["Save"]})
    response = translator.post(change_url(french), form)
    assert response.status_code == 200 and "errornote" in response.content.decode()
    french.refresh_from_db()
    assert french.is_outdated()


# 2. Captions, alt text and images are part of what a translation translates ---------------------------


def usages(version, **change):
    rows = services._usages_of(version)
    return [{**row, **change} for row in rows]


def test_caption_alt_text_and_image_changes_mark_translations_outdated(translator, editor):
    source, french = nordic("en"), nordic("fr")
    assert source.image_usages.exists() and not french.is_outdated()

    response = editor.submit(
        change_url(source), {"image_usages-0-caption": "Allied ships in the Baltic Sea, June 2025."}, button="_publish_changes"
    )
    assert response.status_code == 302
    french.refresh_from_db()
    assert french.is_outdated()
    panel = translator.get(change_url(french)).content.decode().split("review-panel--outdated")[1].split("</section>")[0]
    assert re.search(r"<ins>[^<]*Allied ships in the Baltic Sea, June 2025\.</ins>", panel)

    for change in ({"alt_text": "Three frigates in line."}, {"decorative": True}):
        services.save_version(
            version=french,
            by=None,
            changes={},
            matches_source_revision=PieceVersion.objects.get(pk=source.pk).content_revision,
            go_live=True,
        )
        french.refresh_from_db()
        assert not french.is_outdated()
        services.save_version(version=source, by=None, changes={}, images=usages(source, **change), go_live=True)
        french.refresh_from_db()
        assert french.is_outdated(), change

    source.refresh_from_db()
    services.save_version(version=french, by=None, changes={}, matches_source_revision=source.content_revision, go_live=True)
    services.save_version(version=source, by=None, changes={}, images=[], go_live=True)  # the picture removed
    french.refresh_from_db()
    assert french.is_outdated()

    unchanged = PieceVersion.objects.get(pk=source.pk).content_revision
    services.save_version(version=source, by=None, changes={}, images=[], go_live=True)  # saved again with nothing changed
    assert PieceVersion.objects.get(pk=source.pk).content_revision == unchanged


# 3. Diffs keep blocks apart; a time zone is not a change -------------------------------------------


def test_the_outdated_diff_and_history_compare_keep_paragraphs_apart(translator, editor):
    source, french = nordic("en"), nordic("fr")
    services.save_version(
        version=source, by=None, changes={"body": "<p>New risks.</p><p>A routine.</p><p>Deterrence holds.</p>"}, go_live=True
    )
    source.refresh_from_db()
    services.save_version(version=french, by=None, changes={}, matches_source_revision=source.content_revision, go_live=True)
    editor.submit(change_url(source), {"body": "<p>New risks.</p><p>Allies act.</p><p>Deterrence holds.</p>"}, button="_publish_changes")

    panel = translator.get(change_url(french)).content.decode().split("review-panel--outdated")[1].split("</section>")[0]
    for html in (panel, compare_latest(editor, source)):
        assert "risks.Allies" not in html and "routine.Deterrence" not in html
        assert re.search(r"<del>A routine\.</del>", html) and re.search(r"<ins>Allies act\.</ins>", html)
        assert html.count('class="review-diff__block') >= 3  # one block per paragraph, the unchanged ones for context


def compare_latest(user, version):
    history = user.get(f"{LIST}{version.pk}/history/").content.decode()
    link = re.search(r'href="(/admin/articles/pieceversion/\d+/compare/\d+/\d+/)"', history).group(1)
    return user.get(link).content.decode()


def test_history_shows_no_publication_date_change_for_the_same_instant_in_another_time_zone(editor):
    source = nordic("en")
    when = source.published_at.astimezone(UTC)
    services.save_version(version=source, by=None, changes={"published_at": when}, go_live=True)  # a job saves in UTC
    editor.submit(
        change_url(source), {"standfirst": "A new standfirst."}, button="_publish_changes"
    )  # the form saves in the site's time zone
    html = compare_latest(editor, source)
    assert "Standfirst" in html and "Publication date" not in html


# 4. A way in for translators ---------------------------------------------------------------------


def test_a_translator_reads_the_published_source_and_finds_a_translate_link(translator):
    source = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    assert not PieceVersion.objects.filter(piece_id=source.piece_id, language="fr").exists()
    translate = f"{LIST}{source.pk}/translate/"

    listing = translator.get(LIST + "?language=en").content.decode()
    assert f'href="{translate}?language=fr"' in listing and "Translate into français" in listing

    page = translator.get(change_url(source))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="title"' not in html and "Could ISIL go nuclear?" in html  # read-only
    assert 'name="image_usages-0-alt_text"' not in html and source.image_usages.get().alt_text in html  # its images too
    assert f'href="{translate}"' in html
    assert translator.get(f"/en/preview/{source.pk}/").status_code == 200
    assert translator.post(change_url(source), {"title": "Hijacked"}).status_code == 403
    source.refresh_from_db()
    assert source.title == "Could ISIL go nuclear?"

    translator.post(translate, {"language": "fr"})
    assert PieceVersion.objects.filter(piece_id=source.piece_id, language="fr").exists()


def test_a_translator_still_gets_403_on_another_languages_draft_and_its_preview(translator):
    source = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    services.unpublish(versions=[source], by=None)
    assert translator.get(change_url(source)).status_code == 403
    assert translator.get(f"/en/preview/{source.pk}/").status_code == 403
    assert f"{source.pk}/translate/" not in translator.get(LIST).content.decode()


# 5. Right-to-left fields for right-to-left languages -------------------------------------------------


def test_an_arabic_versions_fields_are_right_to_left(editor):
    arabic = PieceVersion.objects.filter(language="ar", image_usages__isnull=False).first()
    html = editor.get(change_url(arabic)).content.decode()
    for name in ("title", "slug", "standfirst", "body", "image_usages-0-alt_text", "image_usages-0-caption"):
        tag = field_tag(html, name)
        assert 'lang="ar"' in tag and 'dir="rtl"' in tag, name
    english = editor.get(change_url(nordic("en"))).content.decode()
    assert 'dir="ltr"' in field_tag(english, "title")


# 6. Leftovers --------------------------------------------------------------------------------------


def test_a_translations_slug_follows_its_translated_title_and_an_empty_slug_is_made_from_it(translator):
    source = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    translator.post(f"{LIST}{source.pk}/translate/", {"language": "fr"})
    french = PieceVersion.objects.get(piece_id=source.piece_id, language="fr")
    title = "L’EIIL pourrait-il se doter de l’arme nucléaire ?"
    assert translator.submit(change_url(french), {"title": title}).status_code == 302
    french.refresh_from_db()
    assert french.slug == slugify(title, allow_unicode=True)

    response = translator.submit(change_url(french), {"title": "L’EIIL et la bombe", "slug": ""})
    assert response.status_code == 302
    french.refresh_from_db()
    assert french.slug == "leiil-et-la-bombe"

    response = translator.submit(change_url(french), {"title": "L’EIIL et l’atome"})  # a chosen slug stays chosen
    french.refresh_from_db()
    assert french.slug == "leiil-et-la-bombe"


def test_a_new_translation_carries_the_source_tags_into_its_language():
    source = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    french = services.create_translation(source=source, language="fr", by=None)
    assert sorted(french.tags.values_list("language", flat=True)) == ["fr"] * source.tags.count() != []

    # The French desk renames the carried-over tag once; the next piece tagged ISIL gets it in French.
    carried = french.tags.get(Q(origin__name="ISIL") | Q(name="ISIL"))
    Tag.objects.filter(pk=carried.pk).update(name="EI", slug="ei")
    other = services.create_piece(by=None, language="en", changes={"title": "ISIL after Mosul"}, tags=["ISIL"])
    assert other.slug == "isil-after-mosul"  # a slug from the title when none is given
    assert list(services.create_translation(source=other, language="fr", by=None).tags.names()) == ["EI"]


def test_the_tag_picker_offers_the_versions_language_only_and_labels_tags(editor):
    french = nordic("fr")
    html = editor.get(change_url(french)).content.decode()
    url = re.search(r'<select[^>]*name="tags"[^>]*data-ajax--url="([^"]+)"', html).group(1)
    assert "language=fr" in url
    query = "&term=&app_label=articles&model_name=pieceversion&field_name=tags"
    found = json.loads(editor.get(url.replace("&amp;", "&") + query).content)["results"]
    assert found and all(row["text"].endswith("[fr]") for row in found)


def test_publishing_a_translation_with_source_language_captions_warns(editor):
    source = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    french = services.create_translation(source=source, language="fr", by=None)
    response = editor.submit(change_url(french), {"title": "L’EIIL et la bombe", "status": "published"}, button="_continue")
    page = editor.get(response["Location"]).content.decode()
    assert "still in the source language" in page and source.image_usages.get().caption in page

    services.unpublish(versions=[french], by=None)
    response = editor.post(LIST, {"action": "publish_selected", "_selected_action": [french.pk], "index": 0}, follow=True)
    html = response.content.decode()
    assert "1 version published." in html and "still in the source language" in html


def test_the_up_to_date_box_shows_only_on_an_outdated_translation(translator, editor):
    source = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    french = services.create_translation(source=source, language="fr", by=None)
    assert 'name="mark_up_to_date"' not in translator.get(change_url(french)).content.decode()
    editor.submit(change_url(source), {"standfirst": "New standfirst."}, button="_publish_changes")
    assert 'name="mark_up_to_date"' in translator.get(change_url(french)).content.decode()


def test_ticking_an_up_to_date_translation_changes_nothing(translator):
    french = nordic("fr")
    before = french.translated_from_revision
    response = translator.submit(change_url(french), {"mark_up_to_date": "on"})  # not offered, posted anyway
    assert response.status_code == 302
    french.refresh_from_db()
    assert french.translated_from_revision == before and not french.is_outdated()
