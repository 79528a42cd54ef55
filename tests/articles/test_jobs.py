"""Background jobs for real: renditions made by a Celery worker over Redis, scheduled go-live, the beat schedule."""

import json
import os
import re
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import kombu.pools
import pytest
import redis
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from articles import events
from articles.models import Image
from articles.tasks import go_live_due
from review.celery import app
from tests.admin_client import AdminUser
from tests.conftest import jpeg_bytes

# A database of its own per test process (pytest-xdist's gw0, gw1, ...), emptied before and after.
BROKER = f"redis://127.0.0.1:6379/{15 - int(os.environ.get('PYTEST_XDIST_WORKER', 'gw0')[2:] or 0) % 8}"
TEN = datetime(2031, 5, 12, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))


@pytest.fixture
def seen_events():
    """Every change event sent (after commit) while the test runs."""
    seen = []

    def receive(sender, event, **kwargs):
        seen.append(event)

    events.change_event.connect(receive)
    yield seen
    events.change_event.disconnect(receive)


def _forget_broker_connections():
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()  # kombu's global producer pools would otherwise hand later tests a closed connection pool


@pytest.fixture
def redis_broker(settings):
    """The Celery app sends to Redis (not in-process) for this test; skipped, loudly, without Redis."""
    client = redis.Redis.from_url(BROKER, socket_connect_timeout=1, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        message = f"real-worker test SKIPPED: Redis does not answer on 127.0.0.1:6379 ({error})"
        if os.environ.get("REVIEW_REQUIRE_REDIS") == "1":
            pytest.fail(message.replace("SKIPPED", "cannot run"))
        pytest.skip(message)
    client.flushdb()  # leftovers of an interrupted run must not be consumed here
    settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL = False, BROKER
    before = dict(app.conf.changes)
    # Prefixed keys: with namespace="CELERY" they win over Django's settings (plain ones would not).
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=BROKER, CELERY_WORKER_HIJACK_ROOT_LOGGER=False)
    _forget_broker_connections()
    assert (app.conf.task_always_eager, app.conf.broker_url, app.conf.worker_hijack_root_logger) == (False, BROKER, False)
    yield client
    app.conf.changes.clear()
    app.conf.changes.update(before)
    _forget_broker_connections()
    client.flushdb()
    client.close()


def queued(client, task_name):
    """How many `task_name` jobs wait in the broker (others may wait beside them: the demo's translations queue
    their translation memory's jobs as they are published)."""
    return sum(json.loads(message)["headers"]["task"] == task_name for message in client.lrange("celery", 0, -1))


def run_in_worker(task_name, timeout=20):
    """Start a real Celery worker on the Redis broker until it has run `task_name`; its state and return value."""
    finished, outcome = threading.Event(), {}

    def on_postrun(task, state, retval, **kwargs):
        if task.name == task_name:
            outcome.update(state=state, retval=retval)
            finished.set()

    task_postrun.connect(on_postrun, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=20):
            assert finished.wait(timeout), f"the worker did not run {task_name} within {timeout} s"
    finally:
        task_postrun.disconnect(on_postrun)
    return outcome


def lead_picture(url):
    response = Client().get(url)
    assert response.status_code == 200, url
    return response.content.decode().split('class="article__lead')[1].split("</picture>")[0]


@pytest.mark.django_db(transaction=True)
def test_upload_returns_before_renditions_then_the_worker_makes_them_and_the_page_serves_them(
    redis_broker, demo, make_article, seen_events
):
    editor = AdminUser("editor", "review-editor")
    form = {"title": "Harbour at noon", "credit": "Test", "licence": "CC0", "focal_x": "", "focal_y": ""}
    response = editor.post("/admin/articles/image/add/", {**form, "upload": SimpleUploadedFile("harbour.jpg", jpeg_bytes((800, 450)))})
    assert response.status_code == 302, response.content.decode()[:2000]

    image = Image.objects.get(title="Harbour at noon")
    assert image.state == "processing" and not image.file and image.renditions == {}  # the request decoded nothing
    assert storages["pending"].exists(image.pending_upload)  # the upload waits, private, for the worker
    assert queued(redis_broker, "articles.process_image") == 1  # it queued the job in Redis instead

    article = make_article(image=image)
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "article__lead" not in page and "/media/" not in page  # nothing to show yet, and nothing broken

    assert run_in_worker("articles.process_image") == {"state": "SUCCESS", "retval": image.pk}
    assert queued(redis_broker, "articles.process_image") == 0

    pending = image.pending_upload
    image.refresh_from_db()
    assert image.state == "ready" and not image.pending_upload and not storages["pending"].exists(pending)
    assert re.fullmatch(r"images/\d{4}/\d\d/[0-9a-f]{32}\.jpg", image.file.name)  # a name no one can guess
    assert sorted(image.renditions) == ["card", "full"]
    assert [width for width, _h, _name in image.renditions["full"]["avif"]] == [320, 640]
    lead = lead_picture(article.get_absolute_url())
    assert '<source type="image/avif" srcset="/media/renditions/' in lead
    assert '<source type="image/webp" srcset="/media/renditions/' in lead
    assert f'src="/media/{image.file.name}"' not in lead
    changed = [e for e in seen_events if e.extra.get("image") == image.pk]
    assert [e.kind for e in changed] == [events.PIECE_CHANGED]
    assert events.shows_key("v", article.pk) in changed[0].urls  # its page and every card of it carry the key


