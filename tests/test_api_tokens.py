"""API tokens (django-rest-knox): made and revoked on the "API-nycklar" page, sent as ``Authorization: Token``.
Sessions work for the API too, with Django's CSRF check on writes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from knox.models import AuthToken

from accounts import selectors, services
from tests.api_support import api_client, error_code, new_token, newcomer, token_client
from tests.catalog_factories import make_listing
from tests.conftest import client_for, user_in

pytestmark = pytest.mark.django_db

PAGE = "/mitt-konto/api-nycklar/"


def test_a_token_authenticates_its_user(ystad):
    # given
    person = newcomer(ystad)
    with schema_context(ystad.schema_name):
        listing = make_listing(author=user_in(ystad, "chef"))
    client = token_client(ystad, person)
    # when
    reserved = client.post(f"/api/listings/{listing.uuid}/reservations/", {}, format="json")
    # then
    assert reserved.status_code == 201  # no CSRF token needed with a token
    assert reserved.json()["reserved_by"]["email"] == person.email
    assert client.get("/api/reservations/").json()["count"] == 1


def test_a_session_authenticates_too(ystad):
    response = api_client(ystad, user_in(ystad, "personal")).get("/api/categories/")
    assert response.status_code == 200


def test_a_session_write_needs_the_csrf_token(ystad):
    # given
    client = api_client(ystad, user_in(ystad, "personal"))
    client.handler.enforce_csrf_checks = True
    # when
    response = client.post("/api/listings/", {"title": "Stol"}, format="json")
    # then
    assert response.status_code == 403
    assert error_code(response) == "permission_denied"
    assert "CSRF" in response.json()["error"]["message"]


def test_no_credentials_is_401_json_with_the_token_scheme(ystad):
    response = api_client(ystad).get("/api/listings/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert error_code(response) == "not_authenticated"


def test_an_expired_token_is_401(ystad):
    # given
    person = user_in(ystad, "personal")
    key = new_token(ystad, person)
    with schema_context(ystad.schema_name):
        AuthToken.objects.filter(user=person).update(expiry=timezone.now() - timedelta(seconds=1))
    # when
    response = token_client(ystad, person, key).get("/api/categories/")
    # then
    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"


def test_a_revoked_token_is_401(ystad):
    # given
    person = user_in(ystad, "personal")
    key = new_token(ystad, person)
    client = token_client(ystad, person, key)
    assert client.get("/api/categories/").status_code == 200
    # when
    with schema_context(ystad.schema_name):
        assert services.revoke_api_token(user=person, token_id=key[:15])
    # then
    response = client.get("/api/categories/")
    assert response.status_code == 401 and error_code(response) == "not_authenticated"


@pytest.mark.parametrize("header", ["Token", "Token abc", "Token a b", "Token " + "0" * 64])
def test_a_malformed_or_unknown_token_is_401(ystad, header):
    client = api_client(ystad)
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/categories/")
    assert response.status_code == 401 and error_code(response) == "not_authenticated"


def test_a_deactivated_persons_token_stops_working(ystad):
    # given
    person = user_in(ystad, "personal")
    client = token_client(ystad, person)
    # when
    with schema_context(ystad.schema_name):
        type(person).objects.filter(pk=person.pk).update(is_active=False)
    # then
    assert client.get("/api/categories/").status_code == 401


def test_tokens_expire_after_the_configured_days_and_only_a_hash_is_stored(ystad):
    person = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        token, key = services.create_api_token(user=person)
        stored = AuthToken.objects.get(pk=token.pk)
    assert key not in {stored.digest, stored.token_key} and stored.token_key == key[:15]
    assert timedelta(days=89) < stored.expiry - timezone.now() <= timedelta(days=90)


def test_the_selector_lists_only_the_persons_live_tokens(ystad):
    # given
    person, other = user_in(ystad, "personal"), user_in(ystad, "chef")
    with schema_context(ystad.schema_name):
        live, _ = services.create_api_token(user=person)
        expired, _ = services.create_api_token(user=person)
        AuthToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - timedelta(days=1))
        services.create_api_token(user=other)
        # then
        assert [token.pk for token in selectors.api_tokens(user=person)] == [live.pk]


def test_one_cannot_revoke_someone_elses_token(ystad):
    # given
    person, other = user_in(ystad, "personal"), user_in(ystad, "chef")
    key = new_token(ystad, other)
    # when
    with schema_context(ystad.schema_name):
        revoked = services.revoke_api_token(user=person, token_id=key[:15])
    # then
    assert revoked is False
    assert token_client(ystad, other, key).get("/api/categories/").status_code == 200


# ---------------------------------------------------------------------------------------------- the page


def test_the_page_needs_a_login(ystad):
    response = client_for(ystad).get(PAGE)
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_the_profile_links_to_the_page(ystad):
    response = client_for(ystad, user_in(ystad, "personal")).get("/mitt-konto/")
    assert f'href="{PAGE}"' in response.content.decode()


def test_make_a_key_on_the_page_see_it_once_use_it_and_revoke_it(ystad):
    # given
    page = client_for(ystad, user_in(ystad, "personal"))
    # when: made
    made = page.post(PAGE, {"create": "1"})
    # then: shown once, in an <output>, never cached
    html = made.content.decode()
    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    key = re.search(r"<output[^>]*><code[^>]*>([0-9a-f]{64})</code></output>", html).group(1)
    assert "<caption" in html and key[:15] in html
    later = page.get(PAGE).content.decode()
    assert key not in later and f"{key[:15]}…" in later
    # and it works on the API
    api = token_client(ystad, None, key)
    assert api.get("/api/reservations/").status_code == 200
    # when: revoked
    revoked = page.post(PAGE, {"revoke": key[:15]}, follow=True)
    # then
    assert revoked.status_code == 200
    assert f'value="{key[:15]}"' not in revoked.content.decode()  # no longer in the table
    assert api.get("/api/reservations/").status_code == 401


def test_the_page_is_in_english_on_request(ystad):
    page = client_for(ystad, user_in(ystad, "personal"))
    page.cookies["delbar_language"] = "en"
    html = page.get(PAGE).content.decode()
    assert "<h1>API keys</h1>" in html and "You have no API keys." in html
