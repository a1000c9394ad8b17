"""Passwords and the links mailed about them (issue 13, findings 3, 10 and 11).

API keys go with the old password; every absolute URL in an e-mail comes from settings (PLATFORM_DOMAIN,
PLATFORM_PORT, ACCOUNT_DEFAULT_HTTP_PROTOCOL), never from the Host header; a reset asked for an address without an
account does not point at the closed sign-up. Mail delivery is Django's in-memory outbox (the product's boundary).
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django_tenants.utils import schema_context
from knox.models import AuthToken

from accounts.models import Department, Role
from accounts.services import create_user
from tests.api_support import new_token, token_client
from tests.conftest import PASSWORD, client_for, demo_email, host_of, user_in

from .auth_support import fresh_rate_limits  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

NEW_PASSWORD = "Nytt-lösenord-2026"
SPOOFED_PORT = "6666"


def _logged_in(organisation, local: str):
    """A client with a real allauth login (not force_login), so that its session is bound to the password."""
    client = client_for(organisation)
    response = client.post("/konto/login/", {"login": demo_email(organisation.slug, local), "password": PASSWORD})
    assert response.status_code == 302
    return client


def _reset_link(message) -> str:
    return re.search(r"https?://\S+/konto/password/reset/key/\S+", message.body).group(0)


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


# ---------------------------------------------------------------------------------------------- finding 3


def test_changing_the_password_revokes_api_keys_and_ends_other_sessions(ystad):
    # given a person with an API key and two logged-in sessions
    person = user_in(ystad, "personal")
    key = new_token(ystad, person)
    assert token_client(ystad, person, key).get("/api/categories/").status_code == 200
    here, elsewhere = _logged_in(ystad, "personal"), _logged_in(ystad, "personal")

    # when they change their password in one session
    response = here.post(
        "/konto/password/change/", {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302

    # then the key no longer answers, the other session has ended, and this one goes on
    assert token_client(ystad, person, key).get("/api/categories/").status_code == 401
    assert elsewhere.get("/").status_code == 302
    assert here.get("/").status_code == 200
    with schema_context(ystad.schema_name):
        assert not AuthToken.objects.filter(user=person).exists()


def test_resetting_the_password_revokes_api_keys(ystad):
    # given a person with an API key who has forgotten their password
    person = user_in(ystad, "chef")
    key = new_token(ystad, person)
    client = client_for(ystad)
    client.post("/konto/password/reset/", {"email": person.email})
    link = _reset_link(mail.outbox[-1])

    # when they choose a new one with the mailed link
    form_path = client.get(_path(link), follow=True).redirect_chain[-1][0]
    assert client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 302

    # then the old key is worthless and the new password logs in
    assert token_client(ystad, person, key).get("/api/categories/").status_code == 401
    fresh = client_for(ystad)
    assert fresh.post("/konto/login/", {"login": person.email, "password": NEW_PASSWORD}).status_code == 302


def test_another_persons_keys_are_left_alone(ystad):
    # given two colleagues with keys
    colleague = user_in(ystad, "operator")
    colleague_key = new_token(ystad, colleague)

    # when one changes their password
    _logged_in(ystad, "personal").post(
        "/konto/password/change/", {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    # then the other's key still works
    assert token_client(ystad, colleague, colleague_key).get("/api/categories/").status_code == 200


# ---------------------------------------------------------------------------------------------- finding 10


def _expected_base(organisation) -> str:
    port = settings.PLATFORM_PORT
    return f"{settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL}://{host_of(organisation)}" + (f":{port}" if port else "")


def test_the_reset_link_takes_scheme_host_and_port_from_settings_not_the_host_header(ystad):
    # given a request whose Host header carries a port of the sender's choosing
    client = client_for(ystad)
    client.defaults["HTTP_HOST"] = f"{host_of(ystad)}:{SPOOFED_PORT}"

    # when a reset is asked for
    response = client.post("/konto/password/reset/", {"email": demo_email("ystad", "personal")})
    assert response.status_code == 302

    # then the mailed link is at the configured address, and the spoofed port is nowhere in the mail
    message = mail.outbox[-1]
    assert _reset_link(message).startswith(_expected_base(ystad) + "/konto/password/reset/key/")
    assert SPOOFED_PORT not in message.body and SPOOFED_PORT not in message.subject


def test_the_email_confirmation_link_comes_from_settings(ystad):
    # given a colleague whose address is not verified, logging in through a spoofed port
    with schema_context(ystad.schema_name):
        create_user(email="overifierad@ystad.example", password=PASSWORD, full_name="Ove Rifierad")
    client = client_for(ystad)
    client.defaults["HTTP_HOST"] = f"{host_of(ystad)}:{SPOOFED_PORT}"

    # when they log in and are sent a confirmation link
    client.post("/konto/login/", {"login": "overifierad@ystad.example", "password": PASSWORD})

    # then the link is at the configured address
    body = mail.outbox[-1].body
    assert _expected_base(ystad) + "/konto/confirm-email/" in body
    assert SPOOFED_PORT not in body


def test_the_invitation_link_comes_from_settings(ystad, django_capture_on_commit_callbacks):
    # given an admin whose request carries a spoofed port
    admin = client_for(ystad, user_in(ystad, "admin"))
    admin.defaults["HTTP_HOST"] = f"{host_of(ystad)}:{SPOOFED_PORT}"
    with schema_context(ystad.schema_name):
        unit = Department.objects.get(name="IT-enheten")

    # when they invite a colleague
    with django_capture_on_commit_callbacks(execute=True):
        admin.post("/kollegor/", {"email": "ny.kollega@ystad.example", "role": Role.MEMBER, "department": unit.pk})

    # then the link in the invitation is at the configured address
    body = mail.outbox[-1].body
    assert _expected_base(ystad) + "/konto/inbjudan/" in body
    assert SPOOFED_PORT not in body


def test_a_platform_admins_reset_link_is_at_the_root_domain_from_settings(db):
    from demo.world import PLATFORM_ADMIN_EMAIL

    from .auth_support import root_client

    client = root_client(HTTP_HOST=f"localhost:{SPOOFED_PORT}")
    client.post("/konto/password/reset/", {"email": PLATFORM_ADMIN_EMAIL})
    port = f":{settings.PLATFORM_PORT}" if settings.PLATFORM_PORT else ""
    assert _reset_link(mail.outbox[-1]).startswith(f"http://localhost{port}/konto/password/reset/key/")


# ---------------------------------------------------------------------------------------------- finding 11


def test_a_reset_for_an_unknown_address_says_to_ask_for_an_invitation_and_links_no_sign_up(ystad):
    # when a reset is asked for an address at Ystad's domain that has no account
    client = client_for(ystad)
    unknown = client.post("/konto/password/reset/", {"email": "finns.inte@ystad.example"})

    # then the page answers as for a known address (nothing is revealed)
    known = client_for(ystad).post("/konto/password/reset/", {"email": demo_email("ystad", "personal")})
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])

    # and the mail says there is no account and whom to ask, with no link to a sign-up page
    message = next(m for m in mail.outbox if m.to == ["finns.inte@ystad.example"])
    assert "Ystads kommun" in message.subject
    assert "inbjudan" in message.body or "invit" in message.body
    assert "signup" not in message.body and "/konto/" not in message.body


def test_no_mail_goes_to_an_unknown_address_outside_the_organisations_domains(ystad):
    # when a reset is asked at Ystad for a stranger's address
    response = client_for(ystad).post("/konto/password/reset/", {"email": "nagon@example.org"})

    # then the page answers as usual and nobody is mailed
    assert response.status_code == 302
    assert mail.outbox == []

