"""Wanted ads in the browser (issue 10 part 4, decision 0036): a Ystad colleague posts a wanted ad for a pallet
stool; the operator publishes one through the listing form; the colleague sees the bell's count in the header, the match
on "Mina efterlysningar" and on the ad, and was e-mailed once. The new pages are audited with axe in Swedish and in
English."""

from __future__ import annotations

import re

from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from tests.browser.helpers import (
    audit_in_swedish_and_english,
    deliver_due_messages,
    log_in,
    log_out,
    remove_listings_titled,
    remove_wanted_ads,
)

YSTAD = "ystad.localhost"
WHAT = "Pallstol i trä"
TITLE = "Pallstol i trä, låg, från förrådet"


def _nav(page, name):
    return page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name=name)


def _heading(page):
    return page.get_by_role("heading", level=1)


def _bell(page) -> int:
    """The unread notifications the header's bell shows (the bell replaced the wanted badge, decision 0047)."""
    count = page.locator("#bell-count")
    return int(count.inner_text()) if count.count() else 0


def _photo(tmp_path):
    path = tmp_path / "pallstol.jpg"
    Image.new("RGB", (320, 240), (150, 110, 60)).save(path, format="JPEG")
    return str(path)


def test_a_wanted_ad_is_answered_by_an_alert_when_a_matching_listing_is_published(page, url, audit, tmp_path,
                                                                                  django_db_blocker):
    mail.outbox = []
    try:
        # a colleague posts a wanted ad
        log_in(page, url, YSTAD, "personal@ystad.example")
        unread_before = _bell(page)
        _nav(page, "Efterlysningar").click()
        expect(_heading(page)).to_have_text("Efterlysningar")
        audit_in_swedish_and_english(page, audit, english_heading="Wanted")
        page.get_by_role("link", name="Lägg ut en efterlysning").first.click()
        expect(_heading(page)).to_have_text("Lägg ut en efterlysning")
        audit_in_swedish_and_english(page, audit, english_heading="Post a wanted ad")
        page.get_by_label("Vad letar du efter?").fill(WHAT)
        page.get_by_label("Antal", exact=True).fill("2")
        page.get_by_role("button", name="Lägg ut efterlysningen").click()
        expect(_heading(page)).to_have_text(f"Efterlyses: {WHAT}")
        expect(page.locator("#wanted-status")).to_have_text("Öppen")
        expect(page.get_by_role("region", name="Hittat sedan den lades ut")).to_contain_text("Inget som passar")
        audit_in_swedish_and_english(page, audit, english_heading=WHAT)
        log_out(page)

        # the operator sees it among the wanted ads, answers "I have one" and publishes a matching listing
        log_in(page, url, YSTAD, "operator@ystad.example")
        _nav(page, "Efterlysningar").click()
        page.get_by_label("Sök bland efterlysningar").fill("pallstolar")
        page.get_by_role("button", name="Sök", exact=True).click()
        page.get_by_role("link", name=WHAT).click()
        expect(page.get_by_role("region", name="Jag har en sådan")).to_be_visible()
        audit_in_swedish_and_english(page, audit, english_heading=WHAT)
        page.get_by_role("link", name="Lägg upp en annons").click()
        # photos first (sent as they are picked), then the title; the rest is folded under one summary (decision 0037)
        page.get_by_label("Välj från biblioteket", exact=True).set_input_files(_photo(tmp_path))
        expect(page.locator("#pending-photos .pending-photo")).to_have_count(1)
        page.get_by_label("Titel", exact=True).fill(TITLE)
        page.get_by_label("Kategori", exact=True).select_option(label="Möbler › Stolar")
        page.locator(".more-details summary").click()
        page.get_by_label("Beskrivning", exact=True).fill("Låg pallstol i furu, stadig.")
        page.get_by_label("Antal", exact=True).fill("2")
        page.get_by_role("button", name="Publicera", exact=True).click()
        expect(_heading(page)).to_have_text(TITLE)
        log_out(page)
        deliver_due_messages(django_db_blocker)

        # the colleague sees the alert: the badge, the list of their ads, the match on the ad
        log_in(page, url, YSTAD, "personal@ystad.example")
        expect(page.locator("#bell")).to_have_attribute("aria-label", f"Aviseringar, {unread_before + 1} olästa")
        page.goto(url(YSTAD, "/efterlysningar/mina/"))
        expect(_heading(page)).to_have_text("Mina efterlysningar")
        expect(page.get_by_role("row", name=re.compile(WHAT))).to_contain_text("1 ny")
        audit_in_swedish_and_english(page, audit, english_heading="My wanted ads")
        # the bell's notification leads to the ad, and is read
        page.locator("#bell").click()
        expect(_heading(page)).to_have_text("Aviseringar")
        page.get_by_role("button", name=re.compile(WHAT)).first.click()
        expect(_heading(page)).to_have_text(f"Efterlyses: {WHAT}")
        matches = page.get_by_role("region", name="Hittat sedan den lades ut")
        expect(matches.get_by_role("link", name=TITLE)).to_be_visible()
        expect(matches).to_contain_text("Ny")
        assert _bell(page) == unread_before
        # and was e-mailed once about it
        sent = [m for m in mail.outbox if WHAT in m.subject]
        assert len(sent) == 1 and TITLE in sent[0].body

        # and closes the ad
        page.get_by_role("button", name="Stäng efterlysningen").click()
        expect(page.locator("#wanted-status")).to_have_text("Stängd")
        log_out(page)
    finally:
        _remove(django_db_blocker)


def _remove(django_db_blocker) -> None:
    remove_wanted_ads(django_db_blocker, WHAT)
    remove_listings_titled(django_db_blocker, TITLE)
