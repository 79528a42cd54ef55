"""The write path at scale (issue 26): listing rows written only where they change, a language's rows built in
the background, renames that purge one key and hand their fan-out to a resumable job the editor can follow."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import integrity, listing, search, services
from articles.events import shows_key
from articles.models import FanOut, ListingEntry, Piece, Status, Tag
from tests.admin_client import AdminUser

WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?articles_listingentry"?', re.IGNORECASE)


def listing_writes(queries):
    """{"INSERT INTO": n, ...}: the statements that wrote listing rows."""
    found = {}
    for query in queries:
        match = WRITE.match(query["sql"])
        if match:
            found[match.group(1).upper()] = found.get(match.group(1).upper(), 0) + 1
    return found


# Listings written only where they change --------------------------------------------------------------------


def test_saving_a_draft_or_staging_a_live_edit_writes_no_listing_row(make_article, section):
    draft = make_article(title="A draft", status=Status.DRAFT, section=section, tags=["Arctic"])
    live = make_article(title="Live piece", section=section, tags=["Arctic"])
    assert ListingEntry.objects.filter(piece_id=live.piece_id).exists()
    with CaptureQueriesContext(connection) as queries:
        services.save_version(version=draft, by=None, changes={"title": "A draft, retitled"}, tags=["Arctic", "Baltic"])
        services.save_version(version=live, by=None, changes={"title": "Live piece, staged"})  # a pending change
    assert listing_writes(queries.captured_queries) == {}


def test_saving_a_translation_draft_purges_nothing_readers_see(make_article, heard, django_capture_on_commit_callbacks):
    live = make_article(title="Live in English")
    draft = services.create_translation(source=live, language="fr", by=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.save_version(version=draft, by=None, changes={"title": "Brouillon"})
    (event,) = [event for event in heard if event.version_id == draft.pk]
    assert event.urls == {shows_key("v", draft.pk)}, "no page shows a draft: the English page is not purged for it"


def test_a_publish_writes_the_rows_that_change_and_no_others(make_article, section):
    live = make_article(title="Live piece", section=section, tags=["Arctic"])
    rows = ListingEntry.objects.filter(piece_id=live.piece_id)
    before = set(rows.values_list("pk", flat=True))

    with CaptureQueriesContext(connection) as queries:
        services.save_version(version=live, by=None, changes={"title": "Live piece, retitled"}, go_live=True)
    assert listing_writes(queries.captured_queries) == {}, "a title is in no listing row"

    with CaptureQueriesContext(connection) as queries:
        services.save_version(version=live, by=None, changes={"published_at": live.published_at - timedelta(days=3)}, go_live=True)
    assert set(listing_writes(queries.captured_queries)) == {"UPDATE"}, "a new date moves the rows, in place"
    assert set(rows.values_list("pk", flat=True)) == before

    with CaptureQueriesContext(connection) as queries:
        services.save_version(version=live, by=None, changes={}, tags=["Arctic", "Baltic"], go_live=True)
    assert set(listing_writes(queries.captured_queries)) == {"INSERT INTO"}, "a new tag adds its rows, nothing else"
    assert before < set(rows.values_list("pk", flat=True))
    assert integrity.listing_drift() == (set(), set())


def test_a_rebuild_mends_drift_by_difference(make_article, section, kind):
    pieces = [make_article(section=section, kind=kind).piece_id for _ in range(3)]
    untouched = set(ListingEntry.objects.filter(piece_id=pieces[2]).values_list("pk", flat=True))
    ListingEntry.objects.filter(piece_id=pieces[0], facet="all").delete()  # missing
    wrong = ListingEntry.objects.filter(piece_id=pieces[1], facet="loc").first()
    ListingEntry.objects.filter(pk=wrong.pk).update(kind_id=None)  # moved
    ListingEntry.objects.create(
        language="en", facet="t:999", published_at=timezone.now(), piece_id=pieces[1], version_id=wrong.version_id
    )  # fmt: skip  (extra)
    extra, missing = integrity.listing_drift()
    assert extra and missing

    written = listing.rebuild_all()
    assert written == ListingEntry.objects.filter(piece_id=pieces[0], facet="all").count() + 2
    assert integrity.listing_drift() == (set(), set())
    assert set(ListingEntry.objects.filter(piece_id=pieces[2]).values_list("pk", flat=True)) == untouched
    assert listing.rebuild_all() == 0, "a second rebuild finds nothing to write"


def test_a_languages_rows_are_built_in_the_background_leaving_the_others(make_article, section, django_capture_on_commit_callbacks):
    for _ in range(3):
        make_article(section=section)
    others = set(ListingEntry.objects.exclude(language="de").values_list("pk", flat=True))
    expected = set(ListingEntry.objects.filter(language="de").values_list("language", "facet", "version_id"))
    assert expected
    ListingEntry.objects.filter(language="de").delete()  # as if German had just been added to LANGUAGES

    with django_capture_on_commit_callbacks(execute=True):
        job = services.add_language_rows(language="de")
    job.refresh_from_db()
    assert job.finished_at and job.done == job.total == Piece.objects.count()
    assert set(ListingEntry.objects.filter(language="de").values_list("language", "facet", "version_id")) == expected
    assert set(ListingEntry.objects.exclude(language="de").values_list("pk", flat=True)) == others
    with pytest.raises(ValueError):
        services.add_language_rows(language="xx")


# Renames: one key purged, the fan-out in a job ---------------------------------------------------------------


def test_a_tag_rename_names_one_key_and_leaves_its_search_words_to_a_job(make_article, heard, django_capture_on_commit_callbacks):
    versions = [make_article(title=f"Tagged {n}", tags=["Maritime security"]) for n in range(4)]
    tag = Tag.objects.get(name="Maritime security")
    tag.name = "Littoral defence"
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.save_taxonomy(instance=tag, by=None)
    job = FanOut.objects.filter(subject=f"t:{tag.pk}").first()
    if not search.names_in_documents():  # PostgreSQL's documents refer to the tag: nothing to rewrite, no job
        assert job is None
    else:
        assert (job.total, job.done, job.finished_at) == (4, 0, None), "the rename answers before its pieces are re-indexed"

    for callback in queued:
        callback()
    (event,) = [event for event in heard if event.kind == "tag.changed"]
    assert shows_key("t", tag.pk) in event.urls
    assert not {version.get_absolute_url() for version in versions} & event.urls, "no page is purged one by one"
    assert len(event.urls) <= 4, event.urls  # the key, and the tag's page and feeds
    if job is not None:
        job.refresh_from_db()
        assert job.finished_at and job.done == 4
    assert integrity.search_drift() == (set(), set())


def test_a_fan_out_job_that_dies_resumes_after_its_last_batch(make_article, django_capture_on_commit_callbacks):
    for n in range(3):
        make_article(title=f"By the author {n}", tags=["Baltic"])
    with django_capture_on_commit_callbacks(execute=False):
        job = services.add_language_rows(language="de")

    services.run_fan_out(job.pk, batch=1, max_batches=1)  # one batch, then the worker dies
    job.refresh_from_db()
    first = min(Piece.objects.values_list("pk", flat=True))
    assert (job.done, job.cursor, job.finished_at) == (1, first, None)

    assert services.resume_fan_outs() == 0, "a job that reported a moment ago is not resumed"
    with time_machine.travel(timezone.now() + timedelta(minutes=3)), django_capture_on_commit_callbacks(execute=True):
        assert services.resume_fan_outs() == 1
    job.refresh_from_db()
    assert job.finished_at and job.done == 3, "it went on after the first piece, and did none twice"


def test_a_fan_out_job_rests_between_batches_within_its_time_bound(make_article, settings, monkeypatch, django_capture_on_commit_callbacks):
    """Readers keep most of the machine: after each full batch the job rests REVIEW_FAN_OUT_REST times as long as the
    batch took, unless that would end it later than REVIEW_FAN_OUT_SECONDS after it began."""
    from articles.services import fanout

    for n in range(4):
        make_article(title=f"Restful {n}", tags=["Baltic"])
    rests = []
    monkeypatch.setattr(fanout.time, "sleep", rests.append)  # the clock is the library's: what matters is what is asked of it

    def build(**limits):  # a language's rows built again: a job on both databases
        for setting, value in limits.items():
            setattr(settings, setting, value)
        with django_capture_on_commit_callbacks(execute=False):
            services.add_language_rows(language="de")
        rests.clear()
        assert services.run_fan_out(FanOut.objects.filter(finished_at__isnull=True).get().pk, batch=1).finished_at
        return list(rests)

    unbounded = build(REVIEW_FAN_OUT_REST=3.0, REVIEW_FAN_OUT_SECONDS=3600.0)
    # Four full batches of one piece, then an empty one that ends it: a rest after each full one.
    assert len(unbounded) == 4 and all(rest > 0 for rest in unbounded)
    assert build(REVIEW_FAN_OUT_REST=3.0, REVIEW_FAN_OUT_SECONDS=0.0) == [0.0] * 4, "no time left: no rest"
    assert build(REVIEW_FAN_OUT_REST=0.0, REVIEW_FAN_OUT_SECONDS=3600.0) == [0.0] * 4
    assert integrity.search_drift() == (set(), set())
    settings.REVIEW_FAN_OUT_REST, settings.REVIEW_FAN_OUT_SECONDS = 3.0, 20.0
    assert fanout.rest(0.2, work_left=1.0, elapsed=0.0, batches_left=5) == pytest.approx(0.6)  # 3 x the batch
    assert fanout.rest(0.2, work_left=12.0, elapsed=8.0, batches_left=4) == 0.0  # the 20 s all taken: none spare
    assert fanout.rest(1.0, work_left=4.0, elapsed=10.0, batches_left=4) == pytest.approx(1.5)  # 6 s spare over 4


def test_a_second_job_for_one_subject_supersedes_an_unfinished_one(make_article, author, django_capture_on_commit_callbacks):
    make_article(authors=[author])
    for _time in range(2):
        with django_capture_on_commit_callbacks(execute=False):
            services.add_language_rows(language="de")
    first, second = FanOut.objects.filter(subject="de").order_by("pk")
    assert first.superseded and first.finished_at and not second.finished_at
    assert services.run_fan_out(first.pk).done == 0, "a superseded job does nothing more"
    assert services.run_fan_out(second.pk).finished_at


def test_saving_a_tag_with_its_name_unchanged_starts_no_job(make_article, django_capture_on_commit_callbacks):
    make_article(tags=["Arctic"])
    tag = Tag.objects.get(name="Arctic")
    with django_capture_on_commit_callbacks(execute=True):
        services.save_taxonomy(instance=tag, by=None)
    assert not FanOut.objects.exists()


def test_the_editor_is_told_and_can_follow_the_progress(demo, django_capture_on_commit_callbacks):
    editor = AdminUser("editor", "review-editor")
    tag = Tag.objects.filter(tagged_articles__isnull=False, language="en").distinct().order_by("pk").first()
    pieces = Piece.objects.filter(versions__tagged_items__tag=tag).distinct().count()
    page, form = editor.open_form(f"/admin/articles/tag/{tag.pk}/change/", "tag_form")
    form["name"] = "Renamed in the admin"
    with django_capture_on_commit_callbacks(execute=True):  # as the request's commit would
        saved = editor.client.post(f"/admin/articles/tag/{tag.pk}/change/", form, follow=True)
    assert saved.status_code == 200
    text = saved.content.decode()
    if not search.names_in_documents():  # PostgreSQL: nothing to do in the background, and nothing said
        assert not FanOut.objects.exists() and "being updated in the background" not in text
        return
    job = FanOut.objects.get(subject=f"t:{tag.pk}")
    assert job.finished_at and job.done == pieces  # the embedded default runs jobs at commit
    assert "being updated in the background" in text and f"/admin/articles/fanout/{job.pk}/change/" in text
    progress = editor.get(f"/admin/articles/fanout/{job.pk}/change/").content.decode()
    assert f"Done: {pieces} piece{'' if pieces == 1 else 's'}." in progress and "Renamed in the admin" in progress
    assert editor.get("/admin/articles/fanout/").status_code == 200
    assert editor.get("/admin/articles/fanout/add/").status_code == 403


@pytest.mark.django_db(transaction=True)  # the command commits, as it does in production
def test_the_command_builds_a_language_added_later_and_says_how_far_it_got(make_article, section):
    from io import StringIO

    from django.core.management import CommandError, call_command

    for _ in range(2):
        make_article(section=section)
    expected = set(ListingEntry.objects.filter(language="uk").values_list("facet", "version_id"))
    ListingEntry.objects.filter(language="uk").delete()
    out = StringIO()
    call_command("rebuild_listing", language="uk", stdout=out)
    assert set(ListingEntry.objects.filter(language="uk").values_list("facet", "version_id")) == expected
    assert "The uk listings are built: 2 pieces." in out.getvalue()
    with pytest.raises(CommandError, match="not in LANGUAGES"):
        call_command("rebuild_listing", language="xx")
