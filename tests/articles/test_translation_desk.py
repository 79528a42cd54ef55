"""The translation desk (issue 12): what readers, translators and revisers get beyond the basics."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from django.utils.html import strip_tags

from articles import services
from articles.errors import NotAllowed, RuleBroken
from articles.models import Assignment, Piece, PieceVersion, Status, TranslatorLanguage
from articles.policies import TRANSLATORS
from desk import states as desk
from tests.admin_client import AdminUser

pytestmark = pytest.mark.usefixtures("demo")


def nordic(language):
    source = PieceVersion.objects.get(language="en", slug="securing-the-nordic-baltic-region")
    return source if language == "en" else PieceVersion.objects.get(piece_id=source.piece_id, language=language)


@pytest.mark.parametrize("language, says", [("fr", "anglais"), ("ar", "الإنجليزية")])
def test_readers_of_a_translation_are_told_when_the_original_changed_until_it_catches_up(client, language, says):
    source, translation = nordic("en"), nordic(language)
    assert translation.is_published()
    assert "original-updated" not in client.get(translation.get_absolute_url()).content.decode()

    services.save_version(version=source, by=None, changes={"standfirst": "How do Allies defend the region today?"}, go_live=True)
    source.refresh_from_db()
    html = client.get(translation.get_absolute_url()).content.decode()
    notice = html.split('class="original-updated"')[1].split("</p>")[0]
    assert says in notice.lower() and f'href="{source.get_absolute_url()}" hreflang="en"' in notice
    assert "original-updated" not in client.get(source.get_absolute_url()).content.decode()  # the original itself: nothing

    services.save_version(version=translation, by=None, changes={}, matches_source_revision=source.content_revision, go_live=True)
    assert "original-updated" not in client.get(translation.get_absolute_url()).content.decode()


def test_an_unpublished_original_is_never_named_to_readers(client):
    source, french = nordic("en"), nordic("fr")
    services.save_version(version=source, by=None, changes={"standfirst": "Changed."}, go_live=True)
    services.unpublish(versions=[source], by=None)
    html = client.get(french.get_absolute_url()).content.decode()
    assert "original-updated" not in html and source.slug not in html


# The dashboard and the queue -------------------------------------------------------------------------

DESK = "/admin/articles/pieceversion/desk/"
QUEUE = "/admin/articles/pieceversion/queue/"


def english(slug):
    return PieceVersion.objects.get(language="en", slug=slug)


@pytest.fixture
def every_state():
    """In French, German and Russian: a draft, a version in review, a current and an outdated translation; the rest missing."""
    slugs = ("odessa-ukraines-secret-weapon", "could-isil-go-nuclear", "ukraine-what-it-hopes-to-leave-behind",
             "three-ways-that-putins-ukraine-strategy-has-backfired")  # fmt: skip
    draft, review, current, outdated = (english(slug) for slug in slugs)
    for language in ("fr", "de", "ru"):
        services.create_translation(source=draft, language=language, by=None)
        in_review = services.create_translation(source=review, language=language, by=None)
        services.save_version(version=in_review, by=None, changes={"status": Status.REVIEW}, go_live=True)
        for source in (current, outdated):
            services.publish(versions=[services.create_translation(source=source, language=language, by=None)], by=None)
    services.save_version(version=outdated, by=None, changes={"standfirst": "Rewritten."}, go_live=True)


def independent_counts(language):
    """The states counted one version at a time, in Python, without the desk's query."""
    row = dict.fromkeys(["missing", "draft", "review", "outdated", "current"], 0)
    for piece in Piece.objects.all():
        version = PieceVersion.objects.filter(piece=piece, language=language).first()
        if version is None:
            row["missing"] += 1
        elif version.pk == piece.source_id:
            continue
        elif version.status in (Status.DRAFT, Status.REVIEW):
            row[version.status] += 1
        else:
            row["outdated" if version.is_outdated() else "current"] += 1
    return row


def test_the_desk_counts_every_state_as_the_database_holds_it_and_links_to_those_versions(every_state):
    editor = AdminUser("editor", "review-editor")
    html = editor.get(DESK).content.decode()
    shown = {(language, state): int(count) for state, language, count in re.findall(
        r'data-state="(\w+)" data-language="(\w+)">(\d+)<', html)}  # fmt: skip
    for language in ("fr", "de", "ru", "en", "ar"):
        expected = independent_counts(language)
        assert {state: shown[language, state] for state in expected} == expected, language
    for language in ("fr", "de", "ru"):
        assert all(shown[language, state] > 0 for state in ("missing", "draft", "review", "outdated", "current")), language

    links = re.findall(r'<a href="([^"]+)" data-state="(\w+)" data-language="(\w+)">(\d+)</a>', html)
    assert len(links) >= 15
    for url, state, language, count in links:
        listed = re.findall(r'name="_selected_action" value="(\d+)"', editor.get(url.replace("&amp;", "&")).content.decode())
        assert len(listed) == int(count), (state, language)
        versions = PieceVersion.objects.filter(pk__in=listed)
        if state == "missing":
            assert not PieceVersion.objects.filter(piece__in=versions.values("piece"), language=language).exists()
        else:
            assert set(versions.values_list("language", flat=True)) == {language}


