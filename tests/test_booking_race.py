"""Races of loans against real PostgreSQL: several people book overlapping periods of the last item, or an owner
accepts an extension while someone else books the days after. Exactly one wins, by the listing's row lock, and the
others are told it is taken; for a one-of-a-kind listing PostgreSQL's exclusion constraint refuses an overlap even
without the lock.

The machinery (committed data, a connection per thread, the first attempt holding its lock until PostgreSQL shows
every other one waiting) is tests/test_reservation_race.py's.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.selectors import party_of
from bookings import services as booking_services
from bookings.lifecycle import BookingKind, BookingStatus
from bookings.models import Booking
from tests.test_reservation_race import Attempt, Race, committed_listing, committed_world


def _next(weekday: int, hour: int) -> datetime:
    """That weekday (0 = Monday) of the week after next, at ``hour``, in Swedish time: always ahead, in order."""
    today = timezone.localdate()
    day = today - timedelta(days=today.weekday()) + timedelta(weeks=2, days=weekday)
    return datetime.combine(day, time(hour)).replace(tzinfo=timezone.get_current_timezone())


def booking(listing, by, start: datetime, end: datetime, quantity: int = 1):
    return lambda: booking_services.book_loan(listing=listing, by=by, start=start, end=end, quantity=quantity,
                                              notify=False)


def holding(organisation, listing) -> list[Booking]:
    with schema_context(organisation.schema_name):
        return list(Booking.objects.filter(listing_id=listing.pk, status=BookingStatus.RESERVED))


def test_of_eight_people_booking_overlapping_periods_of_the_last_item_exactly_one_gets_it(
    settings, tmp_path, django_db_blocker, monkeypatch
):
    with committed_world(settings, tmp_path, django_db_blocker) as (organisation, people):
        borrowers = [people["personal"], people["chef"], people["admin"]]
        with committed_listing(organisation, author=people["operator"], quantity=1, offer_type="lend") as projector:
            # given one projector, and eight colleagues asking for periods that all include Wednesday noon
            tuesday, wednesday = _next(1, 9), _next(2, 12)
            periods = [(tuesday + timedelta(hours=n), wednesday + timedelta(hours=n + 1)) for n in range(8)]
            race = Race(
                schema=organisation.schema_name,
                attempts=[
                    Attempt(name=f"colleague {n}", run=booking(projector, borrowers[n % 3], start, end))
                    for n, (start, end) in enumerate(periods)
                ],
            )

            # when
            race.run(monkeypatch)

            # then the race was real, exactly one booked it, and the others were told it is taken
            race.assert_truly_concurrent()
            (winner,) = race.winners()
            assert sorted(loser.refusal for loser in race.losers()) == ["period_taken"] * 7
            with schema_context(organisation.schema_name):
                assert all(str(loser.error.message) for loser in race.losers())
            assert [b.pk for b in holding(organisation, projector)] == [winner.result.pk]


def test_of_eight_people_booking_two_of_three_items_in_overlapping_periods_only_one_fits(
    settings, tmp_path, django_db_blocker, monkeypatch
):
    with committed_world(settings, tmp_path, django_db_blocker) as (organisation, people):
        borrowers = [people["personal"], people["chef"], people["admin"]]
        with committed_listing(organisation, author=people["operator"], quantity=3, offer_type="lend") as chairs:
            # given three folding tables, and eight colleagues wanting two each for overlapping days
            start = _next(0, 9)
            race = Race(
                schema=organisation.schema_name,
                attempts=[
                    Attempt(name=f"colleague {n}", run=booking(
                        chairs, borrowers[n % 3], start + timedelta(hours=n), start + timedelta(days=2), quantity=2
                    ))
                    for n in range(8)
                ],
            )

            # when
            race.run(monkeypatch)

            # then one got two, and every other was told only one is free for the whole period
            race.assert_truly_concurrent()
            assert len(race.winners()) == 1
            assert sorted(loser.refusal for loser in race.losers()) == ["not_enough"] * 7
            assert sum(b.quantity for b in holding(organisation, chairs)) == 2


@pytest.mark.parametrize("first", ["accept", "book"])
def test_an_extension_and_a_booking_of_the_days_after_one_of_them_wins(
    settings, tmp_path, django_db_blocker, monkeypatch, first
):
    with committed_world(settings, tmp_path, django_db_blocker) as (organisation, people):
        with committed_listing(organisation, author=people["operator"], quantity=1, offer_type="lend") as projector:
            # given a loan Tuesday–Thursday whose borrower asked to keep it until Saturday
            with schema_context(organisation.schema_name):
                loan = booking_services.book_loan(listing=projector, by=people["personal"], start=_next(1, 9),
                                                  end=_next(3, 16), notify=False)
                booking_services.request_extension(booking=loan, by=people["personal"], until=_next(5, 16),
                                                   notify=False)
            accept = Attempt(name="accept", run=lambda: booking_services.answer_extension(
                booking=loan, by=people["operator"], accept=True, notify=False))
            book = Attempt(name="book", run=booking(projector, people["chef"], _next(4, 9), _next(4, 16)))

            # when the owner accepts while a colleague books Friday
            race = Race(schema=organisation.schema_name, attempts=[accept, book] if first == "accept" else
                        [book, accept], staggered=True)
            race.run(monkeypatch)

            # then the first one wins; the other is told why
            race.assert_truly_concurrent()
            winner, loser = race.attempts
            assert race.winners() == [winner]
            assert loser.refusal == ("period_taken" if first == "accept" else "extension_taken")
            with schema_context(organisation.schema_name):
                loan.refresh_from_db()
                if first == "accept":
                    assert loan.period.upper == _next(5, 16) and loan.extension_until is None
                else:
                    assert loan.period.upper == _next(3, 16) and loan.extension_until == _next(5, 16)


@pytest.mark.django_db
def test_postgresql_itself_refuses_overlapping_bookings_of_a_one_of_a_kind_listing(ystad):
    from tests.catalog_factories import make_listing
    from tests.conftest import user_in

    with schema_context(ystad.schema_name):
        # given a one-of-a-kind listing with a loan Monday–Wednesday
        owner, borrower = user_in(ystad, "operator"), user_in(ystad, "personal")
        listing = make_listing(author=owner, offer_type="lend")
        booking_services.book_loan(listing=listing, by=borrower, start=_next(0, 9), end=_next(2, 16), notify=False)

        # when a second booking for Tuesday is written without the services (no lock, no check)
        overlap = Booking(listing=listing, kind=BookingKind.LOAN, exclusive=True,
                          period=DateTimeTZRange(_next(1, 9), _next(1, 16), "[)"))
        overlap.borrower = overlap.contact = party_of(user=borrower)

        # then the exclusion constraint refuses it
        with pytest.raises(IntegrityError, match="booking_one_of_a_kind_no_overlap"), transaction.atomic():
            overlap.save()
        # and a booking that starts when the first ends ([) periods) is fine
        after = Booking(listing=listing, kind=BookingKind.LOAN, exclusive=True,
                        period=DateTimeTZRange(_next(2, 16), _next(3, 16), "[)"))
        after.borrower = after.contact = party_of(user=borrower)
        after.save()
