"""The reservations API: reserve, my reservations, one reservation, confirm the handover, cancel."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from tests.api_support import api_client, error_code, newcomer
from tests.catalog_factories import make_listing
from tests.conftest import user_in

pytestmark = pytest.mark.django_db


def _listing(organisation, local: str = "chef", **kwargs):
    with schema_context(organisation.schema_name):
        return make_listing(author=user_in(organisation, local), **kwargs)


def _reserve(client, listing, **payload):
    return client.post(f"/api/listings/{listing.uuid}/reservations/", payload, format="json")


def test_reserve_answers_201_with_the_reservation(ystad):
    # given
    listing = _listing(ystad, quantity=3)
    person = user_in(ystad, "personal")
    # when
    response = _reserve(api_client(ystad, person), listing, quantity=2, message="Hämtar på fredag")
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["listing"] == {"uuid": str(listing.uuid), "title": listing.title}
    assert body["quantity"] == 2 and body["status"] == "reserved" and body["message"] == "Hämtar på fredag"
    assert body["reserved_by"] == {"name": person.get_full_name(), "email": person.email}
    assert body["receiving_department"]["id"] == person.department_id
    after = api_client(ystad, person).get(f"/api/listings/{listing.uuid}/").json()
    assert after["quantity_available"] == 1 and after["status"] == "published"


def test_reserving_the_last_item_twice_the_second_is_told_it_is_sold_out(ystad):
    # given
    listing = _listing(ystad)
    first = api_client(ystad, user_in(ystad, "personal"), HTTP_ACCEPT_LANGUAGE="en")
    second = api_client(ystad, user_in(ystad, "operator"), HTTP_ACCEPT_LANGUAGE="en")
    # when
    won = _reserve(first, listing)
    lost = _reserve(second, listing)
    # then
    assert won.status_code == 201
    assert lost.status_code == 409
    assert lost.json() == {
        "error": {
            "code": "sold_out",
            "message": "Someone else reserved the last one just before you. It is no longer available.",
        }
    }


def test_reserving_more_than_is_left_is_refused(ystad):
    listing = _listing(ystad, quantity=2)
    response = _reserve(api_client(ystad, user_in(ystad, "personal")), listing, quantity=3)
    assert response.status_code == 409 and error_code(response) == "not_enough"


def test_a_quantity_below_one_is_invalid_input(ystad):
    listing = _listing(ystad)
    response = _reserve(api_client(ystad, user_in(ystad, "personal")), listing, quantity=0)
    assert response.status_code == 400 and error_code(response) == "invalid"
    assert "quantity" in response.json()["error"]["fields"]


def test_one_cannot_reserve_ones_own_listing(ystad):
    listing = _listing(ystad)
    response = _reserve(api_client(ystad, user_in(ystad, "chef")), listing)
    assert response.status_code == 400 and error_code(response) == "own_listing"


def test_a_draft_cannot_be_reserved_by_someone_who_cannot_see_it(ystad):
    listing = _listing(ystad, publish=False)
    response = _reserve(api_client(ystad, user_in(ystad, "personal")), listing)
    assert response.status_code == 404


def test_my_reservations_lists_only_mine_newest_first(ystad):
    # given
    chair, desk, lamp = (_listing(ystad, title=title) for title in ("Stol", "Skrivbord", "Lampa"))
    me = api_client(ystad, newcomer(ystad))
    _reserve(me, chair)
    _reserve(me, desk)
    _reserve(api_client(ystad, user_in(ystad, "operator")), lamp)
    # when
    response = me.get("/api/reservations/")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["listing"]["title"] for item in body["results"]] == ["Skrivbord", "Stol"]
    assert body["results"][0]["contact_person"]["email"] == "chef@ystad.example"


def test_a_reservation_is_visible_to_both_sides_and_nobody_else(ystad):
    # given
    listing = _listing(ystad)
    reservation = _reserve(api_client(ystad, user_in(ystad, "personal")), listing).json()
    path = f"/api/reservations/{reservation['uuid']}/"
    # then
    assert api_client(ystad, user_in(ystad, "personal")).get(path).status_code == 200
    assert api_client(ystad, user_in(ystad, "chef")).get(path).status_code == 200
    assert api_client(ystad, newcomer(ystad)).get(path).status_code == 404


def test_the_owner_confirms_the_handover_and_the_listing_is_handed_over(ystad):
    # given
    listing = _listing(ystad)
    reservation = _reserve(api_client(ystad, user_in(ystad, "personal")), listing).json()
    owner = api_client(ystad, user_in(ystad, "chef"))
    # when
    response = owner.post(f"/api/reservations/{reservation['uuid']}/confirm/")
    # then
    assert response.status_code == 200
    assert response.json()["status"] == "handed_over" and response.json()["handed_over_at"]
    assert owner.get(f"/api/listings/{listing.uuid}/").json()["status"] == "handed_over"
    again = owner.post(f"/api/reservations/{reservation['uuid']}/confirm/")
    assert again.status_code == 409 and error_code(again) == "not_possible_now"


def test_the_person_who_reserved_cannot_confirm_the_handover(ystad):
    listing = _listing(ystad)
    client = api_client(ystad, user_in(ystad, "personal"))
    reservation = _reserve(client, listing).json()
    response = client.post(f"/api/reservations/{reservation['uuid']}/confirm/")
    assert response.status_code == 403 and error_code(response) == "not_allowed"


def test_cancel_with_a_reason_gives_the_quantity_back(ystad):
    # given
    listing = _listing(ystad)
    client = api_client(ystad, user_in(ystad, "personal"))
    reservation = _reserve(client, listing).json()
    # when
    response = client.post(
        f"/api/reservations/{reservation['uuid']}/cancel/", {"reason": "Behövs inte längre"}, format="json"
    )
    # then
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled" and response.json()["cancel_reason"] == "Behövs inte längre"
    listing_now = client.get(f"/api/listings/{listing.uuid}/").json()
    assert listing_now["status"] == "published" and listing_now["quantity_available"] == 1


def test_cancelling_someone_elses_reservation_needs_a_reason(ystad):
    # given a reservation, and its listing's owner side
    listing = _listing(ystad)
    reservation = _reserve(api_client(ystad, user_in(ystad, "personal")), listing).json()
    owner = api_client(ystad, user_in(ystad, "chef"))
    # when the owner cancels it without a reason, then with a blank one
    missing = owner.post(f"/api/reservations/{reservation['uuid']}/cancel/", {}, format="json")
    blank = owner.post(f"/api/reservations/{reservation['uuid']}/cancel/", {"reason": "  "}, format="json")
    # then both are refused, and the reservation stands
    assert missing.status_code == 400 and error_code(missing) == "reason_required"
    assert blank.status_code == 400 and error_code(blank) == "reason_required"
    assert owner.get(f"/api/reservations/{reservation['uuid']}/").json()["status"] == "reserved"


def test_a_person_cancels_their_own_reservation_without_a_reason(ystad):
    # given
    listing = _listing(ystad)
    client = api_client(ystad, user_in(ystad, "personal"))
    reservation = _reserve(client, listing).json()
    # when
    response = client.post(f"/api/reservations/{reservation['uuid']}/cancel/", {}, format="json")
    # then
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "cancelled" and response.json()["cancel_reason"] == ""


def test_the_owner_side_may_cancel_too_but_not_after_the_handover(ystad):
    # given
    listing = _listing(ystad)
    reservation = _reserve(api_client(ystad, user_in(ystad, "personal")), listing).json()
    owner = api_client(ystad, user_in(ystad, "chef"))
    owner.post(f"/api/reservations/{reservation['uuid']}/confirm/")
    # when
    response = owner.post(f"/api/reservations/{reservation['uuid']}/cancel/", {"reason": "Fel"}, format="json")
    # then
    assert response.status_code == 409 and error_code(response) == "not_possible_now"
