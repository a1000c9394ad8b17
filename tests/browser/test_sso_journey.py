"""Single sign-on in a real browser (decision 0056): Ystad's admin configures it on /administrera/inloggning/ (axe,
Swedish and English), then a colleague goes from Ystad's login page through the real test provider's own login form
(django-oauth-toolkit, started on localhost by the test) and back into Delbar, with an account made in Ystad's
schema — within the strict CSP (the ``page`` fixture), whose form-action lets the login form lead to the provider."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.helpers import audit_in_swedish_and_english, log_in, log_out
from tests.oidc_support import CLIENT_SECRET, PASSWORD, running_provider

NEW = "sso.kollega@ystad.example"


@pytest.fixture
def provider(tmp_path, live_server_port):
    callback = f"http://ystad.localhost:{live_server_port}/konto/oidc/sso/login/callback/"
    with running_provider(tmp_path / "oidc", clients=[{"client_id": "delbar-ystad", "redirect_uris": [callback]}],
                          users=[{"username": "kollega", "email": NEW, "name": "Sso Kollega"}]) as running:
        yield running


@pytest.fixture
def clean_up(django_db_blocker):
    yield
    with django_db_blocker.unblock(), schema_context("org_ystad"):
        from allauth.socialaccount.models import SocialAccount

        from accounts.models import User
        from sso.models import IdentityProvider

        SocialAccount.objects.filter(user__email=NEW).delete()
        User.objects.filter(email=NEW).delete()
        IdentityProvider.objects.all().delete()


def test_an_admin_configures_single_sign_on_and_a_colleague_logs_in_through_the_provider(
        page, url, audit, provider, clean_up, django_db_blocker):
    # given Ystad's admin on the single sign-on page, reached from the administration's menu
    log_in(page, url, "ystad.localhost", "admin@ystad.example")
    page.goto(url("ystad.localhost", "/administrera/"))
    page.locator("nav.admin-nav").get_by_role("link", name="Enkel inloggning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enkel inloggning")
    audit_in_swedish_and_english(page, audit, english_heading="Single sign-on")

    # when they save without a secret: the error summary names the field
    page.get_by_label("Utfärdarens adress (issuer) eller adressen till upptäcktsdokumentet").fill(provider.issuer)
    page.get_by_label("Klient-id").fill("delbar-ystad")
    page.get_by_label("Namn på inloggningsknappen").fill("Ystads konto")
    page.get_by_label("E-postdomäner (valfritt)").fill("ystad.example")
    page.get_by_label("Enhet för nya konton").select_option(index=1)
    page.get_by_label("Enkel inloggning är på").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert").get_by_role("link")).to_contain_text("Klienthemlighet")
    audit(page)

    # and with the secret
    page.get_by_label("Klienthemlighet").fill(CLIENT_SECRET)
    page.get_by_role("button", name="Spara").click()

    # then it is saved; the page says a secret is set, never what it is
    expect(page.get_by_text("Enkel inloggning har sparats.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Angiven \(senast bytt"))).to_be_visible()
    assert CLIENT_SECRET not in page.content()
    audit(page)
    log_out(page)

    # when a colleague without an account uses the login page's button
    page.goto(url("ystad.localhost", "/konto/login/"))
    page.get_by_role("button", name="Logga in med Ystads konto").click()

    # then the provider's own login form asks who they are
    expect(page).to_have_url(re.compile(rf"^{re.escape(provider.base)}/login/"))
    page.get_by_label("User name").fill("kollega")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # and they are back in Delbar, logged in to a new account at Ystad
    expect(page).to_have_url(re.compile(r"^http://ystad\.localhost:\d+/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"/konto/"))
    with django_db_blocker.unblock(), schema_context("org_ystad"):
        from accounts.models import User

        assert User.objects.filter(email=NEW).exists()
