"""Races against real PostgreSQL: several people reserve the last item, or confirm and cancel the same reservation, at
the same moment. Exactly one wins, by the row lock on the listing, and the others are told why.

The races of loans (overlapping periods, an extension against a booking) are in tests/test_booking_race.py, with
this machinery.

Threads need data they can all see and a connection each, so these tests do not use the per-test transaction: they
create a listing in Ystad's schema in committed state (as the browser tests do, see tests/conftest.py), run the
threads, and delete everything they created in a ``finally``.

To make the race real rather than a matter of timing, the first attempt that takes the listing's row lock holds its
transaction open until PostgreSQL shows every other attempt waiting for a lock (pg_locks), and only then commits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from accounts.models import User
from bookings import services as booking_services
from bookings.lifecycle import BookingStatus as ReservationStatus
from bookings.models import Booking as Reservation
from bookings.models import WaitlistEntry
from catalog import services
from catalog.errors import CatalogError
from catalog.lifecycle import ListingStatus
from catalog.models import Listing, ListingPhoto
from tenants.models import Organisation
from tests.catalog_factories import available, make_listing
from tests.conftest import demo_email

WAIT_SECONDS = 15


@dataclass
class Attempt:
    name: str
    run: Callable[[], object]
    pid: int | None = None
    started: float | None = None
    finished: float | None = None
    result: object = None
    error: BaseException | None = None

    @property
    def succeeded(self) -> bool:
        return self.started is not None and self.error is None

    @property
    def refusal(self) -> str | None:
        return self.error.code if isinstance(self.error, CatalogError) else None


@dataclass
class Race:
    """Runs attempts in threads, each with its own connection in ``schema``, released together by a barrier.

    ``staggered``: the attempts after the first start only once the first holds the lock, so which one wins is
    known; they still start before it commits and truly wait for it.
    """

    schema: str
    attempts: list[Attempt]
    staggered: bool = False
    holder: Attempt | None = None
    holder_committed: float | None = None
    seen_waiting: set[int] = field(default_factory=set)
    _guard: threading.Lock = field(default_factory=threading.Lock)
    _locked: threading.Event = field(default_factory=threading.Event)
    _local: threading.local = field(default_factory=threading.local)

    def run(self, monkeypatch) -> None:
        real_locked = services._locked

        def locked_and_held(listing):
            row = real_locked(listing)
            with self._guard:
                first = self.holder is None
                if first:
                    self.holder = self._local.attempt
            if first:
                self._locked.set()
                self.seen_waiting = self._wait_until_the_others_wait()
            return row

        monkeypatch.setattr(services, "_locked", locked_and_held)
        barrier = threading.Barrier(len(self.attempts))
        threads = [
            threading.Thread(target=self._thread, args=(attempt, index, barrier), name=attempt.name)
            for index, attempt in enumerate(self.attempts)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(WAIT_SECONDS * 2)
        assert not any(thread.is_alive() for thread in threads), "an attempt hung"
        self.holder_committed = self.holder.finished if self.holder else None

    def _thread(self, attempt: Attempt, index: int, barrier: threading.Barrier) -> None:
        self._local.attempt = attempt
        try:
            with schema_context(self.schema):
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    attempt.pid = cursor.fetchone()[0]
                barrier.wait(WAIT_SECONDS)
                if self.staggered and index > 0:
                    assert self._locked.wait(WAIT_SECONDS), "the first attempt never took the lock"
                attempt.started = time.monotonic()
                try:
                    attempt.result = attempt.run()
                except CatalogError as refused:
                    attempt.error = refused
                attempt.finished = time.monotonic()  # after the service's transaction has committed
        except BaseException as crash:  # surfaced by the assertions of the test
            attempt.error = crash
        finally:
            connection.close()

    def _wait_until_the_others_wait(self) -> set[int]:
        """Poll PostgreSQL from inside the holder's transaction until every other attempt waits for a lock."""
        others = [attempt.pid for attempt in self.attempts if attempt is not self._local.attempt]
        deadline = time.monotonic() + WAIT_SECONDS
        waiting: set[int] = set()
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute("SELECT DISTINCT pid FROM pg_locks WHERE NOT granted AND pid = ANY(%s)", [others])
                waiting = {row[0] for row in cursor.fetchall()}
            if len(waiting) == len(others):
                break
            time.sleep(0.005)
        return waiting

    # --- what the tests assert -----------------------------------------------------------------------------------

    def winners(self) -> list[Attempt]:
        return [attempt for attempt in self.attempts if attempt.succeeded]

    def losers(self) -> list[Attempt]:
        return [attempt for attempt in self.attempts if not attempt.succeeded]

    def assert_truly_concurrent(self) -> None:
        """Every loser started before the holder committed, and PostgreSQL had it waiting for the holder's lock."""
        unexpected = [a.error for a in self.attempts if a.error is not None and not isinstance(a.error, CatalogError)]
        assert not unexpected, unexpected
        assert self.holder is not None
        for loser in self.losers():
            assert loser.started < self.holder_committed, f"{loser.name} started after the winner committed"
            assert loser.pid in self.seen_waiting, f"{loser.name} never waited for the row lock"