def test_the_desk_is_for_editors(translator):
    assert translator.get(DESK).status_code == 403


def test_a_translators_queue_holds_what_waits_in_their_languages_with_a_way_in(every_state, translator):
    html = translator.get(QUEUE).content.decode()
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1], re.S)
    assert rows and all('lang="fr"' in row for row in rows)
    assert ">Current<" not in html  # up-to-date versions do not wait
    missing = english("securing-the-nordic-baltic-region")
    strategic = PieceVersion.objects.get(language="en", slug="natos-strategic-focus-on-collective-defense-and-crisis-management")
    assert f'href="/admin/articles/pieceversion/{strategic.pk}/translate/?language=fr"' in html
    assert f"/admin/articles/pieceversion/{missing.pk}/translate/" not in html  # it has its French version
    outdated = PieceVersion.objects.get(piece=english("three-ways-that-putins-ukraine-strategy-has-backfired").piece, language="fr")
    assert f'href="/admin/articles/pieceversion/{outdated.pk}/change/"' in html
    assert re.search(r"1 changed of \d+", html)


def test_word_counts_cover_the_source_and_what_changed_since_the_translation(every_state):
    source = english("three-ways-that-putins-ukraine-strategy-has-backfired")
    french = PieceVersion.objects.get(piece=source.piece, language="fr")
    counts = desk.word_counts(source, french)
    total = len(f"{source.title} {source.standfirst} {strip_tags(source.body)}".split()) + sum(
        len(f"{u.caption} {u.alt_text}".split()) for u in source.image_usages.all()
    )
    assert counts == {"total": total, "changed": 1}  # the standfirst became “Rewritten.”
    assert desk.word_counts(source) == {"total": total, "changed": total}


# Review and per-language rights ------------------------------------------------------------------------

LIST = "/admin/articles/pieceversion/"


@pytest.fixture
def reviser():
    """Translates French and German; revises (publishes) French only."""
    user = User.objects.create_user("reviser", password="review-reviser", is_staff=True)
    user.groups.add(Group.objects.get(name=TRANSLATORS))
    TranslatorLanguage.objects.create(user=user, language="fr", may_publish=True)
    TranslatorLanguage.objects.create(user=user, language="de")
    return AdminUser("reviser", "review-reviser")


def in_review(language, slug="could-isil-go-nuclear"):
    version = services.create_translation(source=english(slug), language=language, by=None)
    return services.submit_for_review(version=version, by=None)


def test_a_french_reviser_publishes_french_and_gets_403_on_german(reviser):
    french, german = in_review("fr"), in_review("de")
    response = reviser.post(f"{LIST}{french.pk}/review/", {"step": "approve"}, follow=True)
    assert response.status_code == 200 and "Approved and published." in response.content.decode()
    french.refresh_from_db()
    assert french.is_published()

    assert reviser.post(f"{LIST}{german.pk}/review/", {"step": "approve"}).status_code == 403
    assert reviser.post(f"{LIST}{german.pk}/review/", {"step": "send_back", "text": "Nein."}).status_code == 403
    listing = {"action": "publish_selected", "_selected_action": [german.pk], "index": 0}
    assert reviser.post(LIST, listing).status_code == 403
    page, form = reviser.open_form(f"{LIST}{german.pk}/change/", "pieceversion_form")
    assert 'value="published"' not in page.content.decode().split('name="status"')[1].split("</select>")[0]
    assert reviser.post(f"{LIST}{german.pk}/change/", {**form, "status": ["published"], "_save": ["Save"]}).status_code == 200
    german.refresh_from_db()
    assert german.status == Status.REVIEW

    with pytest.raises(NotAllowed):
        services.publish(versions=[german], by=User.objects.get(username="reviser"))


