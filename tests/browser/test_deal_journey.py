"""A deal between organisations in the browser, on a phone-sized screen (issue 8, done when): a Skurup employee
searches "I våra nätverk" for "kontorsstol", finds Ystad's chairs, opens the offer and asks for two, carried by the
labour-market unit; Ystad's contact person finds the request on "Mina annonser" and accepts; the handover is
confirmed on Ystad's reservation; Skurup's employee sees the deal "Överlämnad"; Ystad's statistics (items to other
organisations), Skurup's (items from other organisations) and the network page (items between members) each go up
by exactly two, read on the pages by the organisations' admins. Every page on the way is audited with axe in Swedish
and in English, and none scrolls sideways at 360 pixels."""

from __future__ import annotations

import re

from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.helpers import audit_in_swedish_and_english, log_in, log_out, nav_link, remove_listings_titled

PHONE = {"width": 360, "height": 780}
SKURUP, YSTAD = "skurup.localhost", "ystad.localhost"
ASKER = "personal@skurup.example"
CONTACT = "chef@ystad.example"
TITLE = "Kontorsstol Kinnarps affärsresa"


def _nav(page, name: str):
    return nav_link(page, name)  # the menu opened first: on a phone it is folded (decision 0038)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def _check(page, audit, english_heading) -> None:
    _fits(page)
    audit_in_swedish_and_english(page, audit, english_heading=english_heading)


def test_skurup_asks_for_ystads_chairs_ystad_accepts_and_hands_them_over(page, url, audit, django_db_blocker):
    _share_ystads_chairs(django_db_blocker)
    network = _network_pk(django_db_blocker)
    page.set_viewport_size(PHONE)
    try:
        before = _figures(page, url, network, audit=None)
        _skurup_asks(page, url, audit)
        log_out(page)
        _ystad_accepts_and_hands_over(page, url, audit)
        log_out(page)
        # Skurup's employee sees the deal handed over
        log_in(page, url, SKURUP, ASKER)
        _nav(page, "Mina reservationer").click()
        page.get_by_role("region", name="Mina förfrågningar till andra organisationer").first.get_by_role(
            "link", name=TITLE).click()
        expect(page.locator("#deal-status")).to_have_text("Överlämnad")
        _check(page, audit, TITLE)
        log_out(page)
        # and each organisation's figures, and the network's, went up by exactly two
        after = _figures(page, url, network, audit=audit)
        assert {name: after[name] - before[name] for name in before} == {
            "ystad_given": 2, "skurup_received": 2, "network_items": 2}
    finally:
        _remove_the_deal(django_db_blocker)


def _figure(page, selector: str) -> int:
    return int(re.sub(r"\D", "", page.locator(selector).inner_text()))


def _figures(page, url, network: int, *, audit) -> dict[str, int]:
    """The figures as the organisations' admins read them: Ystad's statistics and the network page, Skurup's
    statistics (audited in Swedish and English the second time round)."""
    figures = {}
    log_in(page, url, YSTAD, "admin@ystad.example")
    page.goto(url(YSTAD, "/statistik/"))
    figures["ystad_given"] = _figure(page, "#figure-given")
    if audit is not None:
        _check(page, audit, "Statistics")
    page.goto(url(YSTAD, f"/natverk/{network}/"))
    figures["network_items"] = _figure(page, "#network-items")
    if audit is not None:
        _check(page, audit, "Sydöstra Skåne")
    log_out(page)
    log_in(page, url, SKURUP, "admin@skurup.example")
    page.goto(url(SKURUP, "/statistik/"))
    figures["skurup_received"] = _figure(page, "#figure-received")
    if audit is not None:
        _check(page, audit, "Statistics")
    log_out(page)
    return figures


def _network_pk(django_db_blocker) -> int:
    from tests.exchange_support import demo_network

    with django_db_blocker.unblock():
        return demo_network().pk


