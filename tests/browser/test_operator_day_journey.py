"""The operator's day, one journey (issue 10, "Tests and figures"; docs/operators-day.md). At Ystad, whose rule asks
a department manager to approve a booking from another department (decision 0045):

1. a teacher (Lars Lärare, Östervångsskolan) posts a wanted ad for a saddle stool (decision 0036);
2. the operator (Johan Persson, the labour-market unit), on a 390×844 touch screen, registers three things into
   storage one after another (decision 0043), prints their labels — the PDF is read back: its text has the three
   titles, with Swedish characters, and their short codes, and every QR code is decoded with zxing-cpp — and
   publishes them together;
3. the outbox's sweep delivers the publications; the teacher sees the match in the header's badge and on his ad,
   and has one e-mail about it; he reserves the stool, which waits for his manager;
4. his manager (Maria Nilsson) approves it in "Att godkänna";
5. the operator, on the phone, opens the stool's history (decision 0042): each step stands with who took it.

The steps are the other journeys' (storage_steps.py, helpers.py); the history of a listing with bookings, on a phone,
is audited with axe here (the other pages are audited by the journeys that own them). The journey's scripted time
and its steps are printed (docs/operators-day.md has them).
"""

from __future__ import annotations

import re
import time
import uuid

from django.core import mail
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.helpers import (
    approve_in_queue,
    deliver_due_messages,
    log_in,
    log_out,
    open_approval_queue,
    remove_listings_titled,
    remove_wanted_ads,
    reserve_awaiting_approval,
)
from tests.browser.storage_steps import (
    assert_labels_name,
    print_labels,
    publish_from_storage,
    register_into_storage,
    remembered_place,
    restore_defaults,
)
from tests.browser.test_phone_posting import _phone

YSTAD = "ystad.localhost"
OPERATOR = ("operator@ystad.example", "Johan Persson")
COLLEAGUE = ("lars.larare@skola.ystad.example", "Lars Lärare")  # demo.approvals: his manager is Maria Nilsson
MANAGER = ("chef@ystad.example", "Maria Nilsson")
WHAT = "Sadelstol"


