"""How long it takes to provision a new organisation.

Measures, N times each (--count, default 5), interleaved:

* clone   – our way: tenants.services.provision_organisation(), which creates the Organisation and Domain rows,
  copies the migrated template schema (tenant_template) into the new schema in one transaction, adds the default
  data and marks the organisation active;
* migrate – the stock django-tenants way: CREATE SCHEMA, then
  ``call_command("migrate_schemas", schema_name=..., tenant=True)``, which runs every migration in the new schema;
  then the same provision_organisation() call, which finds the schema there and only adds the rows and default
  data, so both ways end with the same result and do the same bookkeeping.

Prints the median, minimum and maximum seconds of each way, and the first (warm-up) run of each, which is not
counted. Afterwards it checks that both ways gave a fully migrated schema with the same tables, and removes every
organisation, domain and schema it made (slugs bench-clone-<n>-<random> and bench-migrate-<n>-<random>); left-overs
of an interrupted run are removed at the start.

The database's other organisations stay, and their number can matter (django-tenants' clone_schema() SQL
function, which provisioning used before tenants/cloning.py, read the whole catalogue for every object it copied
and grew from 0.2 s to several seconds with a few hundred organisations), so the output says how many
organisations and schemas were there. bench/migrate_noop.py leaves its bench-m-* organisations in the database:
run it with --count 300 first to time provisioning at that size.

Goal: provisioning by cloning takes at most 1 s.

    .venv/bin/python bench/provisioning.py [--count 5] [--no-warmup] [--small]

Uses the database delbar_bench (see bench/_setup.py).
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _setup  # noqa: E402

PREFIXES = {"clone": "bench-clone-", "migrate": "bench-migrate-"}
GOAL_SECONDS = 1.0
# Organisation numbers 2120SS-SSSC with serials in this range; other benchmarks use other ranges.
SERIALS = (50_000, 90_000)
SMALL = {"count": 1, "no_warmup": True}  # --small: seconds, for tests/test_bench.py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5, help="organisations provisioned each way (default 5)")
    parser.add_argument("--no-warmup", action="store_true", help="count the first run of each way too")
    parser.add_argument("--small", action="store_true",
                        help=f"a run of seconds that only shows the bench works: {_setup.describe(SMALL)}")
    args = parser.parse_args()
    if args.small:
        vars(args).update(SMALL)
    if args.count < 1:
        parser.error("--count must be at least 1")

    _setup.configure()
    from django.conf import settings

    left_over = _setup.drop_organisations(slug_prefixes=PREFIXES.values())
    if left_over:
        print(f"Removed {left_over} schemas left over from an earlier run.")

    from django.db import connection

    from tenants.models import Organisation

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.schemata")
        schemas_before = cursor.fetchone()[0]
    organisations_before = Organisation.objects.count()
    token = secrets.token_hex(3)
    made: list[str] = []
    times: dict[str, list[float]] = {"clone": [], "migrate": []}
    schema_step: list[float] = []
    warmup: dict[str, float] = {}
    print(f"Provisioning {args.count} organisations each way (database {settings.DATABASES['default']['NAME']}, "
          f"template schema {settings.TENANT_BASE_SCHEMA}; {organisations_before} organisations and "
          f"{schemas_before} schemas there already) ...", flush=True)
    try:
        runs = [("warmup", 0)] if not args.no_warmup else []
        runs += [("timed", n) for n in range(1, args.count + 1)]
        for kind, n in runs:
            for way in ("clone", "migrate"):
                slug = f"{PREFIXES[way]}{n}-{token}"
                made.append(slug)
                seconds, migrate_seconds = (provision_by_cloning if way == "clone" else provision_by_migrating)(slug)
                if kind == "warmup":
                    warmup[way] = seconds
                else:
                    times[way].append(seconds)
                    if migrate_seconds is not None:
                        schema_step.append(migrate_seconds)
        same, detail = compare_schemas(made)
    finally:
        _setup.drop_organisations(slugs=made, slug_prefixes=PREFIXES.values())

    rows = []
    for way, label in (("clone", "clone template (ours)"), ("migrate", "CREATE SCHEMA + migrate (stock)")):
        values = times[way]
        rows.append([
            label, len(values), f"{_setup.median(values):.3f}", f"{min(values):.3f}", f"{max(values):.3f}",
            f"{warmup[way]:.3f}" if way in warmup else "-",
        ])
    print()
    print(_setup.table(["way", "n", "median s", "min s", "max s", "warm-up s (not counted)"], rows))
    print()
    print(f"  Of the stock way's median, running the migrations took {_setup.median(schema_step):.3f} s; the rest is "
          f"the Organisation/Domain rows and default data, as in ours.")
    ratio = _setup.median(times["migrate"]) / _setup.median(times["clone"])
    print(f"  Cloning is {ratio:.1f}x as fast as migrating. Result check: {detail}")
    print(f"  Cleaned up: {len(made)} organisations, their domains and schemas. The database held "
          f"{organisations_before} organisations")
    print(f"  and {schemas_before} schemas before this run (bench/migrate_noop.py --count N leaves N organisations "
          f"in it).")
    clone_median = _setup.median(times["clone"])
    print()
    print(f"Goal: provisioning by cloning takes <= {GOAL_SECONDS:.1f} s: median {clone_median:.3f} s, max "
          f"{max(times['clone']):.3f} s ({'met' if clone_median <= GOAL_SECONDS else 'NOT met'}).")
    if not same:
        print("WARNING: the two ways did not produce the same schema; see the result check above.")


def _details(slug: str) -> dict:
    return {"slug": slug, "name": f"Bench {slug}", "number": _setup.free_organisation_number(start=SERIALS[0],
                                                                                           stop=SERIALS[1])}


def provision_by_cloning(slug: str) -> tuple[float, None]:
    details = _details(slug)
    start = time.perf_counter()
    organisation = _setup.provision(**details)
    seconds = time.perf_counter() - start
    if not organisation.is_active:
        raise RuntimeError(f"{slug} is {organisation.status} after provisioning")
    return seconds, None


def provision_by_migrating(slug: str) -> tuple[float, float]:
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import quote_schema_name

    from tenants.services import schema_name_for

    details = _details(slug)
    schema = schema_name_for(slug)
    start = time.perf_counter()
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {quote_schema_name(schema)}")
    call_command("migrate_schemas", schema_name=schema, tenant=True, interactive=False, verbosity=0)
    migrated = time.perf_counter()
    connection.set_schema_to_public()
    organisation = _setup.provision(**details)  # finds the schema there: adds rows and default data only
    seconds = time.perf_counter() - start
    if not organisation.is_active:
        raise RuntimeError(f"{slug} is {organisation.status} after provisioning")
    return seconds, migrated - start


def compare_schemas(slugs: list[str]) -> tuple[bool, str]:
    """Whether every schema made is fully migrated and all have the same tables, columns, constraints and indexes."""
    from django.db import connection

    from tenants.migration_state import schemas_needing_migration
    from tenants.services import schema_name_for

    connection.set_schema_to_public()
    schemas = [schema_name_for(slug) for slug in slugs]
    stale = schemas_needing_migration(schemas)
    if stale:
        return False, f"not fully migrated: {', '.join(stale)}"
    shapes = {schema: schema_shape(schema) for schema in schemas}
    reference = shapes[schemas[0]]
    for schema in schemas[1:]:
        if shapes[schema] != reference:
            differences = sorted(map(repr, shapes[schema] ^ reference))[:6]
            return False, f"{schema} differs from {schemas[0]}, e.g. {differences}"
    kinds = ("table", "column", "constraint", "index")
    counts = {kind: sum(1 for item in reference if item[0] == kind) for kind in kinds}
    return True, (
        f"all {len(schemas)} schemas fully migrated and alike: {counts['table']} tables, {counts['column']} columns, "
        f"{counts['constraint']} constraints, {counts['index']} indexes."
    )


def schema_shape(schema: str) -> frozenset[tuple]:
    """The schema's tables, columns, constraints and indexes, with the schema's own name taken out."""
    from django.db import connection

    def strip(text):
        return None if text is None else text.replace(f'"{schema}".', "").replace(f"{schema}.", "")

    shape = set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind IN ('r', 'p')",
                       [schema])
        shape |= {("table", name) for (name,) in cursor.fetchall()}
        cursor.execute(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity, "
            "pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE c.relnamespace = %s::regnamespace AND c.relkind IN ('r', 'p') AND a.attnum > 0 "
            "AND NOT a.attisdropped",
            [schema],
        )
        shape |= {("column", table, column, kind, notnull, identity, strip(default))
                  for table, column, kind, notnull, identity, default in cursor.fetchall()}
        cursor.execute(
            "SELECT t.relname, c.conname, c.contype, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid WHERE c.connamespace = %s::regnamespace",
            [schema],
        )
        shape |= {("constraint", table, name, kind, strip(definition))
                  for table, name, kind, definition in cursor.fetchall()}
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s", [schema])
        shape |= {("index", name, strip(definition)) for name, definition in cursor.fetchall()}
    return frozenset(shape)


if __name__ == "__main__":
    main()
