"""Reader search: per-language stemming, the fallback rule, filters, snippets, paging, and nothing unpublished found.

PostgreSQL runs every case; SQLite (FTS5 with the Porter stemmer, diacritics removed) runs the ones it can honour
and skips the others by name.
"""

import re
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles import integrity, search, services
from articles.models import FanOut, SearchDocument, Status, Tag

POSTGRES_ONLY = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's per-language stemmers")


def found(url):
    response = Client().get(url)
    assert response.status_code == 200, url
    return response, response.content.decode()


def titles(html):
    return re.findall(r'class="card__title"[^>]*><a [^>]*>([^<]+)</a>', html)


def test_an_english_query_finds_other_forms_of_the_word_and_never_a_draft_or_scheduled_piece(make_article):
    make_article(title="Coastal defence", body="<p>The port was attacked twice in one winter.</p>")
    make_article(title="Draft on ports", body="<p>The port was attacked again.</p>", status=Status.DRAFT)
    make_article(title="Scheduled on ports", body="<p>It was attacked.</p>", published_at=timezone.now() + timedelta(days=2))
    make_article(title="Unrelated", body="<p>Nothing about it.</p>")
    response, html = found("/en/search/?q=attacks")
    assert titles(html) == ["Coastal defence"]
    assert "<mark>attacked</mark>" in html  # the snippet marks the word found
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, follow" and '<meta name="robots" content="noindex, follow">' in html


@pytest.mark.django_db
def test_the_search_page_is_indexed_and_its_results_are_not():
    """The page to search from may be found in search engines; a page of results, whatever its query string, may not."""
    for url in ("/en/search/?q=defence", "/en/search/?q=", "/ar/search/?q=%D8%A7", "/en/search/?page=2"):
        response = Client().get(url)
        assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex, follow", url
        assert '<meta name="robots" content="noindex, follow">' in response.content.decode(), url
    response = Client().get("/en/search/")
    html = response.content.decode()
    assert response.status_code == 200 and "X-Robots-Tag" not in response and "noindex" not in html
    assert '<link rel="canonical" href="http://testserver/en/search/">' in html


def test_a_french_query_without_accents_finds_accented_words(make_article):
    make_article(language="fr", title="La sécurité européenne", slug="securite", body="<p>Une défense commune.</p>")
    _response, html = found("/fr/search/?q=securite+defense")
    assert titles(html) == ["La sécurité européenne"]
    _response, html = found("/fr/search/?q=d%C3%A9fense")
    assert titles(html) == ["La sécurité européenne"]


@POSTGRES_ONLY
def test_russian_query_finds_another_case_of_the_word(make_article):
    make_article(language="ru", title="Оборона Балтии", slug="oborona", body="<p>Оборона региона зависит от союзников.</p>")
    _response, html = found("/ru/search/?q=%D0%BE%D0%B1%D0%BE%D1%80%D0%BE%D0%BD%D1%8B")  # обороны
    assert titles(html) == ["Оборона Балтии"]


@POSTGRES_ONLY
def test_english_stemming_applies_to_the_title_and_ranks_it_first(make_article):
    make_article(title="Notes", body="<p>Deterrence, deterrence and deterring.</p>", published_at=timezone.now() - timedelta(hours=1))
    make_article(title="Deterring aggression", body="<p>Other words.</p>", published_at=timezone.now() - timedelta(days=30))
    _response, html = found("/en/search/?q=deter")
    assert titles(html)[0] == "Deterring aggression"  # a title match outranks a body match, whatever the date


@POSTGRES_ONLY
def test_results_rank_in_tiers_title_then_lead_then_body_newest_first_within_each(make_article):
    """Every word in the title first, then every word in the title, standfirst, tags or authors, then the rest."""
    now = timezone.now()

    def piece(title, days, **fields):
        make_article(title=title, published_at=now - timedelta(days=days), **fields)

    piece("Body only, newest", 1, body="<p>Arctic patrols resumed.</p>")
    piece("Arctic patrols at sea", 40)
    piece("Lead match", 5, standfirst="Why Arctic patrols matter.")
    piece("Arctic patrols, the newer title", 20)
    piece("Tagged", 3, tags=["Arctic patrols"])
    piece("Arctic split", 2, body="<p>Patrols elsewhere.</p>")  # one word in the title, the other in the body only
    piece("Neither", 1, body="<p>Nothing to find.</p>")
    _response, html = found("/en/search/?q=arctic+patrols")
    assert titles(html) == [
        "Arctic patrols, the newer title",
        "Arctic patrols at sea",
        "Tagged",
        "Lead match",
        "Body only, newest",
        "Arctic split",
    ]
    with connection.cursor() as cursor:  # the tiers are index scans, not a reading of every match's vectors
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'articles_searchdocument'")
        assert set(search.GIN_INDEXES) <= {name for (name,) in cursor.fetchall()}


