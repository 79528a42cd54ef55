"""Each listing costs the same number of queries for 3 pieces as for 30 (no N+1)."""

import re

import pytest

from articles import services

# The bound is pinned per page; it must not grow with the number of items.
LISTING_QUERY_BOUNDS = {
    "/en/": 4,  # featured ids, local pieces, fallback pieces (when local ones do not fill it), images
    "/fr/": 4,
    # Counts, years and the next scheduled go-live are cached per listing epoch (selectors.epoch).
    "/en/articles/": 2,  # page, images
    "/en/articles/?kind=analysis&section=collective-defence": 2,
    "/en/articles/YEAR/": 3,  # an empty year is a 404: Django's ListView asks whether it exists
    "/en/sections/collective-defence/": 2,  # page, images
    "/en/tags/shared/": 4,  # tag, existence (an unused tag is a 404), page, images
    "/en/authors/ada-writer/": 4,  # author, bio, page, images
}


@pytest.fixture(params=[3, 30], ids=lambda n: f"{n}-items")
def many_pieces(request, make_article, make_image, section, kind, author):
    pieces = []
    for n in range(request.param):
        piece = make_article(section=section, kind=kind, authors=[author], tags=["Shared", f"Own {n}"], image=make_image())
        if n % 3 == 0:
            french = services.create_translation(source=piece, language="fr", by=None)
            services.save_version(version=french, by=None, changes={"slug": f"fr-{piece.slug}", "status": piece.status}, go_live=True)
        pieces.append(piece)
    return pieces


@pytest.mark.parametrize("url", LISTING_QUERY_BOUNDS)
def test_listing_query_count_is_constant(client, many_pieces, url, django_assert_max_num_queries):
    url_for = url.replace("YEAR", str(many_pieces[0].local_date.year))
    client.get(url_for)  # a reader before this one filled the cache of section and kind names
    with django_assert_max_num_queries(LISTING_QUERY_BOUNDS[url]):
        response = client.get(url_for)
    assert response.status_code == 200
    # Every piece shown is really on the page (the bound is not met by showing nothing).
    assert response.content.decode().count('class="card__title"') == min(len(many_pieces), 9 if url in ("/en/", "/fr/") else 12)


def test_article_detail_query_count_is_constant(client, many_pieces, django_assert_max_num_queries):
    client.get(many_pieces[0].get_absolute_url())
    # version with piece, related rows, images of both (byline, tags and language versions are cached per epoch)
    with django_assert_max_num_queries(3):
        assert client.get(many_pieces[0].get_absolute_url()).status_code == 200


def test_home_with_featured_pieces_stays_constant(client, many_pieces, django_assert_max_num_queries):
    from articles.models import FeaturedPiece

    for order, piece in enumerate(many_pieces[-3:]):  # the oldest pieces, featured first
        services.save_featured(featured=FeaturedPiece(language="en", piece=piece.piece, order=order), by=None)
    client.get("/en/")
    with django_assert_max_num_queries(5):
        page = client.get("/en/").content.decode()
    shown = re.findall(r'class="card__title"[^>]*><a [^>]*>([^<]+)</a>', page)
    assert shown[:3] == [piece.title for piece in many_pieces[-3:]]
    assert len(shown) == min(len(many_pieces), 9) and len(set(shown)) == len(shown)  # featured pieces are not repeated


def test_section_and_kind_names_cost_three_queries_once_then_come_from_the_cache(client, many_pieces, django_assert_max_num_queries):
    # cold: section and kind names and the publication pages that exist (3), the next scheduled go-live (1),
    # the home arrangement (2: featured pieces and section order; one of them within the bound)
    with django_assert_max_num_queries(LISTING_QUERY_BOUNDS["/en/"] + 5):
        client.get("/en/")
    with django_assert_max_num_queries(LISTING_QUERY_BOUNDS["/en/"]):
        client.get("/en/")
