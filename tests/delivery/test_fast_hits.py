"""The page cache's fast path in front of Django (delivery.pagecache.FastHits, review/wsgi.py): a page this process
holds and knows fresh is sent before Django makes a request, sends a signal or runs a middleware; anything it cannot
be sure of goes to Django, which answers as it always did."""

import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone

from articles import services
from articles.models import PieceVersion
from delivery.pagecache import CLOCK_KEY, LocalCopies, local_copies
from review.wsgi import application

STATE = "X-Review-Cache"


@pytest.fixture(autouse=True, params=["memory", "redis"])
def page_cache(request, settings):
    """Every test twice: with one process's memory as the cache (a copy is checked against the purge clock) and with
    production's Redis (checked against the news this process heard: review.cache.News)."""
    settings.REVIEW_PAGE_CACHE = True
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
    return request.param


class Served:
    def __init__(self, status, headers, body, django):
        self.status, self.headers, self.body, self.django = status, dict(headers), body, django
        self.text = body.decode()

    def __getitem__(self, name):
        return self.headers[name]


@pytest.fixture
def serve():
    """Call the WSGI application as gunicorn does; `django` tells whether Django's handler ran (its request_started
    signal). As Django's test client does, the test's database connection is not closed between requests."""
    started = []

    def count(**kwargs):
        started.append(1)

    request_started.connect(count)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)

    def call(path, method="GET", **headers):
        before = len(started)
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "testserver",
            "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": io.StringIO(),
            **headers,
        }  # fmt: skip
        answer = {}

        def start_response(status, response_headers, exc_info=None):
            answer.update(status=status, headers=response_headers)

        chunks = application(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        return Served(answer["status"], answer["headers"], body, django=len(started) > before)

    yield call
    request_started.disconnect(count)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_a_page_this_process_holds_is_sent_before_django_runs(make_article, serve, django_assert_num_queries):
    url = make_article(title="Fast piece").get_absolute_url()
    first = serve(url)
    assert first.django and first[STATE] == "miss" and first.status == "200 OK"
    with django_assert_num_queries(0):
        hit = serve(url)
    assert not hit.django and hit[STATE] == "hit" and hit.status == "200 OK"
    assert hit.body == first.body and "Fast piece" in hit.text
    for name in ("ETag", "Last-Modified", "Cache-Control", "Content-Security-Policy", "X-Content-Type-Options", "Content-Type"):
        assert hit[name] == first[name], name
    assert hit["Content-Length"] == str(len(hit.body)) and int(hit["Age"]) >= 0

    head = serve(url, method="HEAD")
    assert not head.django and head.body == b"" and head["Content-Length"] == str(len(first.body))


def test_a_purge_sends_the_next_request_to_django_and_the_page_is_fresh(make_article, serve, committed):
    article = make_article(title="Before the edit")
    other = make_article(title="Another piece", published_at=timezone.now() - timedelta(days=3))
    url, other_url = article.get_absolute_url(), other.get_absolute_url()
    for path in (url, other_url, url, other_url):
        serve(path)
    assert not serve(url).django and not serve(other_url).django

    committed(services.save_version, version=article, by=None, changes={"title": "After the edit"}, go_live=True)
    edited = serve(url)
    assert edited.django and edited[STATE] == "miss" and "After the edit" in edited.text and "Before the edit" not in edited.text
    # The purge moved the clock: the untouched page's stamps are read again (through Django), then it is fast again.
    untouched = serve(other_url)
    assert untouched.django and untouched[STATE] == "hit"
    assert not serve(other_url).django and not serve(url).django


def test_addresses_in_any_script_are_answered_by_django_then_from_memory(make_article, serve):
    """gunicorn passes the path as WSGI wants it (its bytes as Latin-1); Django's handler must get it unchanged."""
    from urllib.parse import unquote, unquote_to_bytes

    article = make_article(title="مقال", slug="مقال-عن-الأمن", language="ar")
    path = article.get_absolute_url()  # percent-encoded, as in a link
    assert "مقال-عن-الأمن" in unquote(path)
    wsgi_path = unquote_to_bytes(path).decode("latin-1")
    first = serve(wsgi_path)
    assert first.status == "200 OK" and first.django and "مقال" in first.text
    hit = serve(wsgi_path)
    assert hit.status == "200 OK" and not hit.django and hit.body == first.body
    missing = serve(wsgi_path.replace("/ar/", "/ar/x/"))  # a miss of the fast path reaches Django intact: a 404, not a 500
    assert missing.django and missing.status.startswith("404")


def marker(user_id):
    """The staff marker this site signs at login (delivery.staff)."""
    from django.core import signing

    from delivery.staff import MARKER, SALT

    return signing.get_cookie_signer(salt=MARKER + SALT).sign(str(user_id))


def test_staff_credentials_and_conditional_requests_go_to_django(make_article, serve):
    url = make_article(title="Careful piece").get_absolute_url()
    serve(url)
    etag = serve(url)["ETag"]
    for headers in ({"HTTP_COOKIE": f"review_staff={marker(1)}"}, {"HTTP_AUTHORIZATION": "Bearer x"}):
        staff = serve(url, **headers)
        assert staff.django and STATE not in staff.headers and "no-store" in staff["Cache-Control"], headers
    for cookie in ("sessionid=forged", "csrftoken=x", "sessionid=a; csrftoken=b", "review_staff=1:forged:signature"):
        forged = serve(url, HTTP_COOKIE=cookie)  # anyone can send these: a reader's request, sent from memory
        assert not forged.django and forged.body == serve(url).body, cookie
    not_modified = serve(url, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.django and not_modified.status.startswith("304") and not_modified.body == b""
    posted = serve(url, method="POST")
    assert posted.django and STATE not in posted.headers


def test_a_host_that_is_not_allowed_goes_to_django(make_article, serve):
    url = make_article(title="Hosted piece").get_absolute_url()
    serve(url)
    assert not serve(url).django
    forged = serve(url, HTTP_HOST="evil.example")
    assert forged.django and not forged.status.startswith("200") and STATE not in forged.headers


@pytest.mark.parametrize("page_cache", ["memory"], indirect=True)  # with Redis, the news are read instead
def test_a_lost_clock_trusts_no_copy(make_article, serve):
    url = make_article(title="Clockwork piece").get_absolute_url()
    serve(url)
    assert not serve(url).django
    cache.delete(CLOCK_KEY)  # evicted, or the cache restarted
    again = serve(url)
    assert again.django and again[STATE] == "hit"  # the stored page, its stamps read through Django
    assert not serve(url).django


@pytest.mark.django_db(transaction=True)  # commits for real: the announcement's purge happens inside that request
def test_a_due_go_live_goes_to_django_which_announces_it(make_article, serve, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    make_article(title="Due at ten", published_at=now + timedelta(minutes=10))
    serve("/en/articles/")
    hit = serve("/en/articles/")
    assert not hit.django and "Due at ten" not in hit.text

    time_machine.move_to(now + timedelta(minutes=10, seconds=1), tick=False)
    due = serve("/en/articles/")
    assert due.django and due[STATE] == "miss" and "Due at ten" in due.text
    assert PieceVersion.objects.get(title="Due at ten").live_announced


def test_another_process_reads_the_stamps_once_then_holds_the_page(make_article, serve):
    url = make_article(title="Shared piece").get_absolute_url()
    serve(url)
    local_copies.clear()  # a worker that has not served it: Django's middleware checks every stamp
    other = serve(url)
    assert other.django and other[STATE] == "hit"
    assert not serve(url).django


@pytest.mark.parametrize("page_cache", ["redis"], indirect=True)
def test_with_redis_a_hit_reads_nothing_and_any_news_sends_the_next_request_to_django(make_article, serve, redis_cache):
    from articles import selectors
    from review.cache import CHANGES

    url = make_article(title="Newsworthy piece").get_absolute_url()
    serve(url)
    assert not serve(url).django
    redis_cache.flushdb()  # the clock, the go-live facts and the stored page gone: nothing of it is read for a hit
    assert not serve(url).django

    # Another process's announcement, through Redis alone (no stamp: nothing of the page changed, but this process
    # cannot know that without reading).
    redis_cache.publish(cache.news(CHANGES).channel, b"")
    again = serve(url)
    assert again.django and again[STATE] == "miss"  # flushed: rendered again
    assert not serve(url).django

    selectors.next_generation()  # listing rows changed somewhere: the go-live facts must be read again
    assert serve(url).django and not serve(url).django


@pytest.mark.parametrize("page_cache", ["redis"], indirect=True)
def test_with_redis_a_lost_subscription_trusts_no_copy_until_it_is_back(make_article, serve, redis_cache, committed):
    from review.cache import CHANGES

    url = make_article(title="Listening piece").get_absolute_url()
    serve(url)
    assert not serve(url).django
    news = cache.news(CHANGES)
    host, port = news.listener.connection._sock.getsockname()[:2]
    assert redis_cache.client_kill_filter(_type="pubsub", addr=f"{host}:{port}") == 1  # Redis restarted, or cut it off
    # Whatever was announced while it was away would be lost: the next request reads the stamps (through Django).
    again = serve(url)
    assert again.django and again[STATE] == "hit"
    assert not serve(url).django
    committed(services.save_version, version=PieceVersion.objects.get(title="Listening piece"), by=None,
              changes={"title": "Listened to"}, go_live=True)  # fmt: skip
    edited = serve(url)
    assert edited.django and "Listened to" in edited.text and not serve(url).django


def test_local_copies_are_bounded_in_bytes_and_forget_the_oldest_first():
    def entry(size):
        return {"status": 200, "headers": [("Content-Type", "text/html")], "content": b"x" * size, "created": 0, "path": "/"}

    copies = LocalCopies(limit=5000)
    for key in "abc":
        copies.keep(key, entry(1000), verified=1)
    assert list(copies.pages) == ["b", "c"] and copies.size == 2 * 2024
    copies.keep("b", entry(10), verified=2)  # kept again: now the newest
    copies.keep("d", entry(10), verified=1)
    assert list(copies.pages) == ["c", "b", "d"]
    copies.keep("huge", entry(10_000), verified=1)  # larger than the whole budget: not kept, nothing else lost
    assert "huge" not in copies.pages and list(copies.pages) == ["c", "b", "d"]
    assert dict(copies.get("d").headers)["Content-Length"] == "10"