class Journey:
    """The journey's steps, each with the seconds it took from the one before."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.steps: list[tuple[str, float]] = []

    def done(self, step: str) -> None:
        now = time.perf_counter()
        self.steps.append((step, now - self.last))
        self.last = now

    def report(self) -> str:
        lines = [f"  {n}. {step}: {seconds:.1f} s" for n, (step, seconds) in enumerate(self.steps, 1)]
        total = self.last - self.started
        return "\n".join([f"operator's day journey: {len(self.steps)} steps in {total:.1f} s", *lines])


def _approval_rule(django_db_blocker, rule: str, threshold: int | None = None) -> tuple[str, int]:
    """Set Ystad's approval rule (through the settings' service, as its page does); the rule as it was."""
    from tenants.models import Organisation
    from tenants.services import update_settings

    with django_db_blocker.unblock():
        ystad = Organisation.objects.get(slug="ystad")
        before = (ystad.approval_rule, ystad.approval_threshold)
        update_settings(organisation=ystad, approval_rule=rule, approval_threshold=threshold)
        return before


def _history_row(page, who: str, what: str, change: re.Pattern | str):
    """The first row of the history table for ``what`` (e.g. "Skapad: Annons") with ``change``, taken by ``who``."""
    row = page.get_by_role("row").filter(has_text=what).filter(has_text=change).first
    expect(row).to_be_visible()
    expect(row.get_by_role("cell").nth(1)).to_have_text(who)
    return row


def test_the_operators_day_from_storage_to_an_approved_reservation_and_its_history(
    browser, page, url, audit, django_db_blocker, csp_violations,
):
    from catalog.models import Category, Listing

    batch = f"Dagsresa {uuid.uuid4().hex[:6]}"
    # Swedish characters in every title: the labels must print them
    titles = [f"{batch} sadelstol, höj- och sänkbar", f"{batch} kontorsstol med nackstöd",
              f"{batch} snurrstol för förskolan, röd"]
    wanted = titles[0]
    with django_db_blocker.unblock(), schema_context("org_ystad"):
        chairs = Category.objects.get(name="Kontorsstolar").pk
    rule = _approval_rule(django_db_blocker, "outside_department")
    remembered = remembered_place(django_db_blocker, OPERATOR[0])
    phone_context, phone = _phone(browser, csp_violations)
    mail.outbox = []
    journey = Journey()
    try:
        # 1. a teacher asks for a saddle stool
        log_in(page, url, YSTAD, COLLEAGUE[0])
        page.goto(url(YSTAD, "/efterlysningar/ny/"))
        page.get_by_label("Vad letar du efter?").fill(WHAT)
        page.get_by_role("button", name="Lägg ut efterlysningen").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Efterlyses: {WHAT}")
        ad_address = page.url
        log_out(page)
        journey.done("the teacher posts a wanted ad")

        # 2. the operator registers three things into storage on the phone
        log_in(phone, url, YSTAD, OPERATOR[0])
        register_into_storage(phone, url, YSTAD, titles=titles, category=chairs)
        with django_db_blocker.unblock(), schema_context("org_ystad"):
            stored = {row.title: row for row in Listing.objects.filter(title__in=titles)}
        assert {row.status for row in stored.values()} == {"stored"} and len(stored) == 3
        journey.done("the operator registers three things into storage (phone)")

        # prints their labels: the PDF names them with Swedish characters, each QR code opens one
        labels = print_labels(phone, url, YSTAD, query=batch, titles=titles)
        assert_labels_name(phone, labels, stored)
        assert "höj- och sänkbar" in labels.text and "för förskolan, röd" in labels.text
        journey.done("prints their labels (PDF read, 3 QR codes decoded)")

        # and publishes them together
        publish_from_storage(phone, url, YSTAD, query=batch, titles=titles)
        journey.done("publishes them (phone)")

        # 3. the publications are delivered and the ad is answered
        deliver_due_messages(django_db_blocker)
        log_in(page, url, YSTAD, COLLEAGUE[0])
        # the bell (decision 0047) has the match, and its notification leads to the ad
        expect(page.locator("#bell")).to_have_attribute("aria-label", re.compile(r"^Aviseringar, [1-9]\d* olästa?$"))
        page.locator("#bell").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Aviseringar")
        page.get_by_role("button", name=re.compile(WHAT)).first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Efterlyses: {WHAT}")
        assert page.url == ad_address
        matches = page.get_by_role("region", name="Hittat sedan den lades ut")
        expect(matches.get_by_role("link")).to_have_count(1)
        expect(matches.get_by_role("link", name=wanted)).to_be_visible()
        sent = [message for message in mail.outbox if WHAT in message.subject]
        assert len(sent) == 1 and sent[0].to == [COLLEAGUE[0]] and wanted in sent[0].body
        journey.done("the teacher sees the match (bell, his ad) and has its e-mail")

        # he reserves it, and it waits for his manager
        matches.get_by_role("link", name=wanted).click()
        reserve_awaiting_approval(page)
        log_out(page)
        journey.done("the teacher reserves it: it awaits approval")

        # 4. his manager approves it
        log_in(page, url, YSTAD, MANAGER[0])
        open_approval_queue(page, wanted)
        approve_in_queue(page, wanted)
        log_out(page)
        journey.done("the manager approves it in Att godkänna")

        # 5. the operator reads its history on the phone: each step with who took it
        phone.goto(url(YSTAD, f"/annonser/{stored[wanted].uuid}/"))
        phone.get_by_role("link", name=re.compile("^Historik")).tap()
        expect(phone.get_by_role("heading", level=1)).to_have_text(f"Historik för {wanted}")
        _history_row(phone, OPERATOR[1], "Skapad: Annons", "/lager/registrera/")
        _history_row(phone, OPERATOR[1], "Ändrad: Annons", re.compile(r"Utkast\s*→\s*I lager"))
        _history_row(phone, OPERATOR[1], "Ändrad: Annons", re.compile(r"I lager\s*→\s*Publicerad"))
        _history_row(phone, COLLEAGUE[1], "Skapad: Bokning", "Väntar på godkännande")
        _history_row(phone, MANAGER[1], "Ändrad: Bokning", re.compile(r"Väntar på godkännande\s*→\s*Reserverad"))
        journey.done("the operator reads the history (phone)")
        audit(phone)
        with django_db_blocker.unblock(), schema_context("org_ystad"):
            booking = stored[wanted].bookings.get()
            assert booking.status == "reserved" and booking.borrower_email == COLLEAGUE[0]
        print("\n" + journey.report())
    finally:
        phone_context.close()
        remove_wanted_ads(django_db_blocker, WHAT)
        for title in titles:
            remove_listings_titled(django_db_blocker, title)
        restore_defaults(django_db_blocker, remembered)
        _approval_rule(django_db_blocker, *rule)
