"""bench/availability.py runs, small, against a database of its own that is dropped afterwards. The figures are
not asserted (never wall-clock times in tests); that it seeds, measures and says whether the goal was met is."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_the_availability_bench_runs_small(django_db_blocker):
    database = f"{settings.DATABASES['default']['NAME']}_bench"
    env = {**os.environ, "BENCH_DATABASE": database}
    env.pop("DATABASE_NAME", None)
    try:
        result = subprocess.run(
            [sys.executable, "bench/availability.py", "--small"], cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        for operation in ("check, one listing, 1,000 bookings", "calendar, one listing, 100 bookings",
                          "book, across 100 listings", "EXPLAIN (ANALYZE, BUFFERS)"):
            assert operation in result.stdout, result.stdout
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
