"""The daily pruning of the history (decision 0042)."""

from __future__ import annotations

from . import services


def prune(*, organisation, local_date) -> None:
    """Removes the organisation's events older than ``HISTORY_RETENTION_DAYS`` (runs in its schema)."""
    services.prune_events()
