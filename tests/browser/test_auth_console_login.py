"""The platform console's login is allauth's, at the root domain (issue 13, finding 1), and it is accessible."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from demo.world import PLATFORM_ADMIN_EMAIL
from tests.browser.helpers import audit_in_swedish_and_english
from tests.conftest import PASSWORD


def test_a_platform_admin_logs_in_to_the_console_through_allauths_page(page, url, audit):
    # when the platform admin opens the console
    page.goto(url("localhost", "/konsol/"))

    # then they are on allauth's login page at the root domain, which is accessible in Swedish and English
    expect(page).to_have_url(re.compile(r"localhost:\d+/konto/login/\?next=%2Fkonsol%2F$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    expect(page.get_by_text("Plattformskonsolen är för Delbars plattformsadministratörer.")).to_be_visible()
    audit_in_swedish_and_english(page, audit, english_heading="Log in")

    # and logging in there brings them to the console
    page.get_by_label(re.compile("E-post", re.I)).fill(PLATFORM_ADMIN_EMAIL)
    page.get_by_label(re.compile("Lösenord", re.I)).fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(re.compile(r"localhost:\d+/konsol/$"))
    expect(page.get_by_role("link", name="Organisationer", exact=True).last).to_have_attribute(
        "href", "/konsol/tenants/organisation/"
    )
