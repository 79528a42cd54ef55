"""What a reader does, in a real browser."""

import re
from urllib.parse import unquote

import pytest

from tests.e2e.conftest import WIDTHS, save_screenshot, wait_until
from tests.e2e.pages import ARTICLE, SEARCH_WORD, SECTION


@pytest.mark.parametrize("accept_language, home", [("ar,en;q=0.5", "/ar/"), ("ru-RU,ru;q=0.9,en;q=0.5", "/ru/"), ("en-GB,en", "/en/")])
def test_root_lands_on_the_readers_language(open_page, live_demo, accept_language, home):
    page = open_page("/", accept_language=accept_language)
    assert page.url == live_demo.url + home
    assert page.locator("html").get_attribute("lang") == home.strip("/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if home == "/ar/" else "ltr")


def test_reader_goes_from_a_piece_to_its_translation_a_tag_a_section_and_a_topic(open_page, live_demo):
    page = open_page("/en/")
    page.get_by_role("link", name="Securing the Nordic-Baltic region").click()
    assert page.url == live_demo.url + ARTICLE["en"]
    save_screenshot(page, "journey-1-article-en")

    page.get_by_role("navigation", name="Languages").get_by_role("link", name="français").click()
    assert unquote(page.url).startswith(live_demo.url + "/fr/articles/2016/03/17/")
    assert page.locator("h1").inner_text() == "Sécuriser la région nordique-balte"
    assert page.locator("html").get_attribute("lang") == "fr"

    page.get_by_role("link", name="Finlande").click()
    assert page.url == live_demo.url + "/fr/tags/finlande/"
    assert page.locator("h1").inner_text() == "Finlande"
    assert page.get_by_role("link", name="Sécuriser la région nordique-balte").is_visible()

    page.get_by_role("navigation", name="Thèmes").get_by_role("link", name="Dissuasion et défense").click()
    assert unquote(page.url) == live_demo.url + "/fr/sections/dissuasion-et-défense/"
    assert page.locator("h1").inner_text() == "Dissuasion et défense"

    page.get_by_role("link", name=re.compile("^Review")).click()
    block = page.locator(".block").nth(1)
    title = block.locator("h3").inner_text()
    block.get_by_role("link", name=re.compile("^En savoir plus")).click()
    assert page.locator("h1").inner_text() == title == "Renforcer les capacités"
    save_screenshot(page, "journey-2-section-fr")


@pytest.mark.parametrize("start, pages", [("/en/articles/", 4), ("/en/articles/2014/", 2)])
def test_reader_pages_through_the_list_and_a_year(open_page, settings, start, pages):
    settings.REVIEW_PAGE_SIZE = 2
    page = open_page(start)
    seen = []
    for number in range(1, pages + 1):
        assert page.locator(".pagination__status").inner_text() == f"Page {number} of {pages}"
        seen += page.locator(".card__title").all_inner_texts()
        if number < pages:
            page.get_by_role("link", name="Older").click()
    assert page.get_by_role("link", name="Older").count() == 0
    assert len(seen) == len(set(seen))  # no piece twice across pages
    page.get_by_role("link", name="Newer").click()
    assert page.locator(".pagination__status").inner_text() == f"Page {pages - 1} of {pages}"


def test_top_of_page_brings_the_reader_back_up(open_page):
    page = open_page(ARTICLE["en"], width=WIDTHS["phone"])
    link = page.locator(".article__footer").get_by_role("link", name="Top of page")
    link.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 500
    link.click()
    wait_until(page, "window.scrollY === 0")
    assert page.locator(".brand").is_visible()


def test_keyboard_reaches_the_skip_link_first_then_every_link_with_a_visible_focus_ring(open_page):
    page = open_page("/en/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # moved into view when focused

    # Number every visible link and control (the search box), then Tab through the page and record which numbers get focus.
    links = page.evaluate(
        """() => [...document.querySelectorAll('a[href], input, button, select, summary')].filter(a => a.getClientRects().length)
                  .map((a, i) => { a.dataset.linkIndex = i; return i; }).length"""
    )
    reached, unringed = set(), []
    for _ in range(links):
        state = page.evaluate(
            """() => { const el = document.activeElement; const style = getComputedStyle(el);
                 return {index: el.dataset.linkIndex, text: el.textContent.trim(),
                         ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2}; }"""
        )
        assert state["index"] is not None, state  # focus is on one of the visible links or controls
        reached.add(state["index"])
        if not state["ring"]:
            unringed.append(state)
        page.keyboard.press("Tab")
    assert unringed == []
    assert reached == {str(index) for index in range(links)}


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_screenshots_of_home_article_and_section(open_page, language, device):
    for name, path in [("home", f"/{language}/"), ("article", ARTICLE[language]), ("section", SECTION[language])]:
        page = open_page(path, width=WIDTHS[device])
        assert page.locator("h1").count() == 1
        save_screenshot(page, f"{name}-{language}-{WIDTHS[device]}")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_on_a_phone_the_reader_searches_from_the_masthead_and_switches_language_from_a_compact_menu(open_page, language):
    errors = []
    page = open_page(f"/{language}/", width=375, accept_language=language)
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    menu = page.locator(".switcher--narrow")
    assert menu.is_visible() and not page.locator(".switcher--wide").is_visible()
    masthead = page.locator(".masthead__inner").bounding_box()
    assert masthead["height"] < 140  # name, menu button and search box: no wrapping list of six languages
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    save_screenshot(page, f"masthead-{language}-375")

    page.locator("#masthead-q").fill(SEARCH_WORD[language])
    page.locator("#masthead-q").press("Enter")
    page.wait_for_load_state()
    assert "/search/?q=" in page.url
    assert page.locator(".results__count").is_visible() and page.locator(".card").count() >= 1
    assert page.locator(".card__snippet mark").count() + page.locator(".card__title").count() >= 1
    assert page.locator("#masthead-q").input_value() == SEARCH_WORD[language]
    save_screenshot(page, f"search-{language}-375")

    menu.locator("summary").click()
    other = "fr" if language == "en" else "en"
    link = menu.locator(f'a[hreflang="{other}"]')
    assert link.is_visible()
    assert "q=" in link.get_attribute("href")  # the same search in the other language
    link.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == other and "/search/?q=" in page.url
    assert errors == []


def test_a_search_with_no_words_explains_itself(open_page):
    page = open_page("/en/search/?q=%21%21%21", width=375)
    assert "no words to look for" in page.locator("main").inner_text()
    assert page.locator("#id_q").is_visible()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_reader_of_an_outdated_translation_is_pointed_to_the_updated_original(open_page, live_demo, language):
    from articles import services
    from articles.models import PieceVersion

    source = PieceVersion.objects.get(language="en", slug="securing-the-nordic-baltic-region")
    translation = PieceVersion.objects.get(piece_id=source.piece_id, language=language)
    page = open_page(translation.get_absolute_url())
    assert page.locator(".original-updated").count() == 0

    services.save_version(version=source, by=None, changes={"standfirst": "How do Allies defend the region today?"}, go_live=True)
    page.reload()
    notice = page.get_by_role("note")
    assert notice.is_visible() and notice.locator("xpath=ancestor-or-self::*[@lang][1]").get_attribute("lang") == language
    save_screenshot(page, f"original-updated-{language}")
    notice.get_by_role("link").click()
    assert page.url == live_demo.url + ARTICLE["en"]
    assert "How do Allies defend the region today?" in page.locator(".lede").inner_text()

    source.refresh_from_db()
    services.save_version(version=translation, by=None, changes={}, matches_source_revision=source.content_revision, go_live=True)
    page.goto(live_demo.url + translation.get_absolute_url())
    assert page.locator(".original-updated").count() == 0
