"""Proof under load: locust's simulated staff against gunicorn on loopback, bounded in time.

Seeds --organisations organisations (bench-load-001 ..., provisioned by cloning, each with bench/search.py's
people and --listings listings with reservations; kept between runs), starts gunicorn on 127.0.0.1 with the bench
settings (DEBUG off; production's TLS-only cookies would need HTTPS on loopback) and 2 × cores + 1 workers, runs
locust headless with --users simulated staff spread over the organisations (bench/load/locustfile.py: browse,
search, open a listing, reserve, search the exchange) for --minutes, and prints errors, p50/p95 per page,
requests per second per core and the most database connections seen (sampled every second).

    .venv/bin/python bench/load/run.py [--organisations 300] [--users 50] [--minutes 10] [--listings 40]
        [--locust /path/to/locust] [--small]

Locust is not in the project's virtualenv (it brings gevent): `pip install -e ".[load]"` into another
virtualenv and pass --locust, or have `locust` on PATH. Uses the database delbar_bench_load.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(PROJECT_DIR))
os.environ.setdefault("BENCH_DATABASE", "delbar_bench_load")

from bench import _setup  # noqa: E402

PREFIX = "bench-load-"
PASSWORD = "bench-load-password-1"
SMALL = {"organisations": 3, "users": 3, "minutes": 0.25, "listings": 10}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=300)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--listings", type=int, default=40, help="listings per organisation")
    parser.add_argument("--locust", default=shutil.which("locust") or "locust")
    parser.add_argument("--small", action="store_true", help=f"a run of seconds: {_setup.describe(SMALL)}")
    args = parser.parse_args()
    if args.small:
        vars(args).update(SMALL)

    _setup.configure()
    from django.conf import settings

    slugs = ensure_organisations(args.organisations, args.listings)
    database = settings.DATABASES["default"]["NAME"]
    cores = os.cpu_count() or 1
    port = _free_port()
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings_bench", "DATABASE_NAME": database}
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "platform_.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(2 * cores + 1), "--log-level", "warning"],
        cwd=PROJECT_DIR, env=environment,
    )
    folder = Path(tempfile.mkdtemp(prefix="delbar-load-"))
    connections = Sampler(database)
    try:
        _wait_for(port)
        connections.start()
        print(f"Load: {args.users} simulated staff over {len(slugs)} organisations for {args.minutes:g} min against "
              f"gunicorn ({2 * cores + 1} workers, {cores} cores) on 127.0.0.1:{port}, database {database}.",
              flush=True)
        subprocess.run(
            [args.locust, "-f", str(Path(__file__).with_name("locustfile.py")), "--headless", "--only-summary",
             "--users", str(args.users), "--spawn-rate", str(max(args.users // 10, 1)),
             "--run-time", f"{max(int(args.minutes * 60), 10)}s", "--host", f"http://127.0.0.1:{port}",
             "--csv", str(folder / "load"), "--loglevel", "WARNING"],
            env={**os.environ, "LOAD_ORGANISATIONS": ",".join(slugs), "LOAD_PASSWORD": PASSWORD,
                 "LOAD_PLATFORM_DOMAIN": settings.PLATFORM_DOMAIN},
            check=False, stdout=subprocess.DEVNULL,
        )
    finally:
        connections.stop()
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    report(folder / "load_stats.csv", cores=cores, most_connections=connections.most, minutes=args.minutes)
    shutil.rmtree(folder, ignore_errors=True)


def report(stats: Path, *, cores: int, most_connections: int, minutes: float) -> None:
    rows = list(csv.DictReader(stats.open()))
    table = []
    total = None
    for row in rows:
        line = [row["Name"], row["Request Count"], row["Failure Count"], row["50%"], row["95%"],
                f"{float(row['Requests/s']):.1f}"]
        if row["Name"] == "Aggregated":
            total = row
        else:
            table.append(line)
    print()
    print(_setup.table(["page", "requests", "errors", "p50 ms", "p95 ms", "requests/s"], table, align="lrrrrr"))
    if total:
        rps = float(total["Requests/s"])
        print()
        print(f"Result: {total['Request Count']} requests in {minutes:g} min, {total['Failure Count']} errors, "
              f"p50 {total['50%']} ms, p95 {total['95%']} ms, {rps:.1f} requests/s = {rps / cores:.1f} per core; "
              f"at most {most_connections} database connections.")


class Sampler(threading.Thread):
    """The most connections to the database seen, sampled every second."""

    def __init__(self, database: str):
        super().__init__(daemon=True)
        self.database, self.most, self.stopping = database, 0, threading.Event()

    def run(self) -> None:
        from django.db import connection

        while not self.stopping.wait(1):
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                               [self.database])
                self.most = max(self.most, cursor.fetchone()[0])
        connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)


def ensure_organisations(count: int, listings: int) -> list[str]:
    from allauth.account.models import EmailAddress
    from django.db import connection
    from django_tenants.utils import schema_context

    from accounts.models import User
    from bench import search
    from catalog.models import Listing
    from tenants.models import Organisation, OrganisationStatus

    slugs = [f"{PREFIX}{n:03d}" for n in range(1, count + 1)]
    active = set(Organisation.objects.filter(slug__in=slugs, status=OrganisationStatus.ACTIVE)
                 .values_list("slug", flat=True))
    started = time.perf_counter()
    for done, slug in enumerate(slugs, start=1):
        organisation = (Organisation.objects.get(slug=slug) if slug in active else _setup.provision(
            slug=slug, name=f"Bench Load {slug[len(PREFIX):]}", number=_setup.organisation_number(done)))
        with schema_context(organisation.schema_name):
            if Listing.objects.count() != listings:
                people = search.ensure_people()
                search.ensure_listings(listings, people=people, reseed=False)
                for user in User.objects.filter(email__endswith="@bench-search.example"):
                    user.set_password(PASSWORD)
                    user.save(update_fields=["password"])
                EmailAddress.objects.filter(email__endswith="@bench-search.example").update(verified=True)
        if done % 50 == 0:
            print(f"  {done}/{count} organisations ready ({time.perf_counter() - started:.0f} s)", flush=True)
    connection.set_schema_to_public()
    return slugs


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not listen within 60 s")


if __name__ == "__main__":
    main()
