"""Which organisation schemas lack migrations, found with one query over all of them.

django-tenants runs the full ``migrate`` command in every schema, even when there is nothing to do, which costs
a fraction of a second per organisation. Comparing each schema's django_migrations table with the migrations on
disk in one UNION query lets ``migrate_schemas`` skip the schemas that are already up to date.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import quote_schema_name

_expected: frozenset[tuple[str, str]] | None = None


def expected_migrations() -> frozenset[tuple[str, str]]:
    """Every migration on disk (every schema records all of them, whether or not its router ran them)."""
    global _expected
    if _expected is None:
        loader = MigrationLoader(None, ignore_no_migrations=True)
        _expected = frozenset(loader.graph.nodes)
    return _expected


def applied_migrations(schema_names: Iterable[str]) -> dict[str, frozenset[tuple[str, str]] | None]:
    """Per existing schema of those given, the (app, name) of every migration it records; None for a schema
    without a django_migrations table (never migrated). One UNION ALL query per 200 schemas."""
    names = list(dict.fromkeys(schema_names))
    if not names:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [names])
        existing = {row[0] for row in cursor.fetchall()}
        names = [name for name in names if name in existing]
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables "
            "WHERE table_name = 'django_migrations' AND table_schema = ANY(%s)",
            [names],
        )
        with_table = {row[0] for row in cursor.fetchall()}
        applied: dict[str, set[tuple[str, str]]] = {name: set() for name in names if name in with_table}
        present = [name for name in names if name in with_table]
        for start in range(0, len(present), 200):
            chunk = present[start : start + 200]
            sql = " UNION ALL ".join(
                f"SELECT %s, app, name FROM {quote_schema_name(name)}.django_migrations" for name in chunk
            )
            cursor.execute(sql, chunk)
            for schema, app, name in cursor.fetchall():
                applied[schema].add((app, name))
    return {name: frozenset(applied[name]) if name in applied else None for name in names}


def schemas_needing_migration(schema_names: Iterable[str]) -> list[str]:
    """The schemas, of those given, that exist without all migrations applied, in the order given."""
    expected = expected_migrations()
    return [name for name, applied in applied_migrations(schema_names).items()
            if applied is None or not expected <= applied]
