"""Second factors (allauth.mfa: an authenticator app and recovery codes), decision 0054.

Platform admins must have one before they reach the console; an organisation may require one of its admins or of
everyone (``Organisation.mfa_required``, enforced by accounts.mfa.RequireMFAMiddleware). Codes are computed in the
tests from the secret (RFC 6238), not read from allauth.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from accounts.models import User
from accounts.services import ensure_superuser, set_up_totp
from demo.world import PLATFORM_ADMIN_EMAIL, PLATFORM_ADMIN_TOTP_SECRET
from tenants.services import update_settings
from tests.admin_support import platform_staff_in
from tests.conftest import PASSWORD, client_for, user_in

from .auth_support import form_error_codes, fresh_rate_limits, root_client, totp_code  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

LOGIN = "/konto/login/"
AUTHENTICATE = "/konto/2fa/authenticate/"
ACTIVATE = "/konto/2fa/totp/activate/"
NEW_ADMIN = "ny-plattformsadmin@delbar.example"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def new_platform_admin(*, with_app: bool = False) -> tuple[User, list[str]]:
    connection.set_schema_to_public()
    admin, _created = ensure_superuser(email=NEW_ADMIN, password=PASSWORD, full_name="Ny Plattformsadmin")
    codes = set_up_totp(user=admin, secret=SECRET) if with_app else []
    return admin, codes


def reauthenticated(client):
    """allauth asks for the password again before a second factor is added: give it."""
    answer = client.post(f"/konto/reauthenticate/?next={ACTIVATE}", {"password": PASSWORD})
    assert answer.status_code == 302, answer.status_code
    return client


def logged_in_with_password(client, email: str, next_url: str = "/konsol/"):
    return client.post(f"{LOGIN}?next={next_url}", {"login": email, "password": PASSWORD})


# ---------------------------------------------------------------------------------------------- platform admins


def test_a_platform_admin_without_an_app_sets_one_up_before_reaching_the_console(db):
    # given a platform admin with no authenticator app, logged in with their password
    new_platform_admin()
    client = root_client()
    assert logged_in_with_password(client, NEW_ADMIN)["Location"] == "/konsol/"

    # when they open the console, they are sent to set up an app
    sent = client.get("/konsol/")
    assert sent.status_code == 302 and sent["Location"] == ACTIVATE
    assert client.get("/konsol/organisation/").status_code == 302

    # and allauth asks for the password once more before a second factor is added (its reauthentication)
    asked = client.get(ACTIVATE)
    assert asked.status_code == 302 and asked["Location"].startswith("/konto/reauthenticate/")
    assert client.post(asked["Location"], {"password": PASSWORD}).status_code == 302

    # and the set-up page shows the QR code inline (the CSP allows no data: images) and the secret
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    secret = page.context["form"].secret
    html = page.content.decode()
    assert "<svg" in html and "data:image" not in html and secret in html

    # when they enter the code their app shows
    activated = client.post(ACTIVATE, {"code": totp_code(secret)})

    # then the app is theirs, recovery codes are made, and the console opens
    assert activated.status_code == 302, form_error_codes(activated)
    with schema_context("public"):
        types = set(User.objects.get(email=NEW_ADMIN).authenticator_set.values_list("type", flat=True))
    assert types == {"totp", "recovery_codes"}
    assert client.get("/konsol/").status_code == 200


def test_a_wrong_code_does_not_activate_the_app(db):
    new_platform_admin()
    client = root_client()
    logged_in_with_password(client, NEW_ADMIN)
    client.post(client.get(ACTIVATE)["Location"], {"password": PASSWORD})
    page = client.get(ACTIVATE)
    wrong = f"{(int(totp_code(page.context['form'].secret)) + 1) % 1_000_000:06d}"

    answer = client.post(ACTIVATE, {"code": wrong})

    assert answer.status_code == 200 and "incorrect_code" in form_error_codes(answer)
    assert client.get("/konsol/").status_code == 302


def test_the_demo_platform_admin_logs_in_with_password_and_a_code_from_the_app(db):
    # given the console's login, which is allauth's
    client = root_client()

    # when the password is right, allauth asks for the second factor before anything else
    first = logged_in_with_password(client, PLATFORM_ADMIN_EMAIL)
    assert first.status_code == 302 and first["Location"] == AUTHENTICATE
    assert "_auth_user_id" not in client.session
    assert client.get("/konsol/").status_code == 302

    # when the code from the app follows
    second = client.post(AUTHENTICATE, {"code": totp_code(PLATFORM_ADMIN_TOTP_SECRET)})

    # then the admin is in the console
    assert second.status_code == 302 and second["Location"] == "/konsol/"
    assert client.get("/konsol/").status_code == 200


def test_a_recovery_code_logs_in_once(db):
    # given a platform admin with an app and its recovery codes
    _admin, codes = new_platform_admin(with_app=True)
    assert len(codes) == 10

    # when they log in with a recovery code instead of the app's code
    client = root_client()
    logged_in_with_password(client, NEW_ADMIN)
    answer = client.post(AUTHENTICATE, {"code": codes[0]})

    # then they are in
    assert answer.status_code == 302 and answer["Location"] == "/konsol/"
    assert client.get("/konsol/").status_code == 200

    # and the same code does not work a second time
    again = root_client()
    logged_in_with_password(again, NEW_ADMIN)
    refused = again.post(AUTHENTICATE, {"code": codes[0]})
    assert refused.status_code == 200 and "incorrect_code" in form_error_codes(refused)
    assert "_auth_user_id" not in again.session


def test_wrong_codes_at_the_second_step_lock_the_account_like_wrong_passwords(db):
    # given the password step passed
    new_platform_admin(with_app=True)
    client = root_client()
    logged_in_with_password(client, NEW_ADMIN)

    # when five wrong codes are tried
    for n in range(5):
        answer = client.post(AUTHENTICATE, {"code": f"00000{n}"})
        assert "incorrect_code" in form_error_codes(answer)

    # then even the right code is refused within the window (allauth's login_failed limit, per account)
    locked = client.post(AUTHENTICATE, {"code": totp_code(SECRET)})
    assert locked.status_code == 200 and "too_many_login_attempts" in form_error_codes(locked)
    assert "_auth_user_id" not in client.session


def test_platform_staff_on_an_organisations_host_must_have_an_app_too(ystad):
    # given platform staff (a superuser of Ystad's schema) without an app
    staff = platform_staff_in(ystad, with_app=False)

    # then Django admin on Ystad's host sends them to set one up
    answer = client_for(ystad, staff).get("/admin/")
    assert answer.status_code == 302 and answer["Location"] == ACTIVATE


# ---------------------------------------------------------------------------------------------- organisations


def test_by_default_no_one_in_an_organisation_must_have_an_app(ystad):
    assert ystad.mfa_required == "none"
    for local in ("admin", "personal"):
        assert client_for(ystad, user_in(ystad, local)).get("/").status_code == 200


def test_required_for_admins_sends_admins_but_not_members_to_set_up(ystad):
    # given Ystad requires a second factor of its admins
    ystad = update_settings(organisation=ystad, mfa_required="admins")

    # then its admin is sent to set up an app, on any page, and a member is not
    admin = client_for(ystad, user_in(ystad, "admin"))
    for path in ("/", "/administrera/", "/installningar/"):
        answer = admin.get(path)
        assert answer.status_code == 302 and answer["Location"] == ACTIVATE, path
    assert reauthenticated(admin).get(ACTIVATE).status_code == 200
    assert client_for(ystad, user_in(ystad, "personal")).get("/").status_code == 200


def test_required_for_everyone_sends_members_too_and_the_api_answers_403(ystad, skurup):
    # given Ystad requires a second factor of everyone
    ystad = update_settings(organisation=ystad, mfa_required="everyone")

    # then a member is sent to set one up, and a session call to the API is refused with a clear code
    member = client_for(ystad, user_in(ystad, "personal"))
    assert member.get("/")["Location"] == ACTIVATE
    api = member.get("/api/listings/")
    assert api.status_code == 403 and api.json()["error"]["code"] == "mfa_required"

    # and Skurup's people are not affected
    assert client_for(skurup, user_in(skurup, "personal")).get("/").status_code == 200


def test_a_person_with_an_app_passes_and_cannot_remove_it_while_required(ystad):
    # given Ystad requires a second factor of everyone, and the member has set up their app
    ystad = update_settings(organisation=ystad, mfa_required="everyone")
    member = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        set_up_totp(user=member, secret=SECRET)

    # then their pages open
    client = client_for(ystad, member)
    assert client.get("/").status_code == 200

    # and allauth's adapter refuses to remove the app
    from allauth.core import context
    from allauth.mfa.adapter import get_adapter
    from django.test import RequestFactory

    request = RequestFactory().get("/konto/2fa/totp/deactivate/")
    request.tenant = ystad
    with schema_context(ystad.schema_name), context.request_context(request):
        authenticator = member.authenticator_set.get(type="totp")
        assert not get_adapter().can_delete_authenticator(authenticator)
        ystad.mfa_required = "none"
        assert get_adapter().can_delete_authenticator(authenticator)


def test_the_member_logs_in_with_a_code_when_the_organisation_requires_it(ystad):
    # given a member with an app in an organisation that requires one
    ystad = update_settings(organisation=ystad, mfa_required="everyone")
    member = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        set_up_totp(user=member, secret=SECRET)

    # when they log in with password and code at Ystad's host
    client = client_for(ystad)
    first = client.post(LOGIN, {"login": member.email, "password": PASSWORD})
    assert first["Location"] == AUTHENTICATE
    second = client.post(AUTHENTICATE, {"code": totp_code(SECRET)})

    # then they are in
    assert second.status_code == 302
    assert client.get("/").status_code == 200


def test_the_setting_is_checked_by_the_service(ystad):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        update_settings(organisation=ystad, mfa_required="sometimes")
    assert list(refused.value.message_dict) == ["mfa_required"]


# ---------------------------------------------------------------------------------------------- pages, sv and en


@pytest.mark.parametrize(("language", "texts"), [
    ("sv", ["Aktivera autentiseringsapp", "Autentiseringshemlighet"]),
    ("en", ["Activate Authenticator App", "Authenticator secret"]),
])
def test_the_set_up_page_in_swedish_and_english(ystad, language, texts):
    ystad = update_settings(organisation=ystad, mfa_required="admins")
    client = client_for(ystad, user_in(ystad, "admin"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = reauthenticated(client).get(ACTIVATE)
    html = page.content.decode()
    assert page.status_code == 200
    assert all(text in html for text in texts), texts
    assert f'lang="{language}"' in html


@pytest.mark.parametrize(("language", "texts"), [
    ("sv", ["Inloggningar", "Tvåfaktorsautentisering krävs för", "Organisationens administratörer"]),
    ("en", ["Logins", "Two-factor authentication is required for", "Organisation admins"]),
])
def test_the_settings_page_shows_and_changes_the_requirement(ystad, language, texts):
    # given the organisation's admin on its settings page
    client = client_for(ystad, user_in(ystad, "admin"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/installningar/")
    html = page.content.decode()
    assert all(text in html for text in texts), texts

    # when they require it of admins
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["mfa_required"] = "admins"
    saved = client.post("/installningar/", data)

    # then it is saved, and the admin is sent to set up an app at the next page
    assert saved.status_code == 302
    from tenants.models import Organisation
    assert Organisation.objects.get(pk=ystad.pk).mfa_required == "admins"
    assert client.get("/installningar/")["Location"] == ACTIVATE


# ---------------------------------------------------------------------------------------------- cost and isolation


def test_the_requirement_costs_one_query_a_page_whatever_the_data(ystad):
    from django.test.utils import CaptureQueriesContext

    # given a member with an app, in an organisation that does not require one and then one that does
    member = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        set_up_totp(user=member, secret=SECRET)
    client = client_for(ystad, member)
    client.get("/mina-annonser/")

    with CaptureQueriesContext(connection) as free:
        assert client.get("/mina-annonser/").status_code == 200
    update_settings(organisation=ystad, mfa_required="everyone")
    client.get("/mina-annonser/")  # the host's routing cache sees the changed organisation
    with CaptureQueriesContext(connection) as required:
        assert client.get("/mina-annonser/").status_code == 200

    # then the check is one query
    assert len(required) - len(free) == 1, [q["sql"] for q in required.captured_queries]


def test_a_second_factor_belongs_to_its_organisations_schema(ystad, skurup):
    # given Ystad's member with an app
    member = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        set_up_totp(user=member, secret=SECRET)
    from allauth.mfa.models import Authenticator

    # then Skurup's schema knows nothing of it, and Ystad's session opens nothing of Skurup's second-factor pages
    with schema_context(skurup.schema_name):
        assert not Authenticator.objects.filter(user_id=member.pk, data__secret=SECRET).exists()
    ystad_session = client_for(ystad, member)
    replay = client_for(skurup)
    replay.cookies = ystad_session.cookies
    answer = replay.get("/konto/2fa/")
    assert answer.status_code == 302 and "/konto/login/" in answer["Location"]
