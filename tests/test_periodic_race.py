"""Two dispatchers at the same moment, against real PostgreSQL: each organisation's job is queued by exactly one.

Threads need data they can all see and a connection each, so this test does not use the per-test transaction: the
runs it records are committed and deleted in a ``finally`` (see tests/test_reservation_race.py for the same pattern).
To make the race real, the first dispatcher to insert holds its transaction open until PostgreSQL shows the other
one waiting for it (pg_locks), and only then commits.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from datetime import time as clock

from django.db import connection

from tenants import periodic
from tenants.models import PeriodicRun

WAIT_SECONDS = 15
JOB = "tests.race"


def _wait_until_another_waits(pids: list[int]) -> bool:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_locks WHERE NOT granted AND pid = ANY(%s)", [pids])
            if cursor.fetchone():
                return True
        time.sleep(0.005)
    return False


def test_two_dispatchers_at_once_queue_each_organisations_job_once(monkeypatch, django_db_setup, django_db_blocker):
    # given one registered job, due now, and two dispatchers that will insert at the same time
    monkeypatch.setattr(periodic, "_jobs", {})
    periodic.register_daily(name=JOB, function=lambda **kwargs: None, at=clock(0, 0))
    now = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    queued: dict[str, list] = {"first": [], "second": []}
    pids: dict[str, int] = {}
    errors: list[BaseException] = []
    saw_waiting = threading.Event()
    guard = threading.Lock()
    holder: list[str] = []
    real_insert = periodic._insert_once

    def insert_and_hold(rows, *, now):
        inserted = real_insert(rows, now=now)
        with guard:
            first = not holder
            if first:
                holder.append(threading.current_thread().name)
        if first:
            others = [pid for name, pid in pids.items() if name != threading.current_thread().name]
            if _wait_until_another_waits(others):
                saw_waiting.set()
        return inserted

    monkeypatch.setattr(periodic, "_insert_once", insert_and_hold)
    monkeypatch.setattr(periodic, "_queue", lambda runs: None)
    barrier = threading.Barrier(2)

    def dispatcher(name: str) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids[name] = cursor.fetchone()[0]
            barrier.wait(WAIT_SECONDS)
            queued[name] = periodic.dispatch(now=now)
        except BaseException as error:  # surfaced by the assertions
            errors.append(error)
        finally:
            connection.close()

    with django_db_blocker.unblock():
        try:
            # when both dispatch
            threads = [threading.Thread(target=dispatcher, args=(name,), name=name) for name in queued]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(WAIT_SECONDS * 2)

            # then they truly overlapped, and every active organisation's run was queued by one of them, once
            assert not errors, errors
            assert not any(thread.is_alive() for thread in threads)
            assert saw_waiting.is_set(), "the second dispatcher never waited for the first"
            all_queued = [(run.organisation_id, run.local_date) for runs in queued.values() for run in runs]
            recorded = list(PeriodicRun.objects.filter(job=JOB).values_list("organisation_id", "local_date"))
            assert sorted(all_queued) == sorted(recorded)
            assert len(recorded) == len(set(recorded)) >= 3
            assert [] in queued.values(), "the dispatcher that waited queued nothing"
        finally:
            PeriodicRun.objects.filter(job=JOB).delete()
