"""Figures derived from the listings (page counts, the years list) are cached; they must follow every change.

They live under an epoch: the listing generation, moved by every rebuild (a service's write), and the
next scheduled go-live, so that the passing of time alone also moves it.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.test import Client

from articles import services
from articles.models import FeaturedPiece, Status

PAGE = re.compile(r"Page (\d+) of (\d+)")
NOON = datetime(2031, 5, 12, 12, 0, tzinfo=ZoneInfo("Europe/Brussels"))


def pages(client, path):
    html = client.get(path).content.decode()
    found = PAGE.search(html)
    return (int(found[1]), int(found[2])) if found else None


def titles(client, path):
    return re.findall(r'class="card__title"[^>]*><a [^>]*>([^<]+)</a>', client.get(path).content.decode())


def test_the_page_count_follows_publishing_and_unpublishing(make_article, client):
    made = [make_article(title=f"Piece {n:02}") for n in range(12)]
    assert pages(client, "/en/articles/") is None  # one page: no pagination at all
    extra = make_article(title="The thirteenth")
    assert pages(client, "/en/articles/") == (1, 2)
    assert client.get("/en/articles/?page=2").status_code == 200
    services.unpublish(versions=[extra], by=None)
    assert pages(client, "/en/articles/") is None
    assert client.get("/en/articles/?page=2").status_code == 404
    services.delete_piece(piece=made[0].piece, by=None)
    assert len(titles(client, "/en/articles/")) == 11


def test_filtered_counts_are_kept_apart(make_article, client):
    for n in range(13):
        make_article(title=f"Piece {n:02}")
    assert pages(client, "/en/articles/") == (1, 2)
    this_year = str(make_article(title="Probe").local_date.year)
    assert pages(client, f"/en/articles/?year={this_year}") == (1, 2)
    assert pages(client, "/en/articles/?year=2001") is None


def test_deep_pages_show_exactly_the_rows_of_their_range_in_order(make_article, client):
    now = datetime.now(tz=ZoneInfo("UTC"))
    for n in range(30):
        make_article(title=f"Piece {n:02}", published_at=now - timedelta(hours=n + 1))
    expected = [f"Piece {n:02}" for n in range(30)]
    assert titles(client, "/en/articles/") == expected[:12]
    assert titles(client, "/en/articles/?page=2") == expected[12:24]
    assert titles(client, "/en/articles/?page=3") == expected[24:]


def test_the_years_list_follows_a_piece_moved_to_another_year(make_article, client):
    piece = make_article(title="Only piece", published_at=datetime(2019, 3, 1, tzinfo=ZoneInfo("UTC")))
    recent = make_article(title="Recent piece")
    this_year = f"/en/articles/{recent.local_date.year}/"
    archive = client.get(this_year).content.decode()
    assert 'href="/en/articles/2019/"' in archive and 'href="/en/articles/2018/"' not in archive
    services.save_version(version=piece, by=None, changes={"published_at": datetime(2018, 3, 1, tzinfo=ZoneInfo("UTC"))}, go_live=True)
    archive = client.get(this_year).content.decode()
    assert 'href="/en/articles/2019/"' not in archive and 'href="/en/articles/2018/"' in archive
    assert client.get("/en/articles/2019/").status_code == 404


def test_a_scheduled_piece_is_counted_when_its_time_comes_with_no_job_run(make_article):
    client = Client()
    with time_machine.travel(NOON - timedelta(minutes=1), tick=False) as clock:
        for n in range(12):
            make_article(title=f"Piece {n:02}", published_at=NOON - timedelta(days=1, minutes=n))
        make_article(title="At noon", status=Status.PUBLISHED, published_at=NOON)
        assert pages(client, "/en/articles/") is None
        assert "At noon" not in titles(client, "/en/articles/")
        clock.move_to(NOON)
        assert pages(client, "/en/articles/") == (1, 2)
        assert titles(client, "/en/articles/")[0] == "At noon"


def test_the_home_page_follows_its_featured_pieces(make_article, client):
    oldest = make_article(title="Oldest piece", published_at=datetime(2019, 3, 1, tzinfo=ZoneInfo("UTC")))
    for n in range(9):
        make_article(title=f"Piece {n:02}")
    assert "Oldest piece" not in titles(client, "/en/")
    featured = FeaturedPiece(language="en", piece=oldest.piece, order=0)
    services.save_featured(featured=featured, by=None)
    assert titles(client, "/en/")[0] == "Oldest piece"
    services.delete_featured(featured=featured, by=None)
    assert "Oldest piece" not in titles(client, "/en/")


def test_the_article_page_follows_its_byline_tags_and_translations(make_article, client, author):
    piece = make_article(title="Bylined", authors=[author], tags=["First tag"])
    url = piece.get_absolute_url()
    page = client.get(url).content.decode()
    assert author.name in page and "First tag" in page and 'hreflang="fr"' not in page
    services.save_version(version=piece, by=None, changes={}, authors=[], tags=["Second tag"], go_live=True)
    french = make_article(translation_of=piece, language="fr", title="Signé", slug="signe")
    page = client.get(url).content.decode()
    assert author.name not in page and "First tag" not in page and "Second tag" in page
    assert f'hreflang="fr" href="http://testserver{french.get_absolute_url()}"' in page
    services.save_version(version=piece, by=None, changes={}, authors=[author], go_live=True)
    author.name = "Renamed Writer"
    author.save()
    services.taxonomy_changed(instance=author)  # as the author admin does after a save
    assert "Renamed Writer" in client.get(url).content.decode()
