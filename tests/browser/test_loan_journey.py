"""Borrowing in the browser, on a phone-sized screen (390 × 844): a colleague picks next Tuesday to Thursday on the
projector's availability calendar, by keyboard, and books it; the owner confirms the pick-up and the return. The
calendar and the booking's page are audited with axe-core in Swedish and in English, and fit the screen.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import formats, timezone, translation
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.helpers import audit_in_swedish_and_english, log_in, log_out, remove_listings_titled

HOST = "ystad.localhost"
OWNER = "chef@ystad.example"
BORROWER = "personal@ystad.example"
TITLE = "Projektor BenQ lånetest"
PHONE = {"width": 390, "height": 844}


def _heading(page):
    return page.get_by_role("heading", level=1)


def _next_tuesday():
    today = timezone.localdate()
    return today + timedelta(days=(1 - today.weekday()) % 7 or 7)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def _day_label(day) -> str:
    with translation.override("sv"):
        return formats.date_format(day, "l j F")


def _choose(page, day) -> None:
    """Go to the day's month, then pick the day by keyboard: focus its link and press Enter."""
    month = formats.date_format(day, "F Y")
    for _ in range(3):
        with translation.override("sv"):
            month = formats.date_format(day, "F Y").capitalize()
        if page.locator("#calendar-month").inner_text() == month:
            break
        page.get_by_role("link", name="Nästa månad").click()
    link = page.locator("table.calendar").get_by_role("link", name=re.compile(f"^{_day_label(day)}: "))
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator("table.calendar").get_by_role("link", name=re.compile(f"^{_day_label(day)}: vald"))) \
        .to_be_visible()


def test_borrow_a_projector_for_next_tuesday_to_thursday_on_a_phone(browser, url, audit, django_db_blocker):
    listing = _post_the_projector(django_db_blocker)
    context = browser.new_context(locale="sv-SE", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    tuesday = _next_tuesday()
    thursday = tuesday + timedelta(days=2)
    try:
        # the colleague opens the projector and asks which days it is free
        log_in(page, url, HOST, BORROWER)
        page.goto(url(HOST, f"/annonser/{listing}/"))
        expect(_heading(page)).to_have_text(TITLE)
        page.get_by_role("link", name="Välj dagar").click()
        expect(_heading(page)).to_have_text(f"Boka ”{TITLE}”")
        expect(page.get_by_role("table", name=re.compile(r"\d{4}$"))).to_be_visible()
        audit_in_swedish_and_english(page, audit, english_heading=f"Book “{TITLE}”")
        _fits(page)

        # picks Tuesday, then Thursday, by keyboard on the calendar: the form is filled in
        _choose(page, tuesday)
        expect(page.locator("#calendar-help")).to_contain_text("Välj nu dagen då den lämnas tillbaka")
        _choose(page, thursday)
        expect(page.get_by_label("Hämtas dag")).to_have_value(tuesday.isoformat())
        expect(page.get_by_label("Lämnas tillbaka dag")).to_have_value(thursday.isoformat())
        expect(page.get_by_label("Hämtas klockan")).to_have_value("09:00")
        audit_in_swedish_and_english(page, audit)
        _fits(page)

        # and books it
        page.get_by_role("button", name="Boka", exact=True).click()
        expect(_heading(page)).to_have_text(f"Lån av ”{TITLE}”")
        expect(page.locator(".messages")).to_contain_text(f"Du har bokat ”{TITLE}”.")
        expect(page.locator("#booking-status")).to_have_text("Reserverad")
        audit_in_swedish_and_english(page, audit, english_heading=f"Loan of “{TITLE}”")
        _fits(page)
        booking_page = page.url

        # the owner confirms the pick-up from "Mina annonser", and later the return
        log_out(page)
        log_in(page, url, HOST, OWNER)
        page.goto(url(HOST, "/mina-annonser/"))
        page.get_by_role("link", name=re.compile("^Hantera .+ lån$")).first.click()
        expect(page).to_have_url(booking_page)
        page.get_by_role("button", name=re.compile("^Bekräfta att .+ har hämtat$")).click()
        expect(page.locator("#booking-status")).to_have_text("Hämtad")
        audit(page)
        page.get_by_role("button", name="Bekräfta att den är tillbaka").click()
        expect(page.locator("#booking-status")).to_have_text("Återlämnad")
        expect(page.locator(".history")).to_contain_text("bekräftade återlämningen")
        audit_in_swedish_and_english(page, audit)
        _fits(page)
    finally:
        context.close()
        remove_listings_titled(django_db_blocker, TITLE)


def _post_the_projector(django_db_blocker) -> str:
    from tenants.models import Organisation
    from tests.booking_support import lendable
    from tests.conftest import user_in

    with django_db_blocker.unblock():
        ystad = Organisation.objects.get(slug="ystad")
        with schema_context(ystad.schema_name):
            return str(lendable(user_in(ystad, "chef"), title=TITLE).uuid)
