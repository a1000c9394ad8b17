"""An expired listing reserved at the moment it expires (decision 0044), against real PostgreSQL with committed data
(tests/test_reservation_race.py's machinery): the daily job and the reservation take the listing's row lock in
turn, so either the reservation wins and the listing does not expire, or the listing expires and the reservation is
refused with a message — never a reservation on an expired listing."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from bookings.models import Booking
from catalog import services
from catalog.errors import CatalogError
from catalog.lifecycle import ListingStatus
from tests.test_reservation_race import Attempt, Race, committed_listing, committed_world, reload_listing, reserving

# Older than anything of the demo's: only the test's listing is past this limit.
AGE_DAYS, LIMIT_DAYS = 4000, 3900


def _old(organisation, listing) -> None:
    with schema_context(organisation.schema_name):
        services.backdate_listing(listing=listing, published_at=timezone.now() - timedelta(days=AGE_DAYS))


def _expire(organisation):
    zone = ZoneInfo(organisation.time_zone)
    return lambda: services.expire_listings(today=timezone.now().astimezone(zone).date(), days=LIMIT_DAYS, zone=zone)


def test_a_reservation_holding_the_lock_wins_and_the_listing_does_not_expire(
    django_db_setup, settings, tmp_path, django_db_blocker, monkeypatch
):
    with committed_world(settings, tmp_path, django_db_blocker) as (organisation, people):
        with committed_listing(organisation, author=people["operator"], quantity=1) as listing:
            # given a listing past its limit, and a colleague reserving it as the daily job runs
            _old(organisation, listing)
            race = Race(schema=organisation.schema_name, staggered=True, attempts=[
                Attempt(name="reserve", run=reserving(listing, people["personal"])),
                Attempt(name="expire", run=_expire(organisation)),
            ])

            # when the reservation holds the lock first
            race.run(monkeypatch)

            # then the job waited for it, and found the listing reserved: nothing expired
            reserve, expire = race.attempts
            assert reserve.error is None and expire.error is None, (reserve.error, expire.error)
            assert expire.pid in race.seen_waiting
            assert expire.result == []
            row = reload_listing(organisation, listing)
            assert row.status == ListingStatus.RESERVED and row.expired_at is None


def test_a_listing_expiring_while_someone_reserves_refuses_the_reservation(
    django_db_setup, settings, tmp_path, django_db_blocker
):
    with committed_world(settings, tmp_path, django_db_blocker) as (organisation, people):
        with committed_listing(organisation, author=people["operator"], quantity=1) as listing:
            # given a listing past its limit; the job has locked it and not yet committed
            _old(organisation, listing)
            locked, reserving_pid, outcome = threading.Event(), {}, {}

            def job():
                try:
                    with schema_context(organisation.schema_name), transaction.atomic():
                        outcome["expired"] = _expire(organisation)()
                        locked.set()
                        deadline = time.monotonic() + 15
                        while time.monotonic() < deadline:  # until the reservation waits for the row
                            with connection.cursor() as cursor:
                                cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND pid = %s",
                                               [reserving_pid.get("pid", -1)])
                                if cursor.fetchone()[0]:
                                    outcome["waited"] = True
                                    break
                            time.sleep(0.005)
                finally:
                    connection.close()

            def reserve():
                try:
                    with schema_context(organisation.schema_name):
                        with connection.cursor() as cursor:
                            cursor.execute("SELECT pg_backend_pid()")
                            reserving_pid["pid"] = cursor.fetchone()[0]
                        assert locked.wait(15)
                        try:
                            services_result = reserving(listing, people["personal"])()
                            outcome["reserved"] = services_result
                        except CatalogError as refused:
                            outcome["refused"] = refused
                finally:
                    connection.close()

            # when a colleague reserves it meanwhile
            threads = [threading.Thread(target=job), threading.Thread(target=reserve)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)

            # then the reservation waited for the job, and was refused with a message; the listing expired
            assert outcome.get("waited")
            assert [row.pk for row in outcome["expired"]] == [listing.pk]
            assert "reserved" not in outcome and str(outcome["refused"].message)
            row = reload_listing(organisation, listing)
            assert row.status == ListingStatus.WITHDRAWN and row.expired_at is not None
            with schema_context(organisation.schema_name):
                assert not Booking.objects.filter(listing_id=listing.pk).exists()
