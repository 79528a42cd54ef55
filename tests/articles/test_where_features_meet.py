"""Core v2 (issue 25): the wrongs found where features meet, each through the surface where it was found.

Each test here failed on the main before Core v2: preview of undated drafts, restore of a live version,
"I have updated it" lost by "Save and publish changes", pending text read outside its language, related
cards left stale, taxonomy writes outside the write path, publishing rights living in a form, states shown wrongly.
"""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation
from reversion.models import Version

from articles import lifecycle, services
from articles.errors import Conflict, NotAllowed
from articles.models import ListingEntry, PendingChange, PieceVersion, Section, Status, Tag
from desk import states as desk

pytestmark = pytest.mark.usefixtures("demo")
LIST = "/admin/articles/pieceversion/"


def change_url(version):
    return f"{LIST}{version.pk}/change/"


def nordic(language="en"):
    source = PieceVersion.objects.get(language="en", slug="securing-the-nordic-baltic-region")
    return source if language == "en" else PieceVersion.objects.get(piece_id=source.piece_id, language=language)


def preview(person, version):
    return person.get(f"/{version.language}/preview/{version.pk}/")


def editor_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="editor")


def translator_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="translator-fr")


# Preview of a version without a date --------------------------------------------------------------------


def test_a_new_draft_without_a_date_previews_and_live_previews(editor):
    draft = services.create_piece(by=editor_user(), language="en", changes={"title": "An undated draft", "body": "<p>Words.</p>"})
    assert draft.published_at is None
    response = preview(editor, draft)
    assert response.status_code == 200
    page = response.content.decode()
    assert "An undated draft" in page and "article:published_time" not in page and '"datePublished"' not in page
    live = editor.post(f"/en/preview/{draft.pk}/", {"title": "Typed, not saved", "body": "<p>x</p>"})
    assert live.status_code == 200 and "Typed, not saved" in live.content.decode()


def test_a_translation_in_review_without_a_date_previews_for_its_translator(translator):
    french = nordic("fr")
    services.unpublish(versions=[french], by=None)
    french = services.save_version(version=french, by=None, changes={"published_at": None})
    services.submit_for_review(version=french, by=translator_user())
    response = preview(translator, PieceVersion.objects.get(pk=french.pk))
    assert response.status_code == 200


# Restore ------------------------------------------------------------------------------------------------


def test_restoring_a_draft_revision_of_a_live_version_keeps_it_live_and_makes_pending_changes(editor):
    by = editor_user()
    version = services.create_piece(by=by, language="en", changes={"title": "Drafted title", "body": "<p>Draft text.</p>"})
    draft_revision = Version.objects.get_for_object(version).first()
    version = services.save_version(
        version=version,
        by=by,
        changes={"title": "Live title", "status": Status.PUBLISHED, "published_at": timezone.now() - timedelta(hours=1)},
    )
    url = version.get_absolute_url()
    assert Client().get(url).status_code == 200
    restore = f"{LIST}{version.pk}/restore/{draft_revision.pk}/"

    asked = editor.get(restore)  # the admin asks first, and says what the restore does
    assert asked.status_code == 200 and "pending changes" in asked.content.decode() and 'name="confirm"' in asked.content.decode()
    assert editor.post(restore, {}).status_code == 200  # a POST without the confirmation only asks again
    assert not PendingChange.objects.filter(version=version).exists()

    assert editor.post(restore, {"confirm": "yes"}).status_code == 302
    version.refresh_from_db()
    assert version.status == Status.PUBLISHED and version.is_published() and version.title == "Live title"
    assert Client().get(url).status_code == 200 and "Live title" in Client().get(url).content.decode()
    pending = PendingChange.objects.get(version=version)
    assert pending.title == "Drafted title" and pending.published_at == version.published_at


def test_a_restore_never_changes_a_drafts_status_or_date():
    by = editor_user()
    when = timezone.now() + timedelta(days=3)
    version = services.create_piece(
        by=by, language="en", changes={"title": "Scheduled once", "status": Status.PUBLISHED, "published_at": when}
    )
    scheduled_revision = Version.objects.get_for_object(version).first()
    version = services.unpublish(versions=[version], by=by) and PieceVersion.objects.get(pk=version.pk)
    version = services.save_version(version=version, by=by, changes={"published_at": None, "title": "Now a draft"})
    services.restore_revision(version=version, revision_version=scheduled_revision, by=by)
    version.refresh_from_db()
    assert version.status == Status.DRAFT and version.published_at is None and version.title == "Scheduled once"


