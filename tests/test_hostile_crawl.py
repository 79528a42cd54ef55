"""A hostile crawl: every URL pattern of the project, taken from the URL conf (not a hand-kept list),
requested with hostile values in the path, the query string, form fields and headers (Host, cookies,
Accept-Language, conditional requests, Range...), and with every method, as an anonymous reader,
a French translator and an editor. Nothing may answer 500.

The query parameters tried on a page are the ones its own links use (admin filters, date hierarchy,
pagination) plus a catalogue of well-known ones; the form fields are the ones its forms carry.
"""

import logging
import re
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from tests.admin_client import read_form

pytestmark = pytest.mark.usefixtures("demo")

HUGE = "9" * 30
LONG = "x" * 10_000
# Values as they appear in a URL: already percent-encoded where they must be (NUL, invalid UTF-8).
PATH_VALUES = ["abc", "-1", HUGE, "a%00b", LONG, "%FF%FE", "10000", "zz"]
QUERY_VALUES = ["abc", "-1", HUGE, "a%00b", quote(LONG), "%FF%FE", "10000", "99999-99-99", "%27%22%3E%3Cscript%3E"]
FORM_VALUES = ["a\x00b", LONG, HUGE, "-1", "99999-99-99", "<script>alert(1)</script>"]
KNOWN_PARAMS = [
    "page", "q", "year", "kind", "section", "p", "o", "e", "all", "_popup", "_to_field", "_changelist_filters", "next",
    "term", "app_label", "model_name", "field_name", "language", "language__exact", "status__exact",
    "published_at__year", "published_at__month", "published_at__day", "id__exact", "piece__id__exact", "tags__id__exact",
]  # fmt: skip
HEADERS = [  # (header, hostile value): each sent alone, to every page of the headers part
    ("HTTP_HOST", "evil.example"), ("HTTP_HOST", "127.0.0.1:99999"), ("HTTP_HOST", "exa mple.org"), ("HTTP_HOST", "a" * 300),
    ("HTTP_COOKIE", "sessionid=forged; csrftoken=forged"), ("HTTP_COOKIE", "sessionid=" + "x" * 5000),
    ("HTTP_COOKIE", "review_staff=1:forged:sig"), ("HTTP_COOKIE", "=;;=\x00; a=b=c"),
    ("HTTP_ACCEPT_LANGUAGE", "zz-ZZ,xx;q=2"), ("HTTP_ACCEPT_LANGUAGE", "en;q=" + "9" * 100), ("HTTP_ACCEPT_LANGUAGE", "a," * 2000),
    ("HTTP_IF_NONE_MATCH", '"x", W/"' + "y" * 2000 + '"'), ("HTTP_IF_NONE_MATCH", "*"), ("HTTP_IF_MODIFIED_SINCE", "yesterday"),
    ("HTTP_IF_MODIFIED_SINCE", "Mon, 01 Jan 99999 00:00:00 GMT"), ("HTTP_RANGE", "bytes=999999999999-1"),
    ("HTTP_RANGE", "bytes=" + ",".join(["0-1"] * 500)), ("HTTP_ACCEPT_ENCODING", "br;q=x, gzip;q=" + "9" * 50),
    ("HTTP_X_FORWARDED_FOR", "not-an-address, " + "1." * 500), ("HTTP_X_FORWARDED_PROTO", "gopher"),
]  # fmt: skip
METHODS = ["head", "options", "put", "patch", "delete", "trace"]
PARAMETER = re.compile(r"<(?:[^>:]+:)?[^>]+>")
GROUP = re.compile(r"\((?:\?P<\w+>)?[^()]*\)")


def routes(resolver=None, prefix=""):
    """Every pattern of the URL conf as a path template (route or regex), reader pages under each language."""
    for pattern in (resolver or get_resolver()).url_patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern, text)
        else:
            yield text


def fill(route, value):
    path = GROUP.sub(value, PARAMETER.sub(value, route))
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


class Crawl:
    def __init__(self):
        self.requests, self.failures = 0, []

    def check(self, role, client, method, path, query="", data=None, **headers):
        self.requests += 1
        if method == "get":
            response = client.get(path, QUERY_STRING=query, **headers)
        elif method == "post":
            response = client.post(path, data or {}, QUERY_STRING=query, **headers)
        else:
            response = client.generic(method.upper(), path, QUERY_STRING=query, **headers)
        if response.status_code >= 500:
            error = getattr(response, "exc_info", None)
            cause = f" ({error[0].__name__}: {str(error[1])[:120]})" if error else ""
            self.failures.append(
                f"{role} {method.upper()} {path[:120]}{'?' + query[:120] if query else ''} → {response.status_code}{cause}"
            )
        return response


@pytest.fixture
def roles():
    users = get_user_model().objects
    editor, translator = Client(raise_request_exception=False), Client(raise_request_exception=False)
    editor.force_login(users.get(username="editor"))
    translator.force_login(users.get(username="translator-fr"))
    return {"anonymous": Client(raise_request_exception=False), "translator": translator, "editor": editor}


