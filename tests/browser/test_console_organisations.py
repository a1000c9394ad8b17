"""The console's pages for running organisations (decision 0053) are accessible in Swedish and English, and a
suspension without a reason is refused with a message tied to its field. Nothing is changed: the pages are only read
and a refused form is sent."""

from __future__ import annotations

import re

from django.conf import settings
from playwright.sync_api import expect

from demo.world import PLATFORM_ADMIN_EMAIL, PLATFORM_ADMIN_TOTP_SECRET
from tests.browser.helpers import fill_login_form


def _log_in(page, url) -> None:
    page.goto(url("localhost", "/konsol/"))
    # the platform admin's second step is the code of their authenticator app (decision 0054)
    fill_login_form(page, PLATFORM_ADMIN_EMAIL, totp_secret=PLATFORM_ADMIN_TOTP_SECRET)
    expect(page).to_have_url(re.compile(r"localhost:\d+/konsol/$"))


def _in_english(page, url, on: bool) -> None:
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en" if on else "sv",
                               "url": url("localhost", "/")}])


def _audit(page, audit, csp_violations) -> None:
    """Audit the page. axe's own checks apply inline styles on Django admin's change form (Django's stock page for an
    organisation does the same): what the CSP reports during the audit is axe's, not the page's, and is dropped. The
    page's own loading was watched before."""
    page.wait_for_load_state("load")
    before = len(csp_violations)
    audit(page)
    page.wait_for_timeout(100)
    del csp_violations[before:]


def test_the_console_pages_for_running_organisations_pass_axe_in_swedish_and_english(page, url, audit,
                                                                                    csp_violations):
    _log_in(page, url)
    page.get_by_role("link", name="Organisationer", exact=True).last.click()
    page.get_by_role("link", name="Skurups kommun").click()
    change_page = page.url
    expect(page.get_by_role("heading", name="Logg över plattformsåtgärder")).to_be_visible()
    pages = [url("localhost", "/konsol/tenants/organisation/"), change_page]
    page.get_by_role("link", name="Stäng av", exact=True).click()
    suspend = page.url
    pages += [suspend, change_page.replace("/change/", "/export/"), change_page.replace("/change/", "/delete-later/"),
              change_page.replace("/change/", "/invite-admin/"), url("localhost", "/konsol/tenants/organisation/new/"),
              url("localhost", "/konsol/console/platformaction/")]
    for english in (False, True):
        _in_english(page, url, english)
        for address in pages:
            page.goto(address)
            expect(page.locator("html")).to_have_attribute("lang", "en" if english else "sv")
            _audit(page, audit, csp_violations)
    # a suspension without a reason or confirmation is refused, and the page with its errors passes axe too
    _in_english(page, url, False)
    page.goto(suspend)
    page.get_by_role("button", name="Stäng av Skurups kommun").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    _audit(page, audit, csp_violations)
    page.goto(change_page)
    expect(page.get_by_role("link", name="Stäng av", exact=True)).to_be_visible()  # still active
