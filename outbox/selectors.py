"""Reads of outgoing messages: in the current schema, and across every schema for the sweep."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, quote_schema_name

from tenants.selectors import active_organisations

from .models import PENDING, MessageState, OutboxMessage

# Schemas per UNION query, as tenants.migration_state does: one query for up to this many organisations.
SCHEMAS_PER_QUERY = 200
TABLE = OutboxMessage._meta.db_table


def messages(*, state: str | None = None) -> QuerySet[OutboxMessage]:
    """The current schema's messages, newest first; only those in ``state`` (a MessageState) if given."""
    queryset = OutboxMessage.objects.order_by("-created_at", "-id")
    if state == MessageState.PENDING:
        return queryset.filter(PENDING)
    if state == MessageState.DELIVERED:
        return queryset.filter(delivered_at__isnull=False)
    if state == MessageState.DEAD:
        return queryset.filter(dead_at__isnull=False)
    return queryset


def relayed_schemas() -> list[str]:
    """The schemas the sweep looks in: public, then every active organisation's (one query)."""
    return [get_public_schema_name(), *active_organisations().values_list("schema_name", flat=True)]


def _with_outbox(schema_names: Sequence[str]) -> list[str]:
    """Those of the schemas that have the outbox table (an organisation not migrated yet has none)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = %s AND c.relkind IN ('r', 'p') AND n.nspname = ANY(%s)",
            [TABLE, list(schema_names)],
        )
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in schema_names if name in present]


def schemas_with_due_messages(*, now: datetime | None = None) -> list[str]:
    """Every relayed schema with a message due now: 2 queries, plus one per 200 organisations, whatever the backlog.

    Each schema is asked whether one due message exists (an index probe on ``outbox_pending_due``), all in one
    UNION ALL query.
    """
    now = now or timezone.now()
    names = _with_outbox(relayed_schemas())
    found: list[str] = []
    with connection.cursor() as cursor:
        for start in range(0, len(names), SCHEMAS_PER_QUERY):
            chunk = names[start : start + SCHEMAS_PER_QUERY]
            sql = " UNION ALL ".join(
                f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote_schema_name(name)}.{TABLE} "
                "WHERE delivered_at IS NULL AND dead_at IS NULL AND available_at <= %s)"
                for name in chunk
            )
            cursor.execute(sql, [value for name in chunk for value in (name, now)])
            found.extend(row[0] for row in cursor.fetchall())
    return found


@dataclass(frozen=True)
class SchemaCounts:
    schema_name: str
    pending: int
    due: int
    dead: int


def counts_by_schema(*, now: datetime | None = None) -> list[SchemaCounts]:
    """Undelivered messages of every relayed schema: waiting, due now, given up (for ``manage.py outbox``)."""
    now = now or timezone.now()
    names = _with_outbox(relayed_schemas())
    counts: list[SchemaCounts] = []
    with connection.cursor() as cursor:
        for start in range(0, len(names), SCHEMAS_PER_QUERY):
            chunk = names[start : start + SCHEMAS_PER_QUERY]
            sql = " UNION ALL ".join(
                "SELECT %s, count(*) FILTER (WHERE dead_at IS NULL), "
                "count(*) FILTER (WHERE dead_at IS NULL AND available_at <= %s), "
                f"count(*) FILTER (WHERE dead_at IS NOT NULL) FROM {quote_schema_name(name)}.{TABLE} "
                "WHERE delivered_at IS NULL"
                for name in chunk
            )
            cursor.execute(sql, [value for name in chunk for value in (name, now)])
            counts.extend(SchemaCounts(*row) for row in cursor.fetchall())
    return counts


def due_count(*, limit: int, now: datetime | None = None) -> int:
    """Messages of the current schema due now, counted up to ``limit`` (one bounded index scan; readiness)."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(PENDING, available_at__lte=now).order_by()[:limit].count()
