"""Staged edits (issue 13): saving a published version keeps readers on the live text until someone who may
publish makes the pending changes live; the review flow works on pending changes as on drafts."""

import re

import pytest
from django.conf import settings
from django.test import Client

from articles import search, services
from articles.errors import Conflict, NotAllowed, RuleBroken
from articles.models import Image, PendingChange, PieceVersion, Status, VersionComment

pytestmark = pytest.mark.usefixtures("demo")
LIST = "/admin/articles/pieceversion/"


def change_url(version):
    return f"{LIST}{version.pk}/change/"


def review_url(version):
    return f"{LIST}{version.pk}/review/"


def nordic(language):
    source = PieceVersion.objects.get(language="en", slug="securing-the-nordic-baltic-region")
    return source if language == "en" else PieceVersion.objects.get(piece_id=source.piece_id, language=language)


def public(url):
    response = Client().get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def step(person, version, name, text=""):
    return person.post(review_url(version), {"step": name, "text": text})


def test_a_translators_edit_of_a_published_translation_waits_for_a_reviser(translator, editor):
    french = nordic("fr")
    assert french.status == Status.PUBLISHED and french.is_published()
    live_title, url = french.title, french.get_absolute_url()
    response = translator.submit(change_url(french), {"title": "Sécuriser la région nordique et balte, ornithoptère"})
    assert response.status_code == 302

    french.refresh_from_db()
    assert french.title == live_title  # the row readers read is untouched
    pending = PendingChange.objects.get(version=french)
    assert pending.title == "Sécuriser la région nordique et balte, ornithoptère" and pending.updated_by.username == "translator-fr"
    assert live_title in public(url) and "ornithoptère" not in public(url)
    assert "ornithoptère" not in public("/fr/feed/")
    assert search.Results("fr", "ornithoptere").count() == 0

    page = translator.get(change_url(french)).content.decode()
    assert "Pending changes: readers still see the live text" in page
    assert re.search(r"<ins>[^<]*ornithopt", page)  # the diff, live against pending
    assert 'value="Sécuriser la région nordique et balte, ornithoptère"' in page  # the form edits the pending text
    assert 'value="publish_changes"' not in page and 'name="_publish_changes"' not in page  # a translator cannot publish
    assert step(translator, french, "publish_changes").status_code == 403
    assert PendingChange.objects.filter(version=french).exists()

    assert 'value="publish_changes"' in editor.get(change_url(french)).content.decode()
    assert step(editor, french, "publish_changes").status_code == 302
    french.refresh_from_db()
    assert french.title == "Sécuriser la région nordique et balte, ornithoptère"
    assert not PendingChange.objects.filter(version=french).exists()
    assert "ornithoptère" in public(french.get_absolute_url())
    assert "ornithoptère" in public("/fr/feed/")
    assert search.Results("fr", "ornithoptere").count() == 1


def test_an_editors_save_is_pending_and_save_and_publish_goes_live_at_once(editor):
    source = nordic("en")
    revision = source.content_revision
    editor.submit(change_url(source), {"standfirst": "A pending standfirst."})
    source.refresh_from_db()
    assert source.standfirst != "A pending standfirst." and source.content_revision == revision  # translations not outdated yet
    assert "A pending standfirst." not in public(source.get_absolute_url())

    response = editor.submit(change_url(source), {"standfirst": "A live standfirst."}, button="_publish_changes")
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.standfirst == "A live standfirst." and source.content_revision == revision + 1
    assert not PendingChange.objects.filter(version=source).exists()
    assert nordic("fr").is_outdated()  # outdated tracking reacts when the change goes live
    assert "A live standfirst." in public(source.get_absolute_url())


def test_saving_the_live_text_again_leaves_nothing_pending_and_discard_restores_the_live_form(editor):
    source = nordic("en")
    live = source.standfirst
    editor.submit(change_url(source), {"standfirst": "Something else."})
    assert PendingChange.objects.filter(version=source).exists()
    editor.submit(change_url(source), {"standfirst": live})
    assert not PendingChange.objects.filter(version=source).exists()

    editor.submit(change_url(source), {"standfirst": "Given up."})
    assert step(editor, source, "discard_changes").status_code == 302
    assert not PendingChange.objects.filter(version=source).exists()
    page = editor.get(change_url(source)).content.decode()
    assert "Given up." not in page and "Pending changes" not in page
    assert step(editor, source, "discard_changes").status_code == 302  # nothing pending: a message, never a 500


