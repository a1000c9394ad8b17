"""Loans and rentals (bookings.services): book a period, pick up, return, extend, the waiting list, the fee; every
refusal with its code and a message in the person's language, and nothing half-written. Parties are compared by
organisation and UUID, never by an integer id of one schema."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone, translation
from django_tenants.utils import schema_context

from accounts.models import Role
from accounts.selectors import party_of
from bookings import selectors as booking_selectors
from bookings import services
from bookings.lifecycle import BookingKind, BookingStatus
from bookings.models import Booking, BookingEvent, WaitlistEntry
from catalog import selectors as catalog_selectors
from catalog import services as catalog_services
from catalog.errors import CatalogError
from catalog.lifecycle import ListingStatus
from outbox import services as outbox
from platform_.parties import Party
from tests.booking_support import day, lendable
from tests.catalog_factories import available, make_listing
from tests.conftest import user_in
from tests.factories import DepartmentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def world(ystad, media):
    with schema_context(ystad.schema_name):
        department = DepartmentFactory(name="Skolans mediaförråd")
        owner = UserFactory(department=department, full_name="Olle Ägare")
        yield {
            "owner": owner,
            "borrower": UserFactory(full_name="Karin Kollega"),
            "other": UserFactory(full_name="Sven Annan"),
            "operator": user_in(ystad, "operator"),
            "department": department,
        }


@contextmanager
def refused(code: str, http_status: int):
    """A CatalogError with ``code``, whose message is non-empty text; and not one booking or event more."""
    bookings, events = Booking.objects.count(), BookingEvent.objects.count()
    with pytest.raises(CatalogError) as caught:
        yield caught
    assert (caught.value.code, caught.value.http_status) == (code, http_status), caught.value.message
    assert str(caught.value.message).strip()
    assert (Booking.objects.count(), BookingEvent.objects.count()) == (bookings, events), "nothing half-written"


def book(listing, by, start, end, **kwargs):
    return services.book_loan(listing=listing, by=by, start=start, end=end, notify=False, **kwargs)


# --- booking --------------------------------------------------------------------------------------------------------


def test_a_loan_is_booked_for_its_period_with_both_parties_as_values(ystad, world, django_capture_on_commit_callbacks):
    with schema_context(ystad.schema_name):
        # given a projector lent by its owner
        projector = lendable(world["owner"])

        # when a colleague books it Tuesday 09:00 to Thursday 16:00
        with django_capture_on_commit_callbacks(execute=True):
            loan = services.book_loan(listing=projector, by=world["borrower"], start=day(8, 9), end=day(10, 16),
                                      message=" Till utbildningen ")

        # then it holds those days, and names borrower and contact person by organisation and UUID
        loan.refresh_from_db()
        assert (loan.kind, loan.status, loan.quantity) == (BookingKind.LOAN, BookingStatus.RESERVED, 1)
        assert (loan.period.lower, loan.period.upper) == (day(8, 9), day(10, 16))
        assert loan.borrower == Party(ystad.pk, world["borrower"].uuid)
        assert (loan.borrower.name, loan.borrower.email) == ("Karin Kollega", world["borrower"].email)
        assert loan.contact == party_of(user=world["owner"])
        assert loan.receiving_department == world["borrower"].department
        assert loan.cost_centre == world["borrower"].department.name
        assert loan.message == "Till utbildningen"
        assert loan.exclusive and loan.fee_amount is None
        assert [event.step for event in loan.events.all()] == ["booked"]
        # and the contact person is e-mailed, once
        assert [m.to for m in mail.outbox] == [[world["owner"].email]]
        assert "Karin Kollega" in mail.outbox[0].body
        # and it is free before and after, not in between
        assert booking_selectors.free_quantity(listing=projector, start=day(7), end=day(8, 9)) == 1
        assert booking_selectors.free_quantity(listing=projector, start=day(9), end=day(9, 12)) == 0
        assert booking_selectors.free_quantity(listing=projector, start=day(10, 16), end=day(12)) == 1


def test_a_rental_records_its_fee_and_cost_centre(ystad, world):
    with schema_context(ystad.schema_name):
        # given a speaker rented out at 150 SEK per day
        speaker = lendable(world["owner"], title="Högtalare Testmodell", rent=150)

        # when it is rented Tuesday to Thursday
        rental = book(speaker, world["borrower"], day(8, 9), day(10, 16))

        # then the fee is three days at 150, charged to the borrower's department
        assert (rental.fee_unit_price, rental.fee_unit, rental.fee_units, rental.fee_amount) == (
            Decimal("150"), "day", 3, Decimal("450.00")
        )
        assert rental.cost_centre == world["borrower"].department.name


@pytest.mark.parametrize(
    ("start", "end", "code", "status", "message"),
    [
        ((9, 16), (8, 9), "return_before_pickup", 400, "The return must be after the pick-up."),
        ((8, 9), (8, 9), "return_before_pickup", 400, "The return must be after the pick-up."),
        ((-1, 9), (2, 16), "in_the_past", 400, "Choose a day from today on: the dates cannot be in the past."),
        ((2, 9), (400, 16), "period_too_long", 400, "A loan can be at most 366 days."),
    ],
)
def test_a_period_that_does_not_add_up_is_refused(ystad, world, start, end, code, status, message):
    with schema_context(ystad.schema_name):
        projector = lendable(world["owner"])
        with refused(code, status) as caught:
            book(projector, world["borrower"], day(*start), day(*end))
        assert str(caught.value.message) == message


def test_overlapping_dates_are_refused_as_taken_and_in_swedish_too(ystad, world):
    with schema_context(ystad.schema_name):
        # given the projector booked Tuesday–Thursday
        projector = lendable(world["owner"])
        book(projector, world["borrower"], day(8, 9), day(10, 16))

        # when someone else asks for Wednesday–Friday
        with refused("period_taken", 409) as caught:
            book(projector, world["other"], day(9, 9), day(11, 16))
        assert str(caught.value.message) == "It is already booked for some of those days. Choose other dates."
        with translation.override("sv"):
            with refused("period_taken", 409) as caught:
                book(projector, world["other"], day(9, 9), day(11, 16))
            assert "redan bokad" in str(caught.value.message)

        # then Thursday afternoon on, after the return, is fine
        assert book(projector, world["other"], day(10, 16), day(11, 16)).status == BookingStatus.RESERVED


def test_more_than_is_free_in_the_period_is_refused_with_what_is_free(ystad, world):
    with schema_context(ystad.schema_name):
        # given five folding chairs, three of them booked on Wednesday
        chairs = lendable(world["owner"], title="Fällstolar", quantity=5)
        book(chairs, world["borrower"], day(9, 9), day(9, 16), quantity=3)

        # when someone wants three from Tuesday to Thursday
        with refused("not_enough", 409) as caught:
            book(chairs, world["other"], day(8, 9), day(10, 16), quantity=3)

        # then they are told two are free for the whole period, and two can be booked
        assert str(caught.value.message) == "Only 2 are free for the whole of that period."
        assert book(chairs, world["other"], day(8, 9), day(10, 16), quantity=2).quantity == 2
        assert booking_selectors.booked_peak(listing=chairs, start=day(8), end=day(11)) == 5


def test_only_what_is_lent_out_is_booked_for_a_period_and_only_by_others(ystad, world):
    with schema_context(ystad.schema_name):
        given_away = make_listing(author=world["owner"], title="Bord att skänka")
        projector = lendable(world["owner"])
        draft = lendable(world["owner"], title="Utkast", publish=False)
        with refused("not_lendable", 409):
            book(given_away, world["borrower"], day(8), day(9))
        with refused("needs_period", 409):
            services.reserve_listing(listing=projector, by=world["borrower"])
        with refused("own_listing", 400) as caught:
            book(projector, world["owner"], day(8), day(9))
        assert str(caught.value.message) == "You cannot borrow your own listing."
        with refused("not_possible_now", 409):
            book(draft, world["borrower"], day(8), day(9))
        with refused("quantity_invalid", 400):
            book(projector, world["borrower"], day(8), day(9), quantity=0)


# --- pick-up and return -------------------------------------------------------------------------------------------


def test_the_owner_side_confirms_pick_up_and_return_and_it_counts_as_a_loan(ystad, world):
    with schema_context(ystad.schema_name):
        # given a booked loan
        projector = lendable(world["owner"])
        loan = book(projector, world["borrower"], day(0, 0), day(2, 16))
        year = timezone.localdate().year
        before = catalog_selectors.statistics(year=year)

        # when the owner confirms the pick-up, then the operator the return
        loan = services.confirm_pick_up(booking=loan, by=world["owner"])
        assert (loan.status, loan.giving_department_id) == (BookingStatus.OUT, world["department"].pk)
        assert available(projector) == 0
        loan = services.confirm_return(booking=loan, by=world["operator"])

        # then it is back, free, and counted once as a loan, never as an item mediated
        assert loan.status == BookingStatus.RETURNED and loan.returned_at is not None
        assert available(projector) == 1
        assert [(e.step, e.actor) for e in loan.events.all()] == [
            ("booked", party_of(user=world["borrower"])),
            ("picked_up", party_of(user=world["owner"])),
            ("returned", party_of(user=world["operator"])),
        ]
        after = catalog_selectors.statistics(year=year)
        assert (after.loans - before.loans, after.mediated - before.mediated) == (1, 0)
        assert catalog_selectors.listing_for(uuid=projector.uuid, user=world["borrower"]).status == (
            ListingStatus.PUBLISHED
        )


def test_the_borrower_cannot_confirm_their_own_pick_up_nor_can_a_stranger(ystad, world):
    with schema_context(ystad.schema_name):
        # given an operator borrowing someone else's projector: an operator may act for any listing, but not here
        projector = lendable(world["owner"])
        loan = book(projector, world["operator"], day(0, 0), day(2, 16))

        with refused("own_loan", 403):
            services.confirm_pick_up(booking=loan, by=world["operator"])
        with refused("not_allowed", 403):
            services.confirm_pick_up(booking=loan, by=world["other"])
        with refused("not_possible_now", 409) as caught:
            services.confirm_return(booking=loan, by=world["owner"])
        assert str(caught.value.message) == "Only a loan that has been picked up can be returned."


def test_an_out_loan_holds_until_it_is_back_even_past_its_end(ystad, world):
    with schema_context(ystad.schema_name):
        # given a loan picked up, whose end has passed (moved back, as time passing would)
        projector = lendable(world["owner"])
        loan = services.confirm_pick_up(booking=book(projector, world["borrower"], day(0, 0), day(1, 16)),
                                        by=world["owner"])
        from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

        Booking.objects.filter(pk=loan.pk).update(period=DateTimeTZRange(day(-3), day(-1), "[)"),
                                                  handed_over_at=day(-3))

        # then it is not free now, and nobody can book the rest of today; from tomorrow on it is expected back
        assert available(projector) == 0
        with refused("period_taken", 409):
            book(projector, world["other"], timezone.now(), day(2, 16))
        assert book(projector, world["other"], day(1, 9), day(2, 16)).status == BookingStatus.RESERVED


def test_cancelling_a_loan_frees_its_days_but_a_loan_out_cannot_be_cancelled(ystad, world):
    with schema_context(ystad.schema_name):
        projector = lendable(world["owner"])
        loan = book(projector, world["borrower"], day(8), day(9))
        services.cancel_booking(booking=loan, by=world["borrower"], reason="Mötet ställdes in")
        assert booking_selectors.free_quantity(listing=projector, start=day(8), end=day(9)) == 1
        out = services.confirm_pick_up(booking=book(projector, world["borrower"], day(0, 0), day(2)),
                                       by=world["owner"])
        with refused("not_possible_now", 409) as caught:
            services.cancel_booking(booking=out, by=world["owner"], reason="Fel")
        assert str(caught.value.message) == "A loan can be cancelled only before it is picked up."


# --- extensions ---------------------------------------------------------------------------------------------------


def test_an_extension_is_asked_for_and_accepted_and_the_fee_follows(ystad, world, django_capture_on_commit_callbacks):
    with schema_context(ystad.schema_name):
        # given a rental Tuesday–Thursday
        speaker = lendable(world["owner"], title="Högtalare Testmodell", rent=150)
        rental = book(speaker, world["borrower"], day(8, 9), day(10, 16))

        # when the borrower asks to keep it until Saturday, and the owner accepts
        with django_capture_on_commit_callbacks(execute=True):
            services.request_extension(booking=rental, by=world["borrower"], until=day(12, 16))
        rental.refresh_from_db()
        assert rental.extension_until == day(12, 16)
        with django_capture_on_commit_callbacks(execute=True):
            rental = services.answer_extension(booking=rental, by=world["owner"], accept=True)

        # then it ends on Saturday, the fee is five days, and each side was told
        rental.refresh_from_db()
        assert (rental.period.upper, rental.extension_until) == (day(12, 16), None)
        assert (rental.fee_units, rental.fee_amount) == (5, Decimal("750.00"))
        assert [m.to for m in mail.outbox] == [[world["owner"].email], [world["borrower"].email]]
        assert "accepted" in mail.outbox[1].subject.lower() or "godkänd" in mail.outbox[1].subject.lower()


def test_a_refused_extension_leaves_the_loan_as_booked(ystad, world):
    with schema_context(ystad.schema_name):
        projector = lendable(world["owner"])
        loan = book(projector, world["borrower"], day(8, 9), day(10, 16))
        services.request_extension(booking=loan, by=world["borrower"], until=day(12, 16), notify=False)
        loan = services.answer_extension(booking=loan, by=world["owner"], accept=False, notify=False)
        loan.refresh_from_db()
        assert (loan.period.upper, loan.extension_until) == (day(10, 16), None)
        assert [e.step for e in loan.events.all()] == ["booked", "extension_asked", "extension_refused"]
        # and a new one may be asked for
        services.request_extension(booking=loan, by=world["borrower"], until=day(11, 16), notify=False)


def test_an_extension_into_someone_elses_booking_is_refused_with_the_day(ystad, world):
    with schema_context(ystad.schema_name):
        # given the projector booked Tuesday–Thursday, and by someone else from Saturday
        projector = lendable(world["owner"])
        loan = book(projector, world["borrower"], day(8, 9), day(10, 16))
        book(projector, world["other"], day(12, 9), day(13, 16))

        # when the first borrower asks to keep it until Sunday
        with refused("extension_taken", 409) as caught:
            services.request_extension(booking=loan, by=world["borrower"], until=day(14, 16))

        # then they are told from which day it is taken; until Friday is fine
        assert day(12).strftime("%Y") in str(caught.value.message)
        services.request_extension(booking=loan, by=world["borrower"], until=day(11, 16), notify=False)


def test_extension_mistakes_are_refused(ystad, world):
    with schema_context(ystad.schema_name):
        projector = lendable(world["owner"])
        loan = book(projector, world["borrower"], day(8, 9), day(10, 16))
        with refused("extension_not_later", 400):
            services.request_extension(booking=loan, by=world["borrower"], until=day(9, 16))
        with refused("not_allowed", 403) as caught:
            services.request_extension(booking=loan, by=world["other"], until=day(11, 16))
        assert str(caught.value.message) == "Only the borrower can ask for an extension."
        with refused("no_extension", 409):
            services.answer_extension(booking=loan, by=world["owner"], accept=True)
        services.request_extension(booking=loan, by=world["borrower"], until=day(11, 16), notify=False)
        with refused("extension_pending", 409):
            services.request_extension(booking=loan, by=world["borrower"], until=day(12, 16))


# --- the waiting list ---------------------------------------------------------------------------------------------


def test_the_first_in_line_is_told_once_when_it_comes_back(ystad, world, django_capture_on_commit_callbacks):
    with schema_context(ystad.schema_name):
        # given the projector out, and two colleagues waiting
        projector = lendable(world["owner"])
        loan = services.confirm_pick_up(booking=book(projector, world["borrower"], day(0, 0), day(2, 16)),
                                        by=world["owner"])
        services.join_waitlist(listing=projector, by=world["other"])
        third = UserFactory(full_name="Tredje i kön")
        services.join_waitlist(listing=projector, by=third)
        with refused("already_waiting", 409):
            services.join_waitlist(listing=projector, by=world["other"])

        # when it is returned
        with django_capture_on_commit_callbacks(execute=True):
            services.confirm_return(booking=loan, by=world["owner"])

        # then the first in line is told, once; the second is still waiting
        assert [m.to for m in mail.outbox] == [[world["other"].email]]
        assert "/boka/" in mail.outbox[0].body
        first = WaitlistEntry.objects.get(person_uuid=world["other"].uuid)
        assert first.told_at is not None
        # and a second relay of the outbox sends nothing more
        assert outbox.deliver_due().delivered == 0
        assert len(mail.outbox) == 1
        assert booking_selectors.waiting_count(listing=projector) == 1


def test_the_waiting_list_is_for_what_is_out(ystad, world):
    with schema_context(ystad.schema_name):
        projector = lendable(world["owner"])
        with refused("not_out", 409):
            services.join_waitlist(listing=projector, by=world["other"])
        services.confirm_pick_up(booking=book(projector, world["borrower"], day(0, 0), day(2)), by=world["owner"])
        services.join_waitlist(listing=projector, by=world["other"])
        services.leave_waitlist(listing=projector, by=world["other"])
        with pytest.raises(CatalogError) as caught:
            services.leave_waitlist(listing=projector, by=world["other"])
        assert caught.value.code == "not_waiting"


# --- the listing around its bookings ------------------------------------------------------------------------------


def test_withdrawing_cancels_future_loans_but_not_one_that_is_out(ystad, world):
    with schema_context(ystad.schema_name):
        chairs = lendable(world["owner"], title="Fällbord", quantity=2)
        future = book(chairs, world["borrower"], day(8), day(9))
        out = services.confirm_pick_up(booking=book(chairs, world["other"], day(0, 0), day(2)), by=world["owner"])
        catalog_services.withdraw_listing(listing=chairs, by=world["owner"], reason="Ska repareras", notify=False)
        assert booking_selectors.waiting_count(listing=chairs) == 0
        future.refresh_from_db()
        out.refresh_from_db()
        assert (future.status, future.cancel_reason) == (BookingStatus.CANCELLED, "Ska repareras")
        assert out.status == BookingStatus.OUT
        assert services.confirm_return(booking=out, by=world["owner"]).status == BookingStatus.RETURNED


def test_the_quantity_cannot_go_below_what_is_booked_at_the_busiest_moment_ahead(ystad, world):
    with schema_context(ystad.schema_name):
        # given three tables, two booked next week
        tables = lendable(world["owner"], title="Fällbord", quantity=3)
        book(tables, world["borrower"], day(8), day(9), quantity=2)
        details = catalog_services.ListingDetails(
            title=tables.title, category=tables.category, department=tables.department,
            contact_person=tables.contact_person, offer_type="lend", quantity=1,
        )
        with pytest.raises(CatalogError) as caught:
            catalog_services.update_listing(listing=tables, editor=world["owner"], details=details)
        assert caught.value.code == "quantity_below_claimed" and "(2)" in str(caught.value.message)
        # and down to two, the bookings stay, and one of a kind only at one
        catalog_services.update_listing(
            listing=tables, editor=world["owner"],
            details=catalog_services.ListingDetails(**{**details.__dict__, "quantity": 2}),
        )
        assert not Booking.objects.filter(listing=tables, exclusive=True).exists()


# --- parties ------------------------------------------------------------------------------------------------------


def test_parties_are_compared_by_organisation_and_uuid_never_by_a_user_id(ystad, skurup, world):
    # given a Skurup employee and the Ystad employee who has the same integer id (the demo world makes the same
    # people in the same order in every organisation)
    skurup_person = user_in(skurup, "personal")
    with schema_context(ystad.schema_name):
        from accounts.models import User

        twin = User.objects.get(pk=skurup_person.pk)
        assert twin.uuid != skurup_person.uuid

        # and a Ystad loan whose borrower is the Skurup employee (as the exchange between organisations will book)
        projector = lendable(world["owner"])
        loan = book(projector, world["borrower"], day(8), day(9))
        Booking.objects.filter(pk=loan.pk).update(
            borrower_org=skurup.pk, borrower_uuid=skurup_person.uuid, borrower_name=skurup_person.full_name
        )
        loan.refresh_from_db()

        # then the Ystad twin is not the borrower: it is not theirs to see, to cancel or to extend
        assert loan.borrower == Party(skurup.pk, skurup_person.uuid)
        assert party_of(user=twin) != loan.borrower
        assert booking_selectors.booking_for(uuid=loan.uuid, user=twin) is None
        assert loan not in list(booking_selectors.my_bookings(user=twin))
        with refused("not_allowed", 403):
            services.cancel_booking(booking=loan, by=twin, reason="Inte min")
        with refused("not_allowed", 403):
            services.request_extension(booking=loan, by=twin, until=day(10))


def test_a_party_is_the_same_person_whatever_the_snapshot_says():
    import uuid

    person = uuid.uuid4()
    assert Party(1, person, "Anna", "anna@ystad.example") == Party(1, person, "Anna Lind", "ny@ystad.example")
    assert Party(1, person) != Party(2, person)
    assert len({Party(1, person, "a"), Party(1, person, "b")}) == 1


def test_an_operator_is_on_the_owner_side_of_every_listing_but_a_member_is_not(ystad, world):
    with schema_context(ystad.schema_name):
        projector = lendable(world["owner"])
        loan = book(projector, world["borrower"], day(0, 0), day(2))
        assert world["operator"].role == Role.OPERATOR
        assert services.confirm_pick_up(booking=loan, by=world["operator"]).status == BookingStatus.OUT


def test_postgresqls_running_sum_agrees_with_a_plain_sweep(ystad, world):
    import random

    from bookings import periods

    with schema_context(ystad.schema_name):
        # given thirty loans and a reservation-like claim on eight chairs, at random
        chairs = lendable(world["owner"], title="Fällstolar slump", quantity=40)
        rng = random.Random(7)
        for _ in range(30):
            start = day(rng.randint(1, 40), rng.choice([0, 9, 12]))
            book(chairs, world["borrower"], start, start + timedelta(hours=rng.choice([3, 7, 24, 48, 72])),
                 quantity=rng.randint(1, 3))
        for _ in range(40):
            # when the busiest moment of a random window is asked for
            start = day(rng.randint(0, 45), rng.choice([0, 8, 16]))
            end = start + timedelta(hours=rng.choice([1, 12, 24, 96]))
            expected = periods.peak(booking_selectors.spans(listing_id=chairs.pk, start=start, end=end), start, end)
            # then PostgreSQL's answer is the sweep's
            assert booking_selectors.booked_peak(listing=chairs, start=start, end=end) == expected
        # and the calendar's days are too
        first = day(1).date().replace(day=1) + timedelta(days=32)
        calendar = booking_selectors.month_calendar(listing=chairs, first=first.replace(day=1))
        zone = timezone.get_current_timezone()
        for week in calendar.weeks:
            for entry in week:
                begins, ends = periods.day_bounds(entry.day, zone)
                booked = periods.peak(booking_selectors.spans(listing_id=chairs.pk, start=begins, end=ends),
                                      begins, ends)
                assert entry.free == 40 - booked, entry.day
