"""Who is reminded and what lapses when (bookings.jobs): reservations past the organisation's limit lapse, both sides
reminded before; loans due back are reminded the day before, and overdue ones chased, weekly. Counted in the
organisation's local days, across midnight and Stockholm's daylight-saving changes.

Every moment is given explicitly; nothing reads the clock to decide. The days are in 2025, before the demo world's
data (this year's), so that only the bookings made here are concerned: in 2025 Stockholm moved from 02:00 CET to
03:00 CEST on 30 March (a day of 23 hours) and back from 03:00 CEST to 02:00 CET on 26 October (25 hours).
E-mails are looked at in the outbox, where the jobs write them (delivery is the outbox's own tests').
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_tenants.utils import schema_context

from bookings import jobs, services
from bookings.lifecycle import BookingStatus
from bookings.models import Booking, BookingEvent
from catalog.errors import CatalogError
from catalog.lifecycle import ListingStatus
from outbox.models import OutboxMessage
from tenants import periodic
from tenants.services import set_time_zone, update_settings
from tests.booking_support import day, lendable
from tests.catalog_factories import available, make_listing
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SPRING = date(2025, 3, 30)  # 02:00 CET → 03:00 CEST
AUTUMN = date(2025, 10, 26)  # 03:00 CEST → 02:00 CET


def local(day_: date, hour: int, minute: int = 0, zone=STOCKHOLM) -> datetime:
    return datetime.combine(day_, time(hour, minute), tzinfo=zone)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def people(ystad, media):
    with schema_context(ystad.schema_name):
        department = DepartmentFactory(name="Förrådet")
        yield {
            "owner": UserFactory(department=department, full_name="Olle Ägare", email="olle@ystad.example"),
            "borrower": UserFactory(full_name="Karin Kollega", email="karin@ystad.example"),
        }


def reserved_at(people, moment: datetime, *, quantity: int = 1, title: str = "Bokhylla påminnelsetest") -> Booking:
    """A reservation of a listing given away, made at ``moment`` (the service stamps now; moved back as the demo
    does)."""
    listing = make_listing(author=people["owner"], title=title, quantity=quantity)
    booking = services.reserve_listing(listing=listing, by=people["borrower"], quantity=quantity, notify=False)
    Booking.objects.filter(pk=booking.pk).update(reserved_at=moment, period=DateTimeTZRange(moment, None, "[)"))
    BookingEvent.objects.filter(booking=booking).update(at=moment)
    booking.refresh_from_db()
    return booking


def out_until(people, end: datetime, *, title: str = "Projektor påminnelsetest") -> Booking:
    """A loan picked up three days before ``end`` and still out (booked ahead, then moved back)."""
    listing = lendable(people["owner"], title=title)
    booking = services.book_loan(listing=listing, by=people["borrower"], start=day(30), end=day(31), notify=False)
    booking = services.confirm_pick_up(booking=booking, by=people["owner"])
    start = end - timedelta(days=3)
    Booking.objects.filter(pk=booking.pk).update(period=DateTimeTZRange(start, end, "[)"), handed_over_at=start)
    booking.refresh_from_db()
    return booking


def run_reservations(organisation, today: date) -> None:
    jobs.reservations(organisation=organisation, local_date=today)


def run_loans(organisation, today: date) -> None:
    jobs.loans(organisation=organisation, local_date=today)


def keys(booking: Booking) -> set[str]:
    """What the outbox holds about ``booking``: its keys without the booking's own part."""
    prefix = f"booking:{booking.uuid}:"
    return {key.removeprefix(prefix) for key in
            OutboxMessage.objects.filter(key__startswith=prefix).values_list("key", flat=True)}


def steps(booking: Booking, *names: str) -> list[tuple[str, date]]:
    return list(booking.events.filter(step__in=names).order_by("pk").values_list("step", "on_date"))


def status(booking: Booking) -> str:
    booking.refresh_from_db()
    return booking.status


# ---------------------------------------------------------------------------------------------- reservations