def test_an_arabic_query_finds_an_arabic_piece(make_article):
    make_article(language="ar", title="أمن البحر الأسود", slug="black-sea", body="<p>يعتمد أمن المنطقة على الحلفاء.</p>")
    make_article(title="Black Sea security", body="<p>Allies.</p>")
    _response, html = found("/ar/search/?q=%D8%A7%D9%84%D8%AD%D9%84%D9%81%D8%A7%D8%A1")  # الحلفاء
    assert titles(html) == ["أمن البحر الأسود"]


def test_search_follows_the_fallback_rule(make_article):
    """In French, a piece without a French version is found in its English source; one with a French version, in French only."""
    english_only = make_article(title="Cyber resilience", body="<p>Hybrid threats.</p>")
    translated = make_article(title="Hybrid warfare", body="<p>Hybrid threats again.</p>")
    make_article(translation_of=translated, language="fr", title="La guerre asymétrique", slug="guerre", body="<p>Menaces.</p>")
    _response, html = found("/fr/search/?q=hybrid")
    assert set(titles(html)) == {"Cyber resilience"}  # the English version of the translated piece is not shown in French
    assert search.Results("fr", "hybrid").count() == 1  # nor counted
    _response, html = found("/fr/search/?q=asymetrique")
    assert titles(html) == ["La guerre asymétrique"]
    assert f'hreflang="en">{english_only.title}' in found("/fr/search/?q=hybrid")[1]  # labelled as the English original


@POSTGRES_ONLY
def test_a_fallback_piece_is_found_with_its_own_languages_stemming(make_article, admin_user):
    """French search reads an English fallback piece with English stemming ("threatening" finds "threatened", which
    French stemming alone would not); once the piece's source is French, its English version is read in French."""
    piece = make_article(title="Baltic ports", body="<p>The ports were threatened.</p>")
    assert search.configs_shown("fr") == sorted([search.config_for("en"), search.config_for("fr")])
    assert search.Results("fr", "threatening").count() == 1
    assert search.Results("de", "threatening").count() == 1
    french = make_article(translation_of=piece, language="fr", title="Ports baltes", slug="ports", body="<p>Menacés.</p>")
    services.make_source(version=french, by=admin_user)
    services.delete_version(version=piece, by=admin_user)
    assert search.configs_shown("de") == sorted(
        [search.config_for("de"), search.config_for("fr")]
    )  # no piece is written in English any more


def test_a_scheduled_translation_takes_over_from_its_source_at_its_time(make_article):
    """Until the French version's time, French search finds the English source; from then on, the French version only."""
    source = make_article(title="Kaliningrad corridor", body="<p>Kaliningrad.</p>")
    at = timezone.now() + timedelta(days=2)
    make_article(translation_of=source, language="fr", title="Le corridor", slug="corridor", body="<p>Kaliningrad.</p>", published_at=at)

    def found_in_french(now):
        results = search.Results("fr", "kaliningrad", now=now)
        return results.count(), [row.version.title for row in results[0:10]]

    assert found_in_french(timezone.now()) == (1, ["Kaliningrad corridor"])
    assert found_in_french(at + timedelta(minutes=1)) == (1, ["Le corridor"])
    assert [row.version.title for row in search.Results("en", "kaliningrad", now=at + timedelta(minutes=1))[0:10]] == [
        "Kaliningrad corridor"
    ]


