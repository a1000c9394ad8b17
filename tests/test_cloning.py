"""A cloned schema is the template's twin: same tables, columns, constraints and indexes (by name), rows and
sequence positions."""

import re

import pytest
from django.conf import settings
from django.db import connection

from tenants.cloning import TemplateNotClonable, clone_schema

pytestmark = pytest.mark.django_db

TEMPLATE = settings.TENANT_BASE_SCHEMA


def describe(schema: str) -> dict:
    def rows(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql, {"schema": schema})
            return sorted(tuple(str(v).replace(f"{schema}.", "<schema>.") for v in row) for row in cursor.fetchall())

    return {
        "columns": rows(
            "SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity, "
            "row_number() OVER (PARTITION BY table_name ORDER BY ordinal_position) "
            "FROM information_schema.columns WHERE table_schema = %(schema)s"
        ),
        "constraints": rows(
            "SELECT t.relname, c.conname, c.contype, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid WHERE c.connamespace = %(schema)s::regnamespace"
        ),
        "indexes": rows(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %(schema)s"
        ),
        "sequences": rows(
            "SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = %(schema)s"
        ),
        # The history's trigger functions and triggers (decision 0042), with pgtrigger's hashes in the comments.
        "functions": rows(
            "SELECT proname, pg_get_functiondef(oid) FROM pg_proc WHERE pronamespace = %(schema)s::regnamespace"
        ),
        "triggers": rows(
            "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid), obj_description(t.oid, 'pg_trigger') "
            "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relnamespace = %(schema)s::regnamespace AND NOT t.tgisinternal"
        ),
        "migrations": rows(f'SELECT app, name FROM "{schema}".django_migrations'),
        "content_types": rows(f'SELECT id, app_label, model FROM "{schema}".django_content_type'),
        "permissions": rows(f'SELECT id, codename, content_type_id FROM "{schema}".auth_permission'),
    }


def _unprinted(indexes: list[tuple]) -> list[tuple]:
    """Index definitions without their casts and parentheses: PostgreSQL prints the partial index allauth's mfa
    migration makes, `type IN ('totp', 'recovery_codes')`, as `= ANY ((ARRAY['totp'::character varying, …])::text[])`
    and, created again from that text, as `= ANY (ARRAY[('totp'::character varying)::text, …])`: one index."""
    unprinted = [(name, re.sub(r"::[a-z ]+(\[\])?|[()]", "", definition)) for name, definition in indexes]
    return [(name, re.sub(r"\s+", " ", definition)) for name, definition in unprinted]


def test_the_clone_is_the_templates_twin():
    # when
    clone_schema(source=TEMPLATE, target="org_tvilling")

    # then
    template, clone = describe(TEMPLATE), describe("org_tvilling")
    for part in template:
        if part == "indexes":  # the same index, though PostgreSQL may print a re-parsed definition's casts apart
            assert _unprinted(clone[part]) == _unprinted(template[part]), part
            continue
        assert clone[part] == template[part], part
    assert template["migrations"] and template["permissions"] and template["functions"] and template["triggers"]


def test_stored_generated_columns_are_recreated_not_copied():
    # given a template table with a stored generated column and a row
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{TEMPLATE}".accounts_department '
                       "ADD COLUMN name_upper text GENERATED ALWAYS AS (upper(name)) STORED")
        cursor.execute(f'INSERT INTO "{TEMPLATE}".accounts_department (name, created_at) VALUES (%s, now())',
                       ["Förskolan"])

    # when
    clone_schema(source=TEMPLATE, target="org_tvilling")

    # then
    assert describe("org_tvilling")["columns"] == describe(TEMPLATE)["columns"]
    with connection.cursor() as cursor:
        cursor.execute('SELECT name_upper FROM "org_tvilling".accounts_department')
        assert cursor.fetchall() == [("FÖRSKOLAN",)]


def test_new_rows_continue_after_the_copied_ones():
    clone_schema(source=TEMPLATE, target="org_tvilling")
    with connection.cursor() as cursor:
        cursor.execute('SELECT max(id) FROM "org_tvilling".django_content_type')
        highest = cursor.fetchone()[0]
        cursor.execute('INSERT INTO "org_tvilling".django_content_type (app_label, model) VALUES (%s, %s) '
                       "RETURNING id", ["prov", "modell"])
        assert cursor.fetchone()[0] == highest + 1


def test_foreign_keys_point_inside_the_new_schema():
    clone_schema(source=TEMPLATE, target="org_tvilling")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT r.relnamespace::regnamespace::text FROM pg_constraint c "
            "JOIN pg_class r ON r.oid = c.confrelid WHERE c.connamespace = 'org_tvilling'::regnamespace "
            "AND c.contype = 'f'"
        )
        assert [row[0] for row in cursor.fetchall()] == ["org_tvilling"]


def test_a_template_with_objects_it_cannot_copy_is_refused():
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE VIEW "{TEMPLATE}".en_vy AS SELECT 1 AS x')
    with pytest.raises(TemplateNotClonable):
        clone_schema(source=TEMPLATE, target="org_tvilling")
