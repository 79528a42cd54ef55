"""Layout checks that can fail: no sideways scrolling on phones, reserved image space, mirrored RTL, readable measure."""

import pytest

from .conftest import WIDTHS
from .pages import ALL_PAGES, ARTICLE


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
