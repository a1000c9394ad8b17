"""Impact figures at scale (issue 12): the statistics page, the annual report and the XLSX export of one
organisation with 100,000 mediated items, and the platform's totals and open data over 300 organisations.

1. Seeds one organisation, bench-impact, with --items handovers (default 100,000): one office chair posted,
   reserved and handed over through the product's services, then copied in one SQL statement
   (bench/_impact_data.copy_handover, a bench shortcut) into that many handed-over reservations of one item each.
   They stay between runs: a run re-seeds only if the count is wrong.
2. Requests, logged in as its admin through Django's test client (every middleware, the session, the tenant):
   /statistik/ (figures, charts, CO₂e and SEK), /statistik/rapport.pdf (the annual report) and
   /statistik/export.xlsx (every handover of the year, streamed), --rounds times each after one untimed run
   (--xlsx-rounds for the export, which writes 100,000 rows). Prints the SQL statements of each (the claim: a
   constant number, whatever the data) and p50/p95 wall and CPU time (this thread plus the PostgreSQL backend's,
   as bench/search.py measures it). Nothing about time is asserted.
3. Provisions organisations bench-impact-<n> until --organisations exist besides the others in the database
   (they stay between runs), and at 10 %, a third and all of them refreshes the public ledger of every
   organisation (reports.ledger.refresh_all, the nightly jobs' total work; decision 0035), computes the platform's
   totals (reports.impact.platform_impact, uncached) and serves /oppna-data/effekt.json on the public host computed
   fresh (its cache emptied before each request): p50/p95 and the SQL statements — constant for the totals and the
   open data, which read the ledger; a fixed number per organisation for the refresh. The added organisations hold
   no handovers: their refresh runs on empty tables, and bench-impact's 100,000 are in the totals.

    .venv/bin/python bench/impact.py [--items 100000] [--rounds 10] [--xlsx-rounds 3] [--organisations 300]
                                     [--platform-rounds 5] [--reseed] [--small]

--small seeds 200 items, 3 organisations and times 2 rounds: it checks that the bench runs.

Uses the database delbar_bench (see bench/_setup.py).
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _setup  # noqa: E402

ORG_SLUG = "bench-impact"
ORG_NUMBER_SERIAL = 96_000
OTHERS_PREFIX = "bench-impact-"
OTHERS_SERIALS = (96_001, 96_999)
SMALL = {"items": 200, "rounds": 2, "xlsx_rounds": 1, "organisations": 3, "platform_rounds": 2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000, help="handovers in bench-impact (default 100000)")
    parser.add_argument("--rounds", type=int, default=10, help="timed requests of the page and report (default 10)")
    parser.add_argument("--xlsx-rounds", type=int, default=3, help="timed XLSX exports (default 3)")
    parser.add_argument("--organisations", type=int, default=300,
                        help="bench-impact-<n> organisations for the platform's figures (default 300)")
    parser.add_argument("--platform-rounds", type=int, default=5,
                        help="timed runs of the platform's totals and open data at each size (default 5)")
    parser.add_argument("--reseed", action="store_true", help="seed again even if the count is right")
    parser.add_argument("--small", action="store_true",
                        help=f"a run of seconds that only shows the bench works: {_setup.describe(SMALL)}")
    args = parser.parse_args()
    if args.small:
        vars(args).update(SMALL)

    _setup.configure()
    import logging

    from django_tenants.utils import schema_context

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # the PDF's font subsetting, a line per table

    from bench.search import CpuClock

    organisation = _setup.provision(
        slug=ORG_SLUG, name="Bänkby kommun (effekt)", number=_setup.organisation_number(ORG_NUMBER_SERIAL))
    with schema_context(organisation.schema_name):
        admin = ensure_handovers(args.items, reseed=args.reseed)
    pages(organisation, admin, rounds=args.rounds, xlsx_rounds=args.xlsx_rounds, clock_class=CpuClock)
    platform(args.organisations, rounds=args.platform_rounds, clock_class=CpuClock)


# ---------------------------------------------------------------------------------------------- seeding


def ensure_handovers(count: int, *, reseed: bool):
    """bench-impact's admin, after making sure the schema holds ``count`` handed-over reservations."""
    from django.db import connection

    from accounts.models import User
    from accounts.services import create_user, ensure_departments
    from bench._impact_data import copy_handover
    from bookings.models import Booking

    departments = [d for d in ensure_departments(tree={"Bänkförvaltningen": ["Lager", "Skolan"]})
                   if d.parent_id is not None]
    people = {}
    for local, role, department in (("admin", "org_admin", departments[0]), ("personal", "member", departments[0]),
                                     ("chef", "department_manager", departments[1])):
        email = f"{local}@{ORG_SLUG}.example"
        people[local] = User.objects.filter(email=email).first() or create_user(
            email=email, password=None, full_name=f"Bänk {local}", department=department, role=role)
    have = Booking.objects.filter(status="handed_over").count()
    if have == count and not reseed:
        print(f"bench-impact holds {have:,} handovers already (kept from an earlier run; --reseed to redo).")
        return people["admin"]
    print(f"Seeding {count:,} handovers into bench-impact (it held {have:,}) ...", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE catalog_listing RESTART IDENTITY CASCADE")
    booking = _one_handover(author=people["personal"], receiver=people["chef"])
    copied = copy_handover(booking_id=booking.pk, copies=count - 1) if count > 1 else 0
    connection.cursor().execute("VACUUM ANALYZE bookings_booking, catalog_listing")
    print(f"  1 handover through the services + {copied:,} copies in SQL: {time.perf_counter() - started:.1f} s",
          flush=True)
    return people["admin"]


def _one_handover(*, author, receiver):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from bookings import services as bookings
    from catalog import services as catalog
    from catalog.models import Category

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (60, 150, 80)).save(buffer, format="JPEG")
    listing = catalog.create_listing(
        author=author,
        details=catalog.ListingDetails(
            title="Kontorsstol med armstöd", description="Svart kontorsstol i gott skick.",
            category=Category.objects.get(name="Kontorsstolar"), department=author.department,
            contact_person=author, quantity=1),
        photos=catalog.prepare_photos([SimpleUploadedFile("stol.jpg", buffer.getvalue(), content_type="image/jpeg")]),
        publish=True,
    )
    booking = bookings.reserve_listing(listing=listing, by=receiver, quantity=1, notify=False)
    bookings.confirm_handover(booking=booking, by=author)
    booking.refresh_from_db()
    return booking