def test_the_preview_shows_the_pending_text_and_images_while_readers_see_the_live_ones(editor, make_image):
    source = nordic("en")
    picture = make_image(title="Pending picture")
    _page, form = editor.open_form(change_url(source), "pieceversion_form")
    total = int(form["image_usages-TOTAL_FORMS"][0])
    form.update({
        "title": ["A pending title"], "_save": ["Save"], "image_usages-TOTAL_FORMS": [str(total + 1)],
        f"image_usages-{total}-image": [str(picture.pk)], f"image_usages-{total}-alt_text": ["A pending alt text"],
        f"image_usages-{total}-caption": ["A pending caption"], f"image_usages-{total}-order": ["9"],
    })  # fmt: skip
    assert editor.post(change_url(source), form).status_code == 302
    assert not source.image_usages.filter(image=picture).exists()  # readers' images unchanged

    preview = editor.get(f"/en/preview/{source.pk}/").content.decode()
    assert "A pending title" in preview and "A pending caption" in preview
    assert "A pending title" not in public(source.get_absolute_url())

    page = editor.get(change_url(source)).content.decode()
    assert "A pending alt text" in page  # the images inline edits the pending images
    assert step(editor, source, "publish_changes").status_code == 302
    assert source.image_usages.filter(image=picture, caption="A pending caption").exists()


def test_review_flow_on_pending_changes(translator, editor):
    french = nordic("fr")
    translator.submit(change_url(french), {"standfirst": "Première proposition."})
    assert step(translator, french, "submit", "Prêt à relire").status_code == 302
    assert PendingChange.objects.get(version=french).in_review
    assert "Pending changes, waiting for review" in editor.get(change_url(french)).content.decode()
    assert step(translator, french, "approve").status_code == 403
    assert step(translator, french, "send_back", "non").status_code == 403

    assert step(editor, french, "send_back", "Le chapeau est trop court.").status_code == 302
    assert not PendingChange.objects.get(version=french).in_review
    assert VersionComment.objects.filter(version=french, kind=VersionComment.REJECTION).exists()
    assert "Le chapeau est trop court." in translator.get(change_url(french)).content.decode()  # the translator sees why

    translator.submit(change_url(french), {"standfirst": "Seconde proposition, plus longue."})
    assert step(translator, french, "submit").status_code == 302
    assert "Seconde proposition" not in public(french.get_absolute_url())
    assert step(editor, french, "approve").status_code == 302
    french.refresh_from_db()
    assert french.standfirst == "Seconde proposition, plus longue." and not PendingChange.objects.filter(version=french).exists()
    assert "Seconde proposition" in public(french.get_absolute_url())


def test_unpublishing_makes_the_pending_text_the_drafts_text():
    source = nordic("en")
    services.save_version(version=source, by=None, changes={"title": "The pending title"})
    services.unpublish(versions=[source], by=None)
    source.refresh_from_db()
    assert source.status == Status.DRAFT and source.title == "The pending title"
    assert not PendingChange.objects.filter(version=source).exists()


def test_publishing_a_version_with_pending_changes_publishes_them():
    source = nordic("en")
    services.save_version(version=source, by=None, changes={"title": "Published through the action"})
    assert services.publish(versions=[source], by=None) == 1
    source.refresh_from_db()
    assert source.title == "Published through the action"


def test_refusals_are_messages_not_errors(translator, editor, make_image):
    source, french = nordic("en"), nordic("fr")
    with pytest.raises(Conflict):
        services.publish_changes(version=source, by=None)  # nothing pending
    with pytest.raises(NotAllowed):
        services.discard_changes(version=source, by=translator_user())  # not their language
    assert step(translator, source, "discard_changes").status_code == 403

    picture = make_image(title="Soon deleted")
    usages = [{"image": picture, "alt_text": "Alt", "caption": "Cap", "decorative": False, "order": 0}]
    services.save_version(version=source, by=None, changes={}, images=usages)
    Image.objects.filter(pk=picture.pk).delete()
    response = step(editor, source, "publish_changes")
    assert response.status_code == 302
    messages = editor.get(change_url(source)).content.decode()
    assert "has been deleted since" in messages
    assert PendingChange.objects.filter(version=source).exists()  # kept, to be mended

    blind = [{"image": make_image(title="No alt"), "alt_text": "", "caption": "", "decorative": False, "order": 0}]
    with pytest.raises(RuleBroken, match="alt text"):
        services.save_version(version=french, by=None, changes={}, images=blind)  # a published version's rules hold for pending changes


def test_two_people_on_the_same_pending_changes_cannot_overwrite_each_other(editor):
    source = nordic("en")
    _page, first = editor.open_form(change_url(source), "pieceversion_form")
    _page, second = editor.open_form(change_url(source), "pieceversion_form")
    first.update({"standfirst": ["First person's words."], "_save": ["Save"]})
    second.update({"standfirst": ["Second person's words."], "_save": ["Save"]})
    assert editor.post(change_url(source), first).status_code == 302
    response = editor.post(change_url(source), second)
    assert response.status_code == 200 and "Nothing was overwritten" in response.content.decode()
    assert PendingChange.objects.get(version=source).standfirst == "First person's words."


def translator_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="translator-fr")


