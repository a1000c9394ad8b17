"""Migrating many organisation schemas at once: the SQL of a migration is worked out once and run in each schema.

django-tenants' standard executor runs Django's whole ``migrate`` command in every schema: loading the migration
graph, rendering the model states, then the ``post_migrate`` handlers. That is about a second per schema, while the
DDL itself takes milliseconds on an organisation's small tables (docs/scaling.md). With 1,000 organisations a
deploy would take a quarter of an hour.

Every organisation's schema is made by the same migrations from the same template, so the SQL a plan produces is
the same in each of them (tables are named without a schema; the search path picks the schema). This executor
groups the schemas by the migrations they have applied, asks Django for one group's plan as SQL once
(``MigrationExecutor.collect_sql``, what ``sqlmigrate`` prints), and runs that SQL in each schema of the group in a
transaction of its own that also records the migrations in the schema's ``django_migrations``: a schema has the
whole change or none of it. A few connections work through the schemas side by side.

The plan goes the standard way (every schema of its group through Django's ``migrate``) when its SQL cannot stand
for it:

- an operation that is not SQL (``RunPython``), or a migration marked ``atomic = False``;
- an operation that adds, removes or renames a model (``post_migrate`` must then create or rename content types
  and permissions, which only the full ``migrate`` does);
- a backwards step, or a group that is not up to date with the public schema's idea of the project.

A schema whose transaction fails (a lock it could not take within ``lock_timeout``, a schema that drifted from the
others) is rolled back and then migrated the standard way, which migrates it or reports the real error. The first
schema of a group is migrated alone before the others: if the plan's SQL fails there, the whole group goes the
standard way.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, connections, migrations, router, transaction
from django.db.migrations.executor import MigrationExecutor as DjangoMigrationExecutor
from django.db.migrations.operations.base import Operation
from django.db.utils import DatabaseError
from django_tenants.migration_executors.base import MigrationExecutor, run_migrations
from django_tenants.signals import schema_migrated

from .migration_state import applied_migrations

# Operations after which post_migrate has work to do (content types, permissions of the models they touch).
MODEL_OPERATIONS = (migrations.CreateModel, migrations.DeleteModel, migrations.RenameModel)


@dataclass(frozen=True)
class SqlPlan:
    """A group's migrations as SQL, and the (app, name) rows that record them."""

    statements: tuple[str, ...]
    records: tuple[tuple[str, str], ...]


@dataclass
class Outcome:
    batched: list[str]
    standard: list[str]
    seconds: float


class BatchedExecutor(MigrationExecutor):
    """``migrate_schemas --executor=batched``; the default of a plain ``migrate_schemas`` (tenants.management)."""

    codename = "batched"

    def run_migrations(self, tenants=None):
        schemas = list(tenants or [])
        if self.PUBLIC_SCHEMA_NAME in schemas:
            run_migrations(self.args, self.options, "standard", self.PUBLIC_SCHEMA_NAME)
            schemas.remove(self.PUBLIC_SCHEMA_NAME)
        if not schemas:
            return
        outcome = migrate_schemas_batched(
            schemas=schemas,
            run_standard=lambda name, idx, count: run_migrations(
                self.args, self.options, "standard", name, idx=idx, count=count
            ),
            connections_to_use=int(self.options.get("parallel") or settings.MIGRATION_CONNECTIONS),
        )
        if int(self.options.get("verbosity", 1)) >= 1:
            sys.stdout.write(
                f"Batched migration: {len(outcome.batched)} schemas by their plan's SQL, {len(outcome.standard)} "
                f"the standard way, in {outcome.seconds:.1f} s.\n"
            )

    def run_multi_type_migrations(self, tenants):
        raise NotImplementedError("Delbar has one kind of organisation schema.")