def test_a_reservation_is_held_through_its_last_day_and_lapses_the_morning_after(ystad, people):
    with schema_context(ystad.schema_name):
        # given a reservation of the only item, made on 10 March; the limit is 14 days, so its last day is 24 March
        booking = reserved_at(people, local(date(2025, 3, 10), 15))
        listing = booking.listing
        assert listing.status == ListingStatus.RESERVED

        # when the job runs on its last day, then the next morning, then once more
        run_reservations(ystad, date(2025, 3, 24))
        held = status(booking)
        run_reservations(ystad, date(2025, 3, 25))
        run_reservations(ystad, date(2025, 3, 25))

        # then it was held on the 24th, and lapsed on the 25th: its quantity free, the listing published again
        assert held == BookingStatus.RESERVED
        booking.refresh_from_db()
        assert booking.status == BookingStatus.LAPSED and booking.lapsed_at is not None
        listing.refresh_from_db()
        assert (listing.status, available(listing)) == (ListingStatus.PUBLISHED, 1)
        assert steps(booking, "lapsed") == [("lapsed", date(2025, 3, 25))]
        assert booking.events.get(step="lapsed").actor is None

        # and both sides were reminded on the 24th (the first run within three days of its last day) and told on the
        # 25th that it lapsed, once
        assert keys(booking) == {"lapse_reminder:borrower", "lapse_reminder:contact", "lapsed:borrower",
                                 "lapsed:contact"}
        to_borrower = OutboxMessage.objects.get(key=f"booking:{booking.uuid}:lapsed:borrower").payload
        to_contact = OutboxMessage.objects.get(key=f"booking:{booking.uuid}:lapsed:contact").payload
        assert to_borrower["to"] == ["karin@ystad.example"] and to_contact["to"] == ["olle@ystad.example"]
        with translation.override("sv"):
            assert "Bokhylla påminnelsetest" in to_borrower["subject"]
        assert "14" in to_borrower["body"] and f"/annonser/{listing.uuid}/" in to_borrower["body"]
        assert "Karin Kollega" in to_contact["body"]


def test_both_sides_are_reminded_once_three_days_before_the_last_day(ystad, people):
    with schema_context(ystad.schema_name):
        # given a reservation made on 10 March (last day 24 March)
        booking = reserved_at(people, local(date(2025, 3, 10), 15))

        # when the job runs every morning from the 19th to the 24th
        reminded_on = {}
        for n in range(19, 25):
            run_reservations(ystad, date(2025, 3, n))
            reminded_on[n] = keys(booking)

        # then both sides were reminded on the 21st, three days before the last day, and never again
        assert reminded_on[20] == set()
        assert reminded_on[21] == reminded_on[24] == {"lapse_reminder:borrower", "lapse_reminder:contact"}
        assert steps(booking, "lapse_reminder") == [("lapse_reminder", date(2025, 3, 21))]
        assert status(booking) == BookingStatus.RESERVED
        body = OutboxMessage.objects.get(key=f"booking:{booking.uuid}:lapse_reminder:contact").payload["body"]
        assert "24 mars 2025" in body and f"/bokningar/{booking.uuid}/" in body


def test_days_the_job_did_not_run_are_covered_by_the_next_run(ystad, people):
    with schema_context(ystad.schema_name):
        # given two reservations, and no run at all between 1 and 23 March
        late = reserved_at(people, local(date(2025, 3, 9), 10), title="Hylla A")  # last day 23 March
        later = reserved_at(people, local(date(2025, 3, 1), 10), title="Hylla B")  # last day 15 March

        # when the job runs again on the 23rd
        run_reservations(ystad, date(2025, 3, 23))

        # then the one still within its limit is reminded, and the one past it has lapsed (without a reminder)
        assert (status(late), keys(late)) == (BookingStatus.RESERVED, {"lapse_reminder:borrower",
                                                                       "lapse_reminder:contact"})
        assert (status(later), keys(later)) == (BookingStatus.LAPSED, {"lapsed:borrower", "lapsed:contact"})


