"""Each listing costs the same number of queries for 3 pieces as for 30 (no N+1)."""

import re

import pytest

from articles.services import create_translation

# The bound is pinned per page; it must not grow with the number of items.
LISTING_QUERY_BOUNDS = {
    "/en/": 9,
    "/fr/": 9,
    "/en/articles/": 12,
    "/en/articles/?kind=analysis&section=collective-defence": 12,
    "/en/articles/YEAR/": 9,
    "/en/sections/collective-defence/": 10,
    "/en/tags/shared/": 8,
    "/en/authors/ada-writer/": 9,
}


@pytest.fixture(params=[3, 30], ids=lambda n: f"{n}-items")
def many_pieces(request, make_article, make_image, section, kind, author):
    pieces = []
    for n in range(request.param):
        piece = make_article(section=section, kind=kind, authors=[author], tags=["Shared", f"Own {n}"], image=make_image())
        if n % 3 == 0:
            french = create_translation(source=piece, language="fr")
            french.slug = f"fr-{piece.slug}"
            french.status = piece.status
            french.save()
        pieces.append(piece)
    return pieces


@pytest.mark.parametrize("url", LISTING_QUERY_BOUNDS)
def test_listing_query_count_is_constant(client, many_pieces, url, django_assert_max_num_queries):
    url_for = url.replace("YEAR", str(many_pieces[0].local_date.year))
    with django_assert_max_num_queries(LISTING_QUERY_BOUNDS[url]):
        response = client.get(url_for)
    assert response.status_code == 200
    # Every piece shown is really on the page (the bound is not met by showing nothing).
    assert response.content.decode().count('class="card__title"') == min(len(many_pieces), 9 if url in ("/en/", "/fr/") else 12)


def test_article_detail_query_count_is_constant(client, many_pieces, django_assert_max_num_queries):
    with django_assert_max_num_queries(13):
        assert client.get(many_pieces[0].get_absolute_url()).status_code == 200


def test_home_with_featured_pieces_stays_constant(client, many_pieces, django_assert_max_num_queries):
    from articles.models import FeaturedPiece

    for order, piece in enumerate(many_pieces[-3:]):  # the oldest pieces, featured first
        FeaturedPiece.objects.create(language="en", article=piece, order=order)
    with django_assert_max_num_queries(13):
        page = client.get("/en/").content.decode()
    shown = re.findall(r'class="card__title"[^>]*><a [^>]*>([^<]+)</a>', page)
    assert shown[:3] == [piece.title for piece in many_pieces[-3:]]
    assert len(shown) == min(len(many_pieces), 9) and len(set(shown)) == len(shown)  # featured pieces are not repeated