@contextmanager
def committed_world(settings, tmp_path, django_db_blocker):
    """Database access outside any test transaction, and media in a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_db_blocker.unblock():
        try:
            connection.set_schema_to_public()
            organisation = Organisation.objects.get(slug="ystad")
            with schema_context(organisation.schema_name):
                people = {
                    local: User.objects.select_related("department").get(email=demo_email("ystad", local))
                    for local in ("operator", "admin", "chef", "personal")
                }
            yield organisation, people
        finally:
            connection.set_schema_to_public()


@contextmanager
def committed_listing(organisation, *, author, quantity: int, **details):
    """A published listing committed in the organisation's schema; deleted with all it has afterwards."""
    with schema_context(organisation.schema_name):
        listing = make_listing(author=author, title="Kapplöpningsstol Qwzx", quantity=quantity, **details)
    try:
        yield listing
    finally:
        with schema_context(organisation.schema_name):
            WaitlistEntry.objects.filter(listing_id=listing.pk).delete()
            Reservation.objects.filter(listing_id=listing.pk).delete()  # with their events and notices
            for photo in ListingPhoto.objects.filter(listing_id=listing.pk):
                photo.image.delete(save=False)
                photo.thumbnail.delete(save=False)
                photo.delete()
            Listing.objects.filter(pk=listing.pk).delete()


def reserving(listing, by, quantity: int = 1) -> Callable[[], Reservation]:
    return lambda: booking_services.reserve_listing(listing=listing, by=by, quantity=quantity)


def reload_listing(organisation, listing) -> Listing:
    with schema_context(organisation.schema_name):
        return Listing.objects.get(pk=listing.pk)


def available_in(organisation, listing) -> int:
    with schema_context(organisation.schema_name):
        return available(listing)


# --- reserving the last item ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("people_racing", [2, 8])
def test_of_people_reserving_the_last_item_at_once_exactly_one_gets_it(
    settings, tmp_path, django_db_blocker, monkeypatch, people_racing
):
    with committed_world(settings, tmp_path, django_db_blocker) as (organisation, people):
        reservers = [people["personal"], people["chef"], people["admin"]]
        with committed_listing(organisation, author=people["operator"], quantity=1) as listing:
            # given one chair and several colleagues pressing "reserve" at the same moment
            race = Race(
                schema=organisation.schema_name,
                attempts=[
                    Attempt(name=f"colleague {number}", run=reserving(listing, reservers[number % len(reservers)]))
                    for number in range(people_racing)
                ],
            )

            # when
            race.run(monkeypatch)

            # then the race was real: everyone else waited on the winner's row lock
            race.assert_truly_concurrent()
            # exactly one got it, the others were told it is gone
            assert len(race.winners()) == 1
            assert [loser.refusal for loser in race.losers()] == ["sold_out"] * (people_racing - 1)
            assert all(str(loser.error.message) for loser in race.losers())
            # and the books balance: nothing oversold, never below zero
            after = reload_listing(organisation, listing)
            assert (available_in(organisation, after), after.status) == (0, ListingStatus.RESERVED)
            with schema_context(organisation.schema_name):
                reservations = list(Reservation.objects.filter(listing_id=listing.pk))
            assert [reservation.pk for reservation in reservations] == [race.winners()[0].result.pk]