def test_a_day_is_the_organisations_local_day_across_midnight(ystad, people):
    with schema_context(ystad.schema_name):
        # given one reservation a minute before and one a minute after midnight, Swedish time (in UTC both are on
        # 10 March: 22:59 and 23:01)
        before = reserved_at(people, local(date(2025, 3, 10), 23, 59), title="Före midnatt")
        after = reserved_at(people, local(date(2025, 3, 11), 0, 1), title="Efter midnatt")
        assert before.reserved_at.astimezone(UTC).date() == after.reserved_at.astimezone(UTC).date()

        # when the job runs on 25 and 26 March
        run_reservations(ystad, date(2025, 3, 25))
        first = (status(before), status(after))
        run_reservations(ystad, date(2025, 3, 26))

        # then each lapsed the morning after its own last day (24 and 25 March)
        assert first == (BookingStatus.LAPSED, BookingStatus.RESERVED)
        assert status(after) == BookingStatus.LAPSED


@pytest.mark.parametrize("moment, lapses", [
    # made on Sunday 16 March just after midnight, CET (still the 15th in UTC): last day 30 March, the 23-hour day
    (local(date(2025, 3, 16), 0, 15), date(2025, 3, 31)),
    # made on 15 March just before midnight: last day 29 March, lapses on the morning the clocks went forward
    (local(date(2025, 3, 15), 23, 45), SPRING),
])
def test_the_dispatcher_lapses_reservations_by_the_local_date_when_the_clocks_go_forward(ystad, people, moment,
                                                                                         lapses):
    with schema_context(ystad.schema_name):
        booking = reserved_at(people, moment)

    # when the dispatcher runs at 06:59 and 07:00 local time on the mornings around the change, and the worker
    # runs the reservations job it queues (07:00 CET is 06:00 UTC; 07:00 CEST is 05:00 UTC)
    lapsed_on = None
    for moment_utc in [utc(2025, 3, 29, 5, 59), utc(2025, 3, 29, 6, 0), utc(2025, 3, 30, 4, 59),
                       utc(2025, 3, 30, 5, 0), utc(2025, 3, 31, 4, 59), utc(2025, 3, 31, 5, 0)]:
        for run in periodic.dispatch(now=moment_utc):
            if run.organisation == ystad and run.job == "bookings.reservations":
                periodic.run_job(organisation=ystad, job_name=run.job, local_date=run.local_date)
                with schema_context(ystad.schema_name):
                    if lapsed_on is None and status(booking) == BookingStatus.LAPSED:
                        lapsed_on = (run.local_date, moment_utc)

    # then it lapsed on its morning, at 07:00 local time
    assert lapsed_on == (lapses, utc(lapses.year, lapses.month, lapses.day, 5 if lapses >= SPRING else 6, 0))


def test_the_dispatcher_lapses_reservations_by_the_local_date_when_the_clocks_go_back(ystad, people):
    with schema_context(ystad.schema_name):
        # given reservations made on 11 October at 23:30 CEST (21:30 UTC) and on 12 October at 00:30 CEST (still
        # 11 October, 22:30, in UTC): last days 25 and 26 October (the 25-hour day)
        first = reserved_at(people, local(date(2025, 10, 11), 23, 30), title="Första")
        second = reserved_at(people, local(date(2025, 10, 12), 0, 30), title="Andra")

    # when the dispatcher runs on the morning the clocks went back, at 06:30 CET (05:30 UTC: 07:30 by summer time)
    # and at 07:00 CET (06:00 UTC), and the worker runs what it queues
    def dispatch_and_run(moment_utc: datetime) -> list[date]:
        dates = []
        for run in periodic.dispatch(now=moment_utc):
            if run.organisation == ystad and run.job == "bookings.reservations":
                periodic.run_job(organisation=ystad, job_name=run.job, local_date=run.local_date)
                dates.append(run.local_date)
        return dates

    too_early = dispatch_and_run(utc(2025, 10, 26, 5, 30))
    on_time = dispatch_and_run(utc(2025, 10, 26, 6, 0))
    again = dispatch_and_run(utc(2025, 10, 26, 22, 59))  # 23:59 CET: the same day, nothing more

    # then the job ran once, at 07:00 CET, for 26 October: the first lapsed, the second is held through its last day
    assert (too_early, on_time, again) == ([], [AUTUMN], [])
    with schema_context(ystad.schema_name):
        assert (status(first), status(second)) == (BookingStatus.LAPSED, BookingStatus.RESERVED)
        # and the second's sides were reminded before, never after: it lapses the next morning
        assert keys(second) == {"lapse_reminder:borrower", "lapse_reminder:contact"}
    assert dispatch_and_run(utc(2025, 10, 27, 6, 0)) == [date(2025, 10, 27)]
    with schema_context(ystad.schema_name):
        assert status(second) == BookingStatus.LAPSED


