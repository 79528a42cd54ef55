"""Queries compiled once per shape (review/prepared.py) and the listings read through them (selectors.Listing): every
page is the rows a plain queryset gives, for other values than the ones the SQL was compiled with, on both databases."""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from articles import selectors
from articles.models import ArticleImage, ListingEntry
from articles.models.listing import ALL, FALLBACK, LOCAL
from review import prepared

pytestmark = pytest.mark.django_db


@pytest.fixture
def compiles(monkeypatch):
    """How often Django's compiler made SQL (a recorded plan answers without it)."""
    made = []
    original = SQLCompiler.as_sql

    def as_sql(self, *args, **kwargs):
        made.append(self.query.model.__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", as_sql)
    prepared._plans.clear()
    return made


def oracle(language, facets=(ALL,), now=None, **filters):
    """The same rows by the plain ORM, written apart from selectors."""
    now = now or timezone.now()
    rows = ListingEntry.objects.filter(Q(visible_until__isnull=True) | Q(visible_until__gt=now), published_at__lte=now)
    rows = rows.filter(language=language, facet__in=list(facets), **filters)
    return rows.select_related("version").order_by("-published_at", "-version_id")


def seen(rows):
    return [(row.pk, row.facet, row.published_at, row.version.pk, row.version.title, row.version.slug) for row in rows]


def test_a_page_of_a_listing_is_compiled_once_and_read_with_each_languages_values(demo, compiles, django_assert_num_queries):
    made = []
    for language in ("en", "fr", "ar", "ru", "en"):
        assert oracle(language).count() > 4, language
        before = len(compiles)
        with django_assert_num_queries(1):
            page = selectors.Listing(language)[2:6]
            shown = seen(page)  # the versions came with the rows: no query more
        made.append(len(compiles) - before)
        assert shown == seen(oracle(language)[2:6]), language
        assert len({row[0] for row in shown}) == 4
    assert made[0] and made[1:] == [0, 0, 0, 0]  # compiled for the first language (with its subquery); not again


def test_deep_pages_and_every_filter_give_the_rows_of_the_plain_queryset(demo, compiles):
    language = "en"
    entries = list(oracle(language))
    some = entries[len(entries) // 2]
    year = timezone.localtime(some.published_at).year
    start, end = timezone.make_aware(timezone.datetime(year, 1, 1)), timezone.make_aware(timezone.datetime(year + 1, 1, 1))
    pieces = [row.piece_id for row in entries[:5]]
    versions = [row.version_id for row in entries[3:9]]
    cases = [
        (selectors.Listing(language), oracle(language)),
        (selectors.Listing(language, year=year), oracle(language, published_at__gte=start, published_at__lt=end)),
        (selectors.Listing(language, [LOCAL, FALLBACK]), oracle(language, (LOCAL, FALLBACK))),
        (selectors.Listing(language, pieces=pieces), oracle(language, piece_id__in=pieces)),
        (selectors.Listing(language, versions=versions), oracle(language, version_id__in=versions)),
        (selectors.Listing(language, without=pieces), oracle(language).exclude(piece_id__in=pieces)),
        (selectors.Listing(language, kind=some.kind_id), oracle(language, kind_id=some.kind_id)),
    ]
    for listing, expected in cases:
        count = expected.count()
        assert listing.count() == count and listing.exists() == bool(count)
        for begin in (0, 1, max(0, count - 3)):
            assert seen(listing[begin : begin + 4]) == seen(expected[begin : begin + 4]), (listing.__dict__, begin)
    assert selectors.Listing(language, pieces=[])[0:10] == []
    assert selectors.Listing(language, year=10**6)[0:10] == [] and selectors.Listing(language, year=10**6).count() == 0


def test_a_listing_read_at_another_time_shows_what_was_visible_then(demo, compiles):
    """The time is a parameter like the others (text on SQLite, a timestamp on PostgreSQL): an earlier moment shows
    fewer pieces, and never the ones published after it."""
    entries = list(oracle("en"))
    middle = entries[len(entries) // 2].published_at
    made = 0
    for now in (timezone.now(), middle, middle - timedelta(seconds=1), entries[-1].published_at - timedelta(days=1)):
        before = len(compiles)
        rows = selectors.Listing("en", now=now)[0:50]
        made += len(compiles) - before
        assert seen(rows) == seen(oracle("en", now=now)[:50])
        assert all(row.published_at <= now for row in rows)
    assert made == 1  # the first page of a listing has no subquery: one compilation, for the first moment


def test_a_value_the_sql_cannot_take_as_a_parameter_is_compiled_every_time(demo, compiles):
    """A transformed value (`icontains` makes "%word%") cannot be found among the parameters: such a shape is never
    recorded, and still gives the right rows."""

    def build(word):
        return ArticleImage.objects.filter(caption__icontains=word).select_related("image").order_by("id")

    for word in ("a", "e", "zzzz-nothing"):
        before = len(compiles)
        found = prepared.fetch("test-icontains", build, {"word": word})
        assert len(compiles) - before == (2 if word == "a" else 1)  # the first also tried to record a plan
        assert [use.pk for use in found] == [use.pk for use in build(word)]


def test_image_uses_come_in_order_with_their_images(demo, compiles, django_assert_num_queries):
    versions = list(ArticleImage.objects.values_list("article_id", flat=True).distinct()[:6])
    assert len(versions) >= 2
    for chosen in (versions[:2], versions[2:], versions[:2]):
        with django_assert_num_queries(1):
            uses = selectors.image_uses(chosen)
            files = [use.image.file.name for use in uses]
        expected = ArticleImage.objects.filter(article_id__in=chosen).exclude(image__file="").order_by("order", "id")
        assert [(use.pk, use.image_id) for use in uses] == [(use.pk, use.image_id) for use in expected]
        assert all(files)
    with django_assert_num_queries(0):
        assert selectors.image_uses([]) == []
