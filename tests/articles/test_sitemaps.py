"""Sitemaps and robots.txt: published versions with their hreflang alternates, the listings, an index that pages."""

import xml.etree.ElementTree as ET
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Status

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def parse(url):
    response = Client().get(url)
    assert response.status_code == 200, url
    return ET.fromstring(response.content)


def version_urls(root):
    return {url.findtext(f"{SM}loc"): url for url in root.findall(f"{SM}url")}


def test_versions_carry_every_published_translation_and_x_default(make_article):
    source = make_article(title="Source", slug="source-piece")
    french = make_article(language="fr", translation_of=source, title="Version française", status=Status.PUBLISHED)
    make_article(language="de", translation_of=source, title="Deutscher Entwurf", status=Status.DRAFT)
    make_article(title="Not yet", published_at=timezone.now() + timedelta(days=1))
    make_article(title="Draft", status=Status.DRAFT, slug="draft-piece")

    urls = version_urls(parse("/sitemap-versions.xml"))
    origin = "http://testserver"
    assert set(urls) == {origin + source.get_absolute_url(), origin + french.get_absolute_url()}  # only what readers see
    entry = urls[origin + french.get_absolute_url()]
    alternates = {link.get("hreflang"): link.get("href") for link in entry.findall(f"{XHTML}link")}
    assert alternates == {"en": origin + source.get_absolute_url(), "fr": origin + french.get_absolute_url(),
                          "x-default": origin + source.get_absolute_url()}  # fmt: skip
    assert entry.findtext(f"{SM}lastmod")


def test_listings_sitemap_names_homes_lists_sections_tags_and_authors(make_article, section, author):
    make_article(title="Listed", section=section, authors=[author], tags=["Arctic"])
    locations = {url.findtext(f"{SM}loc") for url in parse("/sitemap-listings.xml").findall(f"{SM}url")}
    origin = "http://testserver"
    assert {f"{origin}/en/", f"{origin}/fr/articles/", f"{origin}/en/sections/collective-defence/",
            f"{origin}/fr/sections/defense-collective/", f"{origin}/en/tags/arctic/", f"{origin}/en/authors/ada-writer/",
            f"{origin}/fr/authors/ada-writer/"} <= locations  # fmt: skip
    assert f"{origin}/fr/tags/arctic/" not in locations  # a tag is a word of one language


def test_the_index_pages_the_versions_and_its_queries_do_not_grow(make_article, settings):
    settings.REVIEW_SITEMAP_LIMIT = 5
    for n in range(6):
        make_article(title=f"Piece {n}")
    Client().get("/sitemap.xml")
    with CaptureQueriesContext(connection) as few:
        index = parse("/sitemap.xml")
    small = len(few.captured_queries)
    assert len(index.findall(f"{SM}sitemap")) == 3  # versions page 1 and 2, listings

    for n in range(6, 24):
        make_article(title=f"Piece {n}")
    Client().get("/sitemap.xml")  # as above: what is read once per change of the listings (selectors.epoch) is read
    with CaptureQueriesContext(connection) as more:
        index = parse("/sitemap.xml")
    assert len(more.captured_queries) == small  # a count, not the versions
    pages = [loc.text for loc in index.iter(f"{SM}loc") if "versions" in loc.text]
    assert len(pages) == 5 and pages[-1].endswith("?p=5")
    assert len(version_urls(parse("/sitemap-versions.xml?p=5"))) == 4
    assert Client().get("/sitemap-versions.xml?p=99").status_code == 404
    assert Client().get("/sitemap-nope.xml").status_code == 404


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin():
    response = Client().get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body and "Disallow: /admin/" in body and "Disallow: /*/preview/" in body
