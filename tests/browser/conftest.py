"""Browser tests: Playwright drives a real Chromium against a live server thread serving the test database.

The live server sees only committed data: the demo world built once per run (tests/conftest.py). Tests that add
data clean it up themselves. Chromium is Debian's (/usr/bin/chromium) where it exists, otherwise Playwright's own.
"""

from __future__ import annotations

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make for set-up and clean-up
# are ordinary synchronous calls all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SERIOUS = {"serious", "critical"}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server_port(django_db_setup, django_db_blocker):
    from django.test.testcases import LiveServerThread, _StaticFilesHandler

    django_db_blocker.unblock()
    thread = LiveServerThread("127.0.0.1", _StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield thread.port
    thread.terminate()
    django_db_blocker.restore()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--host-resolver-rules=MAP *.localhost 127.0.0.1, MAP localhost 127.0.0.1",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="sv-SE")
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def csp_violations():
    """Every Content-Security-Policy violation Chromium reports on the console, for any page of the test."""
    return []


# What the CSP is meant to block and may therefore be reported: ReDoc's "API docs by Redocly" logo, which its bundle
# loads from Redocly's CDN (nothing may come from a CDN; the page works without it).
EXPECTED_BLOCKS = ("Loading the image 'https://cdn.redoc.ly/",)


def is_csp_violation(message) -> bool:
    """A CSP violation, or htmx refusing an attribute it cannot read (htmx:syntax:error: with eval off, a trigger it
    cannot parse is dropped, and the page quietly stops updating)."""
    text = message.text
    if text.startswith("htmx:") and "error" in text:
        return True
    if not ("Content Security Policy" in text or "Content-Security-Policy" in text):
        return False
    return not text.startswith(EXPECTED_BLOCKS)


@pytest.fixture
def page(context, csp_violations):
    page = context.new_page()
    page.on("console", lambda message: is_csp_violation(message) and csp_violations.append(
        f"{page.url}: {message.text}"))
    yield page
    # Every browser test checks that the pages it visited kept to the CSP (issue 13): nothing was refused, and htmx
    # understood every attribute.
    assert not csp_violations, "\n".join(csp_violations)


@pytest.fixture
def url(live_server_port):
    def make(host: str, path: str = "/") -> str:
        return f"http://{host}:{live_server_port}{path}"

    return make


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def audit(axe):
    """Assert that axe-core finds no serious or critical WCAG 2.1 A/AA violation on the page as it is now."""

    def check(page) -> None:
        # Only violations are read; asking axe for nothing else makes each audit markedly faster.
        options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
        results = axe.run(page, options=options)
        serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
        assert not serious, f"{page.url}\n" + results.generate_report()

    return check
