"""Editors in the admin: write, schedule, preview, publish, unpublish, restore; no lost updates; sanitising."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles.models import ArticleRedirect, FeaturedPiece, PieceVersion, SectionText, Status
from tests.admin_client import AdminUser

pytestmark = pytest.mark.usefixtures("demo")
ADD = "/admin/articles/pieceversion/add/"
LIST = "/admin/articles/pieceversion/"
HOSTILE_BODY = (
    '<h2 onmouseover="steal()">Heading</h2><p style="color:red">Text <script>alert(1)</script>'
    '<a href="javascript:alert(2)">bad</a> <a href="https://example.org/">good</a>'
    '<img src=x onerror="alert(3)"><iframe src="https://evil.example"></iframe>'
    '<a href="data:text/html;base64,PHNjcmlwdD4=">data</a></p>'
)
HOSTILE_TITLE = '<script>alert("title")</script> & <b>bold</b>'


def change_url(article):
    return f"/admin/articles/pieceversion/{article.pk}/change/"


def write_piece(editor, **changes):
    fields = {
        "language": "en",
        "title": "A new piece",
        "slug": "a-new-piece",
        "standfirst": "Why it matters.",
        "body": "<p>First paragraph.</p>",
        "status": Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        **changes,
    }
    response = editor.submit(ADD, fields)
    assert response.status_code == 302, response.content.decode()[:3000]
    return PieceVersion.objects.get(language=fields["language"], slug=fields["slug"])


def test_the_old_admin_addresses_of_versions_move_permanently_keeping_the_path_and_the_query(editor):
    """Issue 25: the versions' admin was at /admin/articles/article/… while the model was named Article. Bookmarks,
    mails to translators and calendar subscriptions still name it: GETs move with 301, anything else with 308."""
    draft = write_piece(editor)
    old, new = f"/admin/articles/article/{draft.pk}/change/", change_url(draft)
    query = "?_changelist_filters=language__exact%3Den&note=%C3%A9t%C3%A9"
    moved = editor.get(old + query)
    assert moved.status_code == 301 and moved["Location"] == new + query
    assert editor.get(moved["Location"]).status_code == 200
    for before, after in [
        ("/admin/articles/article/", LIST),
        ("/admin/articles/article", LIST),
        ("/admin/articles/article/?q=Odessa&status__exact=draft", LIST + "?q=Odessa&status__exact=draft"),
        ("/admin/articles/article/calendar.ics?token=abc", "/admin/articles/pieceversion/calendar.ics?token=abc"),
    ]:
        response = Client().get(before)  # anonymous too: the new address asks for the login
        assert (response.status_code, response["Location"]) == (301, after), before
    _page, form = editor.open_form(new, "pieceversion_form")
    form.update(standfirst=["Posted to the old address."], _save=["Save"])
    reposted = editor.client.post(old, form)
    assert reposted.status_code == 308 and reposted["Location"] == new
    saved = editor.client.post(old, form, follow=True)
    assert saved.redirect_chain[0] == (new, 308) and saved.status_code == 200
    assert PieceVersion.objects.get(pk=draft.pk).standfirst == "Posted to the old address."
    assert editor.get("/admin/articles/articleimage/").status_code == 404  # another model's address: not moved


def test_editor_writes_schedules_previews_publishes_and_unpublishes(editor):
    tomorrow = timezone.localtime() + timedelta(days=1)
    piece = write_piece(editor, published_at_0=tomorrow.strftime("%Y-%m-%d"), published_at_1="09:00:00", tags=["Arctic", "Sweden"])
    assert piece.status == Status.DRAFT and piece.is_source
    assert sorted(piece.tags.values_list("name", "language")) == [("Arctic", "en"), ("Sweden", "en")]

    preview = editor.get(f"/en/preview/{piece.pk}/")
    assert preview.status_code == 200
    assert "Preview" in preview.content.decode() and "not public: Draft." in preview.content.decode()
    assert "no-store" in preview["Cache-Control"] and "private" in preview["Cache-Control"]
    assert Client().get(f"/en/preview/{piece.pk}/").status_code == 404  # anonymous readers
    assert Client().get(piece.get_absolute_url()).status_code == 404

    response = editor.post(LIST, {"action": "publish_selected", "_selected_action": [piece.pk], "index": 0})
    assert response.status_code == 302
    piece.refresh_from_db()
    assert piece.status == Status.PUBLISHED
    assert Client().get(piece.get_absolute_url()).status_code == 404  # scheduled for tomorrow 09:00
    with time_machine.travel(piece.published_at + timedelta(minutes=1)):
        assert Client().get(piece.get_absolute_url()).status_code == 200
        assert "A new piece" in Client().get("/en/").content.decode()

        editor.post(LIST, {"action": "unpublish_selected", "_selected_action": [piece.pk], "index": 0})
        piece.refresh_from_db()
        assert piece.status == Status.DRAFT
        assert Client().get(piece.get_absolute_url()).status_code == 404


def test_hostile_rich_text_and_titles_come_back_clean(editor):
    now = timezone.localtime()
    piece = write_piece(
        editor, title=HOSTILE_TITLE, slug="hostile", body=HOSTILE_BODY, status=Status.PUBLISHED,
        published_at_0=now.strftime("%Y-%m-%d"), published_at_1=(now - timedelta(minutes=5)).strftime("%H:%M:%S"),
    )  # fmt: skip
    page = Client().get(piece.get_absolute_url()).content.decode()
    data = page.split('<script type="application/ld+json">')[1].split("</script>")[0]  # data, not code; the other script is our own file
    assert json.loads(data)["headline"] == HOSTILE_TITLE and "<" not in data
    ours = [f'<script type="application/ld+json">{data}</script>', '<script src="/static/js/share.js" defer></script>']
    for html in [piece.body, page.replace(ours[0], "").replace(ours[1], "")]:
        for bad in ["<script", "onmouseover", "onerror", "javascript:", "data:text", "<iframe", "style=", "alert(1)"]:
            assert bad not in html, bad
    public = Client().get(piece.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in public
    assert 'href="https://example.org/" rel="noopener noreferrer"' in public
    assert "<h2>Heading</h2>" in public
    listing = editor.get(LIST).content.decode()
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;" in listing and '<script>alert("title")' not in listing


def test_every_save_is_a_revision_with_a_readable_diff_and_a_confirmed_restore(editor):
    piece = write_piece(editor, title="First title")
    editor.submit(change_url(piece), {"title": "Second title", "body": "<p>Changed paragraph.</p>"})
    editor.submit(change_url(piece), {"title": "Third title"})

    history = editor.get(f"/admin/articles/pieceversion/{piece.pk}/history/").content.decode()
    assert history.count("Restore this revision") == 2  # every revision but the current one
    compare_links = re.findall(r'href="(/admin/articles/pieceversion/\d+/compare/\d+/\d+/)"', history)
    diff = editor.get(compare_links[-1]).content.decode()  # first → second revision
    assert "<del>First</del><ins>Second</ins>" in diff.replace(" title", "")

    first_revision = re.findall(r'action="(/admin/articles/pieceversion/\d+/restore/\d+/)"', history)[-1]
    asked = editor.get(first_revision)  # the admin asks first and says what the restore changes; a GET changes nothing
    assert asked.status_code == 200 and "Yes, restore this revision" in asked.content.decode()
    assert editor.post(first_revision, {}).status_code == 200  # without the confirmation: asked again
    assert PieceVersion.objects.get(pk=piece.pk).title == "Third title"
    assert editor.post(first_revision, {"confirm": "yes"}).status_code == 302
    piece.refresh_from_db()
    assert piece.title == "First title" and piece.body == "<p>First paragraph.</p>"
    history = editor.get(f"/admin/articles/pieceversion/{piece.pk}/history/").content.decode()
    assert history.count("Restore this revision") == 3  # the restore is itself a new revision
    assert "Restored the revision of" in history


def test_second_of_two_concurrent_saves_is_refused_and_both_texts_survive(editor):
    piece = write_piece(editor, title="Original")
    chief = AdminUser("admin", "review-admin")
    _page, editors_form = editor.open_form(change_url(piece), "pieceversion_form")
    _page, chiefs_form = chief.open_form(change_url(piece), "pieceversion_form")

    editors_form.update({"title": ["Editor's title"], "_save": ["Save"]})
    assert editor.client.post(change_url(piece), editors_form).status_code == 302

    chiefs_form.update({"title": ["Chief's title"], "body": ["<p>Chief's paragraph.</p>"], "_save": ["Save"]})
    refused = chief.client.post(change_url(piece), chiefs_form)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Someone else saved this version" in page and "Nothing was overwritten" in page
    assert "Chief&#x27;s title" in page  # the refused text is still in the form, not lost
    assert "<del>Chief&#x27;s</del><ins>Editor&#x27;s</ins>" in page  # what the other save changed
    piece.refresh_from_db()
    assert piece.title == "Editor's title"


def test_changing_slug_or_date_of_a_published_version_keeps_the_old_url_working(editor):
    piece = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    old_url = piece.get_absolute_url()
    editor.submit(change_url(piece), {"slug": "isil-and-the-bomb"}, button="_publish_changes")
    piece.refresh_from_db()
    assert Client().get(old_url).status_code == 301
    assert Client().get(old_url)["Location"] == piece.get_absolute_url() == "/en/articles/2015/05/26/isil-and-the-bomb/"
    editor.submit(change_url(piece), {"published_at_0": "2015-06-01"}, button="_publish_changes")
    piece.refresh_from_db()
    for url in [old_url, "/en/articles/2015/05/26/isil-and-the-bomb/"]:
        assert Client().get(url)["Location"] == "/en/articles/2015/06/01/isil-and-the-bomb/"
    editor.submit(
        change_url(piece), {"slug": "could-isil-go-nuclear", "published_at_0": "2015-05-26"}, button="_publish_changes"
    )  # moved back
    assert Client().get(old_url).status_code == 200
    assert not ArticleRedirect.objects.filter(old_path=old_url).exists()


def test_editors_arrange_the_home_page_per_language(editor):
    oldest = PieceVersion.objects.get(language="en", slug="three-ways-that-putins-ukraine-strategy-has-backfired")
    response = editor.submit("/admin/articles/featuredpiece/add/", {"language": "en", "piece": str(oldest.piece_id), "order": "0"},
                             form_id="featuredpiece_form")  # fmt: skip
    assert response.status_code == 302 and FeaturedPiece.objects.count() == 1
    home = Client().get("/en/").content.decode()
    assert home.index("Three ways that Putin") < home.index("NATO&#39;s Strategic Focus")

    partnerships = SectionText.objects.get(language="en", slug="partnerships")
    partnerships.show_on_home = False
    partnerships.save()
    assert 'href="/en/sections/partnerships/" class="arrow-link"' not in Client().get("/en/").content.decode()
    assert 'href="/fr/sections/partenariats/" class="arrow-link"' in Client().get("/fr/").content.decode()


def test_admin_lists_filter_and_search(editor):
    assert editor.get(LIST + "?q=Odessa").content.decode().count('class="field-title"') == 1
    for query in ["?language__exact=ru", "?status__exact=draft", "?translation=outdated", "?translation=source", "?tag=1",
                  "?published_at__year=2016", "?piece__kind__id__exact=1", "?piece__section__id__exact=1"]:  # fmt: skip
        assert editor.get(LIST + query).status_code == 200, query
    row = editor.get(LIST + "?q=Nordic").content.decode()
    assert re.search(r'review-badge--source" title="source">en<.*review-badge--current" title="up to date">fr<.*'
                     r'review-badge--current" title="up to date">ar<', row)  # fmt: skip


def test_editor_saves_a_piece_and_hostile_admin_values_are_4xx_or_form_errors(editor):
    """The piece form saves (its read-only versions inline broke the change message), and values the
    database cannot hold are refused as Django refuses any bad value, on either database."""
    from articles.models import Piece, Section

    piece = Piece.objects.order_by("pk").first()
    section = Section.objects.exclude(pk=piece.section_id).first()
    response = editor.submit(f"/admin/articles/piece/{piece.pk}/change/", {"section": str(section.pk)}, form_id="piece_form")
    assert response.status_code == 302 and Piece.objects.get(pk=piece.pk).section_id == section.pk
    huge = "9" * 30
    assert editor.get(f"/admin/articles/pieceversion/?published_at__year={huge}").status_code == 302  # Django's "?e=1"
    assert editor.get(f"/admin/articles/pieceversion/?tag={huge}").status_code in (200, 302)  # no such tag, or "?e=1" (SQLite)
    assert editor.get("/admin/articles/pieceversion/abc/translate/").status_code == 404
    assert editor.get(f"/admin/articles/pieceversion/add/?section={huge}&kind=%00").status_code == 200
    response = editor.submit(change_url(piece.source), {"tags": [huge], "section": "a\x00b"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_one_tag_field_takes_this_languages_tags_and_new_names(editor):
    from articles.models import Tag

    version = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    isil = Tag.objects.get(language="en", name="ISIL")
    html = editor.get(change_url(version)).content.decode()
    assert 'name="tags"' in html and 'data-tags="true"' in html and 'name="new_tags"' not in html
    typed = [str(isil.pk), "Deterrence", "deterrence", "  Arms   control "]
    response = editor.submit(change_url(version), {"tags": typed}, button="_publish_changes")
    assert response.status_code == 302
    assert sorted(PieceVersion.objects.get(pk=version.pk).tags.names()) == ["Arms control", "Deterrence", "ISIL"]
    french = Tag.objects.filter(language="fr").first() or Tag.objects.create(language="fr", name="Défense", slug="defense")
    response = editor.submit(change_url(version), {"tags": [str(french.pk), "Brand new"]}, button="_publish_changes")
    html = response.content.decode()
    assert response.status_code == 200 and "belong to another language" in html
    assert '<option value="Brand new" selected>Brand new</option>' in html  # what was typed is still there
