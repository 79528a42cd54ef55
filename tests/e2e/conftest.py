"""Real-browser harness: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser for the whole session; a fresh context (cookies, viewport, language) per page.
Without /usr/bin/chromium the tests skip with a loud reason, unless REVIEW_REQUIRE_BROWSER=1
(CI), where a missing browser is a failure.
"""

import io
import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
WIDTHS = {"phone": 375, "desktop": 1440}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        message = "browser tests SKIPPED: install chromium (apt-get install chromium)"
        if os.environ.get("REVIEW_REQUIRE_BROWSER") == "1":
            pytest.fail(message.replace("SKIPPED", "cannot run"))
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_demo(transactional_db, live_server):
    """The demo publication, visible to the live server's thread."""
    call_command("load_demo", skip_renditions=True, without_states=True, stdout=io.StringIO())
    return live_server


@pytest.fixture
def open_page(browser, live_demo):
    """open_page("/en/", width=375, accept_language="ar") -> a Playwright page at that URL.

    Every page the test opens is watched for Content-Security-Policy violations; any fails the test.
    """
    contexts, violations = [], []

    def open_(path, *, width=WIDTHS["desktop"], accept_language="en", color_scheme="light"):
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            color_scheme=color_scheme,
            extra_http_headers={"Accept-Language": accept_language},
            locale=accept_language.split(",")[0].split(";")[0],
        )
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
        page.set_default_timeout(10_000)
        page.goto(live_demo.url + path)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert violations == [], "\n".join(violations[:10])


def wait_until(page, expression, timeout=10.0):
    """Poll a JavaScript expression from the test side. Playwright's wait_for_function polls by
    evaluating a string inside the page, which the site's Content-Security-Policy (rightly) forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        page.wait_for_timeout(50)


def save_screenshot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    # Lazy images load as they scroll into view; load them all so the picture shows the real page.
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(img => { img.loading = 'eager'; })")
    wait_until(page, "[...document.images].every(img => img.complete && img.naturalWidth > 0)")
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