def test_moving_a_piece_to_another_section_moves_it_in_the_search_filter(make_article, section):
    piece = make_article(title="Readiness", body="<p>Readiness.</p>")
    _response, html = found("/en/search/?q=readiness&section=collective-defence")
    assert titles(html) == []
    services.update_piece(piece=piece.piece, by=None, section=section)
    _response, html = found("/en/search/?q=readiness&section=collective-defence")
    assert titles(html) == ["Readiness"]


def test_unpublishing_deleting_and_editing_change_what_is_found(make_article):
    by = None
    piece = make_article(title="Arctic posture", body="<p>Icebreakers.</p>")
    assert titles(found("/en/search/?q=icebreakers")[1]) == ["Arctic posture"]
    piece = services.save_version(version=piece, by=by, changes={"body": "<p>Submarines.</p>"}, go_live=True)
    assert titles(found("/en/search/?q=icebreakers")[1]) == []
    assert titles(found("/en/search/?q=submarines")[1]) == ["Arctic posture"]
    services.unpublish(versions=[piece], by=by)
    assert titles(found("/en/search/?q=submarines")[1]) == []
    services.publish(versions=[piece], by=by)
    assert titles(found("/en/search/?q=submarines")[1]) == ["Arctic posture"]
    services.delete_piece(piece=piece.piece, by=by)
    assert titles(found("/en/search/?q=submarines")[1]) == []
    assert not SearchDocument.objects.exists()


def test_tags_and_authors_are_found_and_renaming_them_is_too(make_article, author, django_capture_on_commit_callbacks):
    make_article(title="With a tag", tags=["Maritime security"], authors=[author])
    make_article(title="Also in the body", tags=["Maritime security"], body="<p>Maritime routes and security of supply.</p>")
    assert sorted(titles(found("/en/search/?q=maritime")[1])) == ["Also in the body", "With a tag"]
    assert titles(found(f"/en/search/?q={author.name.split()[-1]}")[1]) == ["With a tag"]
    author.name = "Zebulon Quartermain"
    with django_capture_on_commit_callbacks(execute=True):  # the re-index is a job, queued at commit
        services.save_taxonomy(instance=author, by=None)
    assert titles(found("/en/search/?q=quartermain")[1]) == ["With a tag"]
    tag = Tag.objects.get(name="Maritime security")
    tag.name = "Littoral defence"
    with django_capture_on_commit_callbacks(execute=True):
        services.save_taxonomy(instance=tag, by=None)
    assert sorted(titles(found("/en/search/?q=littoral")[1])) == ["Also in the body", "With a tag"]
    # The old name finds only what says it in the body, as a phrase too, and every document is what a full rewrite
    # makes.
    assert titles(found("/en/search/?q=maritime")[1]) == ["Also in the body"]
    assert titles(found("/en/search/?q=%22maritime+routes%22")[1]) == ["Also in the body"]
    assert integrity.search_drift() == (set(), set())
    # A word of the body and a word of a tag's name find a piece together; a phrase of the name finds it; a name's
    # word excluded excludes it; an author's name and a tag's together.
    assert titles(found("/en/search/?q=routes+littoral")[1]) == ["Also in the body"]
    assert sorted(titles(found("/en/search/?q=%22littoral+defence%22")[1])) == ["Also in the body", "With a tag"]
    assert titles(found("/en/search/?q=littoral+-routes")[1]) == ["With a tag"]
    assert titles(found("/en/search/?q=maritime+-littoral")[1]) == []
    assert titles(found("/en/search/?q=quartermain+littoral")[1]) == ["With a tag"]


