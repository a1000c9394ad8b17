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


def test_billing_in_the_console_passes_axe_and_the_invoice_files_download(page, url, audit, csp_violations):
    """Decision 0058: an organisation's subscription and invoices, the action pages and the plans, in Swedish and
    English; the invoice's PDF and Peppol XML download. Nothing is changed: pages are read, files fetched."""
    _log_in(page, url)
    # given Trelleborg, which the demo has pay by invoice, with its invoice to pay
    page.goto(url("localhost", "/konsol/tenants/organisation/?billing=active"))
    page.get_by_role("link", name="Trelleborgs kommun").click()
    change_page = page.url
    expect(page.get_by_role("heading", name="Abonnemang")).to_be_visible()
    invoices = page.get_by_role("table", name="Fakturor")
    expect(invoices).to_contain_text("Att betala")
    pdf_link = invoices.get_by_role("link", name=re.compile(r"^PDF F\d+$")).first
    number = pdf_link.inner_text().split()[-1]
    # when the PDF and the Peppol XML are downloaded
    for link, content_type, start in [(pdf_link, "application/pdf", b"%PDF"),
                                      (invoices.get_by_role("link", name=f"Peppol-XML {number}"), "application/xml",
                                       b"<?xml")]:
        with page.expect_download() as download:
            link.click()
        path = download.value.path()
        with open(path, "rb") as handle:
            assert handle.read(5).startswith(start)
        response = page.request.get(url("localhost", link.get_attribute("href")))
        assert response.status == 200 and response.headers["content-type"] == content_type
    # then every billing page passes axe in both languages
    pages = [change_page, change_page.replace("/change/", f"/invoices/{number}/paid/"),
             change_page.replace("/change/", f"/invoices/{number}/credit/"),
             url("localhost", "/konsol/tenants/organisation/?billing=trial_ending"),
             url("localhost", "/konsol/billing/plan/")]
    page.goto(url("localhost", "/konsol/tenants/organisation/?billing=trial_ending"))
    page.get_by_role("link", name="Tomelilla kommun").click()
    page.get_by_role("link", name="Förläng provperioden").click()
    pages.append(page.url)
    page.goto(url("localhost", "/konsol/billing/plan/"))
    page.get_by_role("link", name="delbar", exact=True).click()
    pages.append(page.url)
    for english in (False, True):
        _in_english(page, url, english)
        for address in pages:
            page.goto(address)
            expect(page.locator("html")).to_have_attribute("lang", "en" if english else "sv")
            _audit(page, audit, csp_violations)
    # and a refused "mark paid" (no reason, no confirmation) passes axe with its errors
    _in_english(page, url, False)
    page.goto(pages[1])
    page.get_by_role("button", name=f"Markera faktura {number} som betald").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    _audit(page, audit, csp_violations)
