"""A real Celery worker and beat, against Redis and the test database, take a reservation through the night the
clocks go back: its sides are reminded on the evening of its last day and told it lapsed at 07:00 the next
morning, winter time — each e-mail delivered exactly once, through the outbox.

The test drives the dispatcher through the night of 30–31 October 2027 (Stockholm: 03:00 CEST becomes 02:00 CET) by
sending it to the broker with ``now=``, as beat sends it without; beat meanwhile runs the real schedule (the
dispatcher every second, for today, and the outbox sweep). The night lies ahead of the demo world's data and the
reservation is dated in it, so today's runs leave the reservation alone. Mail delivery is faked at its boundary:
the worker writes e-mails to files. Redis: REDIS_TEST_URL, by default database 11 on 127.0.0.1:6379, which this test
empties.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django_tenants.utils import schema_context

from bookings import services
from bookings.lifecycle import BookingStatus
from bookings.models import Booking
from catalog.models import Listing
from outbox.email import message_id
from outbox.models import OutboxMessage
from tenants.models import Organisation, PeriodicRun
from tenants.tasks import dispatch_periodic_jobs

from .catalog_factories import make_listing
from .conftest import subprocess_env, user_in
from .outbox_support import send_task_to, sent_mail, stop_worker, wait_until
from .test_periodic_worker import start, stop

pytestmark = pytest.mark.worker

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/11")
STOCKHOLM = ZoneInfo("Europe/Stockholm")
TITLE = "Skåp genom natten"
JOB = "bookings.reservations"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# The night, in UTC, with Stockholm's local time. Summer time ends at 01:00 UTC on 31 October 2027.
EVENING = utc(2027, 10, 30, 19, 0)  # 21:00 CEST on 30 October, the reservation's last day: due for the 30th
NIGHT = [
    utc(2027, 10, 30, 22, 30),  # 00:30 CEST on the 31st: the day has begun, 07:00 has not come
    utc(2027, 10, 31, 0, 30),  # 02:30 CEST
    utc(2027, 10, 31, 1, 30),  # 02:30 CET: the hour again
    utc(2027, 10, 31, 5, 30),  # 06:30 CET (07:30 had the clocks not gone back)
]
MORNING = utc(2027, 10, 31, 6, 0)  # 07:00 CET: due for the 31st
LATER = [utc(2027, 10, 31, 6, 1), utc(2027, 10, 31, 12, 0)]


def empty_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is not reachable at {REDIS_URL}; .ci/run starts it, or set REDIS_TEST_URL")


@pytest.fixture
def committed_reservation(django_db_setup, django_db_blocker):
    """Ystad's chef gives away a cupboard; a colleague reserved it at 23:30 on 16 October 2027, summer time (21:30
    UTC), so that its last day is 30 October. Committed, for the worker; removed afterwards."""
    with django_db_blocker.unblock():
        ystad = Organisation.objects.get(slug="ystad")
        with schema_context(ystad.schema_name):
            listing = make_listing(author=user_in(ystad, "chef"), title=TITLE)
            booking = services.reserve_listing(listing=listing, by=user_in(ystad, "personal"), notify=False)
            made = datetime(2027, 10, 16, 23, 30, tzinfo=STOCKHOLM)
            Booking.objects.filter(pk=booking.pk).update(reserved_at=made, period=DateTimeTZRange(made, None, "[)"))
        yield ystad, booking
        with schema_context(ystad.schema_name):
            OutboxMessage.objects.filter(key__startswith=f"booking:{booking.uuid}:").delete()
            Booking.objects.filter(listing__title=TITLE).delete()
            Listing.objects.filter(title=TITLE).delete()
        PeriodicRun.objects.all().delete()  # the night's, and those of today that beat's dispatcher recorded


def test_a_worker_and_beat_remind_then_lapse_a_reservation_once_across_the_night_the_clocks_go_back(
    tmp_path, committed_reservation, django_db_blocker
):
    ystad, booking = committed_reservation
    keys = [f"booking:{booking.uuid}:{what}:{side}" for what in ("lapse_reminder", "lapsed")
            for side in ("borrower", "contact")]

    def delivered(*wanted: str) -> bool:
        with django_db_blocker.unblock(), schema_context(ystad.schema_name):
            return OutboxMessage.objects.filter(key__in=wanted, delivered_at__isnull=False).count() == len(wanted)

    def status() -> str:
        with django_db_blocker.unblock(), schema_context(ystad.schema_name):
            return Booking.objects.get(pk=booking.pk).status

    def dispatch(moment: datetime) -> None:
        """Send the dispatcher for ``moment`` and wait until it and what it queued have run, as they would have
        long before the next moment came (a run left unfinished for 15 minutes of the night's time is queued
        again)."""
        send_task_to(REDIS_URL, dispatch_periodic_jobs, moment.isoformat(), schema_name="public")
        assert wait_until(idle, seconds=60), f"the worker did not finish the dispatch of {moment}"

    def idle() -> bool:
        import redis

        broker = redis.Redis.from_url(REDIS_URL)
        # Nothing waiting in the queue nor taken and not yet acknowledged (tasks are acknowledged when done).
        if broker.llen("celery") or broker.hlen("unacked"):
            return False
        with django_db_blocker.unblock():
            return not PeriodicRun.objects.filter(local_date__year=2027, finished_at__isnull=True).exists()

    # given a worker writing e-mails to files, and beat sending the dispatcher every second
    empty_redis()
    mail_dir = tmp_path / "mail"
    env = subprocess_env(REDIS_URL=REDIS_URL, PERIODIC_DISPATCH_SECONDS="1",
                         EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                         EMAIL_FILE_PATH=str(mail_dir))
    worker = start(["worker", "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat"], env)
    beat = start(["beat", "--schedule", str(tmp_path / "beat-schedule"), "--pidfile="], env)
    output = {}
    try:
        # when the dispatcher runs on the evening of the reservation's last day
        dispatch(EVENING)
        reminded = wait_until(lambda: delivered(*keys[:2]), seconds=90)
        held_after_evening = status()

        # and through the night, the hour the clocks go back, and at 06:30 winter time
        for moment in NIGHT:
            dispatch(moment)
        # and at 07:00 winter time, and twice more that day
        dispatch(MORNING)
        for moment in LATER:
            dispatch(moment)
        lapsed = wait_until(lambda: delivered(*keys[2:]), seconds=90)
        time.sleep(3)  # let beat's dispatches and any repeat come and go
    finally:
        output["beat"] = stop(beat)
        output["worker"] = stop_worker(worker)
    print(output["worker"][-4000:])

    # then both sides were reminded that evening, the reservation still held; and it lapsed the next morning
    assert reminded and held_after_evening == BookingStatus.RESERVED
    assert lapsed and status() == BookingStatus.LAPSED

    # and the runs were queued by the 21:00 CEST and the 07:00 CET dispatches, once each, not by the night's
    with django_db_blocker.unblock():
        runs = {run.local_date.isoformat(): run for run in PeriodicRun.objects.filter(organisation=ystad, job=JOB,
                                                                                     local_date__year=2027)}
    assert sorted(runs) == ["2027-10-30", "2027-10-31"]
    assert runs["2027-10-30"].queued_at == EVENING and runs["2027-10-31"].queued_at == MORNING
    assert all(run.times_queued == 1 and run.finished_at is not None for run in runs.values())

    # and each e-mail was delivered exactly once (by its Message-ID), to the right person
    mail = sent_mail(mail_dir)
    for key in keys:
        assert mail.count(message_id(schema_name=ystad.schema_name, key=key)) == 1, key
    assert mail.count("To: personal@ystad.example") >= 2 and mail.count("To: chef@ystad.example") >= 2

    # and beat ran its real schedule beside the driven night
    assert output["beat"].count("Sending due task tenants.dispatch_periodic_jobs") >= 3