def test_on_postgresql_a_rename_rewrites_no_search_document(make_article, author):
    """PostgreSQL's documents refer to tags and authors by id: a rename queues no job, leaves every document as it
    was, and is found by its new name at once."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's documents hold the names; its rename job is tested above")
    make_article(title="With a tag", tags=["Maritime security"], authors=[author])
    tag = Tag.objects.get(name="Maritime security")
    before = dict(SearchDocument.objects.values_list("version_id", "document"))
    jobs = FanOut.objects.count()
    tag.name, author.name = "Littoral defence", "Zebulon Quartermain"
    services.save_taxonomy(instance=tag, by=None)
    services.save_taxonomy(instance=author, by=None)
    assert FanOut.objects.count() == jobs
    assert dict(SearchDocument.objects.values_list("version_id", "document")) == before
    assert titles(found("/en/search/?q=littoral+quartermain")[1]) == ["With a tag"]
    assert titles(found("/en/search/?q=maritime")[1]) == []
    assert "#t" in before[next(iter(before))] and "Maritime" not in before[next(iter(before))]


def test_filters_paging_and_the_count(make_article, section, kind, settings):
    settings.REVIEW_PAGE_SIZE = 2
    for n in range(3):
        make_article(title=f"Sectioned {n}", body="<p>Readiness.</p>", section=section, kind=kind)
    make_article(title="Elsewhere", body="<p>Readiness.</p>", published_at=timezone.now() - timedelta(days=800))
    _response, html = found("/en/search/?q=readiness")
    assert "4 pieces match “readiness”" in html and len(titles(html)) == 2 and 'rel="next"' in html
    _response, second = found("/en/search/?q=readiness&page=2")
    assert len(titles(second)) == 2 and not set(titles(html)) & set(titles(second))
    _response, html = found("/en/search/?q=readiness&section=collective-defence&kind=analysis")
    assert "3 pieces match" in html and "Elsewhere" not in html
    assert 'aria-label="Remove filter Section: Collective defence"' in html
    year = (timezone.localdate() - timedelta(days=800)).year
    _response, html = found(f"/en/search/?q=readiness&year={year}")
    assert titles(html) == ["Elsewhere"]
    _response, html = found(f"/en/search/?q=readiness&year={year}&section=collective-defence")
    assert "No pieces match these filters." in html and "Search without filters" in html


@pytest.mark.parametrize(
    "query, says",
    [
        ("", "Type a word or two to search"),
        ("%00%00%00", "Type a word or two to search"),
        ("!!!+%3F%3F+...", "Your search has no words to look for"),
        ("a" * 10_000, "only its first 200 characters were used"),
        ("%22unclosed+phrase", "Nothing matches"),
        ("foo%3A*+%26+bar+%7C+!baz+%3C-%3E", "Nothing matches"),
        ("AND+OR+NOT+NEAR(x)", "Nothing matches"),
        ("-only+-negatives", "Nothing matches"),
        ("%EE%80%80mark%EE%80%81", "Nothing matches"),
        ("%F0%9F%98%80", "Your search has no words to look for"),
    ],
)
def test_empty_and_hostile_queries_get_a_helpful_page(make_article, query, says):
    make_article(title="Something", body="<p>Words.</p>")
    response, html = found(f"/en/search/?q={query}")
    assert says in html
    assert "\x00" not in html and "\ue000" not in html


def test_bad_filters_and_pages_never_fail(make_article):
    make_article(title="Something", body="<p>Words.</p>")
    assert Client().get("/en/search/?q=words&section=nope").status_code == 400
    assert Client().get("/en/search/?q=words&year=99999").status_code == 400
    for page in ("abc", "0", "-1", "999999", "1e9"):
        assert titles(found(f"/en/search/?q=words&page={page}")[1]) == ["Something"]
    assert Client().get("/xx/search/?q=words").status_code == 404


def test_a_hostile_body_cannot_inject_markup_through_the_snippet(make_article):
    make_article(title="Escaping", body="<p>Missiles &lt;script&gt;alert(1)&lt;/script&gt; missiles \ue000x\ue001.</p>")
    _response, html = found("/en/search/?q=missiles")
    assert "<script>alert" not in html  # (PostgreSQL leaves the tag-like words out of the snippet; SQLite escapes them)
    snippet = re.search(r'<p class="card__snippet">(.*?)</p>', html).group(1)
    assert snippet.count("<mark>") == snippet.count("</mark>") >= 1


def test_the_switcher_keeps_the_query_and_the_filters_that_exist_elsewhere(make_article, section):
    make_article(title="Sectioned", body="<p>Readiness.</p>", section=section)
    _response, html = found("/en/search/?q=readiness&section=collective-defence")
    assert 'href="/fr/search/?q=readiness&amp;section=defense-collective"' in html


def test_the_switcher_drops_a_year_the_other_language_does_not_show(make_article):
    """The French version of the only 2016 piece came out in 2017: French has no 2016, so the French link leaves
    the year out rather than lead to a refused filter; German shows the English original, and keeps it."""
    source = make_article(title="Readiness then", body="<p>Readiness.</p>", published_at=timezone.make_aware(datetime(2016, 6, 1)))
    make_article(translation_of=source, language="fr", title="Préparation", slug="preparation", body="<p>Readiness.</p>",
                 published_at=timezone.make_aware(datetime(2017, 6, 1)))  # fmt: skip
    _response, html = found("/en/search/?q=readiness&year=2016")
    assert 'href="/fr/search/?q=readiness"' in html and 'href="/de/search/?q=readiness&amp;year=2016"' in html
    assert Client().get("/fr/search/?q=readiness&year=2016").status_code == 400  # what the link would have led to
    assert Client().get("/de/search/?q=readiness&year=2016").status_code == 200


def test_every_page_has_the_search_box(make_article):
    article = make_article(title="Something")
    for url in ("/en/", "/ar/articles/", article.get_absolute_url(), "/en/search/?q=x", "/en/no-such-page/"):
        html = Client().get(url).content.decode()
        assert 'role="search"' in html and 'action="/' in html and 'name="q"' in html, url


def test_search_page_query_count_is_constant(client, make_article, django_assert_max_num_queries):
    for n in range(15):
        make_article(title=f"Readiness {n}", body="<p>Readiness.</p>")
    client.get("/en/search/?q=readiness")  # cached names and configurations
    # The names the words match (PostgreSQL), the page of matches with their count, its rows, its snippets, its pictures
    with django_assert_max_num_queries(5):
        assert client.get("/en/search/?q=readiness").status_code == 200


def test_a_page_of_results_comes_with_the_count_in_one_query(make_article, django_assert_num_queries):
    """Only the page asked for leaves the database, with the number of matches beside it; pages follow one order.
    (On PostgreSQL, one query before: the tags and authors whose names hold the words.)"""
    for n in range(15):
        make_article(title=f"Readiness {n}", body="<p>Readiness.</p>", published_at=timezone.now() - timedelta(days=n))
    everything = search.Results("en", "readiness")
    assert everything.count() == 15  # no page asked for: a count of its own
    order = everything.page_ids(0, 15)
    assert len(set(order)) == 15
    names = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(1 + names):
        second = search.Results("en", "readiness", window=(12, 12))
        assert second.count() == 15 and second.page_ids(12, 3) == order[12:]  # the paginator trims the last page
    with django_assert_num_queries(2 + names):  # a page past the end has no count beside it
        past = search.Results("en", "readiness", window=(24, 12))
        assert past.count() == 15 and past.page_ids(24, 12) == []
    assert search.Results("en", "readiness").page_ids(10, 4) == order[10:14]
    assert search.Results("en", "!!!", window=(0, 12)).count() == 0


def test_a_year_filter_costs_the_switcher_one_query_whatever_the_languages(client, make_article, django_assert_max_num_queries):
    """Which languages show the year is one query of index probes, however many languages the switcher lists,
    even right after the listings changed (nothing cached yet); on PostgreSQL one more finds the names the words match."""
    make_article(title="Readiness", body="<p>Readiness.</p>", published_at=timezone.make_aware(datetime(2016, 6, 1)))
    cache.clear()
    with django_assert_max_num_queries(13):
        assert client.get("/en/search/?q=readiness&year=2016").status_code == 200


def test_clean_query_cuts_at_a_word_and_drops_control_characters():
    assert search.clean_query("  nato\x00 \x07 defence\t") == ("nato defence", False)
    assert search.clean_query("alpha beta gamma", limit=12) == ("alpha beta", True)
    assert search.fts5_query('nato -russia "baltic sea" or arctic') == '(("nato") AND ("baltic sea" OR "arctic")) NOT ("russia")'
    assert search.fts5_query('say "it""s" or -') == '("say") AND ("it") AND ("s")'  # quotes never escape their string
    assert search.fts5_query("!!! -- ''") == ""


def test_rebuilding_the_index_keeps_results(make_article):
    make_article(title="Rebuilt", body="<p>Readiness.</p>")
    search.rebuild_all()
    assert titles(found("/en/search/?q=readiness")[1]) == ["Rebuilt"]