@pytest.mark.django_db(transaction=True)
def test_a_rename_answers_at_once_and_a_worker_rewrites_the_search_words_in_batches(redis_broker, make_article):
    from articles import search, services
    from articles.models import FanOut, Tag

    for n in range(3):
        make_article(title=f"Harbour piece {n}", tags=["Ports"])
    tag = Tag.objects.get(name="Ports")
    tag.name = "Littoral"
    services.save_taxonomy(instance=tag, by=None)  # commits, and queues the job in Redis
    if not search.names_in_documents():  # PostgreSQL's documents refer to the tag: found by its new name at once
        assert not FanOut.objects.exists() and queued(redis_broker, "articles.fan_out") == 0
        assert Client().get("/en/search/?q=littoral").content.decode().count("Harbour piece") == 3
        return
    job = FanOut.objects.get(subject=f"t:{tag.pk}")
    assert (job.done, job.finished_at) == (0, None) and queued(redis_broker, "articles.fan_out") == 1
    assert "Harbour piece" not in Client().get("/en/search/?q=littoral").content.decode()  # not yet

    assert run_in_worker("articles.fan_out") == {"state": "SUCCESS", "retval": 3}
    job.refresh_from_db()
    assert job.finished_at and job.done == 3
    assert Client().get("/en/search/?q=littoral").content.decode().count("Harbour piece") == 3


def page_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_piece_scheduled_for_ten_appears_at_ten_and_go_live_announces_it_once(
    make_article, client, seen_events, django_capture_on_commit_callbacks
):
    with time_machine.travel(TEN - timedelta(minutes=1), tick=False) as clock:
        piece = make_article(title="Ten o’clock piece", slug="ten-oclock", published_at=TEN)
        url = piece.get_absolute_url()
        assert url == "/en/articles/2031/05/12/ten-oclock/"
        for listing in ("/en/", "/en/articles/"):
            assert f'href="{url}"' not in page_of(client, listing), listing
        assert client.get(url).status_code == 404

        clock.move_to(TEN)  # no job has run: listings and the page go by the time alone
        for listing in ("/en/", "/en/articles/"):
            assert f'href="{url}"' in page_of(client, listing), listing
        assert client.get(url).status_code == 200
        assert seen_events == []

        with django_capture_on_commit_callbacks(execute=True):
            assert go_live_due.apply().get() == 1
        assert [(e.kind, e.version_id) for e in seen_events] == [(events.VERSION_PUBLISHED, piece.pk)]
        assert {url, "/en/", "/en/articles/", "/en/articles/2031/", "/fr/", "/fr/articles/", "/ar/"} <= seen_events[0].urls

        clock.move_to(TEN + timedelta(minutes=1))
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            assert go_live_due.apply().get() == 0
        assert callbacks == [] and len(seen_events) == 1


def test_a_translation_scheduled_after_its_source_replaces_it_at_its_own_time(make_article, client):
    with time_machine.travel(TEN - timedelta(minutes=15), tick=False) as clock:
        source = make_article(title="Harbour defence", slug="harbour-defence", published_at=TEN - timedelta(hours=1))
        french = make_article(translation_of=source, language="fr", title="Défense des ports", slug="defense-des-ports", published_at=TEN)
        source_url, french_url = source.get_absolute_url(), french.get_absolute_url()

        page = page_of(client, "/fr/")
        assert f'lang="en" dir="ltr"><a href="{source_url}"' in page
        assert french_url not in page and "Défense des ports" not in page
        assert client.get(french_url).status_code == 404

        clock.move_to(TEN)
        page = page_of(client, "/fr/")
        assert f'<a href="{french_url}" hreflang="fr">Défense des ports</a>' in page
        assert source_url not in page and "Harbour defence" not in page
        assert client.get(french_url).status_code == 200


def test_beat_runs_the_go_live_task_and_resumes_fan_outs_every_minute(settings):
    assert settings.CELERY_BEAT_SCHEDULE == {
        "go-live-every-minute": {"task": "articles.go_live_due", "schedule": 60.0},
        "resume-fan-outs-every-minute": {"task": "articles.resume_fan_outs", "schedule": 60.0},
        "sweep-pending-uploads-daily": {"task": "articles.sweep_pending_uploads", "schedule": 86400.0},
    }
    assert app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE
    assert app.tasks["articles.go_live_due"].name == go_live_due.name == "articles.go_live_due"
    assert app.tasks["articles.process_image"].run.__module__ == "articles.tasks"
    assert app.tasks["articles.sweep_pending_uploads"].run.__module__ == "articles.tasks"


@pytest.mark.django_db(transaction=True)
def test_the_go_live_job_run_by_a_real_worker_purges_the_cached_listings_at_the_go_live_time(redis_broker, make_article, settings):
    """The clock stands at 09:59, the listings are cached; at 10:00 the beat's job goes through Redis to a
    worker, whose event purges them: the next readers get the new piece, and an unrelated page stays cached."""
    settings.REVIEW_PAGE_CACHE = True
    with time_machine.travel(TEN - timedelta(minutes=1), tick=True) as clock:
        make_article(title="Ten o’clock piece", slug="ten-oclock", published_at=TEN)
        old = make_article(title="Old piece", slug="old-piece", published_at=TEN - timedelta(days=900))
        client = Client()
        for url in ("/en/articles/", "/fr/articles/", old.get_absolute_url()):
            client.get(url)
            assert client.get(url)["X-Review-Cache"] == "hit", url
        assert "Ten o’clock piece" not in client.get("/en/articles/").content.decode()

        clock.move_to(TEN + timedelta(seconds=1))
        go_live_due.delay()  # what the beat sends every minute
        assert run_in_worker("articles.go_live_due") == {"state": "SUCCESS", "retval": 1}

        for url in ("/en/articles/", "/fr/articles/"):
            response = client.get(url)
            assert response["X-Review-Cache"] == "miss" and "Ten o’clock piece" in response.content.decode(), url
        assert client.get(old.get_absolute_url())["X-Review-Cache"] == "hit"
