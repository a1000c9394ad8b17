"""Every API error has one shape, {"error": {"code", "message", "fields"?}}, with the message in the language of
Accept-Language (Swedish unless English is asked for)."""

from __future__ import annotations

import pytest
from django.utils import translation
from django_tenants.utils import schema_context

from bookings import errors
from tests.api_support import api_client, category_id
from tests.catalog_factories import make_listing
from tests.conftest import user_in

pytestmark = pytest.mark.django_db

MISSING = "00000000-0000-4000-8000-000000000000"


def _listing(organisation, **kwargs):
    with schema_context(organisation.schema_name):
        return make_listing(author=user_in(organisation, "chef"), **kwargs)


def _only_the_error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
    return body["error"]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("sv", "Autentiseringsuppgifter ej tillhandahållna."),  # DRF's own Swedish
        ("en", "Authentication credentials were not provided."),
        ("sv-SE,sv;q=0.9,en;q=0.5", "Autentiseringsuppgifter ej tillhandahållna."),
        ("en-GB,en;q=0.9", "Authentication credentials were not provided."),
        ("", "Autentiseringsuppgifter ej tillhandahållna."),  # Swedish by default
        ("de-DE", "Autentiseringsuppgifter ej tillhandahållna."),
    ],
)
def test_401_in_the_language_asked_for(ystad, language, message):
    response = api_client(ystad, HTTP_ACCEPT_LANGUAGE=language).get("/api/listings/")
    assert response.status_code == 401
    assert _only_the_error(response) == {"code": "not_authenticated", "message": message}


def test_accept_language_wins_over_the_pages_language_cookie(ystad):
    client = api_client(ystad, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["delbar_language"] = "sv"
    assert _only_the_error(client.get("/api/listings/"))["message"] == "Authentication credentials were not provided."


def test_400_invalid_input_names_the_fields_in_swedish_and_english(ystad):
    person = user_in(ystad, "personal")
    payload = {"title": "", "category": category_id(ystad), "quantity": "många"}
    swedish = api_client(ystad, person, HTTP_ACCEPT_LANGUAGE="sv").post("/api/listings/", payload, format="json")
    english = api_client(ystad, person, HTTP_ACCEPT_LANGUAGE="en").post("/api/listings/", payload, format="json")
    assert swedish.status_code == english.status_code == 400
    assert _only_the_error(english) == {
        "code": "invalid",
        "message": "Some of the information is missing or wrong.",
        "fields": {"title": ["This field may not be blank."], "quantity": ["A valid integer is required."]},
    }
    sv = _only_the_error(swedish)
    assert sv["code"] == "invalid"
    assert sv["fields"]["quantity"] == ["Ett giltigt heltal krävs."]


def test_400_malformed_json(ystad):
    response = api_client(ystad, user_in(ystad, "personal"), HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/listings/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert _only_the_error(response)["code"] == "parse_error"


def test_415_unsupported_media_type(ystad):
    response = api_client(ystad, user_in(ystad, "personal")).post(
        "/api/listings/", "<listing/>", content_type="application/xml"
    )
    assert response.status_code == 415
    assert _only_the_error(response)["code"] == "unsupported_media_type"


def test_403_a_refusal_from_the_services(ystad):
    listing = _listing(ystad)
    response = api_client(ystad, user_in(ystad, "personal"), HTTP_ACCEPT_LANGUAGE="en").post(
        f"/api/listings/{listing.uuid}/withdraw/"
    )
    assert response.status_code == 403
    assert _only_the_error(response) == {
        "code": "not_allowed", "message": "You are not allowed to do this with this listing."
    }


@pytest.mark.parametrize(
    "path",
    [f"/api/listings/{MISSING}/", f"/api/reservations/{MISSING}/", "/api/listings/not-a-uuid/", "/api/nothing/"],
)
def test_404_is_json_too(ystad, path):
    response = api_client(ystad, user_in(ystad, "personal"), HTTP_ACCEPT_LANGUAGE="sv").get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert _only_the_error(response) == {"code": "not_found", "message": "Hittades inte."}


def test_405_method_not_allowed(ystad):
    listing = _listing(ystad)
    client = api_client(ystad, user_in(ystad, "chef"), HTTP_ACCEPT_LANGUAGE="sv")
    response = client.delete(f"/api/listings/{listing.uuid}/")
    assert response.status_code == 405
    assert _only_the_error(response) == {"code": "method_not_allowed", "message": 'Metoden "DELETE" tillåts inte.'}


def test_409_sold_out_in_swedish_and_english(ystad):
    # given
    listing = _listing(ystad)
    api_client(ystad, user_in(ystad, "personal")).post(f"/api/listings/{listing.uuid}/reservations/")
    path = f"/api/listings/{listing.uuid}/reservations/"
    # when
    swedish = api_client(ystad, user_in(ystad, "operator"), HTTP_ACCEPT_LANGUAGE="sv").post(path)
    english = api_client(ystad, user_in(ystad, "operator"), HTTP_ACCEPT_LANGUAGE="en").post(path)
    # then
    assert swedish.status_code == english.status_code == 409
    with translation.override("en"):
        english_message = str(errors.SOLD_OUT[1])
    with translation.override("sv"):
        swedish_message = str(errors.SOLD_OUT[1])
    assert swedish_message != english_message  # the Swedish catalogue has it
    assert _only_the_error(swedish) == {"code": "sold_out", "message": swedish_message}
    assert _only_the_error(english) == {"code": "sold_out", "message": english_message}
