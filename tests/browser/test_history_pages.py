"""The history pages in the browser (decision 0042): an operator opens a listing's history from its page, and the
export form; both audited with axe in Swedish and English. Nothing is written but the login."""

from __future__ import annotations

import re

from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.helpers import audit_in_swedish_and_english, log_in

YSTAD = "ystad.localhost"


def test_the_history_of_a_listing_and_the_export_form_are_accessible(page, url, audit, django_db_blocker):
    from catalog.models import Listing

    with django_db_blocker.unblock(), schema_context("org_ystad"):
        listing = Listing.objects.filter(status="published").order_by("pk").first()

    # given the operator on a listing's page
    log_in(page, url, YSTAD, "operator@ystad.example")
    page.goto(url(YSTAD, f"/annonser/{listing.uuid}/"))

    # when they open its history
    page.get_by_role("link", name=re.compile("^Historik")).click()

    # then the changes are shown in a table, and the page is accessible in both languages
    expect(page.get_by_role("heading", level=1)).to_contain_text("Historik för")
    expect(page.get_by_role("table")).to_contain_text("Skapad")
    audit_in_swedish_and_english(page, audit, english_heading="History of")

    # and the export form
    page.get_by_role("link", name=re.compile("Exportera organisationens historik")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exportera historiken")
    audit_in_swedish_and_english(page, audit, english_heading="Export the history")
