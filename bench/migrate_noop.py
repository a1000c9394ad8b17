"""What a deploy's ``migrate_schemas`` costs when there is nothing to migrate, as the organisations grow in number.

Measures, over N organisations (--count, default 50; e.g. --count 300), all fully migrated:

* ours  – ``call_command("migrate_schemas")`` (tenants/management/commands/migrate_schemas.py): migrates the
  public schema, then finds with one query over all schemas that the template and every organisation are up to
  date, and skips them. Timed as a whole and, separately, its organisation part alone (``--tenant``), which is
  the part that could grow with N; median of --repeat runs (default 3) after one untimed run.
* stock – django-tenants' own command class, django_tenants.management.commands.migrate_schemas
  .MigrateSchemasCommand, which runs Django's full ``migrate`` (and its post_migrate handlers) in every schema.
  Its public schema part (``--shared``) is timed on its own; its organisation part is timed over all N schemas
  when N <= --stock-limit (default 20), otherwise over the first --stock-limit of the same schemas, through the
  command's own migration executor and the options its parser gives, and extrapolated per schema (the output says
  which).

Prints total seconds, milliseconds per organisation, and both commands extrapolated to 300 organisations (ours
scaled linearly in its organisation part, which overstates it). The organisations are named bench-m-00001,
bench-m-00002, ... and are kept between runs, so a rerun only provisions the ones missing. Every organisation in
the database is covered by both commands, so any other organisations there are counted too (the output says how
many there are).

Goal: an up-to-date organisation costs next to nothing in a deploy – the no-op run stays about as fast as
migrating the public schema alone, instead of growing by a full ``migrate`` per organisation as stock's does – so
that deploying with 300 organisations is not held up by migrate_schemas.

    .venv/bin/python bench/migrate_noop.py [--count 50] [--repeat 3] [--stock-limit 20] [--small]

Uses the database delbar_bench (see bench/_setup.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _setup  # noqa: E402

PREFIX = "bench-m-"
SERIAL_BASE = 10_000  # organisation numbers 2120SS-SSSC with serial 10000 + n; other benchmarks use other ranges
TARGET = 300
SMALL = {"count": 2, "repeat": 1, "stock_limit": 1}  # --small: seconds, for tests/test_bench.py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50, help="organisations to run over (default 50)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of our command (default 3)")
    parser.add_argument("--stock-limit", type=int, default=20,
                        help="most organisation schemas the stock command is timed over (default 20)")
    parser.add_argument("--small", action="store_true",
                        help=f"a run of seconds that only shows the bench works: {_setup.describe(SMALL)}")
    args = parser.parse_args()
    if args.small:
        vars(args).update(SMALL)
    if not 1 <= args.count <= 39_999:
        parser.error("--count must be between 1 and 39999")

    _setup.configure()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
    from django_tenants.migration_executors import get_executor

    from tenants.migration_state import schemas_needing_migration
    from tenants.models import Organisation
    from tenants.template import template_schema_name

    made = _setup.ensure_numbered_organisations(prefix=PREFIX, count=args.count, name="Bench M {n}",
                                                serial_base=SERIAL_BASE)
    connection.set_schema_to_public()
    schemas = list(Organisation.objects.order_by("pk").values_list("schema_name", flat=True))
    total_orgs = len(schemas)
    bench_orgs = Organisation.objects.filter(slug__startswith=PREFIX).count()
    stale = schemas_needing_migration([template_schema_name(), *schemas])
    print(f"No-op migrate_schemas, database {settings.DATABASES['default']['NAME']}: {bench_orgs} {PREFIX}* "
          f"organisations ({made} provisioned now), {total_orgs} organisations in all, "
          f"{len(stale)} schemas needing migrations.", flush=True)
    if stale:
        print(f"  migrating {len(stale)} schemas first ...", flush=True)
        call_command("migrate_schemas", interactive=False, verbosity=0)

    def timed(fn) -> float:
        connection.set_schema_to_public()
        start = time.perf_counter()
        fn()
        seconds = time.perf_counter() - start
        connection.set_schema_to_public()
        return seconds

    def ours(**options):
        return lambda: call_command("migrate_schemas", interactive=False, verbosity=0, **options)

    print("  timing ours ...", flush=True)
    first_run = timed(ours())
    ours_full = [timed(ours()) for _ in range(args.repeat)]
    ours_tenant = [timed(ours(tenant=True)) for _ in range(args.repeat)]

    print("  timing stock ...", flush=True)
    stock_public = timed(lambda: call_command(MigrateSchemasCommand(), interactive=False, verbosity=0, shared=True))
    sample = min(total_orgs, args.stock_limit)
    if sample == total_orgs:
        how = f"measured over all {total_orgs}"
        timed_over = f"{total_orgs} organisations"
        stock_orgs = timed(
            lambda: call_command(MigrateSchemasCommand(), interactive=False, verbosity=0, tenant=True)
        )
    else:
        how = f"measured over {sample} of {total_orgs}, extrapolated"
        timed_over = f"{total_orgs} organisations ({sample} timed)"
        command = MigrateSchemasCommand()
        options = vars(command.create_parser("manage.py", "migrate_schemas").parse_args([]))
        # As call_command() would pass them (it also skips the system checks).
        options.update(interactive=False, verbosity=0, tenant=True, skip_checks=True)
        executor = get_executor(codename=options.get("executor"))((), options)
        stock_orgs = timed(lambda: executor.run_migrations(tenants=list(schemas[:sample])))
    stock_per_schema = stock_orgs / sample
    stock_total = stock_public + stock_per_schema * total_orgs

    full = _setup.median(ours_full)
    tenant_part = _setup.median(ours_tenant)
    public_part = max(full - tenant_part, 0.0)
    tenant_300 = tenant_part * max(TARGET / total_orgs, 1.0)
    ours_300 = public_part + tenant_300
    bound = "<= " if total_orgs < TARGET else ""  # ours at 300 is an upper bound unless measured
    stock_300 = stock_public + stock_per_schema * TARGET

    rows = [
        ["ours: migrate_schemas", f"public, template, {total_orgs} organisations", f"median of {args.repeat}",
         f"{full:.3f}", f"{full / total_orgs * 1000:.1f}", f"{bound}{ours_300:.2f}"],
        ["ours: --tenant part", f"template, {total_orgs} organisations", f"median of {args.repeat}",
         f"{tenant_part:.3f}", f"{tenant_part / total_orgs * 1000:.1f}", f"{bound}{tenant_300:.2f}"],
        ["stock: --shared part", "public", "1 run", f"{stock_public:.3f}", "-", f"{stock_public:.2f}"],
        ["stock: organisation part", timed_over, "1 run",
         f"{stock_per_schema * total_orgs:.3f}", f"{stock_per_schema * 1000:.1f}", f"{stock_per_schema * TARGET:.2f}"],
        ["stock: migrate_schemas", f"public, {total_orgs} organisations", "sum of two above", f"{stock_total:.3f}",
         f"{stock_total / total_orgs * 1000:.1f}", f"{stock_300:.2f}"],
    ]
    print()
    print(_setup.table(
        ["command", "schemas", "runs", "total s", "ms per organisation", f"at {TARGET} organisations s"], rows,
        align="lllrrr",
    ))
    print()
    print(f"  ms per organisation = total / {total_orgs}; for stock's organisation part it is the time per schema "
          f"({how}).")
    if total_orgs >= TARGET:
        print(f"  Ours at {TARGET}: as measured over {total_orgs} organisations. The first, untimed run of ours took "
              f"{first_run:.3f} s.")
    else:
        print(f"  Ours at {TARGET}: its public part plus its --tenant part scaled linearly from {total_orgs} "
              f"organisations (an upper")
        print(f"  bound: that part is mostly fixed cost); run with --count {TARGET} to measure it. The first, untimed "
              f"run of ours took {first_run:.3f} s.")
    print(f"  Stock at {TARGET}: its public part plus {TARGET} x its time per organisation schema.")
    print()
    print(f"Result: a no-op deploy migration over {total_orgs} organisations takes {full:.2f} s with ours "
          f"({tenant_part * 1000:.0f} ms of it for the template and organisations) and {stock_total:.2f} s with stock;")
    print(f"at {TARGET} organisations {'at most ' if bound else ''}{ours_300:.2f} s against {stock_300:.1f} s.")


if __name__ == "__main__":
    main()