def _skurup_asks(page, url, audit) -> None:
    log_in(page, url, SKURUP, ASKER)
    page.get_by_role("searchbox").fill("kontorsstol")
    page.get_by_role("search").get_by_role("button", name="Sök", exact=True).click()
    networks = page.get_by_role("navigation", name="Var du söker").get_by_role("link", name="I våra nätverk")
    expect(networks).to_have_attribute("href", re.compile(r"q=kontorsstol"))
    networks.click()
    expect(page).to_have_url(re.compile(r"/natverk/sok/\?omfang=natverk&q=kontorsstol"))
    card = page.locator("#results article", has_text=TITLE)
    expect(card).to_contain_text("Ystads kommun")
    _check(page, audit, "Find before you buy")
    card.get_by_role("link", name=TITLE).click()

    # the offer, and the request: two, carried by the labour-market unit
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Erbjuds av Ystads kommun")).to_be_visible()
    _check(page, audit, TITLE)
    page.get_by_label("Antal").fill("2")
    page.get_by_label("Arbetsmarknadsenheten transporterar").check()
    page.get_by_label("Beställarreferens (valfritt)").fill("Skurup 4711")
    page.get_by_role("button", name="Skicka förfrågan").click()

    # the deal, asked for
    expect(page.get_by_role("status").first).to_contain_text("Din förfrågan har skickats till Ystads kommun")
    expect(page.locator("#deal-status")).to_have_text("Efterfrågad")
    _check(page, audit, TITLE)
    _nav(page, "Mina reservationer").click()
    region = page.get_by_role("region", name="Mina förfrågningar till andra organisationer").first
    expect(region.get_by_role("link", name=TITLE)).to_be_visible()
    _check(page, audit, "My reservations")


def _ystad_accepts_and_hands_over(page, url, audit) -> None:
    log_in(page, url, YSTAD, CONTACT)
    _nav(page, "Mina annonser").click()
    requests = page.get_by_role("region", name="Förfrågningar från andra organisationer").first
    expect(requests).to_contain_text("Skurups kommun")
    _check(page, audit, "My listings")
    requests.get_by_role("link", name=TITLE).click()

    expect(page.locator("#deal-status")).to_have_text("Efterfrågad")
    expect(page.get_by_text("Arbetsmarknadsenheten transporterar")).to_be_visible()
    _check(page, audit, TITLE)
    page.get_by_role("button", name="Godkänn", exact=True).click()
    expect(page.locator("#deal-status")).to_have_text("Godkänd")
    _check(page, audit, TITLE)

    # the agreement, for both to keep
    page.get_by_role("link", name=re.compile(r"^Avtal ")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Avtal")
    expect(page.get_by_text("Skurups kommun, org.nr")).to_be_visible()
    _check(page, audit, re.compile("^Agreement "))
    page.get_by_role("main").get_by_role("link", name=TITLE).click()  # back to the deal

    # the handover, on Ystad's own reservation
    page.get_by_role("link", name="Öppna reservationen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    _check(page, audit, re.compile("Reservation of"))
    page.get_by_role("link", name=re.compile(r"^Bekräfta överlämning till")).click()
    _fits(page)  # the step before it, which cannot be undone
    page.get_by_role("button", name=re.compile(r"^Ja, bekräfta överlämning till")).click()
    expect(page.get_by_role("status").first).to_contain_text(f"Överlämningen är bekräftad: 2 × ”{TITLE}”")
    _fits(page)


def _share_ystads_chairs(django_db_blocker) -> None:
    """Ystad's chef posts six chairs shared with the network; the outbox puts them in the exchange (committed: the
    live server sees only what is)."""
    from catalog.models import Reach
    from tenants.models import Organisation
    from tests.catalog_factories import make_listing
    from tests.conftest import user_in
    from tests.deal_support import relay

    with django_db_blocker.unblock():
        ystad = Organisation.objects.get(slug="ystad")
        with schema_context(ystad.schema_name):
            make_listing(author=user_in(ystad, "chef"), title=TITLE, quantity=6, reach=Reach.NETWORKS)
        relay(ystad)


def _remove_the_deal(django_db_blocker) -> None:
    """Remove what the journey committed: the deal (its agreement is immutable, so its trigger is set aside for this
    clean-up only), the exchange's offer, and the listing with its bookings."""
    from django.db import connection, transaction
    from django_tenants.utils import get_public_schema_name

    from exchange.models import Agreement, Deal, DealEvent, DealMessage, Offer

    with django_db_blocker.unblock(), schema_context(get_public_schema_name()), transaction.atomic():
        deals = Deal.objects.filter(title=TITLE)
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE exchange_agreement DISABLE TRIGGER exchange_agreement_immutable")
            Agreement.objects.filter(deal__in=deals).delete()
            cursor.execute("ALTER TABLE exchange_agreement ENABLE TRIGGER exchange_agreement_immutable")
        DealEvent.objects.filter(deal__in=deals).delete()
        DealMessage.objects.filter(deal__in=deals).delete()
        deals.delete()
        Offer.objects.filter(title=TITLE).delete()
    remove_listings_titled(django_db_blocker, TITLE)