def test_the_limit_is_the_organisations_setting(ystad, people):
    # given a limit of 30 days instead of 14
    ystad = update_settings(organisation=ystad, reservation_days=30)
    with schema_context(ystad.schema_name):
        booking = reserved_at(people, local(date(2025, 3, 1), 12))

        # when the job runs 15 days later, on its 30th day, and the day after
        run_reservations(ystad, date(2025, 3, 16))
        after_15 = status(booking)
        run_reservations(ystad, date(2025, 3, 28))
        reminded = keys(booking)
        run_reservations(ystad, date(2025, 3, 31))
        on_last_day = status(booking)
        run_reservations(ystad, date(2025, 4, 1))

        # then it was held for 30 days, reminded on the 27th day, and lapsed on the 31st
        assert (after_15, on_last_day) == (BookingStatus.RESERVED, BookingStatus.RESERVED)
        assert reminded == {"lapse_reminder:borrower", "lapse_reminder:contact"}
        assert status(booking) == BookingStatus.LAPSED


def test_the_days_are_counted_by_the_organisations_own_clock(ystad, people):
    # given an organisation in Helsinki's time, an hour ahead of Stockholm
    ystad = set_time_zone(organisation=ystad, time_zone="Europe/Helsinki")
    with schema_context(ystad.schema_name):
        # and a reservation at 23:30 on 10 March in Stockholm, which is 00:30 on 11 March in Helsinki
        booking = reserved_at(people, local(date(2025, 3, 10), 23, 30))

        # when the job runs on 25 March
        run_reservations(ystad, date(2025, 3, 25))

        # then it is held: in Helsinki it was made on the 11th, so its last day is the 25th
        assert status(booking) == BookingStatus.RESERVED


def test_only_reservations_waiting_for_their_handover_lapse(ystad, people):
    with schema_context(ystad.schema_name):
        # given old reservations handed over or cancelled, part of a listing handed over, and a loan not picked up
        handed = reserved_at(people, local(date(2025, 1, 2), 9), title="Överlämnad")
        services.confirm_handover(booking=handed, by=people["owner"])
        cancelled = reserved_at(people, local(date(2025, 1, 2), 9), title="Avbokad")
        services.cancel_booking(booking=cancelled, by=people["borrower"], notify=False)
        listing = make_listing(author=people["owner"], title="Tre stolar", quantity=3)
        part = services.reserve_listing(listing=listing, by=people["borrower"], quantity=1, notify=False)
        services.confirm_handover(booking=part, by=people["owner"])
        rest = services.reserve_listing(listing=listing, by=people["borrower"], quantity=2, notify=False)
        Booking.objects.filter(pk=rest.pk).update(reserved_at=local(date(2025, 1, 2), 9))
        listing.refresh_from_db()
        assert listing.status == ListingStatus.RESERVED

        # when the job runs
        run_reservations(ystad, date(2025, 3, 1))

        # then only the open one lapsed; the listing has two free again and is published
        assert [status(b) for b in (handed, cancelled, part, rest)] == [
            BookingStatus.HANDED_OVER, BookingStatus.CANCELLED, BookingStatus.HANDED_OVER, BookingStatus.LAPSED]
        listing.refresh_from_db()
        assert (listing.status, available(listing)) == (ListingStatus.PUBLISHED, 2)
        assert keys(handed) == keys(cancelled) == set()