def migrate_schemas_batched(*, schemas: list[str], run_standard, connections_to_use: int) -> Outcome:
    """Migrate ``schemas`` (none of them public); ``run_standard(name, idx, count)`` migrates one the standard way."""
    start = time.perf_counter()
    batched: list[str] = []
    standard: list[str] = []
    for migrated_before, group in _groups_by_applied_migrations(schemas):
        # A schema never migrated (a new template) has no django_migrations yet; its plan is the whole project.
        plan = _sql_plan(group[0]) if migrated_before else None
        if plan is None:
            standard += group
            continue
        if not plan.records:
            batched += group  # nothing to do (the group was stale only by a migration Django does not plan)
            continue
        if not _apply(group[0], plan):
            standard += group
            continue
        batched.append(group[0])
        failed = _apply_to_many(group[1:], plan, connections_to_use)
        batched += [name for name in group[1:] if name not in failed]
        standard += [name for name in group[1:] if name in failed]
    connection.set_schema_to_public()
    for name in batched:  # as django-tenants' executors announce each migrated schema
        schema_migrated.send(run_migrations, schema_name=name)
    for idx, name in enumerate(standard):
        run_standard(name, idx, len(standard))
    connection.set_schema_to_public()
    return Outcome(batched=batched, standard=standard, seconds=time.perf_counter() - start)


def _groups_by_applied_migrations(schemas: list[str]) -> list[tuple[bool, list[str]]]:
    """The schemas grouped by the set of migrations each has applied, each group with whether its schemas were
    migrated before (a schema without django_migrations is a group of its own: it needs everything)."""
    groups: dict[object, list[str]] = defaultdict(list)
    for name, applied in applied_migrations(schemas).items():
        groups[applied if applied is not None else ("never migrated", name)].append(name)
    return [(isinstance(key, frozenset), names) for key, names in groups.items()]


def _sql_plan(schema: str) -> SqlPlan | None:
    """The plan that brings ``schema`` up to date, as SQL, or None when SQL cannot stand for it."""
    connection.set_schema(schema)
    try:
        executor = DjangoMigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        records: list[tuple[str, str]] = []
        for migration, backwards in plan:
            # A shared app's migration changes nothing in an organisation's schema (the router says so); only its
            # record is written, as the standard executor does.
            runs_here = router.allow_migrate(connection.alias, migration.app_label)
            if backwards or (runs_here and not migration.atomic):
                return None
            if runs_here and any(not _reduces_to_sql(operation) for operation in migration.operations):
                return None
            if migration.replaces:
                records += [*migration.replaces, (migration.app_label, migration.name)]
            else:
                records.append((migration.app_label, migration.name))
        # The state of every applied migration, as migrate starts from (Django's collect_sql, for sqlmigrate, starts
        # from one migration's ancestors only, which is wrong for a plan across apps).
        state = executor._create_project_state(with_applied_migrations=True)
        statements: list[str] = []
        for migration, _ in plan:
            with connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
                state = migration.apply(state, editor, collect_sql=True)
            statements += editor.collected_sql  # deferred SQL (indexes, foreign keys) is added on leaving
    finally:
        connection.set_schema_to_public()
    runnable = tuple(statement for statement in statements if not _only_comments(statement))
    return SqlPlan(statements=runnable, records=tuple(records))


def _only_comments(statement: str) -> bool:
    return all(line.lstrip().startswith("--") for line in statement.splitlines() if line.strip())


def _reduces_to_sql(operation: Operation) -> bool:
    if isinstance(operation, MODEL_OPERATIONS):
        return False
    if isinstance(operation, migrations.SeparateDatabaseAndState):
        return all(_reduces_to_sql(inner) for inner in operation.database_operations)
    return operation.reduces_to_sql


def _apply(schema: str, plan: SqlPlan) -> bool:
    """Run the plan in ``schema`` in one transaction; False (and nothing changed) when it fails."""
    conn = connections["default"]
    try:
        conn.set_schema(schema)
        with transaction.atomic(), conn.cursor() as cursor:
            # Wait at most this long for a table a request holds; a failed schema is retried the standard way.
            cursor.execute(f"SET LOCAL lock_timeout = '{int(settings.MIGRATION_LOCK_TIMEOUT_MS)}ms'")
            for statement in plan.statements:
                cursor.execute(statement)
            cursor.executemany(
                "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, now())", list(plan.records)
            )
        return True
    except DatabaseError:
        return False
    finally:
        conn.set_schema_to_public()


def _apply_to_many(schemas: list[str], plan: SqlPlan, workers: int) -> set[str]:
    """Run the plan in every schema, ``workers`` connections side by side; return the schemas that failed."""
    if not schemas:
        return set()
    slices = [schemas[i::workers] for i in range(max(1, min(workers, len(schemas))))]

    def work(names: list[str]) -> set[str]:
        try:
            return {name for name in names if not _apply(name, plan)}
        finally:
            connections.close_all()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=len(slices)) as pool:
        return set().union(*pool.map(work, slices))