# "I have updated it" and the two ways to publish pending changes -------------------------------------------


def test_i_have_updated_it_survives_save_and_publish_changes(translator, editor):
    source, french = nordic("en"), nordic("fr")
    services.save_version(version=source, by=None, changes={"standfirst": "The source moved on."}, go_live=True)
    assert PieceVersion.objects.get(pk=french.pk).is_outdated()
    translator.submit(change_url(french), {"standfirst": "Le texte a suivi.", "mark_up_to_date": "on"})
    assert PendingChange.objects.get(version=french).matches_source_revision == PieceVersion.objects.get(pk=source.pk).content_revision

    _response, data = editor.open_form(change_url(french), "pieceversion_form")
    assert data.get("mark_up_to_date") == ["on"]  # shown ticked from the pending changes
    data.pop("mark_up_to_date")  # and even posted empty, the translator's tick is kept
    data["_publish_changes"] = ["Save and publish changes"]
    assert editor.client.post(change_url(french), data).status_code == 302
    french.refresh_from_db()
    assert french.standfirst == "Le texte a suivi." and not french.is_outdated()


# Pending changes are read only in their language -------------------------------------------------------------


def test_pending_changes_of_another_language_are_never_shown_to_a_translator(translator):
    german = services.create_translation(source=nordic("en"), language="de", by=None)
    german = services.save_version(
        version=german, by=None, changes={"title": "Sicherheit im Norden", "status": Status.PUBLISHED}, matches_source_revision=1,
        go_live=True,
    )  # fmt: skip
    services.save_version(version=german, by=editor_user(), changes={"title": "Geheimer Entwurf Zeppelin"})
    assert PendingChange.objects.filter(version=german).exists()

    page = translator.get(change_url(german))
    assert page.status_code == 200  # a translator reads published versions of every language ...
    assert "Zeppelin" not in page.content.decode()  # ... never their pending text
    shown = preview(translator, german)
    assert shown.status_code == 200 and "Zeppelin" not in shown.content.decode() and "Sicherheit im Norden" in shown.content.decode()
    history = translator.get(f"{LIST}{german.pk}/history/")
    assert history.status_code == 403


# States shown as they are --------------------------------------------------------------------------------------


def test_the_article_list_shows_scheduled_versions_as_scheduled(editor):
    services.create_piece(
        by=None, language="en", changes={"title": "Tomorrow's piece", "status": Status.PUBLISHED,
                                         "published_at": timezone.now() + timedelta(days=1)},
    )  # fmt: skip
    page = editor.get(LIST, {"q": "Tomorrow's piece"}).content.decode()
    assert "1 result" in page
    assert re.findall(r'<td class="field-state">([^<]*)', page) == ["Scheduled"]


def test_a_draft_whose_source_changed_is_outdated_on_the_desk_and_in_the_queue():
    source = nordic("en")
    draft = services.create_translation(source=source, language="de", by=None)
    assert PieceVersion.objects.filter(pk=draft.pk).filter(pk__in=desk.in_state(PieceVersion.objects.all(), desk.DRAFT)).exists()
    services.save_version(version=source, by=None, changes={"title": "A newer source title"}, go_live=True)
    assert desk.in_state(PieceVersion.objects.filter(pk=draft.pk), desk.OUTDATED).exists()
    assert desk.counts(["de"])["de"][desk.OUTDATED] == 1 and desk.counts(["de"])["de"][desk.DRAFT] == 0
    jobs = [job for job in desk.queue(editor_user()) if job.version and job.version.pk == draft.pk]
    assert [job.state for job in jobs] == [desk.OUTDATED]


