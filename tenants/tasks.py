"""The daily jobs of every organisation: the dispatcher (public schema) and the run of one job (its schema)."""

from __future__ import annotations

from datetime import date, datetime

from celery import shared_task
from django.db import connection
from django.utils import timezone

from . import periodic
from .models import Organisation


@shared_task(ignore_result=True)
def dispatch_periodic_jobs(now: str | None = None) -> int:
    """Queue the organisations' daily jobs that are due. ``now`` (ISO 8601) only for tests and replays."""
    moment = datetime.fromisoformat(now) if now else timezone.now()
    return len(periodic.dispatch(now=moment))


@shared_task(ignore_result=True)
def run_periodic_job(job: str, local_date: str) -> bool:
    """Run one job in the organisation whose schema the task was queued for (the ``_schema_name`` header)."""
    organisation = getattr(connection, "tenant", None)
    if not isinstance(organisation, Organisation):
        periodic.log.warning("Periodic job %s was queued without an organisation's schema", job)
        return False
    return periodic.run_job(organisation=organisation, job_name=job, local_date=date.fromisoformat(local_date))
