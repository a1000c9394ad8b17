"""A real Celery beat and a real worker, against Redis and the test database, run a daily job once per organisation.

Beat sends the dispatcher every second (PERIODIC_DISPATCH_SECONDS=1); the worker runs the dispatcher and the jobs it
queues. The job is the tests' own (tests/periodic_probe.py, loaded into the worker with ``--include``): it notes each
run in a file. Redis: REDIS_TEST_URL, by default database 14 on 127.0.0.1:6379, which this test empties.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from tenants.models import Organisation, OrganisationStatus, PeriodicRun

from .conftest import subprocess_env
from .periodic_probe import JOB

pytestmark = pytest.mark.worker

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/14")


def start(arguments: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "platform_", *arguments, "--loglevel=INFO"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


def empty_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is not reachable at {REDIS_URL}; .ci/run starts it, or set REDIS_TEST_URL")


def noted(probe: Path) -> list[str]:
    return probe.read_text().splitlines() if probe.exists() else []


def test_beat_and_a_worker_run_a_daily_job_once_in_every_organisation(tmp_path, django_db_setup, django_db_blocker):
    # given a worker that knows the probe job, and beat sending the dispatcher every second
    empty_redis()
    probe = tmp_path / "runs.txt"
    env = subprocess_env(REDIS_URL=REDIS_URL, PERIODIC_DISPATCH_SECONDS="1", PERIODIC_PROBE_FILE=str(probe))
    with django_db_blocker.unblock():
        organisations = {o.schema_name: o.slug for o in Organisation.objects.filter(status=OrganisationStatus.ACTIVE)}
    worker = start(["worker", "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
                    "--include", "tests.periodic_probe"], env)
    beat = start(["beat", "--schedule", str(tmp_path / "beat-schedule"), "--pidfile="], env)
    output = {}
    try:
        # when they run until every organisation's job has run, and for a few dispatches more
        deadline = time.monotonic() + 60
        while len(noted(probe)) < len(organisations) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(4)
    finally:
        output["beat"] = stop(beat)
        output["worker"] = stop(worker)
        with django_db_blocker.unblock():
            runs = list(PeriodicRun.objects.filter(job=JOB).values_list("organisation__schema_name", "finished_at"))
            PeriodicRun.objects.all().delete()  # the probe's, and those of any real job that was due

    # then the job ran once for each active organisation (the demo world), in that organisation's schema
    lines = noted(probe)
    print(output["worker"][-3000:])
    assert {"org_ystad", "org_skurup", "org_trelleborg"} <= set(organisations)
    # (once per local date: should the test run across midnight in Stockholm, the new date is due too)
    counted = Counter(tuple(line.split()) for line in lines)
    assert set(counted.values()) == {1}, lines
    assert {(schema, slug) for schema, slug, _ in counted} == set(organisations.items()), lines

    # and beat sent the dispatcher again and again, which queued nothing twice; every run is recorded as finished
    assert output["beat"].count("Sending due task tenants.dispatch_periodic_jobs") >= 3
    assert {schema for schema, _ in runs} == set(organisations) and len(runs) == len(lines)
    assert all(finished is not None for _, finished in runs)
