"""Layout checks that can fail: no sideways scrolling on phones, reserved image space, mirrored RTL, readable measure."""

import pytest

from tests.e2e.conftest import WIDTHS, save_screenshot
from tests.e2e.pages import ALL_PAGES, ARTICLE


@pytest.mark.parametrize("language, name, path", ALL_PAGES, ids=[f"{lang}-{name}" for lang, name, _ in ALL_PAGES])
def test_no_page_scrolls_sideways_on_a_phone(open_page, language, name, path):
    page = open_page(path, width=WIDTHS["phone"])
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0


@pytest.mark.parametrize("language, name, path", ALL_PAGES, ids=[f"{lang}-{name}" for lang, name, _ in ALL_PAGES])
def test_every_image_reserves_its_space(open_page, language, name, path):
    page = open_page(path)
    unsized = page.evaluate(
        """[...document.images]
             .filter(img => !(img.getAttribute('width') > 0 && img.getAttribute('height') > 0))
             .map(img => img.src)"""
    )
    assert unsized == []


def boxes(page, selector):
    return [box for box in (element.bounding_box() for element in page.locator(selector).all()) if box]


@pytest.mark.parametrize("language, mirrored", [("en", False), ("ar", True)])
def test_arabic_navigation_and_cards_are_mirrored(open_page, language, mirrored):
    page = open_page(f"/{language}/")
    brand, switcher = boxes(page, ".brand")[0], boxes(page, ".switcher")[0]
    first_nav, second_nav = boxes(page, ".sections-nav li")[:2]
    featured, second_card = boxes(page, ".cards--home .card")[:2]
    if mirrored:
        assert brand["x"] > switcher["x"]  # masthead: name on the right
        assert first_nav["x"] > second_nav["x"]  # navigation reads right to left
        assert featured["x"] > second_card["x"]  # the featured card starts on the right
    else:
        assert brand["x"] < switcher["x"]
        assert first_nav["x"] < second_nav["x"]
        assert featured["x"] < second_card["x"]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_article_lines_stay_readable_on_a_wide_screen(open_page, language):
    page = open_page(ARTICLE[language], width=WIDTHS["desktop"])
    characters_per_line = page.evaluate(
        """() => {
             const paragraph = document.querySelector('.article__body p');
             const probe = document.createElement('span');
             probe.textContent = paragraph.textContent.slice(0, 200);
             probe.style.whiteSpace = 'nowrap';
             paragraph.appendChild(probe);
             const average = probe.getBoundingClientRect().width / probe.textContent.length;
             probe.remove();
             return paragraph.getBoundingClientRect().width / average;
           }"""
    )
    print(f"{language}: {characters_per_line:.0f} characters per line")
    assert 45 <= characters_per_line <= 80


@pytest.mark.parametrize("language", ["en", "ar"])
def test_dark_mode_screenshots(open_page, language):
    for name, path in [("home", f"/{language}/"), ("article", ARTICLE[language])]:
        for width in (375, 1440):
            page = open_page(path, width=width, color_scheme="dark")
            save_screenshot(page, f"dark-{name}-{language}-{width}")


def test_print_shows_the_publication_and_address_without_navigation(open_page):
    page = open_page(ARTICLE["en"])
    page.emulate_media(media="print")
    heading = page.locator(".print-only")
    assert heading.is_visible() and "Review" in heading.inner_text() and ARTICLE["en"] in heading.inner_text()
    assert not page.locator(".masthead").is_visible() and not page.locator(".footer").is_visible()
    assert page.locator(".eyebrow time, .article time").first.is_visible()  # the date
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") in ("rgba(0, 0, 0, 0)", "transparent")
    page.emulate_media(media="screen")
    assert not heading.is_visible()


def test_a_short_page_keeps_the_footer_at_the_bottom(open_page):
    page = open_page("/en/articles/2016/01/01/no-such-piece/", width=1440)
    bottom = page.evaluate("document.querySelector('.footer').getBoundingClientRect().bottom")
    assert bottom >= 900 - 1  # the viewport's height: no gap under the footer


def test_the_footer_lists_every_edition_and_the_feeds(open_page):
    page = open_page("/ar/")
    editions = page.locator(".footer__languages a")
    assert editions.count() >= 6 and page.locator(".footer__languages a[aria-current]").get_attribute("lang") == "ar"
    assert page.locator('.footer a[href="/ar/feed/"]').count() == 1


@pytest.mark.parametrize("language, section", [("en", "collective-defence"), ("ar", "الدفاع-الجماعي")])
def test_filters_on_a_phone_show_the_count_and_clear_in_place(open_page, language, section):
    page = open_page(f"/{language}/articles/?section={section}", width=375, accept_language=language)
    assert page.locator(".results__count").is_visible()
    chip = page.locator(".results__filters a").first
    assert chip.is_visible() and page.evaluate("document.documentElement.scrollWidth") <= 375
    save_screenshot(page, f"filters-{language}-375")
    chip.click()
    page.wait_for_load_state()
    assert "section=" not in page.url and page.locator(".results__filters").count() == 0
