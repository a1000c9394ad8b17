"""Copy the template schema into a new organisation's schema, in time that does not grow with the number of
organisations.

django-tenants' ``clone_schema()`` SQL function reads the whole catalogue for every object it copies; measured
here it took 0.2 s with 3 organisations and over 6 s with 260 (see docs/decisions/0005). This copy asks the
catalogue only about the template's own objects, by namespace, and writes a few statements per table:

1. each table with ``CREATE TABLE … (LIKE template.table INCLUDING …)``: columns, NOT NULL and CHECK constraints,
   defaults and identity columns (with new sequences), but not indexes, whose names LIKE would change;
2. the template's rows (migration records, content types, permissions), then each identity sequence set past
   the highest id;
3. primary key, unique and exclusion constraints, then the other indexes, keeping the template's names so that
   later migrations find them;
4. foreign keys, pointing at the new schema's tables;
5. functions (plain ones: the history's trigger functions and ``_pgh_attach_context``, decision 0042), then the
   triggers on the tables with their comments (pgtrigger keeps each trigger's hash there), calling the new schema's
   functions.

It runs inside the caller's transaction: interrupted, PostgreSQL keeps none of it. Objects this copy does not
know (views, aggregates, procedures, sequences not owned by an identity column) make it refuse, rather than produce
a schema that silently lacks them.
"""

from __future__ import annotations

from django.db import connection, transaction
from django_tenants.utils import quote_schema_name

CONSTRAINT_ORDER = {"p": 0, "u": 1, "x": 2}


class TemplateNotClonable(Exception):
    pass


@transaction.atomic
def clone_schema(*, source: str, target: str) -> None:
    q_source, q_target = quote_schema_name(source), quote_schema_name(target)
    with connection.cursor() as cursor:
        _refuse_unknown_objects(cursor, source)
        cursor.execute(f"CREATE SCHEMA {q_target}")
        # Definitions read below name the template's tables without schema while it is the search path.
        cursor.execute(f"SET LOCAL search_path = {q_source}")
        tables = _fetch(cursor, "SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace "
                                "AND relkind IN ('r', 'p') ORDER BY relname", [source])
        constraints = _fetch(
            cursor,
            "SELECT t.relname, c.conname, c.contype, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "WHERE c.connamespace = %s::regnamespace AND c.contype IN ('p', 'u', 'x', 'f') "
            "ORDER BY t.relname, c.conname",
            [source],
        )
        indexes = _fetch(
            cursor,
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relnamespace = %s::regnamespace "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype <> 'f') "
            "ORDER BY i.indexrelid::regclass::text",
            [source],
        )
        columns = dict(_fetch(
            cursor,
            # Stored generated columns are computed, not copied.
            "SELECT c.relname, array_agg(quote_ident(a.attname) ORDER BY a.attnum) FROM pg_attribute a "
            "JOIN pg_class c ON c.oid = a.attrelid WHERE c.relnamespace = %s::regnamespace "
            "AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' "
            "GROUP BY c.relname",
            [source],
        ))
        identities = _fetch(
            cursor,
            "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "WHERE c.relnamespace = %s::regnamespace AND a.attidentity <> '' AND NOT a.attisdropped",
            [source],
        )
        functions = _fetch(
            cursor,
            "SELECT pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.pronamespace = %s::regnamespace "
            "AND p.prokind = 'f' ORDER BY p.proname",
            [source],
        )
        triggers = _fetch(
            cursor,
            "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid), obj_description(t.oid, 'pg_trigger') "
            "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relnamespace = %s::regnamespace AND NOT t.tgisinternal ORDER BY c.relname, t.tgname",
            [source],
        )

        cursor.execute(f"SET LOCAL search_path = {q_target}")
        for (table,) in tables:
            name = _quote(table)
            cursor.execute(
                f"CREATE TABLE {q_target}.{name} (LIKE {q_source}.{name} INCLUDING DEFAULTS INCLUDING IDENTITY "
                f"INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS)"
            )
            column_list = ", ".join(columns[table])
            cursor.execute(
                f"INSERT INTO {q_target}.{name} ({column_list}) OVERRIDING SYSTEM VALUE "
                f"SELECT {column_list} FROM {q_source}.{name}"
            )
        for table, column in identities:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), max({_quote(column)}), true) "
                f"FROM {q_target}.{_quote(table)} HAVING max({_quote(column)}) IS NOT NULL",
                [f"{q_target}.{_quote(table)}", column],
            )
        for table, name, _kind, definition in sorted(
            (row for row in constraints if row[2] != "f"), key=lambda row: CONSTRAINT_ORDER[row[2]]
        ):
            cursor.execute(f"ALTER TABLE {q_target}.{_quote(table)} ADD CONSTRAINT {_quote(name)} {definition}")
        for (definition,) in indexes:
            cursor.execute(definition.replace(f" ON {q_source}.", f" ON {q_target}.", 1)
                           .replace(f" ON {source}.", f" ON {q_target}.", 1))
        for table, name, kind, definition in constraints:
            if kind == "f":
                cursor.execute(f"ALTER TABLE {q_target}.{_quote(table)} ADD CONSTRAINT {_quote(name)} {definition}")
        # Functions after the tables (a return type may name a table's column); their bodies name tables without
        # schema, found on the search path when they run.
        for (definition,) in functions:
            cursor.execute(_into_target(definition, " FUNCTION ", source, q_source, q_target))
        for table, name, definition, comment in triggers:
            definition = _into_target(definition, " ON ", source, q_source, q_target)
            cursor.execute(_into_target(definition, " FUNCTION ", source, q_source, q_target))
            if comment is not None:
                cursor.execute(f"COMMENT ON TRIGGER {_quote(name)} ON {q_target}.{_quote(table)} IS %s", [comment])
    connection.forget_search_path()


def _into_target(definition: str, keyword: str, source: str, q_source: str, q_target: str) -> str:
    """The definition with the first ``<keyword><source>.`` naming the target schema instead (PostgreSQL quotes the
    schema's name only when it must)."""
    for prefix in (f"{keyword}{q_source}.", f"{keyword}{source}."):
        if prefix in definition:
            return definition.replace(prefix, f"{keyword}{q_target}.", 1)
    return definition


def _refuse_unknown_objects(cursor, source: str) -> None:
    unknown = _fetch(
        cursor,
        "SELECT relname, relkind::text FROM pg_class c WHERE relnamespace = %s::regnamespace AND ("
        " relkind IN ('v', 'm', 'f', 'c')"
        " OR (relkind = 'S' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i')))"
        " UNION ALL SELECT proname, 'function ' || prokind::text FROM pg_proc WHERE pronamespace = %s::regnamespace"
        "   AND prokind <> 'f'",
        [source, source],
    )
    if unknown:
        raise TemplateNotClonable(
            f"The template schema {source} holds objects tenants.cloning cannot copy yet: {unknown}"
        )


def _fetch(cursor, sql: str, params: list) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)
