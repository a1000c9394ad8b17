"""Every benchmark in bench/ runs from a fresh database, as `make bench` does from a clean clone, in its small size
(--small), and prints its figures. No figure is asserted: at this size they mean nothing, and wall-clock times are
never asserted in tests.

The scripts run as subprocesses, as `make bench` runs them, against a bench database of their own on the test
run's PostgreSQL server, with a name new for every run (BENCH_DATABASE), dropped afterwards. They share it in the
order below, as `make bench` does, so bench/search.py seeds a database that never held listings.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

pytestmark = pytest.mark.bench

SCRIPTS = [
    ("search.py", ["Seeding 300 listings", "all searches", "Throughput"]),
    ("tenancy_overhead.py", ["Goal: delbar adds", "Goal: delbar sends 1 SQL statement"]),
    ("provisioning.py", ["Goal: provisioning by cloning", "Cleaned up: 2 organisations"]),
    ("migrate_noop.py", ["Result: a no-op deploy migration over"]),
    ("migrate_many.py", ["Result: migrate_schemas added a column with an index to", " 0 errors"]),
    ("exchange_search.py", ["all searches", "How the search grows with the organisations", "The relay (",
                            "found every copy current", "The outbox sweep's question"]),
    ("impact.py", ["Seeding 200 handovers", "statistics /statistik/", "XLSX export, every handover",
                   "more SQL statements per organisation"]),
    ("matching.py", ["Seeding 300 open wanted ads", "matching (GIN index)", "The alerts' e-mails through the outbox"]),
]


def _maintenance_connection() -> psycopg.Connection:
    db = settings.DATABASES["default"]
    params = {key: value for key, value in (db.get("OPTIONS") or {}).items() if key in ("host", "port", "sslmode")}
    for key, setting in (("user", "USER"), ("password", "PASSWORD"), ("host", "HOST"), ("port", "PORT")):
        if db.get(setting):
            params[key] = db[setting]
    return psycopg.connect(dbname="postgres", autocommit=True, **params)


@pytest.fixture(scope="module")
def bench_database():
    name = f"delbar_bench_test_{os.getpid()}_{secrets.token_hex(3)}"
    yield name
    with _maintenance_connection() as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.mark.parametrize(("script", "expected"), SCRIPTS, ids=[script for script, _ in SCRIPTS])
def test_the_bench_runs_in_its_small_size_from_a_fresh_database(bench_database, script, expected):
    # given: the environment `make bench` has, on the server this test run uses
    env = {key: value for key, value in os.environ.items() if key not in ("DELBAR_TESTING", "DATABASE_NAME")}
    env.update(DATABASE_URL=settings.DATABASE_URL, BENCH_DATABASE=bench_database)
    # The server the tests use, not an embedded Redis left running in the checkout (the scripts queue nothing).
    env.setdefault("REDIS_URL", os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15"))
    # when
    done = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "bench" / script), "--small"],
        env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=300, check=False,
    )
    # then
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for text in expected:
        assert text in done.stdout, done.stdout[-3000:]
