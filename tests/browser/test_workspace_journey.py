"""The operator's workspace in the browser (decision 0044): the operator opens it from the menu, the page passes axe
in Swedish and in English, searches the organisation's listings, ticks one and renews it in bulk, and is told."""

from __future__ import annotations

from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.helpers import audit_in_swedish_and_english, log_in, remove_listings_titled

YSTAD = "ystad.localhost"
TITLE = "Arbetsytans webbtest Qxv"


def _listing(django_db_blocker):
    from accounts.models import User
    from tests.catalog_factories import make_listing

    with django_db_blocker.unblock(), schema_context("org_ystad"):
        operator = User.objects.select_related("department").get(email="operator@ystad.example")
        return make_listing(author=operator, title=TITLE)


def test_the_operator_renews_a_listing_from_the_workspace(page, url, audit, django_db_blocker):
    listing = _listing(django_db_blocker)
    try:
        # the operator opens the workspace from the menu
        log_in(page, url, YSTAD, "operator@ystad.example")
        page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Arbetsyta", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Arbetsyta")
        audit_in_swedish_and_english(page, audit, english_heading="Workspace")

        # searches, ticks the listing and renews it
        page.get_by_label("Sök i rubriker").fill(TITLE)
        page.get_by_role("button", name="Filtrera", exact=True).click()
        page.get_by_label(f"Välj {TITLE}").check()
        page.get_by_label("Åtgärd", exact=True).select_option("renew")
        page.get_by_role("button", name="Utför").click()

        # and is told, back at the same search
        expect(page.get_by_role("status")).to_contain_text("1 annons ändrades.")
        expect(page.get_by_label("Sök i rubriker")).to_have_value(TITLE)
        audit(page)
        with django_db_blocker.unblock(), schema_context("org_ystad"):
            listing.refresh_from_db()
            assert listing.renewed_at is not None
    finally:
        remove_listings_titled(django_db_blocker, TITLE)