def test_confirming_the_handover_of_a_lapsed_reservation_says_it_lapsed(ystad, people):
    with schema_context(ystad.schema_name):
        # given a reservation that has lapsed
        booking = reserved_at(people, local(date(2025, 3, 1), 12))
        run_reservations(ystad, date(2025, 3, 20))

        # when the owner confirms the handover, or the borrower cancels it
        with translation.override("en"), pytest.raises(CatalogError) as confirmed:
            services.confirm_handover(booking=booking, by=people["owner"])
        with pytest.raises(CatalogError) as cancelled:
            services.cancel_booking(booking=booking, by=people["borrower"])

        # then both are told it lapsed, with a stable code, and nothing changed
        assert (confirmed.value.code, confirmed.value.http_status, cancelled.value.code) == ("lapsed", 409, "lapsed")
        assert "lapsed on" in str(confirmed.value.message) and "reserve it again" in str(confirmed.value.message)
        assert status(booking) == BookingStatus.LAPSED


# ---------------------------------------------------------------------------------------------- loans


def test_a_loan_due_back_is_reminded_the_day_before_once_and_again_after_an_extension(ystad, people):
    with schema_context(ystad.schema_name):
        # given a loan out until Monday 31 March 16:00 (the day after the clocks went forward)
        loan = out_until(people, local(date(2025, 3, 31), 16))

        # when the loans job runs on the 29th, 30th and 31st
        seen = {}
        for n in (29, 30, 31):
            run_loans(ystad, date(2025, 3, n))
            seen[n] = keys(loan)

        # then the borrower was reminded on the 30th, once, and the contact person not at all
        assert seen[29] == set()
        assert seen[30] == seen[31] == {"due_soon:20250331T1400Z:borrower"}
        message = OutboxMessage.objects.get(key=f"booking:{loan.uuid}:due_soon:20250331T1400Z:borrower").payload
        assert message["to"] == ["karin@ystad.example"] and "16:00" in message["body"]
        assert "Olle Ägare" in message["body"] and f"/bokningar/{loan.uuid}/" in message["body"]

        # when the loan is extended to 3 April, and the job runs on the 2nd
        Booking.objects.filter(pk=loan.pk).update(
            period=DateTimeTZRange(loan.period.lower, local(date(2025, 4, 3), 12), "[)"))
        run_loans(ystad, date(2025, 4, 2))

        # then the new return is reminded too
        assert keys(loan) == {"due_soon:20250331T1400Z:borrower", "due_soon:20250403T1000Z:borrower"}
        assert [on for _, on in steps(loan, "due_reminder")] == [date(2025, 3, 30), date(2025, 4, 2)]


def test_an_overdue_loan_is_chased_the_day_after_and_then_weekly_until_it_is_back(ystad, people):
    with schema_context(ystad.schema_name):
        # given a loan due back at midnight between 26 and 27 October (its return day is the 26th, the 25-hour day)
        loan = out_until(people, local(date(2025, 10, 27), 0))

        # when the loans job runs every morning from the 25th to 10 November
        for n in range(17):
            run_loans(ystad, date(2025, 10, 25) + timedelta(days=n))

        # then the borrower was reminded it is due on the 25th (the day before its return day), and both sides that
        # it is overdue on the 27th, 3 November and 10 November
        overdue = sorted(key for key in keys(loan) if key.startswith("overdue"))
        assert overdue == [f"overdue:{d}:{side}" for d in ("2025-10-27", "2025-11-03", "2025-11-10")
                           for side in ("borrower", "contact")]
        assert [on for _, on in steps(loan, "due_reminder")] == [date(2025, 10, 25)]
        to_contact = OutboxMessage.objects.get(key=f"booking:{loan.uuid}:overdue:2025-10-27:contact").payload
        assert to_contact["to"] == ["olle@ystad.example"] and "karin@ystad.example" in to_contact["body"]

        # when it comes back, the chasing stops
        services.confirm_return(booking=loan, by=people["owner"], notify=False)
        run_loans(ystad, date(2025, 11, 17))
        assert len([key for key in keys(loan) if key.startswith("overdue")]) == 6