def test_review_flow_submit_send_back_with_comment_resubmit_approve(reviser, translator):
    source = english("could-isil-go-nuclear")
    translator.post(f"{LIST}{source.pk}/translate/", {"language": "fr"})
    french = PieceVersion.objects.get(piece=source.piece, language="fr")
    url = f"{LIST}{french.pk}/change/"
    assert 'value="approve"' not in translator.get(url).content.decode()  # a translator cannot approve
    assert translator.post(f"{LIST}{french.pk}/review/", {"step": "submit"}).status_code == 302
    french.refresh_from_db()
    assert french.status == Status.REVIEW
    assert translator.post(f"{LIST}{french.pk}/review/", {"step": "approve"}).status_code == 403

    page = reviser.get(url).content.decode()
    assert 'value="approve"' in page and 'value="send_back"' in page
    reviser.post(f"{LIST}{french.pk}/review/", {"step": "send_back", "text": ""})  # no reason: refused
    french.refresh_from_db()
    assert french.status == Status.REVIEW
    reviser.post(f"{LIST}{french.pk}/review/", {"step": "send_back", "text": "Le titre : <b>plus court</b>, s’il vous plaît."})
    french.refresh_from_db()
    assert french.status == Status.DRAFT

    page = translator.get(url).content.decode()
    assert "Sent back" in page and "Le titre : &lt;b&gt;plus court&lt;/b&gt;, s’il vous plaît." in page  # shown, escaped
    translator.post(f"{LIST}{french.pk}/review/", {"step": "submit", "text": "Raccourci."})
    reviser.post(f"{LIST}{french.pk}/review/", {"step": "approve"})
    french.refresh_from_db()
    assert french.is_published() and list(french.comments.values_list("kind", flat=True)) == ["comment", "rejection"]


def test_hostile_review_posts_get_a_4xx_or_a_message(reviser):
    french = in_review("fr")
    assert reviser.get(f"{LIST}{french.pk}/review/").status_code == 405
    assert reviser.post(f"{LIST}{french.pk}/review/", {"step": "explode"}).status_code == 400
    assert reviser.post(f"{LIST}999999999/review/", {"step": "approve"}).status_code == 404
    assert reviser.post(f"{LIST}x%00/review/", {"step": "approve"}).status_code == 404
    response = reviser.post(f"{LIST}{french.pk}/review/", {"step": "comment", "text": "x" * 6000}, follow=True)
    assert "at most 5,000 characters" in response.content.decode() and not french.comments.exists()
    response = reviser.post(f"{LIST}{french.pk}/review/", {"step": "submit"}, follow=True)  # already in review
    assert "Only a draft can be submitted" in response.content.decode()


def test_publishing_every_ready_language_of_a_piece_is_all_or_none(settings):
    source = english("could-isil-go-nuclear")
    french, german = in_review("fr"), in_review("de")
    services.save_version(
        version=german, by=None, changes={}, images=[{**u, "alt_text": ""} for u in services._usages_of(german)], go_live=True
    )
    with pytest.raises(RuleBroken):
        services.publish_ready(pieces=[source.piece_id], by=None)
    assert not PieceVersion.objects.filter(pk__in=[french.pk, german.pk], status=Status.PUBLISHED).exists()

    services.save_version(version=german, by=None, changes={}, images=services._usages_of(source), go_live=True)
    editor = AdminUser("editor", "review-editor")
    response = editor.post(LIST, {"action": "publish_ready_selected", "_selected_action": [source.pk], "index": 0}, follow=True)
    assert "2 versions published." in response.content.decode()
    assert PieceVersion.objects.filter(pk__in=[french.pk, german.pk], status=Status.PUBLISHED).count() == 2


def test_the_admin_home_leads_to_the_queue_and_the_desk(translator):
    editor = AdminUser("editor", "review-editor")
    assert f'href="{QUEUE}"' in translator.get("/admin/").content.decode()
    assert f'href="{DESK}"' not in translator.get("/admin/").content.decode()
    assert f'href="{DESK}"' in editor.get("/admin/").content.decode()


# Assignments and mail ---------------------------------------------------------------------------------------


def test_an_editor_assigns_a_piece_and_the_translator_is_mailed_then_told_when_the_source_changes(
    translator, mailoutbox, django_capture_on_commit_callbacks
):
    editor = AdminUser("editor", "review-editor")
    source = english("could-isil-go-nuclear")
    person = User.objects.get(username="translator-fr")
    person.email = "fr@review.example"
    person.save()
    due = timezone.localdate() + timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        page, form = editor.open_form("/admin/articles/assignment/add/", "assignment_form")
        form.update({"piece": [str(source.piece_id)], "language": ["fr"], "translator": [str(person.pk)],
                     "due_on": [due.isoformat()], "_save": ["Save"]})  # fmt: skip
        assert editor.post("/admin/articles/assignment/add/", form).status_code == 302
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["fr@review.example"] and "Merci de traduire «\xa0Could ISIL go nuclear?\xa0» (français)" in mail.subject
    assert mail.body.startswith("Bonjour") and "Échéance\xa0: " in mail.body, "in the language the translator works in"
    # The host the editor used (the test client's), not REVIEW_SITE_URL's default
    assert f"http://testserver/admin/articles/pieceversion/{source.pk}/translate/?language=fr" in mail.body

    html = translator.get(QUEUE).content.decode()
    first = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1], re.S)[0]
    assert "Could ISIL go nuclear?" in first and "to you" in first  # what was asked of them comes first

    with django_capture_on_commit_callbacks(execute=True):
        services.save_version(version=source, by=None, changes={"standfirst": "A new standfirst."}, go_live=True)
        services.save_version(version=source, by=None, changes={"status": Status.PUBLISHED}, go_live=True)  # no new text: no mail
    assert len(mailoutbox) == 2 and "a changé" in mailoutbox[1].subject
    assert "http://127.0.0.1:8000/admin/" in mailoutbox[1].body, "no request made that change: the site's configured address"
    with django_capture_on_commit_callbacks(execute=True):
        services.mail_assignment(assignment_id=Assignment.objects.get().pk, reason="source_changed")  # a job run twice
    assert len(mailoutbox) == 2


