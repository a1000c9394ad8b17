"""A real schema change across many organisations, while one of them keeps being served.

Makes sure N organisations exist (--count, default 1,000; bench-mm-00001 ..., provisioned as sign-ups are, by
cloning the template), then applies one migration of the throwaway tenant app bench/schema_change — a column with
an index added to every organisation's catalog_listing — with the project's migration command,
``manage.py migrate_schemas`` (bench/settings_migrate.py installs the app; --executor batched, the default and
what a deploy uses, runs the migration's SQL in each schema (tenants/batch_migrations.py); standard or
multiprocessing run Django's whole migrate in each). Meanwhile a thread keeps requesting the first
organisation's front page (its listings) through the whole Django stack, as a logged-in member of staff.

Prints the migration's total time, milliseconds per organisation, and the requests served meanwhile: count,
errors, median and maximum latency (and the same before the migration, for comparison). Goal (issue 14): 1,000
organisations in <= 60 s, and requests keep being served.

A rerun first takes the change out again (drops the column and forgets the migration, by SQL, untimed), so it
measures the same change; the organisations are kept between runs.

    .venv/bin/python bench/migrate_many.py [--count 1000] [--executor batched|standard|multiprocessing] [--small]

Uses the database delbar_bench_migrate (BENCH_DATABASE picks another; see bench/_setup.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
os.environ.setdefault("BENCH_DATABASE", "delbar_bench_migrate")

from bench import _setup  # noqa: E402

PREFIX = "bench-mm-"
SERIAL_BASE = 40_000  # organisation numbers 2120SS-SSSC with serial 40000 + n; other benchmarks use other ranges
APP = "bench_schema_change"
SMALL = {"count": 3}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="organisations (default 1000)")
    parser.add_argument("--executor", choices=["batched", "standard", "multiprocessing"],
                        default="batched")
    parser.add_argument("--small", action="store_true",
                        help=f"a run of seconds that only shows the bench works: {_setup.describe(SMALL)}")
    args = parser.parse_args()
    if args.small:
        vars(args).update(SMALL)
    if not 1 <= args.count <= 9_999:
        parser.error("--count must be between 1 and 9999")

    _setup.configure()
    from django.conf import settings
    from django.db import connection

    undone = undo_change()
    made = _setup.ensure_numbered_organisations(prefix=PREFIX, count=args.count, name="Bench MM {n}",
                                                serial_base=SERIAL_BASE)
    connection.set_schema_to_public()
    from tenants.models import Organisation

    total = Organisation.objects.count()
    taken_out = f", the change taken out of {undone} schemas first" if undone else ""
    print(f"Schema change across organisations, database {settings.DATABASES['default']['NAME']}: {total} "
          f"organisations ({made} provisioned now{taken_out}); executor {args.executor}.", flush=True)

    served = Requests(f"{PREFIX}00001")
    served.start()
    time.sleep(3)
    before = served.take()
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings_migrate"}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "manage.py"), "migrate_schemas", "--noinput", "-v", "1",
         f"--executor={args.executor}"],
        env=environment, cwd=PROJECT_DIR, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - start
    during = served.take()
    served.stop()
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:], file=sys.stderr)
        raise SystemExit("migrate_schemas failed")
    changed = schemas_with_change()
    print(f"  {result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ''}")
    print()
    print(_setup.table(
        ["", "requests", "errors", "median ms", "max ms", "requests/s"],
        [["before, 3 s", *before.row()], [f"during the migration, {seconds:.1f} s", *during.row()]],
        align="lrrrrr",
    ))
    print()
    print(f"Result: migrate_schemas added a column with an index to {changed} schemas (the template and "
          f"{changed - 1} organisations) in {seconds:.1f} s ({seconds / max(changed, 1) * 1000:.0f} ms per schema, "
          f"process start included); {during.count} requests served meanwhile, {during.errors} errors, the slowest "
          f"{during.max_ms:.0f} ms.")


class Figures:
    def __init__(self, latencies: list[float], errors: int, seconds: float):
        self.count, self.errors, self.seconds = len(latencies), errors, seconds
        self.median_ms = statistics.median(latencies) * 1000 if latencies else 0.0
        self.max_ms = max(latencies) * 1000 if latencies else 0.0

    def row(self) -> list[str]:
        return [str(self.count), str(self.errors), f"{self.median_ms:.1f}", f"{self.max_ms:.0f}",
                f"{self.count / self.seconds:.0f}" if self.seconds else "-"]


class Requests(threading.Thread):
    """Keeps requesting one organisation's front page as a logged-in member of staff."""

    def __init__(self, slug: str):
        super().__init__(daemon=True)
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django_tenants.utils import schema_context

        from accounts.models import User
        from accounts.services import create_user
        from tenants.models import Organisation

        organisation = Organisation.objects.get(slug=slug)
        with schema_context(organisation.schema_name):
            email = f"bench@{slug}.example"
            user = User.objects.filter(email=email).first() or create_user(email=email, password=None,
                                                                              email_verified=True)
            self.client = Client(HTTP_HOST=f"{slug}.{settings.PLATFORM_DOMAIN}")
            self.client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        connection.set_schema_to_public()
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors = 0
        self.since = time.perf_counter()
        self.stopping = threading.Event()

    def run(self) -> None:
        from django.db import connection

        try:
            while not self.stopping.is_set():
                start = time.perf_counter()
                try:
                    ok = self.client.get("/").status_code == 200
                except Exception:  # noqa: BLE001 - counted, the run goes on
                    ok = False
                elapsed = time.perf_counter() - start
                with self.lock:
                    self.latencies.append(elapsed)
                    self.errors += not ok
        finally:
            connection.close()

    def take(self) -> Figures:
        with self.lock:
            figures = Figures(self.latencies, self.errors, time.perf_counter() - self.since)
            self.latencies, self.errors, self.since = [], 0, time.perf_counter()
        return figures

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=30)


def schemas_with_change() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = 'catalog_listing' "
                       "AND column_name = 'bench_note'")
        return cursor.fetchone()[0]


def undo_change() -> int:
    """Take a previous run's change out of every schema, and its migration records; return from how many."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT table_schema FROM information_schema.columns WHERE table_name = 'catalog_listing' "
                       "AND column_name = 'bench_note'")
        schemas = [row[0] for row in cursor.fetchall()]
        for schema in schemas:
            cursor.execute(f'DROP INDEX IF EXISTS "{schema}".bench_listing_note; '
                           f'ALTER TABLE "{schema}".catalog_listing DROP COLUMN bench_note')
        cursor.execute("SELECT table_schema FROM information_schema.tables WHERE table_name = 'django_migrations'")
        for (schema,) in cursor.fetchall():
            cursor.execute(f'DELETE FROM "{schema}".django_migrations WHERE app = %s', [APP])
    return len(schemas)


if __name__ == "__main__":
    main()
