"""The filtered article list says how many pieces it found, which filters are in use, and how to clear them."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone


def page(url):
    response = Client().get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_list_counts_its_pieces_and_shows_the_filters_in_use_with_a_way_out(make_article, section, kind):
    for n in range(3):
        make_article(title=f"Sectioned {n}", section=section, kind=kind)
    make_article(title="Elsewhere")
    everything = page("/en/articles/")
    assert '<p class="results__count">4 pieces</p>' in everything and "results__filters" not in everything

    filtered = page("/en/articles/?section=collective-defence&kind=analysis")
    assert '<p class="results__count">3 pieces</p>' in filtered and "Elsewhere" not in filtered
    assert 'href="?kind=analysis" aria-label="Remove filter Section: Collective defence">' in filtered  # only the section
    assert 'href="?section=collective-defence" aria-label="Remove filter Kind: Analysis">' in filtered
    assert '<a href="/en/articles/">Clear all filters</a>' in filtered


def test_a_filter_that_matches_nothing_says_so_and_links_back(make_article, section):
    old = make_article(title="Old piece", published_at=timezone.now() - timedelta(days=800))
    make_article(title="Sectioned", section=section)
    empty = page(f"/en/articles/?section=collective-defence&year={old.local_date.year}")
    assert '<p class="results__count">0 pieces</p>' in empty
    assert 'No pieces match these filters. <a href="/en/articles/">See all articles</a>' in empty
    assert "No articles yet." not in empty


def test_one_piece_is_counted_in_the_singular(make_article):
    make_article(title="Only one")
    assert '<p class="results__count">1 piece</p>' in page("/en/articles/")


def test_the_count_and_the_empty_text_are_translated(make_article, section):
    make_article(title="Only one")
    assert '<p class="results__count">1 article</p>' in page("/fr/articles/")
    assert '<p class="results__count">مقالة واحدة</p>' in page("/ar/articles/")
    assert "Aucun article ne correspond à ces filtres." in page("/fr/articles/?section=defense-collective")
