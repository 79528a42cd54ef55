"""`manage.py generate_bench_data` (what `make bench` measures) on a small data set."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone

from articles.models import ArticleImage, ListingEntry, Piece, PieceVersion, Status, Tag, TaggedArticle


def generate(**options):
    out = io.StringIO()
    call_command("generate_bench_data", versions=120, pieces=30, languages=8, seed=3, stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_refuses_to_wipe_a_database_not_named_bench():
    with pytest.raises(CommandError, match="--yes-wipe"):
        generate()


@pytest.mark.django_db
def test_generates_the_data_set_and_the_listing_index(client):
    output = generate(yes_wipe=True)
    languages = [code for code, _name in settings.LANGUAGES][:8]  # the test settings have fewer than 8: all of them

    assert "versions: 120" in output and "Generated in" in output
    assert Piece.objects.count() == 30
    assert PieceVersion.objects.count() == 120
    assert set(PieceVersion.objects.values_list("language", flat=True)) <= set(languages)
    assert not PieceVersion.objects.values("piece", "language").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert not Piece.objects.filter(source__isnull=True).exists()
    for piece in Piece.objects.select_related("source"):
        assert piece.source.piece_id == piece.pk
    now = timezone.now()
    assert PieceVersion.objects.exclude(status=Status.PUBLISHED).exists(), "drafts"
    assert PieceVersion.objects.filter(status=Status.PUBLISHED, published_at__gt=now).exists(), "scheduled versions"
    assert Tag.objects.exists() and TaggedArticle.objects.exists() and ArticleImage.objects.exists()
    assert not Tag.objects.exclude(language__in=languages).exists()
    assert ListingEntry.objects.filter(language="en", facet="all").exists()

    response = client.get("/en/")
    assert response.status_code == 200
    assert response.content.count(b'class="card') >= 3
