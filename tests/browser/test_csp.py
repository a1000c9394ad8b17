"""The pages keep working under the strict Content-Security-Policy, and Chromium reports no violation on them.

Every browser test fails on a CSP violation (the ``page`` fixture); this one visits the pages the journeys do not:
the API docs (Swagger UI and ReDoc, which are the most script-heavy), statistics, the admin sites and the console.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.admin_support import PLATFORM_STAFF_TOTP_SECRET
from tests.browser.helpers import add_platform_staff, log_in, log_out, remove_platform_staff


def test_the_main_pages_raise_no_csp_violation(page, url, csp_violations, django_db_blocker):
    # given a logged-in organisation admin
    log_in(page, url, "ystad.localhost", "admin@ystad.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hitta innan du köper")

    # the search still swaps its results with htmx (no full page load)
    page.evaluate("window.__notReloaded = true")
    page.get_by_role("searchbox").fill("stol")
    page.get_by_role("button", name="Sök").click()
    expect(page).to_have_url(re.compile(r"[?&]q=stol"))
    expect(page.locator("#results-status")).to_contain_text("stol")
    assert page.evaluate("window.__notReloaded === true"), "the search reloaded the page: htmx did not run"

    for path, heading in [
        ("/statistik/", re.compile("Statistik")),
        ("/mina-annonser/", "Mina annonser"),
        ("/mina-reservationer/", "Mina reservationer"),
        ("/annonser/ny/", re.compile("annons", re.I)),
        ("/mitt-konto/", re.compile(".")),
        ("/mitt-konto/api-nycklar/", re.compile("API")),
        ("/kollegor/", re.compile(".")),
        ("/konto/email/", re.compile(".")),
        ("/administrera/", "Administrera"),
        ("/administrera/kategorier/", "Kategorier"),
        ("/administrera/e-post/", "Utgående e-post"),
    ]:
        page.goto(url("ystad.localhost", path))
        expect(page.get_by_role("heading", level=1).first).to_have_text(heading)

    # the statistics bars are drawn without style attributes
    page.goto(url("ystad.localhost", "/statistik/"))
    assert page.locator("svg.bar rect").count() > 0

    # Swagger UI renders the operations (ReDoc was retired: decision 0040)
    page.goto(url("ystad.localhost", "/api/docs/"))
    expect(page.locator(".opblock").first).to_be_visible()

    # the organisation's Django admin, which only platform staff use (a superuser of its schema, decision 0039)
    page.goto(url("ystad.localhost", "/"))
    log_out(page)
    staff = add_platform_staff(django_db_blocker)
    try:
        log_in(page, url, "ystad.localhost", staff, totp_secret=PLATFORM_STAFF_TOTP_SECRET)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.goto(url("ystad.localhost", "/admin/"))
        expect(page).to_have_url(re.compile(r"/admin/$"))
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
    finally:
        remove_platform_staff(django_db_blocker)

    # the public site and the platform console
    page.goto(url("localhost", "/"))
    page.goto(url("localhost", "/konsol/login/"))
    expect(page.get_by_role("button", name=re.compile("Logga in|Log in", re.I))).to_be_visible()

    assert not csp_violations
