"""A schema change reaches every organisation by its SQL, run once per schema (tenants/batch_migrations.py).

The change is a real migration of a throwaway tenant app (tests/schema_change), applied with the project's own
``migrate_schemas`` to the committed demo world's schemas and the template; each test takes it out again.
"""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django_tenants.utils import quote_schema_name

from tenants import migration_state
from tenants.models import Organisation

APP = "test_schema_change"


@pytest.fixture
def schemas(django_db_setup, django_db_blocker, monkeypatch):
    """The template and every organisation's schema; the change is taken out of them afterwards."""
    monkeypatch.setattr(migration_state, "_expected", None)  # the migrations on disk change with the app
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        names = [settings.TENANT_BASE_SCHEMA, *Organisation.objects.order_by("pk").values_list("schema_name",
                                                                                               flat=True)]
        yield names
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute("SELECT table_schema FROM information_schema.tables WHERE table_name = 'django_migrations'")
            for (schema,) in cursor.fetchall():
                cursor.execute(f"DELETE FROM {quote_schema_name(schema)}.django_migrations WHERE app = %s", [APP])
            for schema in names:
                table = f"{quote_schema_name(schema)}.catalog_listing"
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS test_note_not_blank; "
                               f"DROP INDEX IF EXISTS {quote_schema_name(schema)}.test_listing_note; "
                               f"ALTER TABLE {table} DROP COLUMN IF EXISTS test_note")


def _installed(migrations: str):
    return override_settings(
        INSTALLED_APPS=[*settings.INSTALLED_APPS, "tests.schema_change"],
        TENANT_APPS=[*settings.TENANT_APPS, "tests.schema_change"],
        MIGRATION_MODULES={APP: f"tests.schema_change.{migrations}"},
    )


def _state(names: list[str]) -> dict[str, tuple]:
    """Per schema: has the column, the index, the check, and which of the app's migrations it records."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, "
            "  EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_schema = n.nspname "
            "          AND c.table_name = 'catalog_listing' AND c.column_name = 'test_note'), "
            "  EXISTS (SELECT 1 FROM pg_indexes i WHERE i.schemaname = n.nspname "
            "          AND i.indexname = 'test_listing_note'),"
            "  EXISTS (SELECT 1 FROM pg_constraint k WHERE k.connamespace = n.oid "
            "          AND k.conname = 'test_note_not_blank')"
            " FROM pg_namespace n WHERE n.nspname = ANY(%s)",
            [names],
        )
        found = {schema: (column, index, check) for schema, column, index, check in cursor.fetchall()}
        recorded = {}
        for schema in names:
            cursor.execute(f"SELECT name FROM {quote_schema_name(schema)}.django_migrations WHERE app = %s "
                           "ORDER BY name", [APP])
            recorded[schema] = tuple(row[0] for row in cursor.fetchall())
    return {schema: (*found[schema], recorded[schema]) for schema in names}


def test_a_schema_change_reaches_every_organisation_by_its_sql(schemas, capsys):
    # given a new app whose two migrations are SQL only
    with _installed("sql_only"):
        # when the deploy's migrate_schemas runs
        call_command("migrate_schemas", interactive=False, verbosity=1)

        # then every organisation's schema and the template have the column, its index and the check, and record
        # both migrations, each schema through the plan's SQL
        out = capsys.readouterr().out
        assert f"{len(schemas)} need migrations" in out
        assert f"Batched migration: {len(schemas)} schemas by their plan's SQL, 0 the standard way" in out
        records = ("0001_listing_note", "0002_note_check")
        assert _state(schemas) == {schema: (True, True, True, records) for schema in schemas}

        # and a second run has nothing left to do
        call_command("migrate_schemas", interactive=False, verbosity=1)
        assert "0 need migrations" in capsys.readouterr().out


def test_a_schema_whose_table_is_busy_is_migrated_the_standard_way_once_it_is_free(schemas, capsys, skurup_schema):
    # given a long request in Skurup holding its listings table, and a migration that waits 0.2 s for a lock
    held, release = threading.Event(), threading.Event()

    def request_in_skurup():
        from django.db import connections, transaction

        try:
            with transaction.atomic(), connections["default"].cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {quote_schema_name(skurup_schema)}.catalog_listing")
                held.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    request = threading.Thread(target=request_in_skurup)
    request.start()
    assert held.wait(timeout=10)
    threading.Timer(1.5, release.set).start()

    # when the change is applied
    with _installed("sql_only"), override_settings(MIGRATION_LOCK_TIMEOUT_MS=200):
        call_command("migrate_schemas", interactive=False, verbosity=1)
        request.join(timeout=30)

        # then Skurup, whose transaction gave up on the lock and was rolled back, was migrated the standard way
        # after the request ended; the others by SQL; every schema has the whole change
        out = capsys.readouterr().out
        assert f"{len(schemas) - 1} schemas by their plan's SQL, 1 the standard way" in out
        assert f"standard:{skurup_schema}" in out
        records = ("0001_listing_note", "0002_note_check")
        assert _state(schemas) == {schema: (True, True, True, records) for schema in schemas}


def test_a_migration_with_python_code_goes_the_standard_way_in_every_schema(schemas, capsys):
    # given a plan with a RunPython step, which no SQL can stand for
    with _installed("with_python"):
        # when it is applied
        call_command("migrate_schemas", interactive=False, verbosity=1)

        # then every schema ran it through Django's migrate: the column is there and the Python step filled it
        out = capsys.readouterr().out
        assert f"0 schemas by their plan's SQL, {len(schemas)} the standard way" in out
        with connection.cursor() as cursor:
            for schema in schemas:
                cursor.execute(f"SELECT count(*), count(*) FILTER (WHERE test_note = 'ifylld') "
                               f"FROM {quote_schema_name(schema)}.catalog_listing")
                total, filled = cursor.fetchone()
                assert total == filled, schema
        records = ("0001_listing_note", "0002_fill_note")
        assert _state(schemas) == {schema: (True, True, False, records) for schema in schemas}


@pytest.fixture
def skurup_schema(django_db_setup, django_db_blocker) -> str:
    with django_db_blocker.unblock():
        return Organisation.objects.get(slug="skurup").schema_name
