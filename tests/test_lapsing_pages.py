"""Lapsing as people meet it: a reservation's page says by when it must be handed over; once lapsed, its page says
so, and confirming its handover gets a clear message on the page and the stable code `lapsed` (409) in the API."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django_tenants.utils import schema_context

from bookings import jobs, services
from bookings.lifecycle import BookingStatus
from bookings.models import Booking
from tests.api_support import api_client, error_code
from tests.catalog_factories import make_listing
from tests.conftest import client_for, user_in

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def reservation(ystad, media):
    """Ystad's chef posts; a colleague reserves it on 1 March 2025 at noon (last day to hand it over: 15 March)."""
    with schema_context(ystad.schema_name):
        listing = make_listing(author=user_in(ystad, "chef"), title="Whiteboard förfallotest")
        booking = services.reserve_listing(listing=listing, by=user_in(ystad, "personal"), notify=False)
        made = datetime(2025, 3, 1, 12, tzinfo=STOCKHOLM)
        Booking.objects.filter(pk=booking.pk).update(reserved_at=made, period=DateTimeTZRange(made, None, "[)"))
        booking.refresh_from_db()
        return booking


def lapse(ystad, booking) -> None:
    with schema_context(ystad.schema_name):
        jobs.reservations(organisation=ystad, local_date=date(2025, 3, 16))
        booking.refresh_from_db()
    assert booking.status == BookingStatus.LAPSED


def test_the_reservations_page_says_by_when_it_must_be_handed_over(ystad, reservation):
    # when its borrower opens it
    body = client_for(ystad, user_in(ystad, "personal")).get(f"/bokningar/{reservation.uuid}/").content.decode()

    # then
    assert "Om den inte har lämnats över senast lördag 15 mars 2025 förfaller reservationen" in body


def test_the_page_of_a_lapsed_reservation_says_so_and_offers_no_handover(ystad, reservation):
    # given
    lapse(ystad, reservation)

    # when the owner opens it
    body = client_for(ystad, user_in(ystad, "chef")).get(f"/bokningar/{reservation.uuid}/").content.decode()

    # then its status and history say it lapsed; no handover or cancellation is offered, nor a deadline
    assert "Förfallen" in body or "förfallen" in body
    assert "Reservationen förföll: den lämnades inte över i tid" in body
    assert "Båda påmindes om att reservationen förfaller" not in body  # it lapsed before any run reminded it
    assert f"/reservationer/{reservation.uuid}/overlamnad/" not in body
    assert f"/reservationer/{reservation.uuid}/avboka/" not in body
    assert "senast" not in body


def test_confirming_the_handover_of_a_lapsed_reservation_on_the_page_explains_it(ystad, reservation):
    # given a page opened before it lapsed
    lapse(ystad, reservation)

    # when the owner confirms the handover
    response = client_for(ystad, user_in(ystad, "chef")).post(
        f"/reservationer/{reservation.uuid}/overlamnad/", follow=True)

    # then they are told it lapsed and the item is free again, and it stays lapsed
    body = response.content.decode()
    assert "Reservationen förföll" in body and "reservera den på nytt" in body
    with schema_context(ystad.schema_name):
        reservation.refresh_from_db()
    assert reservation.status == BookingStatus.LAPSED


def test_confirming_the_handover_of_a_lapsed_reservation_in_the_api_is_409_lapsed(ystad, reservation):
    # given
    lapse(ystad, reservation)
    client = api_client(ystad, user_in(ystad, "chef"), HTTP_ACCEPT_LANGUAGE="en")

    # when
    response = client.post(f"/api/reservations/{reservation.uuid}/confirm/")
    shown = client.get(f"/api/reservations/{reservation.uuid}/").json()

    # then
    assert response.status_code == 409 and error_code(response) == "lapsed"
    assert response.json()["error"]["message"].startswith("This reservation lapsed on ")
    assert shown["status"] == "lapsed"


def test_cancelling_a_lapsed_reservation_in_the_api_is_409_lapsed(ystad, reservation):
    lapse(ystad, reservation)
    response = api_client(ystad, user_in(ystad, "personal")).post(
        f"/api/reservations/{reservation.uuid}/cancel/", {}, format="json")
    assert response.status_code == 409 and error_code(response) == "lapsed"


def test_the_deadline_follows_the_organisations_setting(ystad, reservation):
    from tenants.services import update_settings

    # given a limit of 30 days
    update_settings(organisation=ystad, reservation_days=30)

    # when the borrower opens the reservation's page
    body = client_for(ystad, user_in(ystad, "personal")).get(f"/bokningar/{reservation.uuid}/").content.decode()

    # then the last day is 31 March
    last = date(2025, 3, 1) + timedelta(days=30)
    assert last == date(2025, 3, 31) and "senast måndag 31 mars 2025" in body


def test_my_reservations_says_by_when_each_open_reservation_must_be_handed_over(ystad, reservation):
    # when the borrower lists their reservations
    body = client_for(ystad, user_in(ystad, "personal")).get("/mina-reservationer/").content.decode()

    # then the open one says its last day
    assert "Ska lämnas över senast 15 mars 2025" in body
