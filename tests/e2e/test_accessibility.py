"""axe-core on every public page type, English and Arabic: no serious or critical violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from tests.e2e.pages import ALL_PAGES

BLOCKING = {"serious", "critical"}
axe = Axe()


def blocking_violations(page):
    results = axe.run(page)
    return [
        {"id": violation["id"], "impact": violation["impact"], "nodes": [node["html"][:120] for node in violation["nodes"]]}
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("language, name, path", ALL_PAGES, ids=[f"{lang}-{name}" for lang, name, _ in ALL_PAGES])
def test_page_has_no_serious_accessibility_violation(open_page, language, name, path):
    page = open_page(path)
    assert page.locator("html").get_attribute("lang") == language
    assert blocking_violations(page) == []


@pytest.mark.parametrize("language, name, path", ALL_PAGES, ids=[f"{lang}-{name}" for lang, name, _ in ALL_PAGES])
def test_dark_mode_has_no_serious_accessibility_violation(open_page, language, name, path):
    page = open_page(path, color_scheme="dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(17, 23, 29)"  # the dark paper: the reader's setting is honoured
    assert blocking_violations(page) == []  # contrast included


BROKEN_TEMPLATE = """{% extends "base.html" %}
{% block content %}<div class="wrap"><h1>Broken on purpose</h1>
<img src="/static/css/review.css" width="10" height="10"></div>{% endblock %}"""


def test_axe_reports_an_image_without_alt_text(open_page, live_demo):
    """The check can fail: a test-only template with an image lacking alt text is caught."""
    request = RequestFactory().get("/en/broken/")
    with translation.override("en"):
        html = engines["jinja2"].from_string(BROKEN_TEMPLATE).render({"page_language": {"code": "en"}}, request)
    page = open_page("/en/")
    page.set_content(html)
    violations = blocking_violations(page)
    assert [violation["id"] for violation in violations] == ["image-alt"]
    assert violations[0]["impact"] == "critical"