def test_the_page_cache_keeps_the_live_page_until_the_changes_go_live(settings, django_capture_on_commit_callbacks):
    settings.REVIEW_PAGE_CACHE = True
    source = nordic("en")
    url = source.get_absolute_url()
    Client().get(url)
    assert Client().get(url)["X-Review-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        services.save_version(version=source, by=None, changes={"title": "A staged title"})
    assert Client().get(url)["X-Review-Cache"] == "hit"  # nothing public changed: nothing purged
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_changes(version=source, by=None)
    response = Client().get(url)
    assert response["X-Review-Cache"] == "miss" and "A staged title" in response.content.decode()


def test_a_translator_cannot_make_changes_live_through_the_form(translator):
    french = nordic("fr")
    response = translator.submit(change_url(french), {"title": "Publié en douce"}, button="_publish_changes")
    assert response.status_code == 403
    french.refresh_from_db()
    assert french.title != "Publié en douce" and not PendingChange.objects.filter(version=french).exists()


def test_restoring_an_old_revision_of_a_live_version_is_a_pending_change(editor):
    from reversion.models import Version

    source = nordic("en")
    original = source.title
    services.save_version(version=source, by=None, changes={"title": "A newer live title"}, go_live=True)
    oldest = Version.objects.get_for_object(source).order_by("pk").first()
    services.restore_revision(version=source, revision_version=oldest, by=None)
    source.refresh_from_db()
    assert source.title == "A newer live title"  # readers keep the live text
    assert PendingChange.objects.get(version=source).title == original


def test_the_list_shows_pending_changes_and_filters_what_waits_for_my_review(translator, editor):
    french = nordic("fr")
    translator.submit(change_url(french), {"standfirst": "À relire."})
    assert step(translator, french, "submit").status_code == 302

    def listed(person, query):
        page = person.get(LIST + query).content.decode()
        return page, {int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', page)}

    page, mine = listed(editor, "?review=mine")
    assert french.pk in mine and "pending changes, in review" in page
    waiting = PieceVersion.objects.filter(pk__in=mine)
    assert all(v.status == Status.REVIEW or PendingChange.objects.filter(version=v, in_review=True).exists() for v in waiting)
    assert listed(translator, "?review=mine")[1] == set()  # translator-fr does not revise: nothing waits for them
    assert listed(editor, "?review=pending")[1] == {french.pk}


def test_the_list_shows_each_language_as_a_badge_and_scopes_the_tag_filter_to_one_language(editor):
    source = nordic("en")
    page = editor.get(LIST + "?q=Nordic").content.decode()
    row = re.search(rf"<tr>(?:(?!</tr>).)*?/{source.pk}/change/(?:(?!</tr>).)*</tr>", page, re.S).group(0)
    assert 'review-badge--source" title="source">en<' in row
    assert 'review-badge--current" title="up to date">fr<' in row
    versions = PieceVersion.objects.filter(piece_id=source.piece_id).count()
    missing = len(settings.LANGUAGES) - versions
    assert f'review-badge--missing" dir="ltr" title="{missing} languages missing: ' in row

    assert "By tag" not in page and "?tag=" not in page  # thirty languages' tags in one column help nobody
    french = editor.get(LIST + "?language__exact=fr").content.decode()
    tag_links = re.findall(r'href="\?[^"]*tag=\d+[^"]*"[^>]*>([^<]+)<', french)
    assert tag_links and all("[" not in name for name in tag_links)
    from articles.models import Tag

    assert set(tag_links) <= set(Tag.objects.filter(language="fr").values_list("name", flat=True))


def test_history_compares_any_two_revisions_and_previews_one_before_restoring_it(editor, translator):
    from reversion.models import Version

    source = nordic("en")
    first_title = source.title
    for title in ("Second title", "Third title"):
        services.save_version(version=source, by=None, changes={"title": title}, go_live=True)
    kept = list(Version.objects.get_for_object(source).order_by("pk"))
    oldest, newest = kept[0], kept[-1]

    history = editor.get(f"{LIST}{source.pk}/history/").content.decode()
    assert 'name="old"' in history and 'name="new"' in history and f"?revision={oldest.pk}" in history
    response = editor.get(f"{LIST}{source.pk}/compare/", {"old": newest.pk, "new": oldest.pk})
    assert response.status_code == 302 and response["Location"].endswith(f"/compare/{oldest.pk}/{newest.pk}/")
    compared = editor.get(response["Location"]).content.decode()
    assert "Third title" in compared and first_title.split()[0] in compared
    for hostile in ({"old": "x", "new": "1"}, {"old": oldest.pk, "new": oldest.pk}, {"old": oldest.pk, "new": 10**9}, {}):
        assert editor.get(f"{LIST}{source.pk}/compare/", hostile).status_code == 400

    preview = editor.get(f"/en/preview/{source.pk}/?revision={oldest.pk}").content.decode()
    assert "<h1" in preview and first_title in preview and "a revision from the history" in preview
    assert "Third title" in public(source.get_absolute_url())
    assert editor.get(f"/en/preview/{source.pk}/?revision=abc").status_code == 404
    assert editor.get(f"/en/preview/{source.pk}/?revision={10**9}").status_code == 404
    assert translator.get(f"/en/preview/{source.pk}/?revision={oldest.pk}").status_code == 403  # no history outside their language

    response = editor.post(f"{LIST}{source.pk}/restore/{oldest.pk}/", {"confirm": "yes"}, follow=True)
    assert "pending changes" in response.content.decode()
    assert PendingChange.objects.get(version=source).title == first_title
