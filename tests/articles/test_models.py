from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles import services
from articles.models import Piece, PieceVersion, Status, Tag


def create_translation(*, source, language):
    return services.create_translation(source=source, language=language, by=None)


def set_tags(*, article, names):
    services.save_version(version=article, by=None, changes={}, tags=names, go_live=True)


def test_published_means_status_and_a_date_not_in_the_future(make_article):
    live = make_article()
    draft = make_article(status=Status.DRAFT)
    in_review = make_article(status=Status.REVIEW)
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))

    assert list(PieceVersion.objects.published()) == [live]
    assert live.is_published()
    assert not draft.is_published() and not in_review.is_published() and not scheduled.is_published()


def test_a_scheduled_piece_appears_by_itself_when_its_time_comes(make_article, client):
    tomorrow = timezone.now() + timedelta(days=1)
    scheduled = make_article(published_at=tomorrow, title="Tomorrow's piece")

    assert client.get(scheduled.get_absolute_url()).status_code == 404
    assert b"Tomorrow&#39;s piece" not in client.get("/en/").content

    with time_machine.travel(tomorrow + timedelta(minutes=1), tick=False):
        assert scheduled.is_published()
        assert client.get(scheduled.get_absolute_url()).status_code == 200
        assert b"Tomorrow&#39;s piece" in client.get("/en/").content


def test_versions_of_a_piece_share_the_piece_and_know_their_source(make_article):
    source = make_article(title="Source", slug="source")
    french = create_translation(source=source, language="fr")

    assert french.piece_id == source.piece_id and source.piece.source_id == source.pk
    assert not french.is_source and source.is_source
    assert french.translated_from_revision == source.content_revision
    assert french.source_version() == source
    assert french.status == Status.DRAFT
    assert set(source.piece.versions.all()) == {source, french}


def test_a_translation_is_outdated_once_its_source_text_changes(make_article):
    source = make_article()
    french = create_translation(source=source, language="fr")
    assert not french.is_outdated()

    services.save_version(version=source, by=None, changes={"status": Status.REVIEW}, go_live=True)  # not a text change
    french.refresh_from_db()
    assert not french.is_outdated()

    services.save_version(version=source, by=None, changes={"standfirst": "A new standfirst."}, go_live=True)
    source.refresh_from_db()
    french = PieceVersion.objects.get(pk=french.pk)
    assert source.content_revision == 2
    assert french.is_outdated()


@pytest.mark.parametrize(
    "duplicate",
    [
        pytest.param({"same_key": True, "language": "en", "slug": "other"}, id="piece+language"),
        pytest.param({"same_key": False, "language": "en", "slug": "taken"}, id="language+slug"),
        pytest.param({"same_key": False, "language": "de", "slug": ""}, id="empty-slug"),
        pytest.param({"same_key": False, "language": "de", "slug": "undated", "published_at": None}, id="published-without-date"),
    ],
)
def test_constraints_hold_in_the_database(make_article, duplicate):
    first = make_article(slug="taken")
    fields = {
        "piece": first.piece if duplicate.pop("same_key") else Piece.objects.create(),
        "title": "Another",
        "status": Status.PUBLISHED,
        "published_at": timezone.now(),
        **duplicate,
    }
    # bulk_create skips model validation and save(): the database alone must refuse.
    with pytest.raises(IntegrityError), transaction.atomic():
        PieceVersion.objects.bulk_create([PieceVersion(**fields)])


def test_same_slug_is_fine_in_another_language(make_article):
    english = make_article(slug="nato")
    french = make_article(slug="nato", language="fr")
    assert english.slug == french.slug


def test_tags_are_per_language_with_working_unicode_slugs(make_article, client):
    russian = make_article(language="ru", slug="статья", title="Статья")
    arabic = make_article(language="ar", slug="مقال", title="مقال")
    english = make_article()
    set_tags(article=russian, names=["Украина", "НАТО"])
    set_tags(article=arabic, names=["فنلندا"])
    set_tags(article=english, names=["Ukraine", "!!!"])

    assert set(Tag.objects.filter(language="ru").values_list("slug", flat=True)) == {"украина", "нато"}
    assert Tag.objects.get(language="ar").slug == "فنلندا"
    assert Tag.objects.get(language="en", name="!!!").slug == "tag"
    assert client.get("/ru/tags/украина/").status_code == 200
    assert client.get("/ar/tags/فنلندا/").status_code == 200
    assert client.get("/en/tags/украина/").status_code == 404  # a Russian tag has no English page


def test_same_tag_name_in_two_languages_is_two_tags(make_article):
    english, french = make_article(), make_article(language="fr")
    set_tags(article=english, names=["NATO"])
    set_tags(article=french, names=["NATO"])
    assert Tag.objects.filter(name="NATO").count() == 2


def test_a_piece_has_at_most_one_source_and_the_database_keeps_a_source_from_being_deleted(make_article):
    from django.db.models import RestrictedError

    source = make_article()
    french = create_translation(source=source, language="fr")
    with pytest.raises(IntegrityError), transaction.atomic():
        Piece.objects.bulk_create([Piece(source=source)])  # a version is the source of one piece only
    with pytest.raises(RestrictedError), transaction.atomic():
        source.delete()  # even bypassing the services
    assert PieceVersion.objects.filter(pk=source.pk).exists() and french.piece.source_id == source.pk


def test_body_is_sanitised_on_every_save(make_article):
    article = make_article(
        body='<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:alert(1)">x</a>'
        '<iframe src="https://evil"></iframe><a href="https://ok.example">ok</a></p>'
    )
    article.refresh_from_db()
    assert "script" not in article.body and "onclick" not in article.body and "iframe" not in article.body
    assert "javascript:" not in article.body
    assert 'rel="noopener noreferrer"' in article.body


def test_unknown_language_is_refused_by_validation(make_article):
    from django.core.exceptions import ValidationError

    article = make_article()
    article.language = "zz"
    with pytest.raises(ValidationError):
        article.full_clean()


def test_reading_time_is_counted_once_per_text_and_again_when_it_changes(settings):
    from articles.models import PieceVersion

    settings.REVIEW_WORDS_PER_MINUTE = 2
    version = PieceVersion(standfirst="One two", body="<p>three <strong>four</strong> five</p>")
    assert version.reading_minutes == 3 and version.__dict__["_reading_minutes"][2] == 3
    version.body = "<p>" + "word " * 9 + "</p>"
    assert version.reading_minutes == 6, "a new text is counted again"