def test_only_a_translator_of_the_language_can_be_assigned_and_overdue_is_a_filter(translator):
    editor = AdminUser("editor", "review-editor")
    source = english("could-isil-go-nuclear")
    person = User.objects.get(username="translator-fr")
    page, form = editor.open_form("/admin/articles/assignment/add/", "assignment_form")
    form.update({"piece": [str(source.piece_id)], "language": ["de"], "translator": [str(person.pk)], "_save": ["Save"]})
    response = editor.post("/admin/articles/assignment/add/", form)
    assert response.status_code == 200 and "does not translate into Deutsch" in response.content.decode()
    assert not Assignment.objects.exists()

    late = services.assign(piece=source.piece, language="fr", translator=person, due_on=timezone.localdate() - timedelta(days=1), by=None)
    other = english("odessa-ukraines-secret-weapon")
    services.assign(piece=other.piece, language="fr", translator=person, due_on=timezone.localdate() + timedelta(days=3), by=None)
    listed = editor.get("/admin/articles/assignment/?overdue=yes").content.decode()
    assert re.findall(r'name="_selected_action" value="(\d+)"', listed) == [str(late.pk)]
    assert "Overdue" in translator.get(QUEUE).content.decode()
    # A translator sees what was asked of them, and only that, read-only.
    colleague = User.objects.create_user("translator-fr-2", password="x", is_staff=True)
    colleague.groups.set(person.groups.all())
    colleague.translator_languages.create(language="fr")
    services.assign(piece=english("securing-the-nordic-baltic-region").piece, language="fr", translator=colleague, by=None)
    mine = translator.get("/admin/articles/assignment/").content.decode()
    assert "Could ISIL go nuclear?" in mine and "Odessa" in mine and "Nordic" not in mine
    assert "/admin/articles/assignment/add/" not in mine and translator.get("/admin/articles/assignment/add/").status_code == 403
    assert 'href="/admin/articles/assignment/"' in translator.get("/admin/").content.decode()  # in the menu

    french = services.create_translation(source=source, language="fr", by=None)
    services.publish(versions=[french], by=None)
    assert not Assignment.objects.overdue().exists()  # done: no longer overdue


# Side by side ------------------------------------------------------------------------------------------------


def test_side_by_side_aligns_segments_and_marks_the_source_segments_changed_since_the_translation(translator):
    source, french = nordic("en"), nordic("fr")
    services.save_version(
        version=source, by=None, changes={"body": "<p>First <em>point</em>.</p><ul><li>One.</li></ul><p>Third.</p>"}, go_live=True
    )
    source.refresh_from_db()
    services.save_version(version=french, by=None, changes={"body": "<p>Premier <em>point</em>.</p><ul><li>Un.</li></ul>"},
                          matches_source_revision=source.content_revision, go_live=True)  # fmt: skip
    services.save_version(
        version=source, by=None, changes={"body": "<p>First <em>point</em>.</p><ul><li>Two.</li></ul><p>Third.</p>"}, go_live=True
    )

    rows = {row.key: row for row in desk.side_by_side(PieceVersion.objects.get(pk=source.pk), PieceVersion.objects.get(pk=french.pk))}
    assert rows["body.1"].source.html == "First <em>point</em>." and rows["body.1"].translation.html == "Premier <em>point</em>."
    assert rows["body.2"].changed and rows["body.2"].source.kind == "li" and not rows["body.1"].changed
    assert rows["body.3"].translation is None and not rows["body.3"].changed  # untranslated, but not changed since
    assert rows["image.1.caption"].label == "Image 1: caption"

    html = translator.get(f"{LIST}{french.pk}/change/").content.decode()
    table = html.split('class="review-panel review-aligned"')[1].split("</details>")[0]
    assert table.count('class="review-aligned--changed"') == 1 and "not in this translation" in table
    assert '<td lang="fr" dir="ltr">Premier <em>point</em>.</td>' in table