def test_eight_people_reserving_five_items_at_once_get_exactly_five(
    settings, tmp_path, django_db_blocker, monkeypatch
):
    with committed_world(settings, tmp_path, django_db_blocker) as (organisation, people):
        reservers = [people["personal"], people["chef"], people["admin"]]
        with committed_listing(organisation, author=people["operator"], quantity=5) as listing:
            # given
            race = Race(
                schema=organisation.schema_name,
                attempts=[
                    Attempt(name=f"colleague {number}", run=reserving(listing, reservers[number % len(reservers)]))
                    for number in range(8)
                ],
            )

            # when
            race.run(monkeypatch)

            # then
            race.assert_truly_concurrent()
            assert len(race.winners()) == 5
            assert sorted(loser.refusal for loser in race.losers()) == ["sold_out"] * 3
            after = reload_listing(organisation, listing)
            assert (available_in(organisation, after), after.status) == (0, ListingStatus.RESERVED)
            with schema_context(organisation.schema_name):
                assert Reservation.objects.filter(listing_id=listing.pk).count() == 5


def test_two_people_wanting_more_than_is_left_one_gets_it_the_other_hears_what_is_left(
    settings, tmp_path, django_db_blocker, monkeypatch
):
    with committed_world(settings, tmp_path, django_db_blocker) as (organisation, people):
        with committed_listing(organisation, author=people["operator"], quantity=3) as listing:
            # given 3 items and two colleagues wanting 2 each
            race = Race(
                schema=organisation.schema_name,
                attempts=[
                    Attempt(name=local, run=reserving(listing, people[local], quantity=2))
                    for local in ("personal", "chef")
                ],
            )

            # when
            race.run(monkeypatch)

            # then
            race.assert_truly_concurrent()
            (loser,) = race.losers()
            assert len(race.winners()) == 1
            assert loser.refusal == "not_enough"
            assert "1" in str(loser.error.message)
            assert available_in(organisation, listing) == 1


# --- confirming and cancelling the same reservation ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [("confirm", "cancel"), ("cancel", "confirm"), ("confirm", "confirm"), ("cancel", "cancel")],
)
def test_of_two_people_confirming_or_cancelling_the_same_reservation_exactly_one_succeeds(
    settings, tmp_path, django_db_blocker, monkeypatch, first, second
):
    with committed_world(settings, tmp_path, django_db_blocker) as (organisation, people):
        with committed_listing(organisation, author=people["operator"], quantity=1) as listing:
            # given a reservation by a colleague; the owner side may confirm, either side may cancel
            with schema_context(organisation.schema_name):
                reservation = booking_services.reserve_listing(listing=listing, by=people["personal"])
            act = {
                ("confirm", 0): lambda: booking_services.confirm_handover(booking=reservation, by=people["operator"]),
                ("confirm", 1): lambda: booking_services.confirm_handover(booking=reservation, by=people["admin"]),
                ("cancel", 0): lambda: booking_services.cancel_booking(
                    booking=reservation, by=people["personal"], reason="Behövs inte längre"
                ),
                ("cancel", 1): lambda: booking_services.cancel_booking(
                    booking=reservation, by=people["operator"], reason="Den gick sönder"
                ),
            }
            race = Race(
                schema=organisation.schema_name,
                attempts=[
                    Attempt(name=f"{first} (first)", run=act[(first, 0)]),
                    Attempt(name=f"{second} (second)", run=act[(second, 1)]),
                ],
                staggered=True,
            )

            # when
            race.run(monkeypatch)

            # then the second waited for the first, and was refused once it saw the first's outcome
            race.assert_truly_concurrent()
            winner, loser = race.attempts
            assert race.winners() == [winner]
            assert loser.refusal == "not_possible_now"
            assert loser.error.http_status == 409
            # and the outcome is the first's, whole
            with schema_context(organisation.schema_name):
                reservation = Reservation.objects.get(pk=reservation.pk)
                after = Listing.objects.get(pk=listing.pk)
                if first == "confirm":
                    assert reservation.status == ReservationStatus.HANDED_OVER
                    assert reservation.events.get(step="handed_over").actor_uuid == people["operator"].uuid
                    assert (after.status, available(after)) == (ListingStatus.HANDED_OVER, 0)
                else:
                    assert reservation.status == ReservationStatus.CANCELLED
                    assert reservation.cancel_reason == "Behövs inte längre"
                    assert (after.status, available(after)) == (ListingStatus.PUBLISHED, 1)
