"""Networks in the browser, on a phone-sized screen: Ystad's admin finds Tomelilla and invites it to "Sydöstra
Skåne"; Tomelilla's admin answers. Every page audited with axe in Swedish and English."""

from __future__ import annotations

import re

from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.helpers import audit_in_swedish_and_english, log_in, log_out, nav_link

PHONE = {"width": 390, "height": 844}


def _clean_up(django_db_blocker) -> None:
    with django_db_blocker.unblock():
        from exchange.models import Membership
        from outbox.models import OutboxMessage

        Membership.objects.filter(organisation__slug="tomelilla", network__name="Sydöstra Skåne").delete()
        OutboxMessage.objects.filter(key__startswith="exchange.invitation:").delete()
        with schema_context("org_tomelilla"):
            OutboxMessage.objects.filter(key__startswith="exchange.invitation:").delete()


def test_invite_an_organisation_and_answer_on_a_phone(page, url, audit, django_db_blocker):
    page.set_viewport_size(PHONE)
    try:
        # Ystad's admin opens "Nätverk" from the menu
        log_in(page, url, "ystad.localhost", "admin@ystad.example")
        nav_link(page, "Nätverk").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Nätverk")
        expect(page.get_by_role("link", name="Sydöstra Skåne")).to_be_visible()
        audit_in_swedish_and_english(page, audit, english_heading="Networks")

        # the network: its members, and a search for an organisation outside it
        page.get_by_role("link", name="Sydöstra Skåne").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Sydöstra Skåne")
        # (Skurup is a member, and also in the year's figures when the demo's deals are there)
        expect(page.get_by_text("Skurups kommun").first).to_be_visible()
        page.get_by_label("Sök en organisation på namn").fill("tomelilla")
        page.get_by_role("button", name="Sök", exact=True).click()
        invite = page.get_by_role("button", name="Bjud in Tomelilla kommun")
        expect(invite).to_be_visible()
        audit_in_swedish_and_english(page, audit, english_heading="Sydöstra Skåne")

        # she invites Tomelilla: it is listed as invited
        page.get_by_role("button", name="Bjud in Tomelilla kommun").click()
        expect(page.get_by_role("status")).to_contain_text("Tomelilla kommun är inbjuden")
        expect(page.get_by_text(re.compile("inbjuden av Ystads kommun"))).to_be_visible()
        audit(page)

        # the page to leave asks first
        page.get_by_role("link", name="Lämna ”Sydöstra Skåne”").click()
        expect(page.get_by_role("button", name="Lämna nätverket")).to_be_visible()
        audit_in_swedish_and_english(page, audit, english_heading="Leave")
        log_out(page)

        # Tomelilla's admin sees the invitation and declines it
        log_in(page, url, "tomelilla.localhost", "admin@tomelilla.example")
        nav_link(page, "Nätverk").click()
        expect(page.get_by_role("heading", name="Inbjudningar att svara på")).to_be_visible()
        expect(page.get_by_role("button", name="Gå med i ”Sydöstra Skåne”")).to_be_visible()
        audit_in_swedish_and_english(page, audit, english_heading="Networks")
        page.get_by_role("button", name="Tacka nej").click()
        expect(page.get_by_role("status")).to_contain_text("Du har tackat nej")
        expect(page.get_by_role("heading", name="Inbjudningar att svara på")).to_have_count(0)
        audit(page)
    finally:
        _clean_up(django_db_blocker)