def test_every_transition_is_a_revision_in_the_history(editor):
    by = editor_user()
    version = nordic("en")
    services.save_version(version=version, by=by, changes={"standfirst": "Pending words."})
    services.submit_for_review(version=version, by=by)
    services.send_back(version=version, by=by, comment="Not yet.")
    services.publish_changes(version=version, by=by)
    services.unpublish(versions=[PieceVersion.objects.get(pk=version.pk)], by=by)
    comments = list(Version.objects.get_for_object(version).values_list("revision__comment", flat=True))
    for label in ("Saved pending changes", "Submitted for review", "Sent back", "Published the pending changes", "Unpublished"):
        assert label in comments, (label, comments)
    history = editor.get(f"{LIST}{version.pk}/history/").content.decode()
    assert "Published the pending changes" in history and "Saved pending changes" in history


def test_the_history_is_stored_in_english_and_read_in_the_language_of_whoever_reads_it(editor):
    """An editor working in the Arabic admin leaves revisions an English or French colleague can read."""
    by = editor_user()
    version = nordic("en")
    with translation.override("ar"):
        services.save_version(version=version, by=by, changes={"standfirst": "Pending words."})
        services.publish_changes(version=version, by=by)
        services.make_source(version=nordic("fr"), by=by)
        first = Version.objects.get_for_object(version).order_by("pk").first()
        services.restore_revision(version=PieceVersion.objects.get(pk=version.pk), revision_version=first, by=by)
    comments = list(Version.objects.get_for_object(version).values_list("revision__comment", flat=True))
    assert {"Saved pending changes", "Published the pending changes"} <= set(comments), comments
    assert any(re.fullmatch(r"Restored the revision of \d{4}-\d\d-\d\d \d\d:\d\d", c) for c in comments), comments
    french = nordic("fr")
    assert "Made the fr version the source" in Version.objects.get_for_object(french).values_list("revision__comment", flat=True)
    history = editor.get(f"{LIST}{version.pk}/history/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Modifications en attente enregistrées" in history and "Modifications en attente publiées" in history
    assert "Restored the revision of" not in history and "Published the pending changes" not in history
    arabic = editor.get(f"{LIST}{french.pk}/history/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "جُعلت النسخة (fr) النسخةَ الأصلية" in arabic
    english = editor.get(f"{LIST}{version.pk}/history/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Published the pending changes" in english and "نُشر" not in english


# Publishing rights live in the state machine, whatever calls it ----------------------------------------------


def test_a_translator_calling_the_services_directly_cannot_publish_or_unpublish():
    translator, french = translator_user(), nordic("fr")
    services.unpublish(versions=[french], by=None)
    french = PieceVersion.objects.get(pk=french.pk)
    before = (french.status, french.published_at, french.edit_version)
    attempts = [
        lambda: services.save_version(version=french, by=translator, changes={"status": Status.PUBLISHED}),
        lambda: services.save_version(version=french, by=translator, changes={"status": Status.PUBLISHED,
                                                                               "published_at": timezone.now() + timedelta(days=2)}),
        lambda: services.publish(versions=[french], by=translator),
        lambda: services.create_piece(by=translator, language="fr", changes={"title": "Publiée d'office", "status": Status.PUBLISHED,
                                                                            "published_at": timezone.now()}),
    ]  # fmt: skip
    for attempt in attempts:
        with pytest.raises(NotAllowed):
            attempt()
    french.refresh_from_db()
    assert (french.status, french.published_at, french.edit_version) == before
    assert not PieceVersion.objects.filter(title="Publiée d'office").exists()

    live = nordic("en")
    for attempt in (
        lambda: services.unpublish(versions=[live], by=translator),
        lambda: services.save_version(version=live, by=translator, changes={"status": Status.DRAFT}),
        lambda: services.delete_version(version=live, by=translator),
    ):
        with pytest.raises(NotAllowed):
            attempt()
    assert PieceVersion.objects.get(pk=live.pk).is_published()


def test_the_review_panel_offers_what_the_state_machine_allows(translator, editor):
    french = nordic("fr")
    state = lifecycle.state_of(french)
    assert state == lifecycle.State(lifecycle.Phase.LIVE)
    offered = lifecycle.offered(translator_user(), french, state)
    assert not offered[lifecycle.Transition.PUBLISH_PENDING] and not offered[lifecycle.Transition.UNPUBLISH]
    assert lifecycle.offered(editor_user(), french, state)[lifecycle.Transition.UNPUBLISH]
    with pytest.raises(Conflict):
        services.submit_for_review(version=french, by=translator_user())  # nothing pending to submit


# Taxonomy writes go through the write path ---------------------------------------------------------------------


def test_bulk_deleting_tags_purges_their_pages_and_drops_their_listing_rows(editor, settings, django_capture_on_commit_callbacks):
    settings.REVIEW_PAGE_CACHE = True
    tag = Tag.objects.filter(language="en", tagged_articles__isnull=False).first()
    tag_url, facet = f"/en/tags/{tag.slug}/", f"t:{tag.pk}"
    source = PieceVersion.objects.filter(tagged_items__tag=tag).first()
    reader = Client()
    reader.get(source.get_absolute_url())
    assert reader.get(source.get_absolute_url())["X-Review-Cache"] == "hit"
    assert ListingEntry.objects.filter(facet=facet).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post("/admin/articles/tag/", {"action": "delete_selected", "_selected_action": [tag.pk], "post": "yes"})
    assert response.status_code == 302
    assert not Tag.objects.filter(pk=tag.pk).exists()
    assert not ListingEntry.objects.filter(facet=facet).exists()
    fresh = reader.get(source.get_absolute_url())
    assert fresh["X-Review-Cache"] == "miss" and f">{tag.name}<" not in fresh.content.decode()
    assert reader.get(tag_url).status_code == 404


def test_deleting_a_section_drops_its_listing_rows_and_names_no_deleted_section(editor, django_capture_on_commit_callbacks):
    section = Section.objects.get(key="partnerships")
    facet = f"s:{section.pk}"
    assert ListingEntry.objects.filter(facet=facet).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(f"/admin/articles/section/{section.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Section.objects.filter(pk=section.pk).exists()
    assert not ListingEntry.objects.filter(facet=facet).exists()
    assert not ListingEntry.objects.filter(section_id=section.pk).exists()


def test_a_translator_cannot_change_or_delete_sections_through_the_services():
    section = Section.objects.get(key="partnerships")
    with pytest.raises(NotAllowed):
        services.delete_section(section=section, by=translator_user())
    with pytest.raises(NotAllowed):
        services.save_section(section=section, by=translator_user(), changes={"order": 99})
    assert Section.objects.filter(pk=section.pk).exclude(order=99).exists()


# Related cards on other pieces' pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("change", ["unpublish", "retitle", "publish"])
def test_a_change_to_a_piece_reaches_the_cached_pages_that_show_it_as_related(change, settings, django_capture_on_commit_callbacks):
    settings.REVIEW_PAGE_CACHE = True
    page_of = nordic("en")
    section = page_of.piece.section
    peer = services.create_piece(
        by=None, language="en", section=section,
        changes={"title": "A peer about fjords", "status": Status.PUBLISHED, "published_at": timezone.now() - timedelta(minutes=5)},
    )  # fmt: skip
    if change == "publish":
        services.unpublish(versions=[peer], by=None)
    reader, url = Client(), page_of.get_absolute_url()
    reader.get(url)
    cached = reader.get(url)
    assert cached["X-Review-Cache"] == "hit"
    assert ("A peer about fjords" in cached.content.decode()) is (change != "publish")
    with django_capture_on_commit_callbacks(execute=True):
        if change == "unpublish":
            services.unpublish(versions=[peer], by=editor_user())
        elif change == "retitle":
            services.save_version(version=peer, by=editor_user(), changes={"title": "A peer about glaciers"}, go_live=True)
        else:
            services.publish(versions=[PieceVersion.objects.get(pk=peer.pk)], by=editor_user())
    fresh = reader.get(url)
    assert fresh["X-Review-Cache"] == "miss"
    text = fresh.content.decode()
    assert ("A peer about fjords" in text) is (change == "publish")
    assert ("A peer about glaciers" in text) is (change == "retitle")


def test_a_deleted_version_leaves_no_words_in_the_search_index(django_capture_on_commit_callbacks):
    """Found by the journeys: on SQLite the full-text rows of a deleted version stayed (the index differed from a rebuild)."""
    from articles import integrity

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_version(version=nordic("fr"), by=editor_user())
    assert integrity.search_drift() == (set(), set())


# The site chrome on every page ------------------------------------------------------------------------------


@pytest.mark.parametrize("change", ["rename", "add", "delete", "last-page"])
def test_a_change_to_the_sections_bar_or_the_footer_reaches_every_cached_page(change, editor, settings, django_capture_on_commit_callbacks):
    """Found by the journeys: every reader page shows the sections bar and the footer's publication pages; renaming a
    section other pages are not in left them all showing the old name from the page cache."""
    from articles.models import PublicationPage, SectionText

    settings.REVIEW_PAGE_CACHE = True
    elsewhere = Section.objects.exclude(pk=nordic("fr").piece.section_id).get(key="partnerships")
    urls = [nordic("fr").get_absolute_url(), "/fr/", "/fr/articles/", "/en/", nordic("en").get_absolute_url()]
    reader = Client()
    for url in urls:
        reader.get(url)
        assert reader.get(url)["X-Review-Cache"] == "hit", url
    with django_capture_on_commit_callbacks(execute=True):
        if change == "rename":
            text = SectionText.objects.get(section=elsewhere, language="fr")
            text.name = "Partenaires du Nord"
            services.save_taxonomy(instance=elsewhere, by=editor_user(), texts=[text])
        elif change == "add":
            added = Section(key="cyber", order=99)
            texts = [
                SectionText(language="fr", name="Cyberdéfense", slug="cyber"),
                SectionText(language="en", name="Cyber defence", slug="cyber"),
            ]
            services.save_section(section=added, by=editor_user(), texts=texts)
        elif change == "delete":
            services.delete_section(section=elsewhere, by=editor_user())
        else:
            gone = PublicationPage.objects.order_by("page").first().page  # its every text: the footers lose the link
            for page in PublicationPage.objects.filter(page=gone):
                services.delete_publication_page(page=page, by=editor_user())
    for url in urls:
        cached = reader.get(url)
        fresh = Client().get(url, HTTP_COOKIE="sessionid=x")  # a render past the cache
        assert cached.get("X-Review-Cache") != "hit" or cached.content == fresh.content, url
        text = cached.content.decode()
        if change == "rename" and url.startswith("/fr/"):
            assert "Partenaires du Nord" in text, url
        if change == "rename" and url == nordic("en").get_absolute_url():  # the French bar changed, not the English one
            assert cached["X-Review-Cache"] == "hit", url
        if change == "delete":
            assert "Partenariats" not in text and ">Partnerships<" not in text, url
        if change == "last-page":
            assert f'/{gone}/"' not in text, url


def test_a_search_rebuild_leaves_the_transaction_it_ran_in_as_django_expects(django_capture_on_commit_callbacks):
    """Found by the journeys on PostgreSQL: `rebuild_search` made every constraint immediate for the rest of the
    transaction, and deleting a piece's only version there (piece and source name each other) failed."""
    from articles import search

    search.rebuild_all()
    only = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    assert only.piece.versions.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_version(version=only, by=editor_user())
    assert not PieceVersion.objects.filter(pk=only.pk).exists()


def test_people_and_generated_images_are_written_by_services_that_ask_a_policy(media_root):
    """The demo's logins and placeholder pictures go through services too; a translator may do neither."""
    from django.core.files.base import ContentFile

    from articles.models import Image
    from demo.management.commands.load_demo import placeholder_jpeg

    with pytest.raises(NotAllowed):
        services.save_staff_user(username="mallory", password="x", superuser=True, by=translator_user())
    with pytest.raises(NotAllowed):
        services.save_generated_image(image=Image(title="Forged"), name="f.jpg", content=ContentFile(b"x"), by=translator_user())
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="mallory").exists() and not Image.objects.filter(title="Forged").exists()
    user = services.save_staff_user(username="reviser-de", password="pw", group=None, languages=["de"], by=None)
    assert user.is_staff and not user.is_superuser and user.check_password("pw")
    assert list(user.translator_languages.values_list("language", flat=True)) == ["de"]
    drawn = ContentFile(placeholder_jpeg((18, 52, 86), (120, 170, 200)), name="drawn.jpg")
    image = services.save_generated_image(image=Image(title="Drawn"), name="drawn.jpg", content=drawn, by=editor_user())
    assert image.state == "ready" and image.renditions and image.file.storage.exists(image.file.name)
