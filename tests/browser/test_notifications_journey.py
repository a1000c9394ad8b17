"""The bell in the browser (issue 10 part 7, decision 0047): a Ystad colleague with three unread notifications sees
the count beside the brand on a desktop and on a 390 px phone with the menu folded, opens the page, opens one (it
leads where it says and is read) and marks the rest read. axe passes on the page in Swedish and English and on the
phone."""

from __future__ import annotations

import re

from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.helpers import audit_in_swedish_and_english, log_in, log_out

YSTAD = "ystad.localhost"
EMAIL = "personal@ystad.example"
PREFIX = "browser-bell"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _seed(django_db_blocker) -> None:
    """Everything the person has read, and three new ones (committed: the live server has its own connection)."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from notifications import services
    from notifications.models import Notification

    with django_db_blocker.unblock(), schema_context("org_ystad"), transaction.atomic():
        person = User.objects.get(email=EMAIL)
        Notification.objects.filter(recipient=person, read_at__isnull=True).update(read_at=timezone.now())
        services.notify_many(notices=[
            services.Notice(recipient_id=person.pk, kind="test", text=f"Klockprov {n}: någon frågar efter stolen",
                            link="/mina-annonser/", key=f"{PREFIX}:{n}")
            for n in range(3)
        ])


def _clean(django_db_blocker) -> None:
    from notifications.models import Notification

    with django_db_blocker.unblock(), schema_context("org_ystad"):
        Notification.objects.filter(key__startswith=PREFIX).delete()


def test_the_bell_counts_on_desktop_and_phone_and_the_page_marks_read(page, url, audit, django_db_blocker):
    _seed(django_db_blocker)
    try:
        # on a desktop the bell beside the brand says three unread
        page.set_viewport_size(DESKTOP)
        log_in(page, url, YSTAD, EMAIL)
        bell = page.locator("#bell")
        expect(bell).to_be_visible()
        expect(bell).to_have_attribute("aria-label", "Aviseringar, 3 olästa")
        expect(page.locator("#bell-count")).to_have_text("3")

        # on a phone, with the menu folded, the bell is still there
        page.set_viewport_size(PHONE)
        page.reload()
        expect(page.locator("#menu-button")).to_be_visible()
        expect(page.locator("#site-menu")).to_be_hidden()
        expect(bell).to_be_visible()
        expect(page.locator("#bell-count")).to_have_text("3")
        box = bell.bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"] and box["height"] >= 44, "inside the screen, big enough"

        # the page, from the bell
        bell.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Aviseringar")
        expect(page.locator("#unread-summary")).to_have_text("3 olästa")
        audit(page)
        page.set_viewport_size(DESKTOP)
        audit_in_swedish_and_english(page, audit, english_heading="Notifications")

        # opening one leads where it says, and it is read
        page.get_by_role("button", name=re.compile("Klockprov 1")).click()
        expect(page).to_have_url(re.compile(r"/mina-annonser/$"))
        expect(bell).to_have_attribute("aria-label", "Aviseringar, 2 olästa")

        # "Markera alla som lästa" leaves none
        bell.click()
        page.get_by_role("button", name="Markera alla som lästa").click()
        expect(page.locator("#unread-summary")).to_have_text("0 olästa")
        expect(page.locator("#bell-count")).to_have_count(0)
        expect(bell).to_have_attribute("aria-label", "Aviseringar")
        audit(page)
        log_out(page)
    finally:
        _clean(django_db_blocker)
