"""Reader pages with the demo content, languages, hreflang and the language switcher."""

import re
from urllib.parse import unquote

import pytest

from articles.models import PieceVersion, Section

SEED_TEASERS = [
    ("Securing the Nordic-Baltic region", "17 Mar. 2016"),
    ("Odessa: Ukraine’s secret weapon?", "18 Jan. 2016"),
    ("Could ISIL go nuclear?", "26 May. 2015"),
    ("Ukraine: what it hopes to leave behind", "01 Dec. 2014"),
    ("Украина и Россия: восприятие и действительность", "14 Nov. 2014"),
    ("Three ways that Putin's Ukraine strategy has backfired", "06 Nov. 2014"),
]

pytestmark = pytest.mark.usefixtures("demo")


def html(response):
    return response.content.decode()


def cards(page):
    """(title, date) of each card, in page order."""
    found = re.findall(r'class="card__title"[^>]*><a [^>]*>([^<]+)</a>.*?<time [^>]*>([^<]+)</time>', page, re.S)
    from html import unescape

    return [(unescape(title), unescape(date)) for title, date in found]


def test_english_home_shows_the_six_seed_teasers_with_their_dates(client):
    page = html(client.get("/en/"))
    shown = cards(page)
    for teaser in SEED_TEASERS:
        assert teaser in shown
    titles = [title for title, _ in shown]
    assert titles.index(SEED_TEASERS[0][0]) < titles.index(SEED_TEASERS[-1][0])  # newest first


def test_the_russian_only_piece_is_labelled_russian_on_the_english_home(client):
    page = html(client.get("/en/"))
    assert re.search(r'class="card__title" lang="ru" dir="ltr"><a [^>]*>Украина и Россия', page)
    assert '<html lang="en" dir="ltr">' in page


def test_arabic_pages_are_right_to_left(client):
    page = html(client.get("/ar/"))
    assert '<html lang="ar" dir="rtl">' in page
    assert '<div class="card__body" lang="en" dir="ltr">' in page  # English pieces shown to Arabic readers keep their direction
    assert "تأمين منطقة الشمال والبلطيق" in page  # the Arabic version replaces the English source


@pytest.mark.parametrize("accept, expected", [("ar,en;q=0.5", "/ar/"), ("ru-RU,ru;q=0.9", "/ru/"), ("en-GB", "/en/"), ("zz", "/en/")])
def test_root_redirects_by_accept_language(client, accept, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == expected


def test_dates_are_written_the_readers_way(client):
    assert "14 нояб. 2014" in html(client.get("/ru/"))
    assert "17 mars 2016" in html(client.get("/fr/"))


def test_every_reader_page_answers(client):
    nordic = PieceVersion.objects.get(language="en", slug="securing-the-nordic-baltic-region")
    urls = [
        "/en/",
        "/fr/",
        "/de/",
        "/ru/",
        "/uk/",
        "/ar/",
        "/en/articles/",
        "/ar/articles/",
        "/en/articles/?kind=video&section=collective-defence&year=2016",
        "/en/articles/2016/",
        "/ru/articles/2014/",
        nordic.get_absolute_url(),
        "/en/sections/deterrence-and-defence/",
        "/ru/sections/сдерживание-и-оборона/",
        "/ar/sections/الدفاع-الجماعي/",
        "/en/tags/ukraine/",
        "/ru/tags/украина/",
        "/ar/tags/فنلندا/",
        "/en/authors/wolfgang-rudischhauser/",
        "/fr/authors/wolfgang-rudischhauser/",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_article_detail_shows_what_a_reader_needs(client):
    page = html(client.get("/en/articles/2015/05/26/could-isil-go-nuclear/"))
    assert '<h1 class="article__title">Could ISIL go nuclear?</h1>' in page
    assert 'href="/en/authors/wolfgang-rudischhauser/" rel="author">Wolfgang Rudischhauser</a>' in page
    assert '<time datetime="2015-05-26">26 May. 2015</time>' in page
    assert "1 min read" in page
    assert 'href="/en/sections/operations-and-missions/"' in page
    assert 'href="/en/tags/isil/" rel="tag">ISIL</a>' in page
    assert "Radioactive material is easier to obtain than a weapon." in page  # caption
    assert "Photo: Review demo (generated)" in page  # credit
    assert re.search(r'<img src="/media/[^"]+\.jpg" alt="A yellow warning symbol on a dark background" width="1600" height="900"', page)
    assert '<a href="#top">Top of page</a>' in page and '<body id="top">' in page


def test_full_seed_articles_keep_their_sub_headings(client):
    page = html(client.get("/en/articles/2024/04/04/natos-strategic-focus-on-collective-defense-and-crisis-management/"))
    for heading in ["What's Happening?", "Why It's Important?", "What's Next?", "Beyond the Headlines"]:
        assert f"<h2>{heading}</h2>".replace("'", "&#39;") in page or f"<h2>{heading}</h2>" in page


def test_section_page_has_intro_body_and_its_pieces(client):
    page = html(client.get("/en/sections/deterrence-and-defence/"))
    assert "<h1>Deterrence and defence</h1>" in page
    assert "<h2>Deterrence and Defence Policy</h2>" in page  # seed 002 as the section body
    assert "Three ways that Putin&#39;s Ukraine strategy has backfired" in page


def test_home_section_blocks_link_to_their_sections(client):
    page = html(client.get("/en/"))
    for section in Section.objects.all():
        text = section.text_for("en")
        assert text.intro in page.replace("&#x27;", "'").replace("’", "’")
        assert f'href="/en/sections/{text.slug}/" class="arrow-link">Learn more' in page


def test_hreflang_and_switcher_list_exactly_the_published_versions(client):
    page = html(client.get("/en/articles/2016/03/17/securing-the-nordic-baltic-region/"))
    hreflangs = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))
    assert set(hreflangs) == {"en", "fr", "ar", "x-default"}
    assert hreflangs["x-default"] == hreflangs["en"] == "http://testserver/en/articles/2016/03/17/securing-the-nordic-baltic-region/"
    assert hreflangs["fr"].startswith("http://testserver/fr/articles/2016/03/17/")
    switcher = page.split('class="switcher switcher--wide"')[1].split("</nav>")[0]
    assert re.findall(r'hreflang="([^"]+)"', switcher) == ["fr", "ar"]
    assert client.get(re.search(r'href="([^"]+)" hreflang="fr"', switcher).group(1)).status_code == 200


