"""HTTP delivery: compression as the client accepts, conditional GET, and a favicon."""

import gzip

import brotli
import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from delivery.pagecache import page_key


@pytest.mark.parametrize("accept, encoding, decode", [("br", "br", brotli.decompress), ("gzip", "gzip", gzip.decompress),
                                                       ("gzip, deflate, br", "br", brotli.decompress)])  # fmt: skip
def test_pages_are_compressed_as_the_client_accepts(make_article, accept, encoding, decode):
    url = make_article(title="Compressed piece").get_absolute_url()
    plain = Client().get(url)
    assert not plain.has_header("Content-Encoding")
    packed = Client().get(url, HTTP_ACCEPT_ENCODING=accept)
    assert packed["Content-Encoding"] == encoding and "Accept-Encoding" in packed["Vary"]
    assert decode(packed.content) == plain.content and len(packed.content) < len(plain.content) / 2


def test_conditional_get_answers_304_without_the_page_cache(make_article):
    url = make_article(title="Validated piece").get_absolute_url()
    first = Client().get(url)
    assert first.has_header("ETag")
    assert Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_favicon_at_the_root_and_icons_linked_from_every_page(make_article):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    page = Client().get(make_article().get_absolute_url()).content.decode()
    assert 'rel="icon" href="/static/img/favicon.svg"' in page and 'rel="apple-touch-icon"' in page
    assert Client().get("/static/img/favicon.svg").status_code == 200


def test_production_static_files_are_hashed_compressed_and_immutable_for_a_year(settings, tmp_path):
    """What `collectstatic` makes with production's storage, served by WhiteNoise as production serves it."""
    from django.core.management import call_command
    from django.templatetags.static import static

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    settings.WHITENOISE_USE_FINDERS, settings.WHITENOISE_AUTOREFRESH = False, False
    call_command("collectstatic", "--noinput", verbosity=0)
    url = static("css/review.css")
    assert url.startswith("/static/css/review.") and url.endswith(".css") and url != "/static/css/review.css"

    response = Client().get(url, HTTP_ACCEPT_ENCODING="br")
    assert response.status_code == 200 and response["Content-Encoding"] == "br"
    assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
    unhashed = Client().get("/static/css/review.css")
    assert "immutable" not in unhashed.get("Cache-Control", "")  # a name that can change is not kept for a year


@pytest.fixture
def page_cache(settings):
    settings.REVIEW_PAGE_CACHE = True


@pytest.mark.usefixtures("page_cache")
def test_a_cached_page_is_kept_per_encoding_and_served_before_the_rest_of_the_stack(make_article, django_assert_num_queries):
    """The page cache is the first middleware: a hit is the stored bytes, compressed as the stack compressed them for
    that encoding, with the headers the stack set (security headers included), answered with no query at all."""
    url = make_article(title="Cached and compressed").get_absolute_url()
    plain = Client().get(url).content
    for accept, encoding, decode in [("br", "br", brotli.decompress), ("gzip", "gzip", gzip.decompress), ("", None, bytes)]:
        first = Client().get(url, HTTP_ACCEPT_ENCODING=accept)
        with django_assert_num_queries(0):
            hit = Client().get(url, HTTP_ACCEPT_ENCODING=accept)
        assert (first["X-Review-Cache"], hit["X-Review-Cache"]) == ("miss" if accept else "hit", "hit")
        assert hit.get("Content-Encoding") == encoding and decode(hit.content) == plain
        assert hit["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" in hit
        stored = cache.get(page_key(RequestFactory().get(url, HTTP_ACCEPT_ENCODING=accept)))
        assert dict(stored["headers"]).get("Content-Encoding") == encoding, "stored as sent: not compressed again per hit"

    etag = Client().get(url, HTTP_ACCEPT_ENCODING="br")["ETag"]
    with django_assert_num_queries(0):
        assert Client().get(url, HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=etag).status_code == 304
