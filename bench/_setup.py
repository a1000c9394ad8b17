"""Shared set-up for the benchmarks in bench/.

Every benchmark runs against its own database, ``delbar_bench``, on the same PostgreSQL server as development
(the embedded one when DATABASE_URL is unset), so a benchmark never touches the demo data in ``delbar`` and the
figures are not skewed by whatever organisations a developer happens to have. ``configure()`` points Django at
that database, creates it if it is missing, calls django.setup() and brings every schema up to date with our
``migrate_schemas``. ``BENCH_DATABASE`` names another database (tests/test_bench.py uses a new one per run).

Every script takes ``--small``: a run of seconds that shows it works, not figures worth reading.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# BENCH_DATABASE picks another database, e.g. to run two checkouts' benchmarks side by side.
BENCH_DATABASE = os.environ.get("BENCH_DATABASE") or "delbar_bench"
SETTINGS_MODULE = "bench.settings_bench"

if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))


def configure(*, migrate: bool = True, settings_module: str = SETTINGS_MODULE) -> None:
    """Point Django at the bench database, create it if needed, set Django up and (optionally) migrate."""
    os.environ["DATABASE_NAME"] = BENCH_DATABASE
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module

    from django.conf import settings

    # Reading a setting loads the settings module, which starts the embedded PostgreSQL when there is no
    # DATABASE_URL; only then do we know where the server is.
    ensure_database(settings.DATABASES["default"])

    import django

    django.setup()
    if migrate:
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate_schemas", interactive=False, verbosity=0)
        connection.set_schema_to_public()


def ensure_database(db: dict) -> None:
    """CREATE DATABASE <db NAME> if it does not exist, connecting to a maintenance database on the same server."""
    import psycopg
    from psycopg import errors, sql

    # As Django builds them (backends/postgresql): OPTIONS first, then the main keys when they are set. The
    # embedded server's socket directory, for one, arrives as OPTIONS["host"] with HOST empty.
    django_only = {"isolation_level", "server_side_binding", "pool", "assume_role", "cursor_factory"}
    params = {key: value for key, value in (db.get("OPTIONS") or {}).items() if key not in django_only}
    for key, setting in (("user", "USER"), ("password", "PASSWORD"), ("host", "HOST"), ("port", "PORT")):
        if db.get(setting):
            params[key] = db[setting]
    if not params.get("host"):
        raise RuntimeError("The database settings name no host; refusing to guess which server to use.")
    last_error: Exception | None = None
    for maintenance in ("postgres", "template1"):
        try:
            conn = psycopg.connect(dbname=maintenance, autocommit=True, **params)
        except psycopg.OperationalError as error:
            last_error = error
            continue
        with conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone()
            if not found:
                try:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
                    print(f"Created database {db['NAME']}.", file=sys.stderr)
                except errors.DuplicateDatabase:
                    pass  # another benchmark created it at the same moment
        return
    raise RuntimeError(f"Could not connect to the server to create database {db['NAME']}: {last_error}")


# ---------------------------------------------------------------------------------------------- organisations


def organisation_number(serial: int) -> str:
    """A valid Swedish organisation number, 2120SS-SSSC: 5-digit serial and a Luhn check digit (NNNNNN-NNNN)."""
    from stdnum import luhn

    if not 0 <= serial <= 99_999:
        raise ValueError("serial must have at most five digits")
    digits = f"2120{serial:05d}"
    digits += luhn.calc_check_digit(digits)
    return f"{digits[:6]}-{digits[6:]}"


def free_organisation_number(*, start: int, stop: int) -> str:
    """A valid organisation number, with a serial in [start, stop), that no organisation in the database has."""
    import random

    from tenants.models import Organisation

    for _ in range(1000):
        number = organisation_number(random.randrange(start, stop))
        if not Organisation.objects.filter(organisation_number=number).exists():
            return number
    raise RuntimeError("No free organisation number found")


def provision(*, slug: str, name: str, number: str):
    """Provision (or finish provisioning) an organisation with our service; return it."""
    from tenants.services import OrganisationDetails, provision_organisation

    return provision_organisation(
        details=OrganisationDetails(name=name, slug=slug, kind="other", organisation_number=number)
    )


def ensure_numbered_organisations(*, prefix: str, count: int, name: str, serial_base: int) -> int:
    """Make sure <prefix>00001 ... <prefix><count> exist, are active and have their schema, provisioned as sign-ups
    are (``name`` is formatted with ``n``); print progress every 100; return how many it made."""
    from django.db import connection

    from tenants.models import Organisation, OrganisationStatus

    connection.set_schema_to_public()
    wanted = [f"{prefix}{n:05d}" for n in range(1, count + 1)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT schema_name FROM information_schema.schemata")
        present = {row[0] for row in cursor.fetchall()}
    ready = {slug for slug, status, schema in Organisation.objects.filter(slug__in=wanted)
             .values_list("slug", "status", "schema_name")
             if status == OrganisationStatus.ACTIVE and schema in present}
    todo = [slug for slug in wanted if slug not in ready]
    if todo:
        print(f"Provisioning {len(todo)} organisations ({prefix}*) ...", flush=True)
    start = time.perf_counter()
    for done, slug in enumerate(todo, start=1):
        n = int(slug[len(prefix):])
        provision(slug=slug, name=name.format(n=n), number=organisation_number(serial_base + n))
        if done % 100 == 0:
            print(f"  {done}/{len(todo)} ({time.perf_counter() - start:.0f} s)", flush=True)
    connection.set_schema_to_public()
    return len(todo)


def drop_organisations(*, slugs=(), slug_prefixes=()) -> int:
    """Drop the schemas of, and delete (with their domains), the organisations with these slugs or prefixes.

    Also drops left-over schemas named after the prefixes that have no organisation row (an interrupted run).
    Returns how many schemas were dropped.
    """
    from django.db import connection
    from django.db.models import Q
    from django_tenants.utils import quote_schema_name, schema_exists

    from tenants.models import Organisation
    from tenants.services import delete_organisation, schema_name_for

    connection.set_schema_to_public()
    query = Q(slug__in=list(slugs))
    for prefix in slug_prefixes:
        query |= Q(slug__startswith=prefix)
    dropped = 0
    for organisation in Organisation.objects.filter(query):
        dropped += schema_exists(organisation.schema_name)
        delete_organisation(organisation=organisation)
    # Schemas an interrupted run left without an organisation row.
    schemas = {schema_name_for(slug) for slug in slugs}
    with connection.cursor() as cursor:
        for prefix in slug_prefixes:
            pattern = schema_name_for(prefix).replace("_", r"\_") + "%"
            cursor.execute("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE %s", [pattern])
            schemas |= {row[0] for row in cursor.fetchall()}
        for schema in sorted(schemas):
            cursor.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", [schema])
            if cursor.fetchone():
                cursor.execute(f"DROP SCHEMA {quote_schema_name(schema)} CASCADE")
                dropped += 1
    connection.set_schema_to_public()
    return dropped


def ensure_photo_files() -> None:
    """The 50 image files that photo rows seeded in bulk name (bench-<n>.webp and its thumbnail in the current
    schema's folder, as bench/search.py seeds them), so that publishing copies real files to the exchange as the
    product does."""
    import io

    from django.core.files.storage import default_storage
    from django.db import connection
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (120, 120, 120)).save(buffer, format="WEBP")
    for n in range(50):
        for name in (f"bench-{n}.webp", f"bench-{n}-thumb.webp"):
            path = Path(default_storage.path(f"{connection.schema_name}/listings/{name}"))
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(buffer.getvalue())


# ---------------------------------------------------------------------------------------------- statistics


def describe(options: dict) -> str:
    """The options --small sets, as the command line would say them."""
    return " ".join(f"--{name.replace('_', '-')}" + ("" if value is True else f" {value}")
                    for name, value in options.items())



def percentile(values, fraction: float) -> float:
    """The value below which ``fraction`` of the (unsorted) values lie, by linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def table(headers: list[str], rows: list[list], *, align: str | None = None) -> str:
    """A plain-text table; ``align`` has one character per column, "l" or "r" (default: first left, rest right)."""
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(headers[i]), *(len(row[i]) for row in cells)) if cells else len(headers[i])
              for i in range(len(headers))]
    align = align or "l" + "r" * (len(headers) - 1)

    def line(row):
        cells = zip(row, widths, align, strict=True)
        return "  ".join(cell.ljust(w) if a == "l" else cell.rjust(w) for cell, w, a in cells)

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *(line(row) for row in cells)])
