"""The booking pages: the availability calendar and booking form, a booking's own page with the owner's and the
borrower's steps, the waiting list. In Swedish by default; refusals stand next to the field they concern; other
organisations' people get 404; the pages cost the same number of queries however many bookings there are."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone
from django_tenants.utils import schema_context

from bookings import services as booking_services
from bookings.lifecycle import BookingStatus
from bookings.models import Booking
from tests.booking_support import a_month_ahead, day, lendable, on
from tests.conftest import client_for, host_of, user_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(ystad):
    return {local: user_in(ystad, local) for local in ("personal", "chef", "operator")}


@pytest.fixture
def projector(ystad, people, media):
    """Lent by chef@ystad."""
    with schema_context(ystad.schema_name):
        return lendable(people["chef"], title="Projektor Sidtest")


def _form(start, end, **extra) -> dict:
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    return {"start": local_start.date().isoformat(), "start_time": local_start.strftime("%H:%M"),
            "end": local_end.date().isoformat(), "end_time": local_end.strftime("%H:%M"), "quantity": "1",
            **extra}


def test_the_listing_page_of_something_lent_offers_the_calendar_not_a_reservation(ystad, people, projector):
    page = client_for(ystad, people["personal"]).get(f"/annonser/{projector.uuid}/").content.decode()
    assert f'href="/annonser/{projector.uuid}/boka/"' in page
    assert "Välj dagar" in page
    assert f"/annonser/{projector.uuid}/reservera/" not in page


def test_the_calendar_shows_booked_days_and_picks_a_period_by_links(ystad, people, projector):
    # given the projector booked on the 10th of a month ahead
    first = a_month_ahead()
    booked, free, later = first + timedelta(days=9), first + timedelta(days=10), first + timedelta(days=12)
    with schema_context(ystad.schema_name):
        booking_services.book_loan(listing=projector, by=people["operator"], start=on(booked, 9),
                                   end=on(booked, 16), notify=False)
    client = client_for(ystad, people["personal"])
    month = first.strftime("%Y-%m")

    # when the borrower opens the calendar on that month
    response = client.get(f"/annonser/{projector.uuid}/boka/", {"manad": month})
    page = response.content.decode()

    # then the booked day is no link and says it is booked; a free day is a link that picks it as the pick-up day
    assert response.status_code == 200
    assert f"fran={booked.isoformat()}" not in page
    assert f"fran={free.isoformat()}" in page
    cell = re.search(rf"<td class=\"day day-booked[^>]*><span class=\"day-number\">{booked.day}</span>"
                     rf"<span class=\"visually-hidden\">(.*?)</span>", page)
    assert cell and cell.group(1) == "bokad"

    # when the pick-up day is chosen, the links pick the return day, and the form is filled in
    response = client.get(f"/annonser/{projector.uuid}/boka/", {"manad": month, "fran": free.isoformat()})
    page = response.content.decode()
    assert f"fran={free.isoformat()}&amp;till={later.isoformat()}" in page
    assert f'value="{free.isoformat()}"' in page
    assert "Välj nu dagen då den lämnas tillbaka" in page


def test_booking_on_the_page_then_the_owner_confirms_pick_up_and_return(ystad, people, projector):
    borrower = client_for(ystad, people["personal"])
    owner = client_for(ystad, people["chef"])

    # when the borrower books today and tomorrow
    response = borrower.post(f"/annonser/{projector.uuid}/boka/", _form(day(0, 0), day(1, 16)))

    # then they land on the booking's page
    with schema_context(ystad.schema_name):
        loan = Booking.objects.get(listing=projector)
    assert response.status_code == 302 and response["Location"] == f"/bokningar/{loan.uuid}/"
    page = borrower.get(response["Location"]).content.decode()
    assert "Lån av ”Projektor Sidtest”" in page and "Be om förlängning" in page
    assert "/hamtad/" not in page, "the borrower confirms nothing"

    # when the owner confirms the pick-up, and later the return
    assert "/hamtad/" in owner.get(f"/bokningar/{loan.uuid}/").content.decode()
    response = owner.post(f"/bokningar/{loan.uuid}/hamtad/", follow=True)
    assert "Hämtning bekräftad" in response.content.decode()
    response = owner.post(f"/bokningar/{loan.uuid}/aterlamnad/", follow=True)

    # then the loan is returned, and its history says who did what
    with schema_context(ystad.schema_name):
        loan.refresh_from_db()
    assert loan.status == BookingStatus.RETURNED
    page = response.content.decode()
    assert "bekräftade hämtningen" in page and "bekräftade återlämningen" in page


@pytest.mark.parametrize(
    ("start", "end", "status", "field", "message"),
    [
        ((3, 16), (2, 9), 400, "end", "Återlämningen måste vara efter hämtningen."),
        ((-2, 9), (1, 16), 400, "start", "Välj en dag från och med i dag"),
        ((9, 9), (11, 16), 409, None, "Den är redan bokad några av de dagarna."),
    ],
)
def test_a_refused_booking_says_why_next_to_the_field(ystad, people, projector, start, end, status, field, message):
    # given the projector booked days 8–10 by someone else
    with schema_context(ystad.schema_name):
        booking_services.book_loan(listing=projector, by=people["operator"], start=day(8, 9), end=day(10, 16),
                                   notify=False)
        before = Booking.objects.count()

    # when
    response = client_for(ystad, people["personal"]).post(
        f"/annonser/{projector.uuid}/boka/", _form(day(*start), day(*end))
    )

    # then the page answers with the error beside the field (or above the form), and nothing is booked
    assert response.status_code == status
    errors = response.context["form"].errors
    assert any(message in text for text in errors.get(field or "__all__", [])), errors
    assert message in response.content.decode()
    with schema_context(ystad.schema_name):
        assert Booking.objects.count() == before


def test_the_borrower_asks_for_an_extension_and_the_owner_accepts_on_the_page(ystad, people, projector):
    with schema_context(ystad.schema_name):
        loan = booking_services.book_loan(listing=projector, by=people["personal"], start=day(8, 9),
                                          end=day(10, 16), notify=False)
    borrower = client_for(ystad, people["personal"])
    response = borrower.post(f"/bokningar/{loan.uuid}/forlangning/",
                             {"until": day(12).date().isoformat(), "until_time": "16:00"})
    assert response.status_code == 302
    owner = client_for(ystad, people["chef"])
    assert "Godkänn förlängningen" in owner.get(f"/bokningar/{loan.uuid}/").content.decode()
    owner.post(f"/bokningar/{loan.uuid}/forlangning/svar/", {"answer": "accept"})
    with schema_context(ystad.schema_name):
        loan.refresh_from_db()
    assert loan.period.upper == day(12, 16) and loan.extension_until is None


def test_an_extension_into_someone_elses_booking_is_shown_on_the_form(ystad, people, projector):
    with schema_context(ystad.schema_name):
        loan = booking_services.book_loan(listing=projector, by=people["personal"], start=day(8, 9),
                                          end=day(10, 16), notify=False)
        booking_services.book_loan(listing=projector, by=people["operator"], start=day(11, 9), end=day(11, 16),
                                   notify=False)
    response = client_for(ystad, people["personal"]).post(
        f"/bokningar/{loan.uuid}/forlangning/", {"until": day(12).date().isoformat(), "until_time": "16:00"}
    )
    assert response.status_code == 409
    expected = formats.date_format(day(11), "j F Y")
    assert any(expected in error for error in response.context["extension_form"].errors["until"])


def test_joining_the_waiting_list_on_the_listing_page(ystad, people, projector):
    with schema_context(ystad.schema_name):
        loan = booking_services.book_loan(listing=projector, by=people["operator"], start=day(0, 0),
                                          end=day(2, 16), notify=False)
        booking_services.confirm_pick_up(booking=loan, by=people["chef"])
    client = client_for(ystad, people["personal"])
    assert "Meddela mig när den är tillbaka" in client.get(f"/annonser/{projector.uuid}/").content.decode()
    response = client.post(f"/annonser/{projector.uuid}/kolista/", {"action": "join"}, follow=True)
    assert "Du står i kön" in response.content.decode()
    assert "Lämna kön" in response.content.decode()


# ---------------------------------------------------------------------------------------------- isolation

PAGES = [
    ("get", "/annonser/{listing}/boka/"),
    ("post", "/annonser/{listing}/boka/"),
    ("post", "/annonser/{listing}/kolista/"),
    ("get", "/bokningar/{loan}/"),
    ("post", "/bokningar/{loan}/hamtad/"),
    ("post", "/bokningar/{loan}/aterlamnad/"),
    ("post", "/bokningar/{loan}/forlangning/"),
    ("post", "/bokningar/{loan}/forlangning/svar/"),
    ("get", "/reservationer/{loan}/avboka/"),
    ("post", "/reservationer/{loan}/avboka/"),
]


@pytest.fixture
def ystad_loan(ystad, people, projector):
    with schema_context(ystad.schema_name):
        loan = booking_services.book_loan(listing=projector, by=people["personal"], start=day(0, 0),
                                          end=day(2, 16), notify=False)
        booking_services.request_extension(booking=loan, by=people["personal"], until=day(3, 16), notify=False)
    return {"listing": projector.uuid, "loan": loan.uuid}


def _post_data() -> dict:
    return {**_form(day(5, 9), day(6, 16)), "until": day(9).date().isoformat(), "until_time": "16:00",
            "answer": "accept", "reason": "Kapad", "action": "join"}


@pytest.mark.parametrize("role", ["personal", "admin"])
def test_skurups_people_get_404_on_every_booking_page_for_ystads_ids(ystad, skurup, ystad_loan, role):
    client = client_for(skurup, user_in(skurup, role))
    for method, path in PAGES:
        url = path.format(**ystad_loan)
        response = client.post(url, _post_data()) if method == "post" else client.get(url)
        assert response.status_code == 404, (method, path)
    with schema_context(ystad.schema_name):
        loan = Booking.objects.get(uuid=ystad_loan["loan"])
        assert (loan.status, loan.extension_until) == (BookingStatus.RESERVED, day(3, 16))


def test_a_ystad_colleague_who_takes_no_part_gets_404_on_the_booking_pages(ystad, ystad_loan):
    with schema_context(ystad.schema_name):
        stranger = UserFactory()
    client = client_for(ystad, stranger)
    for method, path in PAGES[3:]:
        url = path.format(**ystad_loan)
        response = client.post(url, _post_data()) if method == "post" else client.get(url)
        assert response.status_code == 404, (method, path)


def test_ystads_cookie_replayed_at_skurup_and_anonymous_visitors_get_the_login_page(ystad, skurup, ystad_loan):
    cookie = client_for(ystad, user_in(ystad, "personal")).cookies[settings.SESSION_COOKIE_NAME].value
    replay = Client(HTTP_HOST=host_of(skurup))
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    for client in (replay, Client(HTTP_HOST=host_of(ystad))):
        for method, path in PAGES:
            url = path.format(**ystad_loan)
            response = client.post(url, _post_data()) if method == "post" else client.get(url)
            assert response.status_code == 302 and "/konto/login/" in response["Location"], (method, path)


# ---------------------------------------------------------------------------------------------- query counts


def _count(client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


def test_no_booking_page_grows_in_queries_with_the_bookings(ystad, people, projector):
    # given
    with schema_context(ystad.schema_name):
        tables = lendable(people["chef"], title="Fällbord Sidtest", quantity=4)
        first = booking_services.book_loan(listing=tables, by=people["personal"], start=day(1, 9),
                                           end=day(1, 16), notify=False)
    borrower, owner = client_for(ystad, people["personal"]), client_for(ystad, people["chef"])
    month = day(1).strftime("%Y-%m")
    pages = [
        (borrower, f"/annonser/{tables.uuid}/boka/?manad={month}"),
        (borrower, f"/annonser/{tables.uuid}/"),
        (owner, f"/annonser/{tables.uuid}/"),
        (borrower, f"/bokningar/{first.uuid}/"),
        (owner, f"/bokningar/{first.uuid}/"),
        (borrower, "/mina-reservationer/"),
        (owner, "/mina-annonser/"),
        (borrower, "/statistik/"),
    ]
    few = [_count(client, path) for client, path in pages]

    # when there are many more bookings, steps and people waiting
    with schema_context(ystad.schema_name):
        for offset in range(2, 26):
            loan = booking_services.book_loan(listing=tables, by=people["personal"], start=day(offset, 9),
                                              end=day(offset + 1, 16), quantity=2, notify=False)
            if offset % 3 == 0:
                booking_services.request_extension(booking=loan, by=people["personal"], until=day(offset + 1, 17),
                                                   notify=False)
        booking_services.request_extension(booking=first, by=people["personal"], until=day(1, 17), notify=False)
        booking_services.answer_extension(booking=first, by=people["chef"], accept=False, notify=False)
    many = [_count(client, path) for client, path in pages]

    # then every page costs what it did
    assert many == few