def test_loans_not_out_are_never_reminded(ystad, people):
    with schema_context(ystad.schema_name):
        # given a loan booked but not picked up, ending on 31 March, and one returned
        listing = lendable(people["owner"], title="Bokad men ej hämtad")
        booked = services.book_loan(listing=listing, by=people["borrower"], start=day(30), end=day(31), notify=False)
        Booking.objects.filter(pk=booked.pk).update(
            period=DateTimeTZRange(local(date(2025, 3, 28), 9), local(date(2025, 3, 31), 16), "[)"))
        returned = out_until(people, local(date(2025, 3, 31), 16), title="Återlämnad")
        services.confirm_return(booking=returned, by=people["owner"], notify=False)

        # when the loans job runs before and after their returns
        run_loans(ystad, date(2025, 3, 30))
        run_loans(ystad, date(2025, 4, 1))

        # then nobody was reminded
        assert keys(booked) == keys(returned) == set()


# ---------------------------------------------------------------------------------------------- queries


def _count(function, **arguments) -> int:
    with CaptureQueriesContext(connection) as queries:
        function(**arguments)
    return len(queries.captured_queries)


def test_the_jobs_queries_do_not_grow_with_the_number_of_bookings(ystad, people):
    today = date(2025, 6, 10)

    def measure(size: int) -> tuple[tuple[int, int], int]:
        """Queries of the two jobs with ``size`` reservations to lapse and to remind, loans due soon and overdue;
        and the e-mails they wrote. Rolled back afterwards."""
        saved = transaction.savepoint()
        for n in range(size):
            reserved_at(people, local(today - timedelta(days=20), 10), title=f"Lapsar {n}")
            reserved_at(people, local(today - timedelta(days=12), 10), title=f"Påminns {n}")
            out_until(people, local(today + timedelta(days=1), 16), title=f"Snart tillbaka {n}")
            out_until(people, local(today - timedelta(days=2), 16), title=f"Försenad {n}")
        before = OutboxMessage.objects.count()
        counts = (_count(jobs.reservations, organisation=ystad, local_date=today),
                  _count(jobs.loans, organisation=ystad, local_date=today))
        written = OutboxMessage.objects.count() - before
        transaction.savepoint_rollback(saved)
        return counts, written

    with schema_context(ystad.schema_name):
        # when the jobs run with one of each, and with eight of each
        small, small_emails = measure(1)
        large, large_emails = measure(8)

    # then they cost the same queries (and wrote every e-mail: two per lapse, reminder and overdue loan, one per
    # loan due soon)
    assert small == large, (small, large)
    assert (small_emails, large_emails) == (7, 56)
    print("queries of the daily jobs (reservations, loans):", small)


def test_the_first_run_lapses_the_reservations_the_demo_world_made_long_ago(ystad):
    from django.utils import timezone

    from bookings import deadlines

    # given the demo world, whose reservations were made over this year, and today by Ystad's clock
    today = timezone.now().astimezone(STOCKHOLM).date()
    with schema_context(ystad.schema_name):
        waiting = list(Booking.objects.filter(kind="reservation", status=BookingStatus.RESERVED))
        cutoff = deadlines.lapse_before(today=today, days=ystad.reservation_days, zone=STOCKHOLM)
        old = {booking.pk for booking in waiting if booking.reserved_at < cutoff}

        # when the reservations job first runs
        run_reservations(ystad, today)

        # then exactly those past the limit lapsed, each side told once; the rest still wait
        lapsed = set(Booking.objects.filter(pk__in=[b.pk for b in waiting], status=BookingStatus.LAPSED)
                     .values_list("pk", flat=True))
        assert old and lapsed == old
        assert OutboxMessage.objects.filter(key__endswith=":lapsed:borrower").count() >= len(old)
