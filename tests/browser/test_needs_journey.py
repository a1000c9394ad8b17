"""Check before you buy in the browser, on a phone-sized screen (issue 12 part 4, done when): a Ystad employee
registers a need for ergonomic chairs, sees at once what Ystad has and what Skurup shares in the network, and closes
the need as reused with the reservation they made; Ystad's admin reads the compliance report, where it counts as one
more need reused. Every new page is audited with axe in Swedish and in English, and none scrolls sideways at 360
pixels."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.helpers import audit_in_swedish_and_english, log_in, log_out, nav_link, remove_listings_titled

PHONE = {"width": 360, "height": 780}
YSTAD = "ystad.localhost"
PERSON = "personal@ystad.example"
WHAT = "Ergonomisk sadelstol"
OURS = "Ergonomisk sadelstol Ystad"
THEIRS = "Ergonomisk sadelstol Skurup"


def _nav(page, name: str):
    return nav_link(page, name)  # the menu opened first: on a phone it is folded (decision 0038)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def _check(page, audit, english_heading) -> None:
    _fits(page)
    audit_in_swedish_and_english(page, audit, english_heading=english_heading)


def _figure(page, selector: str) -> int:
    return int(re.sub(r"\D", "", page.locator(selector).inner_text()) or 0)


def test_a_need_is_registered_matched_in_the_network_closed_as_reused_and_reported(page, url, audit,
                                                                                 django_db_blocker):
    reservation = _chairs_here_and_in_skurup(django_db_blocker)
    page.set_viewport_size(PHONE)
    try:
        # the admin's report before
        log_in(page, url, YSTAD, "admin@ystad.example")
        page.goto(url(YSTAD, "/behov/rapport/"))
        reused_before = _figure(page, "#figure-reused")
        log_out(page)

        # the employee registers the need
        log_in(page, url, YSTAD, PERSON)
        _nav(page, "Behov").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Mina behov")
        _check(page, audit, "My needs")
        page.get_by_role("link", name="Registrera ett behov").click()
        _check(page, audit, "Register a need")
        page.get_by_label("Vad behöver du?").fill(WHAT)
        page.get_by_label("Antal", exact=True).fill("2")
        page.get_by_label("Behövs senast").fill((timezone.localdate() + timedelta(days=14)).isoformat())
        page.get_by_role("button", name="Registrera och sök").click()

        # and sees at once what Ystad has and what Skurup shares in the network
        expect(page.get_by_role("heading", level=1)).to_have_text(WHAT)
        expect(page.locator("#need-status")).to_have_text("Öppet")
        own = page.get_by_role("region", name=re.compile("^Hos oss"))
        network = page.get_by_role("region", name=re.compile("^I våra nätverk"))
        expect(own.get_by_role("link", name=OURS)).to_be_visible()
        expect(network.get_by_role("link", name=THEIRS)).to_be_visible()
        expect(network).to_contain_text("Skurups kommun")
        expect(page.get_by_role("region", name="Sökunderlag")).to_contain_text("När behovet registrerades")
        _check(page, audit, WHAT)

        # and closes it as reused, with the reservation of Ystad's chairs
        page.get_by_label("Återbrukat via Delbar").check()
        page.get_by_label("Reservationen eller affären som mötte det").select_option(f"b:{reservation}")
        page.get_by_role("button", name="Stäng behovet").click()
        expect(page.get_by_role("status").first).to_contain_text("Behovet är stängt.")
        expect(page.locator("#need-status")).to_have_text("Återbrukat")
        expect(page.get_by_role("link", name=OURS)).to_be_visible()
        _check(page, audit, WHAT)
        log_out(page)

        # the admin's report counts one more need reused
        log_in(page, url, YSTAD, "admin@ystad.example")
        _nav(page, "Behov").click()
        page.get_by_role("link", name="Uppföljningsrapport").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning: kolla innan du köper")
        assert _figure(page, "#figure-reused") == reused_before + 1
        _check(page, audit, "Compliance report: check before you buy")
        log_out(page)
    finally:
        _remove(django_db_blocker)


def _chairs_here_and_in_skurup(django_db_blocker) -> str:
    """Ystad's chef posts three chairs and the employee has two of them handed over; Skurup shares chairs with the
    network (committed: the live server sees only what is). Returns the reservation's UUID."""
    from bookings import services as booking_services
    from catalog.models import Reach
    from tenants.models import Organisation
    from tests.catalog_factories import make_listing
    from tests.conftest import user_in
    from tests.deal_support import relay

    with django_db_blocker.unblock():
        ystad, skurup = Organisation.objects.get(slug="ystad"), Organisation.objects.get(slug="skurup")
        with schema_context(skurup.schema_name):
            make_listing(author=user_in(skurup, "chef"), title=THEIRS, quantity=4, reach=Reach.NETWORKS)
        relay(skurup)
        with schema_context(ystad.schema_name):
            listing = make_listing(author=user_in(ystad, "chef"), title=OURS, quantity=3, reach=Reach.ORGANISATION)
            booking = booking_services.reserve_listing(listing=listing, by=user_in(ystad, "personal"), quantity=2,
                                                       notify=False)
            booking_services.confirm_handover(booking=booking, by=user_in(ystad, "chef"))
        relay(ystad)
        return str(booking.uuid)


def _remove(django_db_blocker) -> None:
    from django_tenants.utils import get_public_schema_name

    from exchange.models import Offer
    from needs.models import Need

    with django_db_blocker.unblock():
        with schema_context("org_ystad"):
            Need.objects.filter(what=WHAT).delete()  # its evidence with it
        with schema_context(get_public_schema_name()):
            Offer.objects.filter(title=THEIRS).delete()
    remove_listings_titled(django_db_blocker, OURS)
    remove_listings_titled(django_db_blocker, THEIRS, schema_name="org_skurup")
