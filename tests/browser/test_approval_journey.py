"""A department manager's approval, as the people use it (decision 0045): at Ystad (which asks for approval above
2,000 SEK in the demo) a teacher reserves something sold for 3,000 SEK, his manager approves it from "Att
godkänna", and the reservation goes ahead. The queue is accessible (axe) in Swedish and English."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.helpers import (
    approve_in_queue,
    audit_in_swedish_and_english,
    log_in,
    log_out,
    open_approval_queue,
    remove_listings_titled,
    reserve_awaiting_approval,
)
from tests.catalog_factories import make_listing
from tests.conftest import user_in

TITLE = "Godkännandetavla Qzvx"


def test_a_teacher_reserves_and_his_manager_approves(page, url, audit, django_db_blocker):
    # given a whiteboard sold for 3,000 SEK by the labour-market unit
    with django_db_blocker.unblock(), schema_context("org_ystad"):
        operator = user_in(SimpleNamespace(schema_name="org_ystad", slug="ystad"), "operator")
        listing = make_listing(author=operator, title=TITLE, offer_type="sell", price=Decimal(3000),
                               category_name="Övriga möbler")
    try:
        # when the teacher reserves it
        log_in(page, url, "ystad.localhost", "lars.larare@skola.ystad.example")
        page.goto(url("ystad.localhost", f"/annonser/{listing.uuid}/"))
        # then it waits for his manager
        reserve_awaiting_approval(page)
        log_out(page)

        # when his manager opens "Att godkänna" from the menu
        log_in(page, url, "ystad.localhost", "chef@ystad.example")
        open_approval_queue(page, TITLE)
        audit_in_swedish_and_english(page, audit, english_heading="To approve")

        # and approves it
        approve_in_queue(page, TITLE)

        # then it is reserved, as it would have been without approval
        row = page.get_by_role("row").filter(has_text=TITLE)
        expect(row).to_contain_text("Reserverad")
        audit(page)
    finally:
        remove_listings_titled(django_db_blocker, TITLE)
