"""Writes of the history: only its pruning (decision 0042). Events are otherwise written by the triggers alone."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from pghistory.core import event_models


@transaction.atomic
def prune_events(*, now=None) -> int:
    """Deletes the current schema's events (and the contexts no event names any more) older than
    ``HISTORY_RETENTION_DAYS``; 0 keeps everything. Returns the number of events deleted."""
    days = settings.HISTORY_RETENTION_DAYS
    if not days:
        return 0
    before = (now or timezone.now()) - timedelta(days=days)
    deleted = 0
    with connection.cursor() as cursor:
        for table in _event_tables_here(cursor):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)} WHERE pgh_created_at < %s", [before])
            deleted += cursor.rowcount
        cursor.execute("DELETE FROM pghistory_context WHERE updated_at < %s", [before])
    return deleted


def _event_tables_here(cursor) -> list[str]:
    """The event tables of pghistory that exist in the current schema (the organisation's ones, not public's)."""
    tables = [model._meta.db_table for model in event_models()]
    cursor.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relname = ANY(%s)",
        [tables],
    )
    return sorted(row[0] for row in cursor.fetchall())

