"""Steps the browser journeys share: log in and out, switch language, audit a page in Swedish and in English."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD


def log_in(page, url, host: str, email: str) -> None:
    page.goto(url(host, "/"))
    expect(page).to_have_url(re.compile(r"/konto/login/"))
    page.get_by_label(re.compile("E-post|E-mail", re.I)).fill(email)
    page.get_by_label(re.compile("Lösenord|Password", re.I)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^(Logga in|Log in|Sign in)$", re.I)).click()


def log_out(page) -> None:
    page.get_by_role("button", name=re.compile("^(Logga ut|Log out)$")).click()
    expect(page).to_have_url(re.compile(r"/konto/login/"))


def switch_to_english(page) -> None:
    page.get_by_role("button", name="In English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def switch_to_swedish(page) -> None:
    page.get_by_role("button", name="På svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")


def audit_in_swedish_and_english(page, audit, *, english_heading: str | re.Pattern | None = None) -> None:
    """Audit the page as it is (Swedish), switch to English and audit the same page again, then switch back."""
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    audit(page)
    switch_to_english(page)
    if english_heading is not None:
        expect(page.get_by_role("heading", level=1)).to_contain_text(english_heading)
    audit(page)
    switch_to_swedish(page)
