"""Availability and booking over many bookings: how long a check takes, and how it grows.

1. Seeds one organisation, bench-bookings, with listings lent out and their loans, bulk-loaded with COPY (a bench
   shortcut; the product writes through bookings.services), then VACUUM ANALYZE. They stay between runs.
   * "one listing": listings of 400 folding chairs each holding --sizes bookings (default 1,000, 10,000 and
     100,000): loans of 1–3 days and 1–5 chairs over seven years around today, the past ones returned (they hold
     nothing), the rest booked (they hold, and are in the partial GiST index);
   * "across listings": --listings one-of-a-kind projectors (default 10,000) with 10 loans each, one after the
     other, so that PostgreSQL's exclusion constraint guards 100,000 bookings.
2. Times, --rounds times each (after warm-up), in CPU ms (this thread plus the PostgreSQL backend, as
   bench/search.py measures; wall time too):
   * check: bookings.selectors.free_quantity for a random 3-day period in the next three years;
   * calendar: bookings.selectors.month_calendar for a random month ahead (one query, six weeks of days);
   * book: bookings.services.book_loan for a random free period, inside a transaction that is rolled back (lock,
     peak check, insert under the exclusion constraint, event), so the data does not grow.
   Goal: p95 <= 5 ms CPU for an availability check.
3. EXPLAIN (ANALYZE, BUFFERS) of the check's query at the largest size.

    .venv/bin/python bench/availability.py [--sizes 1000,10000,100000] [--listings 10000] [--rounds 200]
                                           [--reseed] [--small]

--small: 100 and 1,000 bookings, 100 listings, 20 rounds (a test runs it so). Uses the database delbar_bench (or
BENCH_DATABASE) and the organisation bench-bookings, which it provisions.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _setup  # noqa: E402

ORG_SLUG = "bench-bookings"
ORG_NUMBER_SERIAL = 96_000  # other benchmarks use other serials
CHAIRS = 400
LOANS_PER_PROJECTOR = 10
GOAL_MS = 5.0
YEARS_BACK, YEARS_AHEAD = 4, 3
BOOKING_COLUMNS = [
    "uuid", "listing_id", "kind", "quantity", "status", "period", "exclusive", "borrower_org", "borrower_uuid",
    "borrower_name", "borrower_email", "contact_org", "contact_uuid", "contact_name", "contact_email", "cost_centre",
    "message", "reserved_at", "handed_over_at", "returned_at", "cancel_reason", "fee_unit",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="bookings on one listing, comma-separated")
    parser.add_argument("--listings", type=int, default=10_000, help="one-of-a-kind listings with 10 loans each")
    parser.add_argument("--rounds", type=int, default=200, help="timed runs of each operation")
    parser.add_argument("--reseed", action="store_true", help="seed again even if the data is there")
    parser.add_argument("--small", action="store_true", help="100 and 1,000 bookings, 100 listings, 20 rounds")
    args = parser.parse_args()
    if args.small:
        args.sizes, args.listings, args.rounds = "100,1000", 100, 20
    sizes = [int(size) for size in args.sizes.split(",")]

    os.environ.setdefault("BENCH_PARALLEL", "0")
    _setup.configure(settings_module="bench.settings_search")
    from django.db import connection
    from django_tenants.utils import schema_context

    organisation = _setup.provision(
        slug=ORG_SLUG, name="Bokningsby kommun", number=_setup.organisation_number(ORG_NUMBER_SERIAL)
    )
    with schema_context(organisation.schema_name):
        people = ensure_people()
        chairs = {size: ensure_listing_with(size, people=people, reseed=args.reseed) for size in sizes}
        projectors = ensure_projectors(args.listings, people=people, reseed=args.reseed)
        results = measure(chairs, projectors, people=people, rounds=args.rounds)
        report(results, sizes=sizes, listings=args.listings, rounds=args.rounds)
        explain(chairs[max(sizes)])
    connection.set_schema_to_public()


# ---------------------------------------------------------------------------------------------- seeding


def ensure_people():
    from accounts.models import User
    from accounts.services import create_user, ensure_departments

    departments = [d for d in ensure_departments(tree={"Förvaltningen": ["Enhet A", "Enhet B"]}) if d.parent_id]
    existing = {user.email: user for user in User.objects.filter(email__endswith=f"@{ORG_SLUG}.example")}
    return [
        existing.get(email) or create_user(email=email, password=None, full_name=f"Person {n}",
                                           department=departments[n % 2], role="operator" if n == 0 else "member")
        for n, email in enumerate(f"person-{n}@{ORG_SLUG}.example" for n in range(6))
    ]


def _listing(title: str, quantity: int, owner):
    from catalog.models import Category, Listing
    from catalog.search_text import title_suffixes

    return Listing(
        title=title, category=Category.objects.get(name="Ljud och bild"), quantity=quantity, offer_type="lend",
        department=owner.department, contact_person=owner, created_by=owner, status="published",
        search_suffixes=title_suffixes(title),
    )


def ensure_listing_with(size: int, *, people, reseed: bool):
    """A listing of CHAIRS chairs holding ``size`` bookings (kept from an earlier run if it is there)."""
    from django.utils import timezone

    from catalog.models import Listing

    title = f"Fällstolar, {size} bokningar"
    listing = Listing.objects.filter(title=title).first()
    if listing is not None and not reseed and listing.bookings.count() == size:
        return listing
    if listing is not None:
        listing.bookings.all().delete()
    else:
        listing = _listing(title, CHAIRS, people[0])
        listing.save()
    rng = random.Random(size)
    now = timezone.now()
    span = (YEARS_BACK + YEARS_AHEAD) * 365 * 86400
    rows = []
    for _ in range(size):
        start = now - timedelta(days=YEARS_BACK * 365) + timedelta(seconds=rng.uniform(0, span))
        end = start + timedelta(days=rng.randint(1, 3))
        rows.append(_row(listing, start, end, quantity=rng.randint(1, 5), exclusive=False, people=people,
                         rng=rng, now=now))
    _copy(rows, f"{size:,} bookings on one listing")
    return listing


def ensure_projectors(count: int, *, people, reseed: bool) -> list:
    from django.utils import timezone

    from catalog.models import Listing

    existing = list(Listing.objects.filter(title__startswith="Projektor nr ").order_by("pk"))
    if len(existing) == count and not reseed:
        return existing
    from bookings.models import Booking

    Booking.objects.filter(listing__in=existing).delete()
    Listing.objects.filter(pk__in=[listing.pk for listing in existing]).delete()
    Listing.objects.bulk_create([_listing(f"Projektor nr {n}", 1, people[n % len(people)]) for n in range(count)],
                                batch_size=2000)
    projectors = list(Listing.objects.filter(title__startswith="Projektor nr ").order_by("pk"))
    rng = random.Random(count)
    now = timezone.now()
    rows = []
    for listing in projectors:
        start = now - timedelta(days=rng.randint(0, 30))
        for _ in range(LOANS_PER_PROJECTOR):
            start += timedelta(days=rng.randint(1, 20))
            end = start + timedelta(days=rng.randint(1, 5))
            rows.append(_row(listing, start, end, quantity=1, exclusive=True, people=people, rng=rng, now=now))
            start = end
    _copy(rows, f"{len(rows):,} bookings across {count:,} one-of-a-kind listings")
    return projectors


def _row(listing, start, end, *, quantity, exclusive, people, rng, now):
    from tenants.selectors import current_organisation_id

    borrower = people[rng.randint(1, len(people) - 1)]
    owner = listing.contact_person
    returned = end < now
    organisation = current_organisation_id()
    return (
        uuid.uuid4(), listing.pk, "loan", quantity, "returned" if returned else "reserved",
        f"[{start.isoformat()},{end.isoformat()})", exclusive, organisation, borrower.uuid, borrower.full_name,
        borrower.email, organisation, owner.uuid, owner.full_name, owner.email, "", "", start - timedelta(days=3),
        start if returned else None, end if returned else None, "", "",
    )


def _copy(rows, what: str) -> None:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY bookings_booking ({', '.join(BOOKING_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute("VACUUM ANALYZE bookings_booking")
    print(f"Seeded {what} in {time.perf_counter() - started:.1f} s (COPY with the indexes and the exclusion "
          f"constraint in place, then VACUUM ANALYZE).", flush=True)


# ---------------------------------------------------------------------------------------------- measuring


def _timed(clock, action) -> tuple[float, float | None]:
    cpu_start = clock.now()
    start = time.perf_counter()
    action()
    wall = (time.perf_counter() - start) * 1000
    cpu_end = clock.now()
    return wall, (cpu_end - cpu_start) / 1e6 if None not in (cpu_start, cpu_end) else None


class _RolledBack(Exception):
    pass


def measure(chairs: dict, projectors: list, *, people, rounds: int) -> list[dict]:
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.search import CpuClock
    from bookings import selectors, services
    from catalog.errors import CatalogError

    clock = CpuClock(connection)
    rng = random.Random(2026)
    borrower = people[1]
    today = timezone.localdate()

    def period():
        start = timezone.now() + timedelta(days=rng.uniform(1, YEARS_AHEAD * 365 - 10))
        return start, start + timedelta(days=3)

    def check(listing):
        start, end = period()
        return lambda: selectors.free_quantity(listing=listing, start=start, end=end)

    def calendar(listing):
        first = (today + timedelta(days=rng.randint(0, YEARS_AHEAD * 365 - 40))).replace(day=1)
        return lambda: selectors.month_calendar(listing=listing, first=first)

    def book(listing):
        start, end = period()

        def run():
            try:
                with transaction.atomic():
                    services.book_loan(listing=listing, by=borrower, start=start, end=end, notify=False)
                    raise _RolledBack
            except (_RolledBack, CatalogError):
                pass  # rolled back either way; a refusal (taken) is timed too

        return run

    cases = []
    for size, listing in chairs.items():
        cases += [(f"check, one listing, {size:,} bookings", size, lambda listing=listing: check(listing)),
                  (f"calendar, one listing, {size:,} bookings", size, lambda listing=listing: calendar(listing)),
                  (f"book, one listing, {size:,} bookings", size, lambda listing=listing: book(listing))]
    total = len(projectors) * LOANS_PER_PROJECTOR
    cases += [(f"check, across {len(projectors):,} listings", total, lambda: check(rng.choice(projectors))),
              (f"book, across {len(projectors):,} listings", total, lambda: book(rng.choice(projectors)))]
    results = [{"label": label, "bookings": size, "wall": [], "cpu": []} for label, size, _ in cases]
    for _ in range(5):  # warm-up
        for _label, _size, make in cases:
            make()()
    gc.collect()
    for round_number in range(rounds):
        shift = round_number % len(cases)
        for index in list(range(shift, len(cases))) + list(range(shift)):
            wall, cpu = _timed(clock, cases[index][2]())
            results[index]["wall"].append(wall)
            if cpu is not None:
                results[index]["cpu"].append(cpu)
    return results


def report(results: list[dict], *, sizes, listings: int, rounds: int) -> None:
    has_cpu = all(result["cpu"] for result in results)
    print(f"\nbench-bookings: {rounds} timed runs of each, interleaved, after 5 warm-up rounds; load average "
          f"{os.getloadavg()[0]:.1f} at the end. ms.")
    rows = []
    for result in results:
        row = [result["label"], f"{_setup.median(result['wall']):.2f}", f"{_setup.percentile(result['wall'], .95):.2f}"]
        if has_cpu:
            p95 = _setup.percentile(result["cpu"], 0.95)
            row += [f"{_setup.median(result['cpu']):.2f}", f"{p95:.2f}"]
            if result["label"].startswith("check"):
                row.append("ok" if p95 <= GOAL_MS else "OVER")
            else:
                row.append("")
        rows.append(row)
    headers = ["operation", "wall p50", "wall p95"] + (["CPU p50", "CPU p95", f"check p95 <= {GOAL_MS:g}"]
                                                         if has_cpu else [])
    print()
    print(_setup.table(headers, rows, align="l" + "r" * (len(headers) - 2) + "l"))
    if has_cpu:
        print("  CPU = this process's thread + the PostgreSQL backend (what the wall time is on an idle machine).")


def explain(listing) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bookings import selectors

    start = timezone.now() + timedelta(days=400)
    with CaptureQueriesContext(connection) as captured:
        selectors.free_quantity(listing=listing, start=start, end=start + timedelta(days=3))
    (query,) = [query for query in captured.captured_queries if "bookings_booking" in query["sql"]]
    print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the availability check on the listing with "
          f"{listing.bookings.count():,} bookings:\n  {query['sql'][:300]}")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
        for (line,) in cursor.fetchall():
            print(f"    {line}")


if __name__ == "__main__":
    main()
