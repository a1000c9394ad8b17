"""The impact pages in the browser, on a phone-sized screen (issue 12): the methodology page on the public site and
on an organisation's host, the statistics page with its charts, the network page's figures, and the organisation's
own reference prices and listing corrections — set with a note (a missing note refused beside its field), shown as
ours. Every page is audited with axe in Swedish and in English, and none scrolls sideways at 360 pixels. The needs
pages are audited by test_needs_journey.py."""

from __future__ import annotations

import re

from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.helpers import audit_in_swedish_and_english, log_in

PHONE = {"width": 360, "height": 780}
YSTAD = "ystad.localhost"
CHAIRS = "furniture.office_chairs"


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def _check(page, audit, english_heading) -> None:
    _fits(page)
    audit_in_swedish_and_english(page, audit, english_heading=english_heading)


def _demo_facts(django_db_blocker) -> tuple[int, str]:
    """The demo network's id and a listing of Ystad's that is handed over (its items count in the figures)."""
    from catalog.models import Listing
    from tests.exchange_support import demo_network

    with django_db_blocker.unblock():
        network = demo_network().pk
        with schema_context("org_ystad"):
            listing = Listing.objects.filter(status="handed_over", category__platform_key__gt="").first()
            return network, str(listing.uuid)


def _undo(django_db_blocker, listing: str) -> None:
    from impact import services

    with django_db_blocker.unblock(), schema_context("org_ystad"):
        services.remove_price_override(category_key=CHAIRS)
        services.remove_correction(listing_uuid=listing)


def test_the_methodology_statistics_network_figures_and_our_own_impact_decisions_are_accessible(
        page, url, audit, django_db_blocker):
    network, listing = _demo_facts(django_db_blocker)
    page.set_viewport_size(PHONE)
    try:
        # the methodology page on the public site
        page.goto(url("localhost", "/metod/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Så räknar Delbar koldioxid och pengar")
        _check(page, audit, "How Delbar counts")

        # Ystad's admin: the methodology on the organisation's host, the statistics with their charts, the network
        log_in(page, url, YSTAD, "admin@ystad.example")
        page.goto(url(YSTAD, "/metod/"))
        _check(page, audit, "How Delbar counts")
        page.goto(url(YSTAD, "/statistik/"))
        expect(page.locator("figure svg").first).to_be_visible()
        expect(page.locator("#figure-co2e")).not_to_have_text("0")
        _check(page, audit, "Statistics")
        page.goto(url(YSTAD, f"/natverk/{network}/"))
        expect(page.locator("#network-co2e")).to_be_visible()
        _check(page, audit, "Sydöstra Skåne")

        # our reference prices: the list, a price without a note refused beside its field, then saved
        page.goto(url(YSTAD, "/statistik/"))
        page.get_by_role("link", name="Våra referenspriser").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Våra referenspriser")
        _check(page, audit, "Our reference prices")
        page.goto(url(YSTAD, f"/statistik/referenspriser/{CHAIRS}/"))
        page.get_by_label(re.compile("^Vårt referenspris för nytt")).fill("4100")
        page.get_by_role("button", name="Spara vårt pris").click()
        expect(page.get_by_label("Anteckning")).to_have_attribute("aria-invalid", "true")
        _check(page, audit, "Our reference price")
        page.get_by_label(re.compile("^Vårt referenspris för nytt")).fill("4100")
        page.get_by_label("Anteckning").fill("Vårt ramavtal")
        page.get_by_role("button", name="Spara vårt pris").click()
        expect(page).to_have_url(re.compile(r"/statistik/referenspriser/$"))
        expect(page.locator("#prices tr.own-price")).to_contain_text("Vårt ramavtal")

        # a correction from the listing's page: "would not have been bought", with a note; the list shows it
        page.goto(url(YSTAD, f"/annonser/{listing}/"))
        page.get_by_role("link", name="Korrigera dess CO₂e och kronor").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Korrigera vad")
        _check(page, audit, "Correct what")
        page.get_by_label(re.compile("Ingenting: det hade inte köpts")).check()
        page.get_by_label("Anteckning").fill("Hade klarat oss utan")
        page.get_by_role("button", name="Spara korrigeringen").click()
        expect(page).to_have_url(re.compile(r"/statistik/korrigeringar/$"))
        expect(page.locator("#corrections")).to_contain_text("Hade inte köpts")
        _check(page, audit, "Corrections of listings")
        # and the statistics say items were counted with a correction
        page.goto(url(YSTAD, "/statistik/"))
        expect(page.locator("#impact-versions")).to_contain_text("räknad")
    finally:
        _undo(django_db_blocker, listing)
