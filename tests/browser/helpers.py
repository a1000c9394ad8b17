"""Steps the browser journeys share: log in and out, switch language, audit a page in Swedish and in English."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD


def log_in(page, url, host: str, email: str, *, totp_secret: str | None = None) -> None:
    page.goto(url(host, "/"))
    expect(page).to_have_url(re.compile(r"/konto/login/"))
    fill_login_form(page, email, totp_secret=totp_secret)


def fill_login_form(page, email: str, *, totp_secret: str | None = None) -> None:
    """Log in on allauth's login page; with ``totp_secret``, give the second step the code the person's
    authenticator app would show (decision 0054)."""
    page.get_by_label(re.compile("E-post|E-mail", re.I)).fill(email)
    page.get_by_label(re.compile("Lösenord|Password", re.I)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^(Logga in|Log in|Sign in)$", re.I)).click()
    if totp_secret is not None:
        from tests.security.auth_support import totp_code

        expect(page).to_have_url(re.compile(r"/konto/2fa/authenticate/$"))
        page.locator("#id_code").fill(totp_code(totp_secret))
        page.get_by_role("button", name=re.compile("^(Logga in|Log in|Sign in)$", re.I)).click()


def open_menu(page) -> None:
    """On a narrow screen the main menu (and the language switch) fold behind "Meny" (decision 0038): open it."""
    # After a change of the window's size the script shows or hides the button (static/js/layout.js): wait until it
    # has, so that the button is not clicked as it disappears.
    page.wait_for_function(
        "() => { const b = document.getElementById('menu-button');"
        " return !b || b.hidden === !window.matchMedia('(max-width: 48rem)').matches; }"
    )
    button = page.locator("#menu-button")
    if button.is_visible() and button.get_attribute("aria-expanded") != "true":
        button.click()
        expect(button).to_have_attribute("aria-expanded", "true")


def nav_link(page, name: str):
    """A link of the main menu, the menu opened first if it is folded."""
    open_menu(page)
    return page.get_by_role("navigation", name=re.compile("^(Huvudmeny|Main menu)$")).get_by_role(
        "link", name=name, exact=True)


def log_out(page) -> None:
    open_menu(page)
    page.get_by_role("button", name=re.compile("^(Logga ut|Log out)$")).click()
    expect(page).to_have_url(re.compile(r"/konto/login/"))


def switch_to_english(page) -> None:
    open_menu(page)
    page.get_by_role("button", name="In English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def switch_to_swedish(page) -> None:
    open_menu(page)
    page.get_by_role("button", name="På svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")


def audit_in_swedish_and_english(page, audit, *, english_heading: str | re.Pattern | None = None) -> None:
    """Audit the page as it is (Swedish), switch to English and audit the same page again, then switch back."""
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    audit(page)
    switch_to_english(page)
    if english_heading is not None:
        expect(page.get_by_role("heading", level=1)).to_contain_text(english_heading)
    audit(page)
    switch_to_swedish(page)


def remove_listings_titled(django_db_blocker, title: str, schema_name: str = "org_ystad") -> None:
    """Remove what a journey committed: the listings of this title, their bookings and their photo files."""
    from django.core.files.storage import default_storage
    from django_tenants.utils import schema_context

    from bookings.models import Booking
    from catalog.models import Listing, ListingPhoto

    with django_db_blocker.unblock(), schema_context(schema_name):
        listings = Listing.objects.filter(title=title)
        for record in ListingPhoto.objects.filter(listing__in=listings):
            for name in (record.image.name, record.thumbnail.name):
                if name:
                    default_storage.delete(name)
        Booking.objects.filter(listing__in=listings).delete()
        ListingPhoto.objects.filter(listing__in=listings).delete()
        listings.delete()


def add_platform_staff(django_db_blocker, schema_name: str = "org_ystad") -> str:
    """Delbar's platform staff as they exist on an organisation's host — a superuser of its schema, who alone may
    use Django admin there (decision 0039) — committed for the live server. Returns the login address."""
    from django_tenants.utils import schema_context

    from accounts.services import ensure_superuser, set_up_totp
    from tests.admin_support import PLATFORM_STAFF_EMAIL, PLATFORM_STAFF_TOTP_SECRET

    with django_db_blocker.unblock(), schema_context(schema_name):
        staff, _created = ensure_superuser(email=PLATFORM_STAFF_EMAIL, password=PASSWORD, full_name="Plattformsstöd")
        # Platform staff must have an authenticator app (decision 0054): log in with totp_secret=PLATFORM_STAFF_….
        set_up_totp(user=staff, secret=PLATFORM_STAFF_TOTP_SECRET)
    return PLATFORM_STAFF_EMAIL


def remove_platform_staff(django_db_blocker, schema_name: str = "org_ystad") -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.admin.models import LogEntry
    from django_tenants.utils import schema_context

    from accounts.models import User
    from tests.admin_support import PLATFORM_STAFF_EMAIL

    with django_db_blocker.unblock(), schema_context(schema_name):
        Authenticator.objects.filter(user__email=PLATFORM_STAFF_EMAIL).delete()
        LogEntry.objects.filter(user__email=PLATFORM_STAFF_EMAIL).delete()
        EmailAddress.objects.filter(email=PLATFORM_STAFF_EMAIL).delete()
        User.objects.filter(email=PLATFORM_STAFF_EMAIL).delete()


def reserve_awaiting_approval(page) -> None:
    """On a listing's page, reserve it where the organisation asks a manager first (decision 0045): it waits."""
    page.get_by_role("button", name="Reservera", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("väntar på din chefs godkännande")


def open_approval_queue(page, title: str) -> None:
    """A department manager opens "Att godkänna" from the menu, where the request for ``title`` waits."""
    nav_link(page, "Att godkänna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Att godkänna")
    expect(page.get_by_role("heading", level=2, name=title)).to_be_visible()


def approve_in_queue(page, title: str) -> None:
    """Approve the request for ``title`` in "Att godkänna", and see it leave the queue."""
    page.get_by_role("button", name=re.compile(f"^Godkänn .*{re.escape(title)}$")).click()
    expect(page.get_by_role("status")).to_contain_text(f"Du godkände begäran om ”{title}”.")
    expect(page.get_by_role("heading", level=2, name=title)).to_have_count(0)


def deliver_due_messages(django_db_blocker, schema_name: str = "org_ystad") -> None:
    """What the outbox's sweep does within 30 s: deliver the organisation's due messages — a publication's event
    (due a second after it was written), then what its handlers wrote (a wanted ad's alert e-mail)."""
    import time

    from django_tenants.utils import schema_context

    from outbox.services import deliver_due

    time.sleep(1.1)
    with django_db_blocker.unblock(), schema_context(schema_name):
        while deliver_due().more:
            pass


def remove_wanted_ads(django_db_blocker, what: str, schema_name: str = "org_ystad") -> None:
    """Remove what a journey committed: the wanted ads asking for ``what``, their matches and their e-mails."""
    from django_tenants.utils import schema_context

    from outbox.models import OutboxMessage
    from wanted.models import WantedAd

    with django_db_blocker.unblock(), schema_context(schema_name):
        ads = WantedAd.objects.filter(what=what)
        OutboxMessage.objects.filter(key__in=[f"wanted:{ad.uuid}" for ad in ads]).delete()
        for ad in ads:
            OutboxMessage.objects.filter(key__startswith=f"wanted:{ad.uuid}:").delete()
        ads.delete()  # its matches with it
