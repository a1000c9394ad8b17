"""A department manager's approval, as the people use it (decision 0045): at Ystad (which asks for approval above
2,000 SEK in the demo) a teacher reserves something sold for 3,000 SEK, his manager approves it from "Att
godkänna", and the reservation goes ahead. The queue is accessible (axe) in Swedish and English."""

from __future__ import annotations

import re
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


DEAL_TITLE = "Godkännandeskåp Qzvx"


def test_a_teacher_asks_another_organisation_and_his_manager_approves_before_it_is_sent(page, url, audit,
                                                                                          django_db_blocker):
    """Decision 0048: the teacher asks Skurup for a cabinet sold for 3,000 SEK; Skurup is not asked until his manager
    approves it from "Att godkänna", beside the bookings; then Skurup's contact person finds the request."""
    offer = _share_skurups_cabinet(django_db_blocker)
    try:
        # when the teacher asks Skurup for it
        log_in(page, url, "ystad.localhost", "lars.larare@skola.ystad.example")
        page.goto(url("ystad.localhost", f"/natverk/erbjudanden/{offer}/"))
        page.get_by_label("Arbetsmarknadsenheten transporterar").check()
        page.get_by_role("button", name="Skicka förfrågan").click()
        # then it waits for his manager, and says what that means
        expect(page.get_by_role("status").first).to_contain_text(
            "väntar på din chefs godkännande innan den skickas till Skurups kommun")
        expect(page.locator("#deal-status")).to_have_text("Väntar på godkännande")
        expect(page.locator("#approval-notice")).to_contain_text("Skurups kommun har inte fått förfrågan än")
        audit_in_swedish_and_english(page, audit, english_heading=DEAL_TITLE)
        log_out(page)

        # when his manager opens "Att godkänna" and approves it
        log_in(page, url, "ystad.localhost", "chef@ystad.example")
        page.get_by_role("link", name="Att godkänna").click()
        expect(page.get_by_role("heading", level=2, name="Förfrågningar till andra organisationer")).to_be_visible()
        expect(page.get_by_role("heading", level=3, name=DEAL_TITLE)).to_be_visible()
        audit_in_swedish_and_english(page, audit, english_heading="To approve")
        page.get_by_role("button", name=re.compile(f"^Godkänn .*{DEAL_TITLE}$")).click()
        # then it is sent to Skurup
        expect(page.get_by_role("status")).to_contain_text(
            f"Du godkände förfrågan om ”{DEAL_TITLE}”. Skurups kommun har fått förfrågan.")
        expect(page.get_by_role("heading", level=3, name=DEAL_TITLE)).to_have_count(0)
        log_out(page)

        # and Skurup's contact person finds the request
        log_in(page, url, "skurup.localhost", "chef@skurup.example")
        page.goto(url("skurup.localhost", "/mina-annonser/"))
        requests = page.get_by_role("region", name="Förfrågningar från andra organisationer").first
        expect(requests).to_contain_text("Ystads kommun")
        requests.get_by_role("link", name=DEAL_TITLE).click()
        expect(page.locator("#deal-status")).to_have_text("Efterfrågad")
    finally:
        _remove_the_deal(django_db_blocker)


def _share_skurups_cabinet(django_db_blocker) -> int:
    """Skurup's chef posts a cabinet sold for 3,000 SEK, shared with the network; the outbox puts it in the exchange
    (committed: the live server sees only what is). The exchange's offer id."""
    from catalog.models import Reach
    from exchange.models import Offer
    from tenants.models import Organisation
    from tests.deal_support import relay

    with django_db_blocker.unblock():
        skurup = Organisation.objects.get(slug="skurup")
        with schema_context(skurup.schema_name):
            make_listing(author=user_in(skurup, "chef"), title=DEAL_TITLE, quantity=1, reach=Reach.NETWORKS,
                         offer_type="sell", price=Decimal(3000), category_name="Övriga möbler")
        relay(skurup)
        return Offer.objects.get(title=DEAL_TITLE).pk


def _remove_the_deal(django_db_blocker) -> None:
    from django.db import transaction
    from django_tenants.utils import get_public_schema_name

    from exchange.models import Deal, DealEvent, Offer
    from outbox.models import OutboxMessage

    with django_db_blocker.unblock(), schema_context(get_public_schema_name()), transaction.atomic():
        deals = Deal.objects.filter(title=DEAL_TITLE)
        for uuid in deals.values_list("uuid", flat=True):
            OutboxMessage.objects.filter(key__startswith=f"exchange.deal:{uuid}").delete()
        DealEvent.objects.filter(deal__in=deals).delete()
        deals.delete()
        Offer.objects.filter(title=DEAL_TITLE).delete()
    remove_listings_titled(django_db_blocker, DEAL_TITLE, schema_name="org_skurup")
