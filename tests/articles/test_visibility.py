"""Nothing unpublished leaks: not by URL, not in a listing, switcher, hreflang or related block."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.models import Status


@pytest.fixture
def hidden_pieces(make_article, section, kind, author):
    """A published English piece whose French version is a draft, plus a draft and a scheduled piece
    sharing its section, kind, author and tag."""
    common = {"section": section, "kind": kind, "tags": ["Secret-tag"], "authors": [author]}
    live = make_article(title="Live piece", slug="live", **common)
    french_draft = services.create_translation(source=live, language="fr", by=None)
    french_draft = services.save_version(
        version=french_draft, by=None, changes={"title": "Version brouillon", "slug": "version-brouillon"}, go_live=True
    )
    draft = make_article(title="Draft piece", slug="draft", status=Status.DRAFT, **common)
    in_review = make_article(title="Review piece", slug="in-review", status=Status.REVIEW, **common)
    scheduled = make_article(title="Scheduled piece", slug="scheduled", published_at=timezone.now() + timedelta(hours=2), **common)
    return {"live": live, "french_draft": french_draft, "hidden": [draft, in_review, scheduled]}


def reader_urls(live):
    year = live.local_date.year
    return [
        "/en/",
        "/fr/",
        "/en/articles/",
        "/fr/articles/",
        f"/en/articles/{year}/",
        f"/fr/articles/{year}/",
        "/en/sections/collective-defence/",
        "/fr/sections/defense-collective/",
        "/en/tags/secret-tag/",
        "/en/authors/ada-writer/",
        "/fr/authors/ada-writer/",
        live.get_absolute_url(),
    ]


def test_unpublished_pieces_are_404_by_url(client, hidden_pieces):
    for article in [*hidden_pieces["hidden"], hidden_pieces["french_draft"]]:
        assert client.get(article.get_absolute_url()).status_code == 404, article


def test_unpublished_pieces_appear_on_no_reader_page(client, hidden_pieces):
    for url in reader_urls(hidden_pieces["live"]):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        for title in ["Draft piece", "Review piece", "Scheduled piece", "Version brouillon"]:
            assert title not in page, (title, url)
        assert "/draft/" not in page and "/scheduled/" not in page and "version-brouillon" not in page, url


def test_french_readers_get_the_source_while_the_translation_is_a_draft(client, hidden_pieces):
    page = client.get("/fr/").content.decode()
    assert 'lang="en" dir="ltr"><a href="/en/articles/' in page
    assert "Live piece" in page


def test_switcher_and_hreflang_skip_unpublished_versions(client, hidden_pieces):
    page = client.get(hidden_pieces["live"].get_absolute_url()).content.decode()
    assert 'hreflang="fr"' not in page
    assert page.count('rel="alternate" hreflang=') == 2  # en + x-default


def test_publishing_the_translation_puts_it_everywhere(client, hidden_pieces):
    services.publish(versions=[hidden_pieces["french_draft"]], by=None)
    assert "Version brouillon" in client.get("/fr/").content.decode()
    assert 'hreflang="fr"' in client.get(hidden_pieces["live"].get_absolute_url()).content.decode()
    assert "Live piece" not in client.get("/fr/").content.decode()  # each piece once per listing
