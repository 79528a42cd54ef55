"""One view: the same 30 KB of HTML the in-project bare view answers (bench/urls.py imports it from here)."""

from django.http import HttpResponse
from django.urls import path

BARE_BYTES = 30 * 1024
_ROW = "<p>Bare Django: a view that renders nothing and reads no database, for comparison.</p>\n"
BARE_HTML = ("<!doctype html><html lang=en><title>bare</title><body>\n" + _ROW * (BARE_BYTES // len(_ROW) + 1))[:BARE_BYTES].encode()


def bare_view(request):
    """30 KB of HTML, no template, no query."""
    return HttpResponse(BARE_HTML, content_type="text/html; charset=utf-8")


urlpatterns = [path("_bench/bare/", bare_view, name="bench-bare")]