# ---------------------------------------------------------------------------------------------- measuring


def _measure(get, rounds: int, clock) -> dict:
    """``get()`` once untimed, then ``rounds`` times: SQL statements (the fewest of the runs) and ms."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get()
    wall, cpu, statements = [], [], []
    gc.collect()
    for _ in range(rounds):
        backend = connection.connection.info.backend_pid if connection.connection else None
        cpu_start = clock.now()
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            size = get()
        wall.append((time.perf_counter() - start) * 1000)
        cpu_end = clock.now()
        if None not in (cpu_start, cpu_end) and connection.connection.info.backend_pid == backend:
            cpu.append((cpu_end - cpu_start) / 1e6)
        statements.append(len(captured.captured_queries))
    return {"wall": wall, "cpu": cpu, "statements": min(statements), "size": size}


def _row(label: str, measured: dict) -> list[str]:
    row = [label, str(measured["statements"]), f"{measured['size']:,}",
           f"{_setup.median(measured['wall']):.0f}", f"{_setup.percentile(measured['wall'], 0.95):.0f}"]
    if measured["cpu"]:
        row += [f"{_setup.median(measured['cpu']):.0f}", f"{_setup.percentile(measured['cpu'], 0.95):.0f}"]
    else:
        row += ["-", "-"]
    return row


def pages(organisation, admin, *, rounds: int, xlsx_rounds: int, clock_class) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import schema_context

    with schema_context(organisation.schema_name):
        from bookings.models import Booking

        handovers = Booking.objects.filter(status="handed_over").count()
    connection.set_schema_to_public()
    client = Client(HTTP_HOST=f"{ORG_SLUG}.{settings.PLATFORM_DOMAIN}")
    with schema_context(organisation.schema_name):
        client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies["delbar_language"] = "sv"
    clock = clock_class(connection)

    def fetch(path: str, streamed: bool = False):
        def get() -> int:
            response = client.get(path)
            if response.status_code != 200:
                sys.exit(f"GET {path} answered {response.status_code}")
            body = b"".join(response.streaming_content) if streamed else response.content
            return len(body)
        return get

    print(f"\nbench-impact's pages with {handovers:,} handovers (mediated items) this year, logged in as its admin, "
          f"through Django's test client; load average {os.getloadavg()[0]:.1f} at the start.", flush=True)
    rows = []
    for label, path, streamed, times in (("statistics /statistik/", "/statistik/", False, rounds),
                                         ("annual report (PDF)", "/statistik/rapport.pdf", False, rounds),
                                         ("XLSX export, every handover", "/statistik/export.xlsx", True, xlsx_rounds)):
        measured = _measure(fetch(path, streamed), times, clock)
        rows.append(_row(label, measured))
        print(f"  {label}: {measured['statements']} SQL statements, {times} timed runs", flush=True)
    print()
    print(_setup.table(["page", "SQL", "bytes", "wall p50 ms", "wall p95 ms", "CPU p50 ms", "CPU p95 ms"], rows))
    print("  CPU = this thread + the PostgreSQL backend (what the wall time is on an idle machine). The SQL count is "
          "the same at any number of handovers (tests/test_impact_exports.py, tests/test_impact.py check it flat).")


# ---------------------------------------------------------------------------------------------- many organisations


def platform(target: int, *, rounds: int, clock_class) -> None:
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from reports.impact import OPEN_DATA_CACHE_KEY, platform_impact
    from reports.services import refresh_impact_ledger_of_all
    from tenants.models import Organisation

    connection.set_schema_to_public()
    clock = clock_class(connection)
    public = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)

    def open_data() -> int:
        cache.delete(OPEN_DATA_CACHE_KEY)
        response = public.get("/oppna-data/effekt.json")
        if response.status_code != 200:
            sys.exit(f"GET /oppna-data/effekt.json answered {response.status_code}")
        return len(response.content)

    def totals() -> int:
        result = platform_impact(cached=False)
        return result.total.items

    def refresh() -> int:
        count = refresh_impact_ledger_of_all()
        connection.set_schema_to_public()
        return count

    rows = []
    steps = sorted({max(1, target // 10), max(1, target // 3), target})
    for step in steps:
        made = ensure_organisations(step)
        active = Organisation.objects.filter(status="active").count()
        # The ledger's refresh of every organisation (the nightly jobs' total work; decision 0035): once, untimed
        # first so that the figures below count bench-impact's handovers, then timed once.
        measured = _measure(refresh, 1, clock)
        rows.append([str(active), *_row("ledger refresh, all organisations", measured)])
        for label, get in (("platform totals (platform_impact)", totals), ("/oppna-data/effekt.json", open_data)):
            measured = _measure(get, rounds, clock)
            rows.append([str(active), *_row(label, measured)])
        print(f"  {step} bench-impact-<n> organisations ({made} provisioned now), {active} active in all: measured",
              flush=True)
    print(f"\nThe platform's figures, computed fresh ({rounds} timed runs each, the ledger's refresh one; load "
          f"average {os.getloadavg()[0]:.1f}); 'items/bytes' is the organisations refreshed, the platform's items "
          f"for the totals, bytes for the JSON:")
    print()
    print(_setup.table(["active orgs", "figures", "SQL", "items/bytes", "wall p50 ms", "wall p95 ms", "CPU p50 ms",
                        "CPU p95 ms"], rows, align="rl" + "r" * 6))
    by_label: dict[str, list[tuple[int, int]]] = {}
    for row in rows:
        by_label.setdefault(row[1], []).append((int(row[0]), int(row[2])))
    for label, points in by_label.items():
        (first_orgs, first_sql), (last_orgs, last_sql) = points[0], points[-1]
        if last_orgs > first_orgs:
            print(f"  {label}: {(last_sql - first_sql) / (last_orgs - first_orgs):.2f} more SQL statements per "
                  f"organisation ({first_sql} at {first_orgs}, {last_sql} at {last_orgs}).")
    print("  The totals and the open data read the public ledger (what happened inside each organisation, as of its "
          "last refresh) and the deals live: a constant number of statements. The ledger's refresh, per "
          "organisation in its schema, runs at night (and on demand), not when a page is read. The public home page "
          "and readers of the open data read them from the cache (no query) for ten minutes and an hour.")


def ensure_organisations(count: int) -> int:
    """Provision bench-impact-<n> for n < count where missing (they stay between runs); returns how many made."""
    from tenants.models import Organisation

    have = set(Organisation.objects.filter(slug__startswith=OTHERS_PREFIX, status="active")
               .values_list("slug", flat=True))
    made = 0
    started = time.perf_counter()
    for n in range(count):
        slug = f"{OTHERS_PREFIX}{n}"
        if slug in have:
            continue
        _setup.provision(slug=slug, name=f"Bänkby {n} kommun",
                         number=_setup.organisation_number(OTHERS_SERIALS[0] + n))
        made += 1
        if made % 50 == 0:
            print(f"  provisioned {made} organisations ({time.perf_counter() - started:.0f} s)", flush=True)
    return made


if __name__ == "__main__":
    main()
