"""Merging a section, kind, author or tag into another (issue 26): the answer is at once, the pieces move in a resumable
background job, the merged one's pages and feeds answer 301 to the other's, and nothing shows the old one after it."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles import integrity, search, services
from articles.errors import Conflict, NotAllowed
from articles.events import listing_key, shows_key
from articles.models import (
    Author,
    FanOut,
    HomeSection,
    Kind,
    KindText,
    ListingEntry,
    PendingChange,
    Piece,
    Section,
    SectionText,
    Tag,
    TaxonomyRedirect,
)
from tests.admin_client import AdminUser, read_form


def tags_of(version):
    return sorted(version.tags.values_list("name", flat=True))


def assert_consistent():
    assert integrity.listing_drift() == (set(), set()), "the listing index is what a rebuild would make"
    assert integrity.search_drift() == (set(), set()), "the search index is what a rebuild would make"


def test_a_tag_merge_answers_at_once_then_moves_every_piece_and_leads_its_pages_to_the_other(
    make_article, heard, django_capture_on_commit_callbacks, client
):
    only_old = [make_article(title=f"Old tag {n}", tags=["Baltic"]) for n in range(3)]
    both = make_article(title="Both tags", tags=["Baltic", "Baltic states"])
    make_article(title="New tag only", tags=["Baltic states"])
    old, new = Tag.objects.get(name="Baltic"), Tag.objects.get(name="Baltic states")

    with django_capture_on_commit_callbacks(execute=False) as queued:
        job = services.merge_taxonomy(source=old, into=new, by=None)
    assert (job.kind, job.total, job.done, job.finished_at) == ("merge", 4, 0, None), "it answers before any piece moves"
    assert Tag.objects.filter(pk=old.pk).exists() and tags_of(only_old[0]) == ["Baltic"]

    with django_capture_on_commit_callbacks(execute=True):  # the job, and the purges it sends at each batch's commit
        for callback in queued:
            callback()
    job.refresh_from_db()
    assert job.finished_at and job.done == 4
    assert not Tag.objects.filter(pk=old.pk).exists()
    assert [tags_of(version) for version in [*only_old, both]] == [["Baltic states"]] * 4, "each once, the duplicate gone"
    assert not ListingEntry.objects.filter(facet=f"t:{old.pk}").exists()
    assert ListingEntry.objects.filter(language="en", facet=f"t:{new.pk}").count() == 5
    assert_consistent()
    assert search.Results("en", "states").count() == 5, "found by the name of the tag they have now"

    purged = set().union(*(event.urls for event in heard))
    assert {shows_key("t", old.pk), shows_key("t", new.pk), listing_key("en", f"t:{new.pk}"), "/en/tags/baltic/"} <= purged
    assert {shows_key("v", version.pk) for version in only_old} <= purged, "the pieces' pages and cards show the new name"

    for path, to in [("/en/tags/baltic/", "/en/tags/baltic-states/"), ("/en/tags/baltic/feed/", "/en/tags/baltic-states/feed/"),
                     ("/en/tags/baltic/feed/atom/", "/en/tags/baltic-states/feed/atom/")]:  # fmt: skip
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (301, to), path
    assert client.get("/en/tags/baltic-states/").status_code == 200
    assert client.get("/en/tags/never-was/").status_code == 404
    assert client.get("/fr/tags/baltic/").status_code == 404, "an English tag's old slug means nothing in French"


def test_an_author_merge_moves_bylines_and_a_restored_revision_gets_the_author_it_went_to(make_article, author, client, committed):
    twin = Author.objects.create(name="A. Writer", slug="a-writer")
    version = make_article(title="By the twin", authors=[twin])
    make_article(title="By both", authors=[twin, author])
    from reversion.models import Version

    revision = Version.objects.get_for_object(version).first()
    services.update_piece(piece=version.piece, by=None, authors=[])  # a later edit: no byline

    committed(services.merge_taxonomy, source=twin, into=author, by=None)
    assert not Author.objects.filter(pk=twin.pk).exists()
    assert sorted(Piece.objects.filter(authors=author).values_list("versions__title", flat=True)) == ["By both"]
    assert (client.get("/en/authors/a-writer/").status_code, client.get("/en/authors/a-writer/")["Location"]) == (
        301,
        "/en/authors/ada-writer/",
    )
    assert client.get("/fr/authors/a-writer/feed/")["Location"] == "/fr/authors/ada-writer/feed/"

    committed(services.restore_revision, version=version, revision_version=revision, by=None)
    assert list(version.piece.authors.values_list("name", flat=True)) == ["Ada Writer"], "the merged author's successor"
    assert_consistent()


def test_a_section_merge_moves_pieces_home_places_and_every_languages_page(make_article, section, client, committed):
    other = Section.objects.create(key="security")
    SectionText.objects.create(section=other, language="en", name="Security", slug="security")
    pieces = [make_article(section=section) for _ in range(2)]
    HomeSection.objects.create(language="fr", section=section, order=1)
    from reversion.models import Version

    revision = Version.objects.get_for_object(pieces[0]).first()

    committed(services.merge_taxonomy, source=section, into=other, by=None)
    assert not Section.objects.filter(pk=section.pk).exists()
    assert set(Piece.objects.filter(section=other).values_list("pk", flat=True)) == {version.piece_id for version in pieces}
    assert HomeSection.objects.get(language="fr").section == other
    assert client.get("/en/sections/collective-defence/")["Location"] == "/en/sections/security/"
    assert client.get("/fr/sections/defense-collective/")["Location"] == "/fr/sections/security/", "its French slug too"
    assert client.get("/fr/sections/collective-defence/feed/")["Location"] == "/fr/sections/security/feed/"
    assert "Security" in client.get(pieces[0].get_absolute_url()).content.decode()

    committed(services.restore_revision, version=pieces[0], revision_version=revision, by=None)
    pieces[0].piece.refresh_from_db()
    assert pieces[0].piece.section == other, "a revision of before the merge restores into the section it went to"
    assert_consistent()


def test_a_kind_merge_moves_pieces_and_leaves_nothing_behind(make_article, kind, committed):
    opinion = Kind.objects.create(key="opinion")
    KindText.objects.create(kind=opinion, language="en", name="Opinion")
    version = make_article(kind=kind)
    committed(services.merge_taxonomy, source=kind, into=opinion, by=None)
    version.piece.refresh_from_db()
    assert version.piece.kind == opinion and not Kind.objects.filter(pk=kind.pk).exists()
    assert TaxonomyRedirect.objects.get(of="k", old_id=kind.pk).target_id == opinion.pk
    assert_consistent()


def test_what_cannot_be_merged_is_refused_with_a_reason(make_article, author, section, django_capture_on_commit_callbacks):
    from django.contrib.auth.models import User

    make_article(tags=["Arctic"], language="en")
    make_article(tags=["Arctique"], language="fr")
    english, french = Tag.objects.get(name="Arctic"), Tag.objects.get(name="Arctique")
    other = Author.objects.create(name="Other", slug="other")
    with pytest.raises(Conflict, match="same language"):
        services.merge_taxonomy(source=english, into=french, by=None)
    with pytest.raises(Conflict, match="into itself"):
        services.merge_taxonomy(source=author, into=author, by=None)
    with pytest.raises(Conflict, match="of its kind"):
        services.merge_taxonomy(source=author, into=section, by=None)
    nobody = User.objects.create_user("nobody", is_staff=True)
    with pytest.raises(NotAllowed):
        services.merge_taxonomy(source=other, into=author, by=nobody)
    make_article(authors=[other])
    with django_capture_on_commit_callbacks(execute=False):
        services.merge_taxonomy(source=other, into=author, by=None)
        third = Author.objects.create(name="Third", slug="third")
        for source, into in [(other, third), (third, other), (author, third)]:
            with pytest.raises(Conflict, match="being merged already"):
                services.merge_taxonomy(source=source, into=into, by=None)
        services.merge_taxonomy(source=third, into=author, by=None)  # several may go into one at once


def test_a_merge_that_dies_resumes_and_takes_the_pieces_tagged_behind_it(make_article, django_capture_on_commit_callbacks):
    first, *_rest = [make_article(title=f"Tagged {n}", tags=["Maritime"]) for n in range(3)]
    old = Tag.objects.get(name="Maritime")
    new = Tag.objects.create(name="Maritime security", slug="maritime-security", language="en")
    with django_capture_on_commit_callbacks(execute=False):
        job = services.merge_taxonomy(source=old, into=new, by=None)
    services.run_fan_out(job.pk, batch=2, max_batches=1)  # two pieces, then the worker dies
    job.refresh_from_db()
    assert (job.done, job.finished_at) == (2, None)
    assert Tag.objects.filter(pk=old.pk).exists(), "the old tag stays until its last piece moved"
    assert ListingEntry.objects.filter(language="en", facet=f"t:{old.pk}").count() == 1

    assert tags_of(first) == ["Maritime security"]
    with django_capture_on_commit_callbacks(execute=True):  # an editor gives a piece behind the cursor the old tag again
        services.save_version(version=first, by=None, changes={}, tags=["Maritime", "Maritime security"], go_live=True)
    with time_machine.travel(timezone.now() + timedelta(minutes=3)), django_capture_on_commit_callbacks(execute=True):
        assert services.resume_fan_outs() == 1
    job.refresh_from_db()
    assert job.finished_at and job.done == 4 and not Tag.objects.filter(pk=old.pk).exists()
    assert tags_of(first) == ["Maritime security"]
    assert ListingEntry.objects.filter(language="en", facet=f"t:{new.pk}").count() == 3
    assert_consistent()


def test_deleting_either_one_ends_the_merge_where_it_is(make_article, django_capture_on_commit_callbacks):
    for n in range(3):
        make_article(title=f"Tagged {n}", tags=["Arctic"])
    old = Tag.objects.get(name="Arctic")
    new = Tag.objects.create(name="High North", slug="high-north", language="en")
    with django_capture_on_commit_callbacks(execute=False):
        job = services.merge_taxonomy(source=old, into=new, by=None)
    services.run_fan_out(job.pk, batch=1, max_batches=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_taxonomy(instance=new, by=None)
    job.refresh_from_db()
    assert job.finished_at and job.superseded
    assert services.run_fan_out(job.pk).done == 1, "an ended merge moves nothing more (into nothing)"
    assert Tag.objects.filter(pk=old.pk).exists(), "the pieces it had not reached keep their tag"
    assert_consistent()


def test_a_pending_change_naming_the_merged_tag_names_the_other(make_article, django_capture_on_commit_callbacks):
    live = make_article(tags=["Cyber"])
    services.save_version(version=live, by=None, changes={"title": "Staged title"}, tags=["Cyber", "Hybrid"])
    old = Tag.objects.get(name="Cyber")
    new = Tag.objects.create(name="Cyber defence", slug="cyber-defence", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.merge_taxonomy(source=old, into=new, by=None)
    assert PendingChange.objects.get(version=live).tags == ["Cyber defence", "Hybrid"]
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_changes(version=live, by=None)
    assert tags_of(live) == ["Cyber defence", "Hybrid"] and not Tag.objects.filter(name="Cyber").exists()


def test_a_renamed_slug_keeps_answering_with_a_301_until_it_is_used_again(make_article, author, section, client, committed):
    make_article(tags=["Odessa"], authors=[author], section=section)
    tag = Tag.objects.get(name="Odessa")
    tag.slug = "odesa"
    committed(services.save_taxonomy, instance=tag, by=None)
    author.slug = "ada-w"
    committed(services.save_taxonomy, instance=author, by=None)
    french = section.texts.get(language="fr")
    french.slug = "defense"
    committed(services.save_taxonomy, instance=section, by=None, texts=[french])
    assert client.get("/en/tags/odessa/")["Location"] == "/en/tags/odesa/"
    assert client.get("/de/authors/ada-writer/")["Location"] == "/de/authors/ada-w/"
    assert client.get("/fr/sections/defense-collective/")["Location"] == "/fr/sections/defense/"
    assert client.get("/en/sections/collective-defence/").status_code == 200, "the other languages' slugs are unchanged"

    tag.slug = "odessa"  # back: the live page wins, and its redirect is gone
    committed(services.save_taxonomy, instance=tag, by=None)
    assert client.get("/en/tags/odessa/").status_code == 200
    assert not TaxonomyRedirect.objects.filter(of="t", old_slug="odessa").exists()
    committed(services.delete_taxonomy, instance=tag, by=None)
    assert client.get("/en/tags/odesa/").status_code == 404, "a deleted tag's old slugs lead nowhere"


def test_an_editor_merges_tags_from_the_list_and_can_follow_it(demo, django_capture_on_commit_callbacks):
    editor = AdminUser("editor", "review-editor")
    sources = list(Tag.objects.filter(language="en", tagged_articles__isnull=False).distinct().order_by("pk")[:2])
    into = Tag.objects.filter(language="en").exclude(pk__in=[tag.pk for tag in sources]).order_by("pk").first()
    pieces = Piece.objects.filter(versions__tagged_items__tag__in=sources).distinct().count()
    listing = editor.get("/admin/articles/tag/")
    assert "Merge selected into…" in listing.content.decode()
    chosen = {"action": "merge_selected", "_selected_action": [str(tag.pk) for tag in sources]}
    page = editor.post("/admin/articles/tag/", chosen)
    assert page.status_code == 200
    text = page.content.decode()
    assert all(str(tag) in text for tag in sources) and "cannot be undone" in text
    form = read_form(page, None)
    assert "fr" not in {Tag.objects.get(pk=pk).language for pk in page.context["form"].fields["into"].queryset.values_list("pk", flat=True)}
    form["into"] = [str(into.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        done = editor.post("/admin/articles/tag/", form, follow=True)
    assert done.status_code == 200
    assert (
        re.search("moves? in the background", done.content.decode())
        and "/admin/articles/fanout/?kind__exact=merge" in done.content.decode()
    )
    assert not Tag.objects.filter(pk__in=[tag.pk for tag in sources]).exists()
    assert FanOut.objects.filter(kind="merge").count() == 2
    assert Piece.objects.filter(versions__tagged_items__tag=into).distinct().count() >= pieces
    assert editor.get("/admin/articles/fanout/?kind__exact=merge").status_code == 200

    mixed = {"action": "merge_selected", "_selected_action": [str(into.pk), str(Tag.objects.exclude(language="en").first().pk)]}
    refused = editor.post("/admin/articles/tag/", mixed, follow=True)
    assert "different languages" in refused.content.decode()

    translator = AdminUser("translator-fr", "review-translator")
    assert "Merge selected into" not in translator.get("/admin/articles/tag/").content.decode()
    forged = translator.post(
        "/admin/articles/tag/", {"action": "merge_selected", "_selected_action": [str(into.pk)], "into": [str(into.pk)]}
    )
    assert forged.status_code in (200, 302, 403) and Tag.objects.filter(pk=into.pk).exists()


def test_a_merge_into_one_that_is_merged_away_meanwhile_follows_it(make_article, django_capture_on_commit_callbacks):
    for n in range(2):
        make_article(title=f"Old {n}", tags=["Old"])
    old = Tag.objects.get(name="Old")
    middle = Tag.objects.create(name="Middle", slug="middle", language="en")
    final = Tag.objects.create(name="Final", slug="final", language="en")
    with django_capture_on_commit_callbacks(execute=False):
        first = services.merge_taxonomy(source=old, into=middle, by=None)
    services.run_fan_out(first.pk, batch=1, max_batches=1)  # one piece moved into Middle; the worker is slow
    first.refresh_from_db()
    FanOut.objects.filter(pk=first.pk).update(finished_at=timezone.now())  # (as if it had ended: Middle may now go)
    with django_capture_on_commit_callbacks(execute=False):
        second = services.merge_taxonomy(source=middle, into=final, by=None)
    FanOut.objects.filter(pk=first.pk).update(finished_at=None)  # the first goes on after all, then the second ends
    services.run_fan_out(second.pk)
    assert FanOut.objects.get(pk=first.pk).target == final.pk, "a merge into a merged-away tag goes on into its successor"
    services.run_fan_out(first.pk)
    assert sorted(Piece.objects.filter(versions__tagged_items__tag=final).values_list("versions__title", flat=True)) == ["Old 0", "Old 1"]
    assert not Tag.objects.filter(pk__in=[old.pk, middle.pk]).exists()
    assert_consistent()


def test_typing_a_merged_tags_name_again_gives_the_tag_it_went_into(make_article, committed):
    version = make_article(tags=["Baltic"])
    old = Tag.objects.get(name="Baltic")
    new = Tag.objects.create(name="Baltic states", slug="baltic-states", language="en")
    committed(services.merge_taxonomy, source=old, into=new, by=None)
    committed(services.save_version, version=version, by=None, changes={}, tags=["baltic", "Arctic", "Baltic states"], go_live=True)
    assert tags_of(version) == ["Arctic", "Baltic states"] and not Tag.objects.filter(name__iexact="baltic").exists()
    french = make_article(tags=["Baltic"], language="fr")  # another language's tag of that name is its own
    assert tags_of(french) == ["Baltic"] and Tag.objects.get(name="Baltic").language == "fr"


def test_an_author_merge_keeps_the_biographies_and_photo_the_target_lacks(author, make_article, make_image, committed):
    from articles.models import AuthorBio

    twin = Author.objects.create(name="A. Writer", slug="a-writer", photo=make_image())
    AuthorBio.objects.create(author=twin, language="en", bio="The English life.")
    AuthorBio.objects.create(author=twin, language="fr", bio="La vie en français.")
    AuthorBio.objects.create(author=author, language="fr", bio="Sa propre vie.")
    make_article(authors=[twin])
    committed(services.merge_taxonomy, source=twin, into=author, by=None)
    author.refresh_from_db()
    assert dict(author.texts.values_list("language", "bio")) == {"en": "The English life.", "fr": "Sa propre vie."}
    assert author.photo_id == twin.photo_id


def test_the_merge_page_preselects_nothing_and_counts_each_piece_once(demo, django_capture_on_commit_callbacks):
    editor = AdminUser("editor", "review-editor")
    a, b = Tag.objects.create(name="One", slug="one", language="en"), Tag.objects.create(name="Two", slug="two", language="en")
    target = Tag.objects.create(name="Both", slug="both", language="en")
    from articles.models import PieceVersion

    version = PieceVersion.objects.filter(language="en").first()
    version.tags.add(a, b)
    page = editor.post("/admin/articles/tag/", {"action": "merge_selected", "_selected_action": [str(a.pk), str(b.pk)]})
    assert read_form(page, None).get("into") == [""], "nothing chosen: Enter alone merges nothing"
    refused = editor.post("/admin/articles/tag/", {"action": "merge_selected", "_selected_action": [str(a.pk), str(b.pk)], "into": ""})
    assert "This field is required" in refused.content.decode() and Tag.objects.filter(pk=a.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = editor.post("/admin/articles/tag/", {"action": "merge_selected", "_selected_action": [str(a.pk), str(b.pk)],
                                                    "into": str(target.pk)}, follow=True)  # fmt: skip
    assert "1 piece moves in the background" in done.content.decode()
    again = editor.post("/admin/articles/tag/", {"action": "merge_selected", "_selected_action": [str(a.pk), str(b.pk)],
                                                 "into": str(target.pk)}, follow=True)  # fmt: skip
    assert "no longer exist: they were merged or deleted meanwhile" in again.content.decode(), "a second tab, after the first"
