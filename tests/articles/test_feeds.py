"""RSS and Atom feeds: a language's pieces and each section's, tag's and author's; only what readers may see."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Status

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


def rss_items(url):
    response = Client().get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")  # parses: well-formed XML
    return channel, {item.findtext("title"): item for item in channel.findall("item")}


@pytest.fixture
def published(make_article, make_image, section, author):
    piece = make_article(title="Arctic patrols", standfirst="Ships in the High North.", section=section, authors=[author],
                         tags=["Arctic", "Navies"], image=make_image())  # fmt: skip
    make_article(title="Hidden draft", status=Status.DRAFT, section=section, authors=[author], tags=["Arctic"])
    make_article(title="Tomorrow's piece", published_at=timezone.now() + timedelta(days=1), section=section, tags=["Arctic"])
    return piece


def test_the_language_feed_has_published_pieces_with_their_standfirst_authors_tags_and_image(published):
    channel, items = rss_items("/en/feed/")
    assert channel.findtext("language") == "en" and channel.findtext("link") == "http://testserver/en/"
    assert "Arctic patrols" in items and "Hidden draft" not in items and "Tomorrow's piece" not in items
    item = items["Arctic patrols"]
    assert item.findtext("link") == f"http://testserver{published.get_absolute_url()}"
    assert item.findtext("description") == "Ships in the High North."
    assert item.findtext(f"{DC}creator") == "Ada Writer"
    assert sorted(category.text for category in item.findall("category")) == ["Arctic", "Navies"]
    enclosure = item.find("enclosure")
    assert enclosure.get("type") == "image/jpeg" and enclosure.get("url").startswith("http://testserver/media/renditions/")
    assert item.findtext("pubDate")


def test_a_language_without_its_own_version_gets_the_source_and_one_with_it_gets_its_own(published, make_article):
    _channel, german = rss_items("/de/feed/")
    assert "Arctic patrols" in german  # the English source, as the German listing shows it
    make_article(language="fr", translation_of=published, title="Patrouilles arctiques", status=Status.PUBLISHED)
    _channel, french = rss_items("/fr/feed/")
    assert "Patrouilles arctiques" in french and "Arctic patrols" not in french


def test_section_tag_and_author_feeds_and_their_atom_twins(published):
    for url in ["/en/sections/collective-defence/feed/", "/en/tags/arctic/feed/", "/en/authors/ada-writer/feed/"]:
        _channel, items = rss_items(url)
        assert set(items) == {"Arctic patrols"}, url
        atom = Client().get(url + "atom/")
        assert atom.status_code == 200 and atom["Content-Type"].startswith("application/atom+xml")
        entries = ET.fromstring(atom.content).findall(f"{ATOM}entry")
        assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Arctic patrols"], url
    for url in ["/en/sections/nope/feed/", "/en/tags/nope/feed/", "/en/authors/nope/feed/atom/", "/xx/feed/"]:
        assert Client().get(url).status_code == 404, url


def test_pages_announce_their_feeds(published):
    home = Client().get("/en/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml" title="Review (RSS)" href="/en/feed/">' in home
    assert 'type="application/atom+xml"' in home
    section = Client().get("/en/sections/collective-defence/").content.decode()
    assert 'href="/en/sections/collective-defence/feed/"' in section and 'href="/en/sections/collective-defence/feed/atom/"' in section


def test_a_feed_costs_a_fixed_number_of_queries(make_article, django_assert_max_num_queries, section, author):
    for n in range(25):
        make_article(title=f"Piece {n}", section=section, authors=[author], tags=[f"Tag {n}"])
    Client().get("/en/feed/")
    with django_assert_max_num_queries(6):
        _channel, items = rss_items("/en/feed/")
    assert len(items) == 20