def test_a_wrong_date_in_an_article_url_redirects_to_the_right_one(client):
    response = client.get("/en/articles/2016/03/18/securing-the-nordic-baltic-region/")
    assert response.status_code == 301
    assert response["Location"] == "/en/articles/2016/03/17/securing-the-nordic-baltic-region/"
    assert client.get("/en/articles/2016/02/31/securing-the-nordic-baltic-region/").status_code == 404


def test_an_article_is_only_found_under_its_own_language(client):
    assert client.get("/fr/articles/2016/03/17/securing-the-nordic-baltic-region/").status_code == 404


def test_section_slug_of_the_default_language_redirects_to_the_readers_one(client):
    response = client.get("/fr/sections/collective-defence/")
    assert response.status_code == 301
    assert unquote(response["Location"]) == "/fr/sections/défense-collective/"


def test_ui_strings_are_translated_in_every_language(client):
    expected = {"fr": "Tous les articles", "de": "Alle Artikel", "ru": "Все статьи", "uk": "Усі статті", "ar": "جميع المقالات"}
    for language, words in expected.items():
        assert words in html(client.get(f"/{language}/")), language


def test_load_demo_is_idempotent():
    from io import StringIO

    from django.core.management import call_command

    counts = PieceVersion.objects.count()
    call_command("load_demo", skip_renditions=True, without_states=True, stdout=StringIO())
    assert PieceVersion.objects.count() == counts == 10


def test_card_images_reserve_their_space_and_only_the_first_row_loads_eagerly(client):
    images = re.findall(r'<img class="card__image"[^>]*>', html(client.get("/en/")))
    assert len(images) == 8
    assert all('width="1600" height="900"' in image for image in images)
    assert ['loading="lazy"' in image for image in images] == [False] * 3 + [True] * 5


def test_an_english_card_on_the_arabic_home_is_laid_out_left_to_right_with_its_arabic_words_isolated(client):
    html = client.get("/ar/").content.decode()
    cards = re.findall(r'<article class="card[^"]*">(.*?)</article>', html, re.S)
    english = [card for card in cards if 'hreflang="en"' in card]
    arabic = [card for card in cards if 'hreflang="ar"' in card]
    assert english and arabic
    for card in english:
        assert '<div class="card__body" lang="en" dir="ltr">' in card
        assert re.search(r'<time datetime="[^"]+" lang="ar" dir="rtl">', card)
    for card in arabic:
        assert '<div class="card__body">' in card  # the page's own direction


def test_an_authors_page_shows_the_biography_in_the_readers_language_else_the_default_one(client, author, make_article):
    from articles.models import AuthorBio

    make_article(title="By Ada", authors=[author])
    AuthorBio.objects.create(author=author, language="en", bio="Ada writes on deterrence.")
    AuthorBio.objects.create(author=author, language="fr", bio="Ada écrit sur la dissuasion.")
    french = client.get("/fr/authors/ada-writer/").content.decode()
    assert "Ada écrit sur la dissuasion." in french and "deterrence" not in french
    german = client.get("/de/authors/ada-writer/").content.decode()
    assert '<div class="lede" lang="en">' in german and "Ada writes on deterrence." in german
    AuthorBio.objects.filter(author=author).delete()
    assert 'class="lede"' not in client.get("/ru/authors/ada-writer/").content.decode()
