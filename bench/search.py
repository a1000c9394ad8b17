"""Search over 100,000 listings: server time of typical searches, and the browse page's throughput.

1. Seeds one organisation, bench-search, with --listings listings (default 100,000) made from word lists
   (bench/_search_data.py: realistic Swedish titles and descriptions in realistic proportions, 85 % published,
   one photo row each), 40 people and a department tree. The listings are bulk-loaded with COPY, the
   non-constraint indexes dropped and rebuilt afterwards (a bench shortcut; the product writes through
   catalog.services), then VACUUM ANALYZE. They stay between runs: a run re-seeds only if the count is wrong.
2. Times typical searches through catalog.selectors.search_listings(...), evaluated as the browse page does:
   a Paginator of 24, its count, then the first page with its photos prefetched. Every search runs --rounds
   times (after 3 untimed runs), in a rotating order. Prints p50/p95 per search and overall, in wall time and
   in CPU time (this thread plus the PostgreSQL backend's, from /proc/<pid>/schedstat: what the wall time is
   on an idle machine; the development machine is often busy), and the split between count and page.
   Goal: p95 <= 25 ms. Then EXPLAIN (ANALYZE, BUFFERS) of the queries of the slowest search.
3. Serves the browse page (logged in: GET /, /?q=stol, /?q=skrivbort) and a bare view (logged in, answers "ok":
   same middleware, session and user lookup, no page of ours) through Django's WSGI handler in this process, one
   request at a time, --requests times each, interleaved, and prints requests per second of each.

Parallel query is off for the bench's connections unless --parallel (bench/settings_search.py says why).

    .venv/bin/python bench/search.py [--listings 100000] [--rounds 40] [--requests 300] [--reseed]
                                     [--no-throughput] [--parallel] [--small]

--small seeds 300 listings and times 2 rounds and 3 requests per page: it checks that the bench runs (the figures
mean nothing at that size).

Uses the database delbar_bench (see bench/_setup.py) and the organisation bench-search, which it provisions.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _setup  # noqa: E402

ORG_SLUG = "bench-search"
ORG_NUMBER_SERIAL = 95_000  # other benchmarks use other serials
PEOPLE = 40
PAGE_SIZE = 24
GOAL_MS = 25.0
SMALL = {"listings": 300, "rounds": 2, "requests": 3}  # --small: seconds, for tests/test_bench.py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=100_000, help="listings in bench-search (default 100000)")
    parser.add_argument("--rounds", type=int, default=40, help="timed runs of every search (default 40)")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per page (default 300)")
    parser.add_argument("--reseed", action="store_true", help="seed again even if the count is right")
    parser.add_argument("--no-throughput", action="store_true", help="skip the page throughput part")
    parser.add_argument("--parallel", action="store_true",
                        help="let PostgreSQL use parallel workers (their CPU time is not counted; see settings_search)")
    parser.add_argument("--small", action="store_true",
                        help=f"a run of seconds that only shows the bench works: {_setup.describe(SMALL)}")
    args = parser.parse_args()
    if args.small:
        vars(args).update(SMALL)

    os.environ["BENCH_PARALLEL"] = "1" if args.parallel else "0"
    _setup.configure(settings_module="bench.settings_search")
    from django.db import connection
    from django_tenants.utils import schema_context

    organisation = _setup.provision(
        slug=ORG_SLUG, name="Bänkby kommun", number=_setup.organisation_number(ORG_NUMBER_SERIAL)
    )

    with schema_context(organisation.schema_name):
        people = ensure_people()
        ensure_listings(args.listings, people=people, reseed=args.reseed)
        product = time_searches(args.rounds, search=product_search, title="catalog.selectors.search_listings")
        explain_slowest(product, title="catalog.selectors")
        user = people[0]
    connection.set_schema_to_public()
    if not args.no_throughput:
        throughput(organisation, user, args.requests)


# ---------------------------------------------------------------------------------------------- seeding


def ensure_people():
    from accounts.models import User
    from accounts.services import create_user, ensure_departments
    from bench._search_data import DEPARTMENTS

    departments = [d for d in ensure_departments(tree=DEPARTMENTS) if d.parent_id is not None]
    existing = {user.email: user for user in User.objects.filter(email__endswith=f"@{ORG_SLUG}.example")}
    people = []
    for n in range(PEOPLE):
        email = f"person-{n}@{ORG_SLUG}.example"
        people.append(existing.get(email) or create_user(
            email=email, password=None, full_name=f"Person {n}", department=departments[n % len(departments)],
            role="operator" if n == 0 else "member",
        ))
    return people


def ensure_listings(count: int, *, people, reseed: bool) -> None:
    from django.db import connection

    from catalog.models import Listing

    have = Listing.objects.count()
    # Listings seeded before titles carried their word endings and vocabulary (catalog.search_text) are seeded again.
    from bookings.models import Booking
    from catalog.models import SearchWord

    current = SearchWord.objects.exists() and Booking.objects.exists()
    if have == count and current and not reseed:
        print(f"bench-search holds {have:,} listings already (kept from an earlier run; --reseed to redo).")
        return
    print(f"Seeding {count:,} listings into bench-search (it held {have:,}) ...", flush=True)
    started = time.perf_counter()
    vocabulary: set[str] = set()
    with connection.cursor() as cursor:
        # CASCADE: photos, reservations and whatever else refers to listings in this (bench) schema.
        cursor.execute("TRUNCATE catalog_listing RESTART IDENTITY CASCADE")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = 'catalog_listing' AND indexname NOT IN ("
            "  SELECT conname FROM pg_constraint WHERE conrelid = 'catalog_listing'::regclass)"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        columns, rows = _table_rows(Listing, _rows(count, people=people, vocabulary=vocabulary))
        generated = time.perf_counter()
        with cursor.cursor.copy(f"COPY catalog_listing ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        copied = time.perf_counter()
        for _name, definition in indexes:
            cursor.execute(definition)
        indexed = time.perf_counter()
        cursor.execute(
            "INSERT INTO catalog_listingphoto (listing_id, image, thumbnail, width, height, position, created_at) "
            "SELECT id, format('%s/listings/bench-%s.webp', current_schema(), id % 50), "
            "format('%s/listings/bench-%s-thumb.webp', current_schema(), id % 50), 800, 600, 1, created_at "
            "FROM catalog_listing"
        )
        # Bookings, so that what is free now (two sums per listing shown) is read from a populated index: every
        # reserved or handed-over listing reserved whole, a tenth of the published ones of several items reserved
        # in part, and a third of those lent or rented out booked in the coming two months.
        cursor.execute(
            "INSERT INTO bookings_booking (uuid, listing_id, kind, quantity, status, period, exclusive, borrower_org, "
            "borrower_uuid, borrower_name, borrower_email, contact_org, contact_uuid, contact_name, contact_email, "
            "cost_centre, message, reserved_at, handed_over_at, cancel_reason, fee_unit) "
            "SELECT gen_random_uuid(), id, 'reservation', CASE WHEN status = 'published' THEN 1 ELSE quantity END, "
            "CASE WHEN status = 'handed_over' THEN 'handed_over' ELSE 'reserved' END, "
            "tstzrange(published_at + interval '1 day', NULL, '[)'), quantity = 1, 0, gen_random_uuid(), '', '', "
            "0, gen_random_uuid(), '', '', '', '', published_at + interval '1 day', "
            "CASE WHEN status = 'handed_over' THEN published_at + interval '2 days' END, '', '' "
            "FROM catalog_listing WHERE status IN ('reserved', 'handed_over') "
            "OR (status = 'published' AND quantity > 1 AND id % 10 = 0) "
            "UNION ALL "
            "SELECT gen_random_uuid(), id, 'loan', 1, 'reserved', "
            "tstzrange(now() + (id % 60) * interval '1 day', now() + (id % 60 + 2) * interval '1 day', '[)'), "
            "quantity = 1, 0, gen_random_uuid(), '', '', 0, gen_random_uuid(), '', '', '', '', now(), NULL, '', '' "
            "FROM catalog_listing WHERE status = 'published' AND offer_type IN ('lend', 'rent') AND id % 3 = 0"
        )
        # The vocabulary misspellings are corrected against: what catalog.services adds as listings are posted.
        cursor.execute("TRUNCATE catalog_searchword")
        with cursor.cursor.copy("COPY catalog_searchword (word) FROM STDIN") as copy:
            for word in sorted(vocabulary):
                copy.write_row((word,))
    connection.cursor().execute(
        "VACUUM ANALYZE catalog_listing, catalog_listingphoto, catalog_searchword, bookings_booking"
    )
    done = time.perf_counter()
    print(f"  generated rows {generated - started:.1f} s, COPY {copied - generated:.1f} s, "
          f"{len(indexes)} indexes rebuilt {indexed - copied:.1f} s, photos + VACUUM ANALYZE {done - indexed:.1f} s; "
          f"total {done - started:.1f} s", flush=True)


def _rows(count: int, *, people, vocabulary: set[str]):
    import random

    from django.utils import timezone

    from accounts.models import Department
    from bench._search_data import ListingGenerator
    from catalog.models import Category
    from catalog.search_text import title_suffixes, words

    generator = ListingGenerator(seed=2026)
    rng = random.Random(7)
    categories = {category.name: category.pk for category in Category.objects.all()}
    departments = list(Department.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    now = timezone.now()
    for _ in range(count):
        item = generator.listing()
        published = now - timedelta(seconds=rng.uniform(0, 2 * 365 * 86400))
        author = rng.choice(people)
        status = item.status
        vocabulary.update(words(item.title))
        # What is free is derived from bookings, and the bench has none: the browse page's two sums per listing
        # (bookings.selectors.free_now_expression) still run, over an empty index.
        yield {
            "uuid": uuid.uuid4(), "title": item.title, "description": item.description,
            "category_id": categories[item.category], "condition": item.condition, "quantity": item.quantity,
            "offer_type": item.offer_type, "price": item.price,
            "rent_period": item.rent_period, "address": item.address, "building": item.building, "room": item.room,
            "department_id": rng.choice(departments), "contact_person_id": author.pk, "created_by_id": author.pk,
            "status": status, "created_at": published, "updated_at": published, "edited_at": published,
            "published_at": None if status == "draft" else published,
            "withdrawn_at": published if status == "withdrawn" else None, "withdrawn_reason": "",
            "search_suffixes": title_suffixes(item.title),
        }


def _table_rows(model, rows) -> tuple[list[str], list[tuple]]:
    """COPY columns and rows for ``model``'s table from dicts by column name.

    The generator names what it knows; every other column of the table as the code has it now (a migration may have
    added one since this bench was written) takes its field's default, or NULL. A required column with neither
    stops the seeding with its name, rather than failing inside COPY on a fresh database.
    """
    rows = list(rows)
    given = list(rows[0]) if rows else []
    fields = [f for f in model._meta.concrete_fields
              if not f.primary_key and not getattr(f, "generated", False) and f.column not in given]
    missing = [f.column for f in fields if not f.has_default() and not f.null]
    if missing:
        sys.exit(f"bench/search.py does not fill {model._meta.db_table}.{', '.join(missing)}: add it to _rows().")
    columns = given + [f.column for f in fields]
    return columns, [(*row.values(), *(f.get_default() for f in fields)) for row in rows]


# ---------------------------------------------------------------------------------------------- searches


def searches():
    from catalog.models import Category

    furniture = Category.objects.get(name="Möbler", parent=None)
    office_chairs = Category.objects.get(name="Kontorsstolar")
    return [
        ('q="stol"', {"query": "stol"}),
        ('q="kontorsstol"', {"query": "kontorsstol"}),
        ('q="stolar"', {"query": "stolar"}),
        ('q="skrivbort"', {"query": "skrivbort"}),
        ('q="skärm dell"', {"query": "skärm dell"}),
        ('q="bokhylla ek"', {"query": "bokhylla ek"}),
        ('q="stol" in Möbler', {"query": "stol", "category": furniture}),
        ("category Möbler", {"category": furniture}),
        ("category Kontorsstolar", {"category": office_chairs}),
        ("offer type lend", {"offer_type": "lend"}),
        ("no query (browse)", {}),
    ]


class CpuClock:
    """CPU time of this thread plus that of the PostgreSQL backend serving this connection, in nanoseconds.

    On a busy machine the wall time of a query includes the time it waited for a core; the CPU time is what it
    would take on an idle one. The backend's comes from /proc/<pid>/schedstat, so only when PostgreSQL runs on
    this machine (the embedded one does); otherwise ``now()`` is None and only wall times are reported.
    """

    def __init__(self, connection) -> None:
        self.connection = connection

    def now(self) -> int | None:
        raw = self.connection.connection
        if raw is None:
            return None
        try:
            with open(f"/proc/{raw.info.backend_pid}/schedstat") as handle:
                backend = int(handle.read().split()[0])
        except OSError:
            return None
        return time.thread_time_ns() + backend


def product_search(arguments: dict):
    from django.core.paginator import Paginator

    from catalog import selectors

    return Paginator(selectors.search_listings(**arguments), PAGE_SIZE)


def evaluate(search, arguments: dict, clock: CpuClock) -> dict:
    """As the browse page: the count, then the first page of 24 with photos. Milliseconds, wall and CPU."""
    cpu_start = clock.now()
    start = time.perf_counter()
    paginator = search(arguments)
    total = paginator.count
    counted = time.perf_counter()
    cpu_counted = clock.now()
    page = paginator.get_page(1)
    for listing in page.object_list:
        listing.photos.all()
    finished = time.perf_counter()
    cpu_finished = clock.now()
    result = {"matches": total, "count": (counted - start) * 1000, "page": (finished - counted) * 1000,
              "total": (finished - start) * 1000}
    if None not in (cpu_start, cpu_counted, cpu_finished):
        result["cpu"] = (cpu_finished - cpu_start) / 1e6
    return result


def time_searches(rounds: int, *, search, title: str) -> list[dict]:
    from django.db import connection

    cases = searches()
    clock = CpuClock(connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FILTER (WHERE status = 'published'), count(*) FROM catalog_listing")
        published, listings = cursor.fetchone()
    print(f"\n{title}: searches over {listings:,} listings ({published:,} published), evaluated as the browse page "
          f"does (count + first page of {PAGE_SIZE} with photos); {rounds} timed runs each after 3 warm-up runs; "
          f"load average {os.getloadavg()[0]:.1f} at the start.", flush=True)
    results = {label: {"label": label, "arguments": arguments, "search": search, "count": [], "page": [],
                       "total": [], "cpu": []} for label, arguments in cases}
    for label, arguments in cases:
        for _ in range(3):
            results[label]["matches"] = evaluate(search, arguments, clock)["matches"]
    gc.collect()
    for round_number in range(rounds):
        shift = round_number % len(cases)
        for label, arguments in cases[shift:] + cases[:shift]:
            measured = evaluate(search, arguments, clock)
            for key in ("count", "page", "total", "cpu"):
                if key in measured:
                    results[label][key].append(measured[key])
    has_cpu = all(result["cpu"] for result in results.values())
    rows = []
    everything: dict[str, list[float]] = {"total": [], "cpu": []}

    def verdict(value: float) -> str:
        return "ok" if value <= GOAL_MS else "OVER"

    for result in results.values():
        row = [result["label"], f"{result['matches']:,}"]
        for key in ("total", "cpu") if has_cpu else ("total",):
            everything[key] += result[key]
            result[f"{key}_p95"] = _setup.percentile(result[key], 0.95)
            row += [f"{_setup.median(result[key]):.1f}", f"{result[f'{key}_p95']:.1f}"]
        row += [f"{_setup.median(result['count']):.1f}", f"{_setup.median(result['page']):.1f}"]
        row.append(verdict(result["cpu_p95" if has_cpu else "total_p95"]))
        result["p95"] = result["cpu_p95" if has_cpu else "total_p95"]
        rows.append(row)
    row = ["all searches", ""]
    for key in ("total", "cpu") if has_cpu else ("total",):
        row += [f"{_setup.median(everything[key]):.1f}", f"{_setup.percentile(everything[key], 0.95):.1f}"]
    row += ["", "", verdict(_setup.percentile(everything["cpu" if has_cpu else "total"], 0.95))]
    rows.append(row)
    headers = ["search", "matches", "wall p50", "wall p95"]
    headers += ["CPU p50", "CPU p95"] if has_cpu else []
    headers += ["count p50", "page p50", f"p95 <= {GOAL_MS:g} ms"]
    print()
    print(_setup.table(headers, rows, align="lr" + "r" * (len(headers) - 3) + "l"))
    if has_cpu:
        print("  ms; CPU = this process's thread + the PostgreSQL backend (what the wall time is on an idle machine); "
              "the goal is judged on CPU p95.")
    print(f"  load average {os.getloadavg()[0]:.1f} at the end.")
    return list(results.values())


def explain_slowest(results: list[dict], *, title: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    slowest = max(results, key=lambda result: result["p95"])
    with CaptureQueriesContext(connection) as captured:
        evaluate(slowest["search"], slowest["arguments"], CpuClock(connection))
    print(f"\n{title}: EXPLAIN (ANALYZE, BUFFERS) of the slowest search, {slowest['label']} "
          f"(p95 {slowest['p95']:.1f} ms); its {len(captured.captured_queries)} queries:")
    for query in captured.captured_queries:
        sql = query["sql"]
        print(f"\n  {' '.join(sql.split())[:300]}{' ...' if len(sql) > 300 else ''}")
        if not sql.lstrip().startswith("SELECT") or "catalog_listing" not in sql.split(" FROM ", 1)[-1][:40]:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            for (line,) in cursor.fetchall():
                print(f"    {line}")


# ---------------------------------------------------------------------------------------------- throughput


def throughput(organisation, user, requests: int) -> None:
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import schema_context

    host = f"{ORG_SLUG}.{settings.PLATFORM_DOMAIN}"
    client = Client(HTTP_HOST=host)
    with schema_context(organisation.schema_name):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    connection.set_schema_to_public()
    handler = WSGIHandler()
    statuses: list[str] = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    def get(path: str, query: str = "") -> bytes:
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
            "SERVER_NAME": host, "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": host,
            "HTTP_COOKIE": cookie, "REMOTE_ADDR": "127.0.0.1", "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "wsgi.multithread": False,
            "wsgi.multiprocess": True, "wsgi.run_once": False,
        }
        response = handler(environ, start_response)
        try:
            return b"".join(response)
        finally:
            response.close()

    pages = [("bare view", "/bench/bare/", ""), ("browse /", "/", ""), ("browse /?q=stol", "/", "q=stol"),
             ("browse /?q=skrivbort", "/", "q=skrivbort")]
    statements = {}
    for label, path, query in pages:
        body = get(path, query)
        if not statuses[-1].startswith("200"):
            sys.exit(f"GET {path}?{query} at {host} answered {statuses[-1]}: {body[:300]!r}")
        if label != "bare view" and b"listing-card" not in body:
            sys.exit(f"GET {path}?{query} shows no listings; is the user logged in?")
        for _ in range(min(30, requests)):  # warm-up
            get(path, query)
        counts = []
        for _ in range(3):  # the fewest of three: a reconnection (CONN_MAX_AGE) adds statements to one request
            with CaptureQueriesContext(connection) as captured:
                get(path, query)
            counts.append(len(captured.captured_queries))
        statements[label] = min(counts)
    timings: dict[str, list[float]] = {label: [] for label, _path, _query in pages}
    cpu: dict[str, list[float]] = {label: [] for label, _path, _query in pages}
    clock = CpuClock(connection)
    gc.collect()
    started = time.perf_counter()
    for n in range(requests):
        shift = n % len(pages)
        for label, path, query in pages[shift:] + pages[:shift]:
            backend = connection.connection.info.backend_pid if connection.connection else None
            cpu_start = clock.now()
            start = time.perf_counter()
            get(path, query)
            timings[label].append((time.perf_counter() - start) * 1000)
            cpu_end = clock.now()
            same_backend = connection.connection and connection.connection.info.backend_pid == backend
            if cpu_start is not None and cpu_end is not None and same_backend:
                cpu[label].append((cpu_end - cpu_start) / 1e6)
    elapsed = time.perf_counter() - started
    if any(not status.startswith("200") for status in statuses):
        sys.exit("Some requests did not answer 200.")
    has_cpu = all(len(values) > requests // 2 for values in cpu.values())
    print(f"\nThroughput: one process serving one request at a time through Django's WSGI handler (no HTTP server), "
          f"logged in at {host}, {requests} requests each, interleaved ({elapsed:.0f} s, load average "
          f"{os.getloadavg()[0]:.1f} at the end):")
    rows = []
    for label, path, query in pages:
        row = [label, f"{path}{'?' + query if query else ''}", f"{1000 / _mean(timings[label]):.0f}",
               f"{_setup.median(timings[label]):.1f}", f"{_setup.percentile(timings[label], 0.95):.1f}"]
        if has_cpu:
            row += [f"{_setup.median(cpu[label]):.1f}", f"{1000 / _mean(cpu[label]):.0f}",
                    f"{_mean(cpu[label]) / _mean(cpu['bare view']):.1f}x"]
        row.append(str(statements[label]))
        rows.append(row)
    headers = ["page", "path", "req/s", "median ms", "p95 ms"]
    headers += ["CPU ms", "req/s by CPU", "CPU vs bare"] if has_cpu else []
    headers.append("SQL/req")
    print()
    print(_setup.table(headers, rows, align="ll" + "r" * (len(headers) - 2)))
    if has_cpu:
        print("  req/s = 1000 / mean wall ms; 'by CPU' = 1000 / mean CPU ms of this process and its PostgreSQL "
              "backend, what one idle core would serve.")


def _mean(values) -> float:
    return sum(values) / len(values)


if __name__ == "__main__":
    main()