def real_pages():
    """Pages that exist: reader pages of every kind and every admin page with a real object."""
    from articles.models import Author, PieceVersion, Tag

    article = PieceVersion.objects.filter(language="en", status="published").first()
    pages = ["/en/", "/en/articles/", "/ar/articles/", f"/en/articles/{article.local_date.year}/", article.get_absolute_url()]
    pages += [f"/en/sections/{text.slug}/" for text in article.piece.section.texts.filter(language="en")] if article.piece.section else []
    pages += [f"/en/tags/{tag.slug}/" for tag in Tag.objects.filter(language="en")[:1]]
    pages += [f"/en/authors/{author.slug}/" for author in Author.objects.all()[:1]]
    pages += ["/admin/", "/admin/autocomplete/", "/admin/articles/"]
    for model in admin.site._registry:
        opts = model._meta
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        first = model.objects.order_by("pk").first()
        if first is not None:
            for view in ("change", "history", "delete"):
                pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[first.pk]))
    pages += [f"/admin/articles/pieceversion/{article.pk}/translate/", f"/admin/articles/pieceversion/{article.pk}/compare/1/2/"]
    return pages


def linked_params(html):
    names = set()
    for href in re.findall(r'href="(\?[^"]*)"', html):
        names.update(name for name, _value in parse_qsl(urlsplit(href.replace("&amp;", "&")).query, keep_blank_values=True))
    return names


# One test per role and part, so that parallel workers share the crawl (it is thousands of requests).
PAGE_PARTS = 3


@pytest.mark.parametrize("part", ["routes", "headers", *(f"pages-{n}" for n in range(PAGE_PARTS))])
@pytest.mark.parametrize("role", ["anonymous", "translator", "editor"])
def test_hostile_crawl_never_answers_500(roles, role, part, capsys, caplog):
    caplog.set_level(logging.CRITICAL, logger="django.request")  # thousands of expected 4xx warnings
    caplog.set_level(logging.CRITICAL, logger="django.security")
    crawl = Crawl()
    templates = sorted(set(routes()))
    changelists = {reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in admin.site._registry}
    for client in [roles[role]]:
        # 1. Every pattern, every parameter replaced by each hostile value.
        for route in templates if part == "routes" else []:
            if not PARAMETER.search(route) and not GROUP.search(route):
                crawl.check(role, client, "get", fill(route, ""))
                continue
            for value in PATH_VALUES:
                crawl.check(role, client, "get", fill(route, value))
        # 1b. Every pattern (filled with a plain value) and every real page with each hostile header alone, and with
        # every method but GET and POST.
        # Each path gets four of the headers and two of the methods, in turn: every header and method meets ~40 paths.
        if part == "headers":
            targets = sorted({fill(route, "abc") for route in templates} | set(real_pages()))
            for n, path in enumerate(targets):
                for k in range(4):
                    header, value = HEADERS[(4 * n + k) % len(HEADERS)]
                    crawl.check(role, client, "get", path, **{header: value})
                for k in range(2):
                    crawl.check(role, client, METHODS[(2 * n + k) % len(METHODS)], path)
        # 2. Real pages, with hostile query strings: every parameter at once, then one at a time.
        pages = [page for n, page in enumerate(real_pages()) if part == f"pages-{n % PAGE_PARTS}"]
        for page in pages:
            response = crawl.check(role, client, "get", page)
            if role == "anonymous" and page.startswith("/admin/"):
                continue  # every admin URL sends a reader to the login page, whatever its query: the routes part tried them
            params = sorted(set(KNOWN_PARAMS) | linked_params(response.content.decode(errors="replace")))
            for value in QUERY_VALUES:
                crawl.check(role, client, "get", page, "&".join(f"{name}={value}" for name in params))
            if page in changelists:  # one filter at a time, each with one of the two values that broke filters before
                for n, name in enumerate(params):
                    crawl.check(role, client, "get", page, f"{name}={('%00', HUGE)[n % 2]}")
            # 3. Its forms, posted back with hostile values: all fields at once, then each alone.
            if response.status_code != 200 or b"<form" not in response.content or role == "anonymous":
                continue
            fields = read_form(response)
            for value in FORM_VALUES:
                crawl.check(role, client, "post", page, data={name: [value] for name in fields})
            if not page.endswith("/delete/"):  # each field alone, with one of the two values
                for n, name in enumerate(fields):
                    crawl.check(role, client, "post", page, data={**fields, name: [("\x00", HUGE)[n % 2]]})
    with capsys.disabled():
        print(f"\nhostile crawl: {crawl.requests} requests, {len(crawl.failures)} answered 5xx")
        for failure in crawl.failures[:200]:
            print("  ", failure)
    assert crawl.failures == [], "\n".join(crawl.failures[:60])
