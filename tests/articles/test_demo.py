"""The demo publication is the seeds' publication: exact teasers, the admin login `make run` prints."""

import re
from datetime import date
from pathlib import Path

import pytest

from articles.models import PieceVersion, SectionText
from tests.admin_client import AdminUser

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
pytestmark = pytest.mark.usefixtures("demo")


def seed_teasers():
    text = (SEEDS / "000_a7f38c7bd73e57b8.txt").read_text()
    return re.findall(r"• (.+?) (\d{2}) (\w{3})\. (\d{4}) (.+)", text)


@pytest.mark.skipif(not SEEDS.exists(), reason="shared/seeds is not beside this checkout")
def test_every_seed_teaser_is_a_published_piece_with_its_exact_words():
    teasers = seed_teasers()
    assert len(teasers) == 6
    months = {"Jan": 1, "Mar": 3, "May": 5, "Nov": 11, "Dec": 12}
    for title, day, month, year, standfirst in teasers:
        article = PieceVersion.objects.published().get(title=title)
        assert article.standfirst == standfirst.strip()
        assert article.local_date == date(int(year), months[month], int(day))
        assert article.is_source
    assert PieceVersion.objects.get(title__startswith="Украина и Россия").language == "ru"
    assert list(PieceVersion.objects.get(title="Could ISIL go nuclear?").piece.authors.values_list("name", flat=True)) == [
        "Wolfgang Rudischhauser"
    ]


@pytest.mark.skipif(not SEEDS.exists(), reason="shared/seeds is not beside this checkout")
def test_seed_section_body_and_full_articles_are_loaded_whole():
    deterrence = (SEEDS / "002_20d3455cd9037943.txt").read_text().splitlines()
    body = SectionText.objects.get(language="en", slug="deterrence-and-defence").body
    assert all(paragraph.strip() in body for paragraph in deterrence[1:] if paragraph.strip())
    collective = (SEEDS / "004_a84bedb811a391e3.txt").read_text()
    article = PieceVersion.objects.get(language="en", title="Collective defence")
    for paragraph in collective.split("\n\n")[3:-2]:
        assert paragraph.strip() in article.body


def test_at_least_one_piece_exists_in_english_french_and_arabic():
    nordic = PieceVersion.objects.get(language="en", slug="securing-the-nordic-baltic-region")
    versions = PieceVersion.objects.published().filter(piece_id=nordic.piece_id)
    assert set(versions.values_list("language", flat=True)) == {"en", "fr", "ar"}
    assert all(v.translated_from_revision == nordic.content_revision for v in versions if not v.is_source)


def test_the_printed_admin_login_works():
    client = AdminUser("admin", "review-admin").client  # through the login form, as a person (and django-axes) sees it
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/articles/pieceversion/").status_code == 200
    section = SectionText.objects.get(language="en", slug="collective-defence").section
    assert client.get(f"/admin/articles/section/{section.pk}/change/").status_code == 200


def test_the_demo_leaves_every_editorial_state_for_a_newcomer_and_loads_again_unchanged():
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from articles.models import FeaturedPiece, PendingChange, Status, VersionComment

    for run in range(2):  # `make run` again: the same states, nothing doubled
        out = StringIO()
        call_command("load_demo", skip_renditions=True, stdout=out, **({"site_url": "http://127.0.0.1:8011/"} if run else {}))
        assert ("http://127.0.0.1:8011/admin/" if run else "http://127.0.0.1:8000/admin/") in out.getvalue()  # make run PORT=8011
        featured = [f.piece.source.slug for f in FeaturedPiece.objects.filter(language="en").select_related("piece__source")]
        assert featured == ["securing-the-nordic-baltic-region", "could-isil-go-nuclear"]
        assert FeaturedPiece.objects.filter(language="ar").count() == 1
        isil = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
        scheduled = PieceVersion.objects.get(piece_id=isil.piece_id, language="fr")
        assert scheduled.status == Status.PUBLISHED and scheduled.published_at > timezone.now() and not scheduled.is_published()
        odessa = PieceVersion.objects.get(language="en", slug="odessa-ukraines-secret-weapon")
        in_review = PieceVersion.objects.get(piece_id=odessa.piece_id, language="fr")
        assert in_review.status == Status.REVIEW
        comments = VersionComment.objects.filter(version=in_review)
        assert comments.count() == 1 and comments.get().author.username == "translator-fr"
        pending = PendingChange.objects.get(version__slug="collective-defence", version__language="en")
        assert pending.standfirst.endswith("2024 Washington Summit.") and not pending.version.standfirst.endswith("Summit.")
    html = AdminUser("editor", "review-editor").get("/admin/articles/pieceversion/?review=mine").content.decode()
    assert "Odessa : l’arme secrète de l’Ukraine ?" in html  # waiting for the editor's review
