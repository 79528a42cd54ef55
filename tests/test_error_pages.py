"""Error pages that cannot fail (issue 27): production settings, every middleware, a Host header that is not allowed,
forged session cookies, and a database that is down, in a process of its own started as gunicorn starts one."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent

# Calls the WSGI application as gunicorn does (review/wsgi.py, its fast path included) and prints what it answered.
SCRIPT = r"""
import io, json, sys
from review.wsgi import application

def call(path, host="review.example", cookie="", method="GET", body=b""):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "review.example",
               "SERVER_PORT": "443", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": host, "HTTP_COOKIE": cookie,
               "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)), "wsgi.url_scheme": "https",
               "wsgi.errors": io.StringIO(), "HTTP_ACCEPT_ENCODING": "identity"}
    status = []
    chunks = application(environ, lambda line, headers, exc_info=None: status.append((line, dict(headers))))
    body = b"".join(chunks)
    return {"status": int(status[0][0].split()[0]), "body": body.decode("utf-8", "replace"), "headers": status[0][1]}

print(json.dumps({name: call(*args, **kwargs) for name, args, kwargs in json.loads(sys.argv[1])}))
"""

CALLS = [
    ("bad host, home", ["/en/"], {"host": "evil.example"}),
    ("bad host, missing page", ["/fr/nowhere/"], {"host": "evil.example"}),
    ("bad host, admin", ["/admin/"], {"host": "evil.example"}),
    ("bad host with a port", ["/en/articles/"], {"host": "review.example.evil:99"}),
    ("missing page, database down", ["/fr/nowhere/"], {}),
    ("home, database down", ["/ar/"], {}),
    ("forged session, database down", ["/en/articles/"], {"cookie": "sessionid=forged-0123456789abcdef; csrftoken=x"}),
    ("admin, database down", ["/admin/"], {"cookie": "sessionid=zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"}),
    ("post without a token", ["/en/search/"], {"method": "POST", "body": b"q=x"}),
]

DATABASES_DOWN = {
    "postgresql": "postgres://postgres@127.0.0.1:1/review_down",  # nothing listens on port 1
    "sqlite": "sqlite:////nonexistent-directory/review.sqlite3",  # a file that cannot be opened
}


@pytest.fixture(scope="module", params=sorted(DATABASES_DOWN))
def answers(request):
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE", "REDIS", "REVIEW_"))},
        "DJANGO_SETTINGS_MODULE": "review.settings.prod",
        "DJANGO_SECRET_KEY": "error-pages-test-3f9a7c1e5b2d8a6f4c0e9b7d5a3f1c8e6b4d2a0f",
        "DJANGO_ALLOWED_HOSTS": "review.example",
        "DATABASE_URL": DATABASES_DOWN[request.param],
        "DJANGO_SSL_REDIRECT": "0",
        "PYTHONPATH": str(ROOT),
    }
    calls = [(name, args, {**kwargs, "body": kwargs.get("body", b"").decode()}) for name, args, kwargs in CALLS]
    script = SCRIPT.replace('body=b""', 'body=""').replace("io.BytesIO(body)", "io.BytesIO(body.encode())")
    done = subprocess.run([sys.executable, "-c", script, json.dumps(calls)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def test_a_host_that_is_not_allowed_gets_a_400_page(answers):
    found, _log = answers
    for name in ("bad host, home", "bad host, missing page", "bad host, admin", "bad host with a port"):
        answer = found[name]
        assert answer["status"] == 400, (name, answer["status"], answer["body"][:300])
        assert "evil" not in answer["body"], name
        assert ("<h1>Bad request</h1>" in answer["body"]) == (name != "bad host, missing page"), name
        assert answer["headers"].get("Cache-Control") == "no-store", "no cache keeps an error of one request"
    french = found["bad host, missing page"]["body"]
    assert 'lang="fr"' in french and "<h1>Requête incorrecte</h1>" in french, "in the language of the address"


def test_with_the_database_down_pages_say_so_in_the_readers_language(answers):
    found, log = answers
    missing = found["missing page, database down"]
    assert missing["status"] == 404 and 'lang="fr"' in missing["body"] and 'role="search"' in missing["body"]
    home = found["home, database down"]
    assert home["status"] == 500 and 'lang="ar" dir="rtl"' in home["body"], home["body"][:300]
    for name in ("forged session, database down", "admin, database down"):
        assert found[name]["status"] == 500, (name, found[name]["status"])
        assert "Something went wrong" in found[name]["body"] and "Traceback" not in found[name]["body"]
    assert "The plain" not in log, "the plain page itself never failed"


def test_a_post_without_its_token_is_refused_with_403(answers):
    found, _log = answers
    assert found["post without a token"]["status"] == 403


def test_the_views_own_400_and_403_keep_the_reader_chrome_when_they_can(db, client):
    refused = client.get("/en/articles/?year=abc")
    assert refused.status_code == 400 and "sections-nav" in refused.content.decode(), "a refused filter: the full page"
    forbidden = Client(raise_request_exception=False).get("/en/calendar.ics?token=forged")
    assert forbidden.status_code in (403, 404)


def test_a_forbidden_page_is_the_plain_page_in_the_readers_language(db):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_user("no-rights", password="x", is_staff=True)
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    response = client.get("/admin/auth/user/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Forbidden</h1>" in page and "no-store" in response["Cache-Control"]
    arabic = Client(raise_request_exception=False, HTTP_HOST="evil.example").get("/ar/x/")
    assert arabic.status_code == 400 and 'dir="rtl"' in arabic.content.decode()
