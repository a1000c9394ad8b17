"""The platform console's login is allauth's, at the root domain (issue 13, finding 1), with the second factor
platform admins must have (decision 0054), and it is accessible."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from playwright.sync_api import expect

from demo.world import PLATFORM_ADMIN_EMAIL, PLATFORM_ADMIN_TOTP_SECRET
from tests.browser.helpers import audit_in_swedish_and_english
from tests.conftest import PASSWORD
from tests.security.auth_support import totp_code

NEW_ADMIN = "ny-admin-webblasare@delbar.example"


def test_a_platform_admin_logs_in_to_the_console_through_allauths_page(page, url, audit):
    # when the platform admin opens the console
    page.goto(url("localhost", "/konsol/"))

    # then they are on allauth's login page at the root domain, which is accessible in Swedish and English
    expect(page).to_have_url(re.compile(r"localhost:\d+/konto/login/\?next=%2Fkonsol%2F$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    expect(page.get_by_text("Plattformskonsolen är för Delbars plattformsadministratörer.")).to_be_visible()
    audit_in_swedish_and_english(page, audit, english_heading="Log in")

    # and logging in there brings them to the console
    page.get_by_label(re.compile("E-post", re.I)).fill(PLATFORM_ADMIN_EMAIL)
    page.get_by_label(re.compile("Lösenord", re.I)).fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()

    # then allauth asks for the code from their authenticator app, on a page that is accessible too
    expect(page).to_have_url(re.compile(r"localhost:\d+/konto/2fa/authenticate/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tvåfaktorsautentisering")
    audit_in_swedish_and_english(page, audit, english_heading="Two-Factor Authentication")
    page.locator("#id_code").fill(totp_code(PLATFORM_ADMIN_TOTP_SECRET))
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(re.compile(r"localhost:\d+/konsol/$"))
    expect(page.get_by_role("link", name="Organisationer", exact=True).last).to_have_attribute(
        "href", "/konsol/tenants/organisation/"
    )


@pytest.fixture
def admin_without_app(django_db_blocker):
    from accounts.services import ensure_superuser

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        ensure_superuser(email=NEW_ADMIN, password=PASSWORD, full_name="Ny Plattformsadmin")
    yield NEW_ADMIN
    # Removed row by row in the public schema: the ORM's cascade would look for tables (knox's) that only the
    # organisations' schemas have.
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        connection.set_schema_to_public()
        mine = "(SELECT id FROM accounts_user WHERE email = %s)"
        for table in ("mfa_authenticator", "account_emailaddress", "django_admin_log"):
            cursor.execute(f"DELETE FROM {table} WHERE user_id IN {mine}", [NEW_ADMIN])
        cursor.execute("DELETE FROM accounts_user WHERE email = %s", [NEW_ADMIN])


def test_a_new_platform_admin_sets_up_an_authenticator_app_before_the_console(page, url, audit, admin_without_app):
    # given a platform admin with no authenticator app, logging in
    page.goto(url("localhost", "/konsol/"))
    page.get_by_label(re.compile("E-post", re.I)).fill(admin_without_app)
    page.get_by_label(re.compile("Lösenord", re.I)).fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()

    # then they are asked for their password once more (allauth's reauthentication) and sent to set up an app
    expect(page).to_have_url(re.compile(r"/konto/reauthenticate/"))
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"localhost:\d+/konto/2fa/totp/activate/$"))

    # and the set-up page, with its QR code and secret, is accessible in Swedish and English
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktivera autentiseringsapp")
    expect(page.locator(".mfa-qr svg")).to_be_visible()
    audit_in_swedish_and_english(page, audit, english_heading="Activate Authenticator App")

    # when they enter the code from the app
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("#id_code").fill(totp_code(secret))
    page.get_by_role("button", name="Aktivera").click()

    # then they see their recovery codes (an accessible page) and the console opens
    expect(page.get_by_role("heading", level=1)).to_have_text("Återställningskoder")
    audit(page)
    page.goto(url("localhost", "/konsol/"))
    expect(page).to_have_url(re.compile(r"localhost:\d+/konsol/$"))
