"""The one write path: the same rule refuses the same thing from the admin and from a direct service call;
conflicts end as messages, never a 500; no piece is ever without its source; events name the URLs a change affects."""

import threading

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from reversion.models import Version

from articles import services
from articles.errors import Conflict, NotAllowed, RuleBroken
from articles.models import ArticleImage, Image, PendingChange, Piece, PieceVersion, Section, Status
from tests.admin_client import AdminUser

LIST = "/admin/articles/pieceversion/"


def change_url(version):
    return f"/admin/articles/pieceversion/{version.pk}/change/"


def assert_every_piece_has_its_source():
    """The invariant every service keeps: each piece has exactly one source, and it is one of its own versions."""
    for piece in Piece.objects.all():
        assert piece.source_id is not None, piece.pk
        assert PieceVersion.objects.filter(pk=piece.source_id, piece=piece).exists(), piece.pk
        assert piece.source_language == piece.source.language, piece.pk  # kept beside it, for search's configurations
    assert not PieceVersion.objects.filter(piece__source__isnull=True).exists()


@pytest.fixture
def editor(demo):
    return AdminUser("editor", "review-editor")


@pytest.fixture
def events(heard):
    return heard


# Deleting, and the source ---------------------------------------------------------------------


def test_a_source_with_translations_cannot_be_deleted_until_another_version_is_the_source(editor):
    source = PieceVersion.objects.get(language="en", slug="securing-the-nordic-baltic-region")
    french = PieceVersion.objects.get(piece=source.piece, language="fr")

    refused = editor.get(f"/admin/articles/pieceversion/{source.pk}/delete/", follow=True)
    assert "is the source of its piece" in refused.content.decode() and PieceVersion.objects.filter(pk=source.pk).exists()
    forged = editor.post(f"/admin/articles/pieceversion/{source.pk}/delete/", {"post": "yes"}, follow=True)
    assert forged.status_code == 200 and PieceVersion.objects.filter(pk=source.pk).exists()
    bulk = editor.post(LIST, {"action": "delete_selected", "_selected_action": [source.pk], "index": 0, "post": "yes"}, follow=True)
    assert "is the source of its piece" in bulk.content.decode() and PieceVersion.objects.filter(pk=source.pk).exists()
    with pytest.raises(Conflict):
        services.delete_version(version=source, by=None)  # the same rule, called directly

    made = editor.post(LIST, {"action": "make_source_selected", "_selected_action": [french.pk], "index": 0}, follow=True)
    assert made.status_code == 200
    french.refresh_from_db()
    assert french.is_source and not french.is_outdated()
    deleted = editor.post(f"/admin/articles/pieceversion/{source.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302 and not PieceVersion.objects.filter(pk=source.pk).exists()
    assert Client().get("/en/").status_code == 200
    assert_every_piece_has_its_source()


def test_deleting_a_pieces_only_version_deletes_the_piece_and_bulk_deletes_are_all_or_nothing(editor):
    alone = PieceVersion.objects.get(language="ru")
    piece_id = alone.piece_id
    assert editor.post(f"/admin/articles/pieceversion/{alone.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Piece.objects.filter(pk=piece_id).exists()

    source = PieceVersion.objects.get(language="en", slug="securing-the-nordic-baltic-region")
    arabic = PieceVersion.objects.get(piece=source.piece, language="ar")
    with pytest.raises(Conflict):
        services.delete_versions(versions=[arabic, source], by=None)
    assert PieceVersion.objects.filter(pk=arabic.pk).exists()  # nothing half done
    french = PieceVersion.objects.get(piece=source.piece, language="fr")
    services.delete_versions(versions=[arabic, source, french], by=None)  # the whole piece: allowed
    assert not Piece.objects.filter(pk=source.piece_id).exists()
    assert_every_piece_has_its_source()


def test_every_service_keeps_every_piece_with_its_source(demo, make_image):
    source = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    checks = [
        lambda: services.create_translation(source=source, language="de", by=None),
        lambda: services.save_version(version=source, by=None, changes={"title": "Changed"}, go_live=True),
        lambda: services.unpublish(versions=[source], by=None),
        lambda: services.publish(versions=[source], by=None),
        lambda: services.make_source(version=PieceVersion.objects.get(piece=source.piece, language="de"), by=None),
        lambda: services.make_source(version=source, by=None),
        lambda: services.delete_version(version=PieceVersion.objects.get(piece=source.piece, language="de"), by=None),
        lambda: services.update_piece(piece=source.piece, by=None, section=None),
        lambda: services.restore_revision(version=source, revision_version=Version.objects.get_for_object(source).last(), by=None),
        lambda: services.create_piece(by=None, language="fr", changes={"title": "Neuf", "slug": "neuf"}),
        lambda: services.go_live_due(),
        lambda: services.delete_piece(piece=PieceVersion.objects.get(slug="neuf").piece, by=None),
    ]
    for check in checks:
        check()
        assert_every_piece_has_its_source()


# Conflicts end as messages -----------------------------------------------------------------------


def test_translating_into_a_language_where_the_slug_is_taken_gets_a_free_slug(editor, make_article):
    source = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    make_article(language="fr", slug="could-isil-go-nuclear", title="Un autre article")
    response = editor.post(f"/admin/articles/pieceversion/{source.pk}/translate/", {"language": "fr"}, follow=True)
    french = PieceVersion.objects.get(piece=source.piece, language="fr")
    assert response.status_code == 200 and french.slug == "could-isil-go-nuclear-fr"
    assert "was taken in this language" in response.content.decode()
    again = editor.post(f"/admin/articles/pieceversion/{source.pk}/translate/", {"language": "fr"}, follow=True)
    assert "already has a français version" in again.content.decode()
    assert again.redirect_chain[-1][0] == change_url(french)
    with pytest.raises(Conflict):
        services.create_translation(source=source, language="fr", by=None)
    unknown = editor.post(f"/admin/articles/pieceversion/{source.pk}/translate/", {"language": "zz"}, follow=True)
    assert unknown.status_code == 200 and "is not one of the site’s languages" in unknown.content.decode()


def test_a_taken_slug_is_a_form_error_in_the_admin_and_a_conflict_in_the_service(editor):
    odessa = PieceVersion.objects.get(language="en", slug__startswith="odessa")
    response = editor.submit(change_url(odessa), {"slug": "could-isil-go-nuclear", "title": "My new title"})
    page = response.content.decode()
    assert response.status_code == 200 and "Article with this Language and Slug already exists." in page
    assert "My new title" in page  # nothing typed is lost
    with pytest.raises(Conflict):
        services.save_version(version=odessa, by=None, changes={"slug": "could-isil-go-nuclear"}, go_live=True)
    odessa.refresh_from_db()
    assert odessa.slug.startswith("odessa")


def test_the_alt_text_rule_refuses_the_same_publication_from_the_admin_and_the_service(editor, make_article, make_image):
    draft = make_article(status=Status.DRAFT, image=make_image())
    ArticleImage.objects.filter(article=draft).update(alt_text="")
    response = editor.submit(change_url(draft), {"status": Status.PUBLISHED})
    assert response.status_code == 200 and "needs alt text, or must be marked decorative" in response.content.decode()
    with pytest.raises(RuleBroken):
        services.publish(versions=[draft], by=None)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_restoring_a_revision_whose_slug_section_or_image_is_gone_ends_with_a_message(editor, make_article, make_image):
    source = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    old = Version.objects.get_for_object(source).first()
    services.save_version(version=source, by=None, changes={"slug": "isil-and-the-bomb"}, go_live=True)
    make_article(slug="could-isil-go-nuclear", title="Someone else took the slug")
    restore = f"/admin/articles/pieceversion/{source.pk}/restore/{old.pk}/"
    response = editor.post(restore, {"confirm": "yes"}, follow=True)
    assert response.status_code == 200 and "Not restored" in response.content.decode() and "already used" in response.content.decode()

    PieceVersion.objects.get(slug="could-isil-go-nuclear").piece.delete()  # the slug is free again
    section = source.piece.section
    services.update_piece(piece=source.piece, by=None, section=Section.objects.exclude(pk=section.pk).first())
    section.delete()
    response = editor.post(restore, {"confirm": "yes"}, follow=True)
    assert "section this revision used has been deleted" in response.content.decode()

    image = make_image()
    services.save_version(version=source, by=None, changes={}, images=[{"image": image, "alt_text": "A picture"}], go_live=True)
    with_image = Version.objects.get_for_object(source).first()
    services.save_version(version=source, by=None, changes={}, images=[], go_live=True)
    Image.objects.filter(pk=image.pk).delete()
    response = editor.post(f"/admin/articles/pieceversion/{source.pk}/restore/{with_image.pk}/", {"confirm": "yes"}, follow=True)
    assert response.status_code == 200 and "images that have since been deleted" in response.content.decode()


def test_a_stale_form_is_refused_by_the_service_lock(editor):
    odessa = PieceVersion.objects.get(language="en", slug__startswith="odessa")
    _page, form = editor.open_form(change_url(odessa), "pieceversion_form")
    services.save_version(version=odessa, by=None, changes={"standfirst": "Changed meanwhile."}, go_live=True)
    form.update({"title": ["Mine"], "_save": ["Save"]})
    response = editor.post(change_url(odessa), form)
    assert response.status_code == 200 and "Someone else saved this version" in response.content.decode()
    odessa.refresh_from_db()
    assert odessa.standfirst == "Changed meanwhile." and odessa.title != "Mine"


def test_translators_are_refused_by_the_service_outside_their_languages(demo):
    translator = User.objects.get(username="translator-fr")
    source = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    with pytest.raises(NotAllowed):
        services.create_translation(source=source, language="de", by=translator)
    with pytest.raises(NotAllowed):
        services.save_version(version=source, by=translator, changes={"title": "Nope"})
    with pytest.raises(NotAllowed):
        services.delete_version(version=source, by=translator)
    french = services.create_translation(source=source, language="fr", by=translator)
    with pytest.raises(NotAllowed):
        services.save_version(version=french, by=translator, changes={}, section=None)  # shared fields are editors'


@pytest.mark.django_db(transaction=True)
def test_six_people_adding_the_same_translation_at_once_get_one_success_and_five_messages():
    call_command("load_demo", skip_renditions=True, verbosity=0)
    source = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    people = [AdminUser("editor", "review-editor") for _ in range(6)]
    tokens = [person.csrf(person.client.get("/admin/")) for person in people]
    start, results = threading.Barrier(6), []

    def add(person, token):
        start.wait()
        try:
            response = person.client.post(
                f"/admin/articles/pieceversion/{source.pk}/translate/", {"language": "de", "csrfmiddlewaretoken": token}
            )
            results.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=pair) for pair in zip(people, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [302] * 6  # each one redirected with a message; none a 500
    assert PieceVersion.objects.filter(piece=source.piece, language="de").count() == 1
    assert_every_piece_has_its_source()


# Change events ---------------------------------------------------------------------------------


def test_publishing_a_source_emits_one_event_naming_every_page_that_shows_it(make_article, section, author, events,
                                                                             django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_article(status=Status.DRAFT, section=section, authors=[author], tags=["Arctic"], slug="arctic-piece")
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(versions=[draft], by=None)
    assert [event.kind for event in events] == ["version.published"]
    urls = events[0].urls
    year = draft.local_date.year
    expected = {draft.get_absolute_url(), "/en/", "/en/articles/", f"/en/articles/{year}/", "/en/sections/collective-defence/",
                "/en/tags/arctic/", "/en/authors/ada-writer/", "/fr/", "/fr/articles/", "/fr/sections/defense-collective/",
                "/fr/authors/ada-writer/", "/ar/", "/de/articles/"}  # fmt: skip
    assert expected <= urls
    assert "/fr/tags/arctic/" not in urls  # an English tag has no French page

    with django_capture_on_commit_callbacks(execute=True):
        french = services.create_translation(source=draft, language="fr", by=None)
        french = services.save_version(version=french, by=None, changes={"slug": "piece-arctique"}, go_live=True)
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(versions=[french], by=None)
    assert [event.kind for event in events] == ["version.published"]
    assert {french.get_absolute_url(), draft.get_absolute_url(), "/fr/", "/fr/sections/defense-collective/"} <= events[0].urls
    assert "/en/" not in events[0].urls  # English listings show the English version, unchanged

    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.save_version(version=draft, by=None, changes={"slug": "arctic-moved"}, go_live=True)
    assert [event.kind for event in events] == ["version.moved"]
    assert {"/en/articles/" + draft.get_absolute_url().split("/articles/")[1], "/en/"} <= events[0].urls  # the old URL too

    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.unpublish(versions=[draft], by=None)
    assert [event.kind for event in events] == ["version.unpublished"] and "/de/" in events[0].urls


# Found by trying the site --------------------------------------------------------------------------


def test_related_content_of_a_piece_without_section_is_its_tags_not_every_sectionless_piece(client, make_article):
    lonely = make_article(tags=["Arctic"], title="Lonely")
    make_article(title="Unrelated sectionless")
    tagged = make_article(tags=["Arctic"], title="Also arctic")
    page = client.get(lonely.get_absolute_url()).content.decode()
    related = page.split("Related content")[1] if "Related content" in page else ""
    assert tagged.title in related and "Unrelated sectionless" not in related


def test_a_tag_used_only_by_drafts_has_no_public_page(client, make_article):
    make_article(tags=["Secret"], status=Status.DRAFT)
    assert client.get("/en/tags/secret/").status_code == 404


def test_the_canonical_link_has_no_query_string(client, make_article):
    article = make_article()
    page = client.get(article.get_absolute_url() + "?utm_source=x").content.decode()
    assert f'<link rel="canonical" href="http://testserver{article.get_absolute_url()}">' in page


def test_staff_without_article_permissions_cannot_open_history_or_compare(demo):
    article = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    services.save_version(version=article, by=None, changes={"standfirst": "Second."}, go_live=True)
    newer, older = Version.objects.get_for_object(article).values_list("pk", flat=True)[:2]
    clerk = User.objects.create_user("clerk", password="clerk-pass-123", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_image"))
    person = AdminUser("clerk", "clerk-pass-123")
    base = f"/admin/articles/pieceversion/{article.pk}"
    for url in [f"{base}/history/", f"{base}/compare/{older}/{newer}/"]:
        assert person.get(url).status_code == 403, url


@pytest.mark.parametrize("url", ["/en/articles/0001/", "/en/articles/0001/01/01/x/", "/en/articles/9999/", "/en/articles/?year=0001"])
def test_extreme_years_are_4xx_not_500(client, make_article, url):
    make_article()
    assert client.get(url).status_code in (400, 404)


@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_one_version_at_once_get_a_save_and_a_conflict_message_never_a_500():
    call_command("load_demo", skip_renditions=True, verbosity=0)
    version = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    url = f"/admin/articles/pieceversion/{version.pk}/change/"
    people = [AdminUser("editor", "review-editor") for _ in range(2)]
    forms = [person.open_form(url, "pieceversion_form")[1] for person in people]
    start, results = threading.Barrier(2), []

    def save(person, data, title):
        start.wait()
        try:
            response = person.client.post(url, {**data, "title": [title], "_save": ["Save"]})
            results.append((response.status_code, title))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(person, data, f"Title by editor {n}"))
        for n, (person, data) in enumerate(zip(people, forms, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(status for status, _title in results) == [200, 302]  # one saved; the other sees the conflict form
    saved = next(title for status, title in results if status == 302)
    assert PendingChange.objects.get(version_id=version.pk).title == saved  # a published version: the save is pending
    assert PieceVersion.objects.get(pk=version.pk).title == "Could ISIL go nuclear?"
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
