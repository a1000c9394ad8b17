"""Password reset and e-mail verification, per organisation host. Mail delivery is Django's in-memory outbox."""

import re

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from accounts.services import create_user

from .conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def test_password_reset_mails_a_link_to_the_same_organisation_and_works(ystad):
    client = client_for(ystad)

    # when a Ystad colleague asks for a new password
    response = client.post("/konto/password/reset/", {"email": "personal@ystad.example"})
    assert response.status_code == 302

    # then the link points at Ystad's host, with the port from settings (PLATFORM_PORT)
    assert len(mail.outbox) == 1
    link = re.search(r"http://ystad\.localhost:8000(/konto/password/reset/key/[^\s]+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else link
    new_password = "Nytt-lösenord-2026"
    response = client.post(form_path, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302

    # and the new password logs in
    fresh = client_for(ystad)
    assert fresh.post("/konto/login/", {"login": "personal@ystad.example", "password": new_password}).status_code == 302


def test_a_reset_asked_at_skurup_for_a_ystad_address_sends_no_link(skurup):
    client_for(skurup).post("/konto/password/reset/", {"email": "personal@ystad.example"})
    assert all("/konto/password/reset/key/" not in message.body for message in mail.outbox)


def test_an_unverified_address_must_be_verified_before_logging_in(ystad):
    # given a colleague whose address is not verified
    with schema_context(ystad.schema_name):
        create_user(email="overifierad@ystad.example", password=PASSWORD, full_name="Ove Rifierad")
    client = client_for(ystad)

    # when they log in
    response = client.post("/konto/login/", {"login": "overifierad@ystad.example", "password": PASSWORD})

    # then they are sent a confirmation link instead of being let in
    assert response.status_code == 302
    assert "/konto/confirm-email/" in response["Location"]
    assert client.get("/").status_code == 302
    link = re.search(r"http://ystad\.localhost:8000(/konto/confirm-email/[^\s]+)", mail.outbox[-1].body).group(1)

    # and following the link verifies the address
    client.post(link)
    with schema_context(ystad.schema_name):
        from allauth.account.models import EmailAddress

        assert EmailAddress.objects.get(email="overifierad@ystad.example").verified
