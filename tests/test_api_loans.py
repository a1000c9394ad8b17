"""The loans API: book a period, availability, pick-up and return, extensions, the waiting list. Errors in the
one JSON shape with stable codes; Skurup's people get 404 for Ystad's uuids; answers cost the same number of
queries however many bookings there are."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from bookings import services as booking_services
from bookings.models import Booking
from tests.api_support import api_client, error_code, newcomer
from tests.booking_support import day, lendable
from tests.conftest import user_in
from tests.test_api_isolation_and_queries import _count

pytestmark = pytest.mark.django_db


@pytest.fixture
def projector(ystad, media):
    with schema_context(ystad.schema_name):
        return lendable(user_in(ystad, "chef"))


def _book(client, listing, start, end, **extra):
    return client.post(f"/api/listings/{listing.uuid}/loans/",
                       {"start": start.isoformat(), "end": end.isoformat(), **extra}, format="json")


def test_booking_a_period_answers_201_with_the_loan(ystad, projector):
    # given
    person = user_in(ystad, "personal")
    # when
    response = _book(api_client(ystad, person), projector, day(8, 9), day(10, 16), message="Till kursen")
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["status"], body["quantity"]) == ("loan", "reserved", 1)
    assert body["starts_at"].startswith(day(8).date().isoformat())
    assert body["reserved_by"] == {"name": person.get_full_name(), "email": person.email}
    assert body["contact_person"]["email"] == "chef@ystad.example"
    assert body["fee"] is None and body["extension_until"] is None


def test_a_rental_answers_with_its_fee(ystad, media):
    with schema_context(ystad.schema_name):
        speaker = lendable(user_in(ystad, "chef"), title="Högtalare API", rent=150)
    response = _book(api_client(ystad, user_in(ystad, "personal")), speaker, day(8, 9), day(10, 16))
    assert response.json()["fee"] == {
        "unit_price": "150.00", "unit": "day", "units": 3, "amount": "450.00",
        "cost_centre": user_in(ystad, "personal").department.name,
    }


@pytest.mark.parametrize(
    ("start", "end", "status", "code"),
    [
        ((10, 16), (8, 9), 400, "return_before_pickup"),
        ((-2, 9), (1, 16), 400, "in_the_past"),
        ((9, 9), (11, 16), 409, "period_taken"),
    ],
)
def test_bad_periods_get_their_code_in_the_persons_language(ystad, projector, start, end, status, code):
    # given the projector booked Tuesday–Thursday by someone else
    _book(api_client(ystad, user_in(ystad, "operator")), projector, day(8, 9), day(10, 16))
    client = api_client(ystad, user_in(ystad, "personal"), HTTP_ACCEPT_LANGUAGE="sv")
    before = _bookings(ystad)
    # when
    response = _book(client, projector, day(*start), day(*end))
    # then
    assert response.status_code == status
    assert set(response.json()) == {"error"} and error_code(response) == code
    assert response.json()["error"]["message"] and "the" not in response.json()["error"]["message"].split()
    assert _bookings(ystad) == before


def _bookings(organisation) -> int:
    with schema_context(organisation.schema_name):
        return Booking.objects.count()


def test_unreadable_dates_are_invalid_with_fields(ystad, projector):
    response = api_client(ystad, user_in(ystad, "personal")).post(
        f"/api/listings/{projector.uuid}/loans/", {"start": "tisdag", "quantity": 0}, format="json"
    )
    assert response.status_code == 400 and error_code(response) == "invalid"
    assert {"start", "end", "quantity"} <= set(response.json()["error"]["fields"])


def test_the_owner_confirms_pick_up_and_return_and_answers_an_extension(ystad, projector):
    # given a loan booked by personal@ystad
    borrower = api_client(ystad, user_in(ystad, "personal"))
    owner = api_client(ystad, user_in(ystad, "chef"))
    loan = _book(borrower, projector, day(0, 0), day(2, 16)).json()
    path = f"/api/loans/{loan['uuid']}"

    # the borrower cannot confirm their own pick-up
    assert error_code(borrower.post(f"{path}/pick-up/")) == "not_allowed"
    # when the owner confirms the pick-up
    assert owner.post(f"{path}/pick-up/").json()["status"] == "out"
    # and the borrower asks to keep it two more days, which the owner accepts
    asked = borrower.post(f"{path}/extension/", {"until": day(4, 16).isoformat()}, format="json")
    assert asked.status_code == 200 and asked.json()["extension_until"] is not None
    assert error_code(borrower.post(f"{path}/extension/", {"until": day(5, 16).isoformat()}, format="json")) == (
        "extension_pending"
    )
    accepted = owner.post(f"{path}/extension/accept/").json()
    assert accepted["extension_until"] is None and accepted["ends_at"].startswith(day(4).date().isoformat())
    assert error_code(owner.post(f"{path}/extension/refuse/")) == "no_extension"
    # then the return
    returned = owner.post(f"{path}/return/")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert owner.post(f"{path}/return/").status_code == 409


def test_a_reservation_is_not_picked_up_and_a_loan_is_not_handed_over(ystad, projector):
    loan = _book(api_client(ystad, user_in(ystad, "personal")), projector, day(0, 0), day(2, 16)).json()
    owner = api_client(ystad, user_in(ystad, "chef"))
    assert error_code(owner.post(f"/api/reservations/{loan['uuid']}/confirm/")) == "not_a_reservation"
    assert error_code(
        owner.post(f"/api/listings/{projector.uuid}/reservations/", {}, format="json")
    ) == "own_listing"
    other = api_client(ystad, user_in(ystad, "operator"))
    assert error_code(other.post(f"/api/listings/{projector.uuid}/reservations/", {}, format="json")) == (
        "needs_period"
    )


def test_availability_for_a_period_and_day_by_day(ystad, projector):
    _book(api_client(ystad, user_in(ystad, "personal")), projector, day(8, 9), day(10, 16))
    client = api_client(ystad, user_in(ystad, "operator"))
    response = client.get(f"/api/listings/{projector.uuid}/availability/", {
        "start": day(9, 9).isoformat(), "end": day(12, 16).isoformat(),
        "first": day(7).date().isoformat(), "last": day(11).date().isoformat(),
    })
    assert response.status_code == 200
    body = response.json()
    assert (body["quantity"], body["free_now"], body["free_in_period"]) == (1, 1, 0)
    assert [entry["free"] for entry in body["days"]] == [1, 0, 0, 0, 1]
    backwards = client.get(f"/api/listings/{projector.uuid}/availability/",
                           {"start": day(9).isoformat(), "end": day(8).isoformat()})
    assert error_code(backwards) == "return_before_pickup"


def test_the_waiting_list(ystad, projector):
    borrower = api_client(ystad, user_in(ystad, "personal"))
    waiting = api_client(ystad, user_in(ystad, "operator"))
    path = f"/api/listings/{projector.uuid}/waitlist/"
    assert error_code(waiting.post(path)) == "not_out"
    loan = _book(borrower, projector, day(0, 0), day(2, 16)).json()
    api_client(ystad, user_in(ystad, "chef")).post(f"/api/loans/{loan['uuid']}/pick-up/")
    joined = waiting.post(path)
    assert joined.status_code == 201 and joined.json()["waiting"] is True
    assert error_code(waiting.post(path)) == "already_waiting"
    assert waiting.delete(path).status_code == 204
    assert error_code(waiting.delete(path)) == "not_waiting"


# ---------------------------------------------------------------------------------------------- isolation


LOAN_ENDPOINTS = [
    ("post", "/api/listings/{listing}/loans/", {"start": day(8).isoformat(), "end": day(9).isoformat()}),
    ("get", "/api/listings/{listing}/availability/", None),
    ("post", "/api/listings/{listing}/waitlist/", None),
    ("delete", "/api/listings/{listing}/waitlist/", None),
    ("get", "/api/reservations/{loan}/", None),
    ("post", "/api/reservations/{loan}/cancel/", {"reason": "Min nu"}),
    ("post", "/api/loans/{loan}/pick-up/", None),
    ("post", "/api/loans/{loan}/return/", None),
    ("post", "/api/loans/{loan}/extension/", {"until": day(12).isoformat()}),
    ("post", "/api/loans/{loan}/extension/accept/", None),
    ("post", "/api/loans/{loan}/extension/refuse/", None),
]


def test_skurups_people_get_404_for_ystads_loans_everywhere(ystad, skurup, projector):
    # given a Ystad loan out now with an extension asked for, and someone waiting
    borrower = api_client(ystad, user_in(ystad, "personal"))
    loan = _book(borrower, projector, day(0, 0), day(2, 16)).json()
    api_client(ystad, user_in(ystad, "chef")).post(f"/api/loans/{loan['uuid']}/pick-up/")
    ids = {"listing": projector.uuid, "loan": loan["uuid"]}
    for local in ("operator", "admin"):
        client = api_client(skurup, user_in(skurup, local))
        for method, path, body in LOAN_ENDPOINTS:
            # when
            response = getattr(client, method)(path.format(**ids), body, format="json")
            # then
            assert response.status_code == 404, (local, method, path, response.content)
            assert error_code(response) == "not_found"
    assert borrower.get(f"/api/reservations/{loan['uuid']}/").json()["status"] == "out"


def test_a_colleague_who_takes_no_part_gets_404_for_someone_elses_loan(ystad, projector):
    loan = _book(api_client(ystad, user_in(ystad, "personal")), projector, day(8), day(9)).json()
    stranger = api_client(ystad, newcomer(ystad))
    for method, path, body in LOAN_ENDPOINTS[4:]:
        response = getattr(stranger, method)(path.format(listing=projector.uuid, loan=loan["uuid"]), body,
                                             format="json")
        assert response.status_code == 404, (method, path)


# ---------------------------------------------------------------------------------------------- query counts


def test_availability_and_my_loans_do_not_grow_with_the_number_of_bookings(ystad, projector):
    # given
    me = newcomer(ystad)
    client = api_client(ystad, me)
    path = f"/api/listings/{projector.uuid}/availability/"
    params = {"start": day(1).isoformat(), "end": day(60).isoformat(), "last": day(60).date().isoformat()}

    def book(offsets) -> None:
        with schema_context(ystad.schema_name):
            for offset in offsets:
                loan = booking_services.book_loan(listing=projector, by=me, start=day(offset, 9),
                                                  end=day(offset, 16), notify=False)
                booking_services.request_extension(booking=loan, by=me, until=day(offset, 17), notify=False)

    book([2])
    few = (_count(client, path, params), _count(client, "/api/reservations/"))
    # when
    book(range(4, 40, 3))
    many = (_count(client, path, params), _count(client, "/api/reservations/"))
    # then
    assert many == few
