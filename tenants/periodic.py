"""Daily jobs per organisation, run by each organisation's own clock (decision 0021).

An app registers a job once, in its ``AppConfig.ready()``, through ``tenants.services.register_daily``::

    register_daily(name="catalog.remind_due_loans", function=remind_due_loans, at=time(7, 0))

    def remind_due_loans(*, organisation: Organisation, local_date: date) -> None: ...

One beat entry (added in ``tenants.apps``) queues ``tenants.tasks.dispatch_periodic_jobs`` every
``PERIODIC_DISPATCH_SECONDS``. The dispatcher, in the public schema, looks at every active organisation's local
time and, for each job whose time of day has come on the organisation's local date, records a ``PeriodicRun`` and
queues ``tenants.tasks.run_periodic_job`` in that organisation's schema with the local date. The job then runs in
one transaction with the marking of its run as finished.

The rule is the wall clock: a job is due on local date D once the organisation's clock shows ``at`` or later on D.
When the clock jumps forward over ``at`` (02:30 on the last Sunday of March in Stockholm) the job runs at the first
dispatch after the jump; when an hour repeats (the last Sunday of October) the run is already recorded for D and
is not repeated. A day on which no dispatcher ran at all (the machine was off) is not made up later: jobs work from
the state of the data ("loans due in two days that were not reminded"), not from "what happened yesterday".

Once: the unique (organisation, job, local date) row is inserted with ``ON CONFLICT DO NOTHING``, so of two
dispatchers at the same moment exactly one queues the run. At least once: a run queued but not finished after
``RETRY_AFTER`` (broker down when it was queued, a job that failed) is queued again on the same local date, at most
``MAX_TIMES_QUEUED`` times. Acted on once: the job runs under the run's row lock and in the transaction that marks
it finished, so a second delivery finds it finished (or locked) and does nothing. A job's side effects outside the
database (e-mail) should therefore go through the outbox, which writes them in the same transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pghistory
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django_tenants.utils import tenant_context

from .models import Organisation, OrganisationStatus, PeriodicRun

log = logging.getLogger("delbar.periodic")

RETRY_AFTER = timedelta(minutes=15)
MAX_TIMES_QUEUED = 3


@dataclass(frozen=True)
class DailyJob:
    name: str
    function: Callable[..., object]
    at: time


_jobs: dict[str, DailyJob] = {}


def register_daily(*, name: str, function: Callable[..., object], at: time = time(7, 0)) -> DailyJob:
    """Run ``function(organisation=..., local_date=...)`` once a day in every active organisation's schema,
    at ``at`` by the organisation's clock. ``name`` is stored with every run: keep it stable."""
    if len(name) > PeriodicRun._meta.get_field("job").max_length:
        raise ValueError(f"Periodic job name too long: {name}")
    if at.tzinfo is not None:
        raise ValueError("A periodic job's time of day is local to each organisation: give a naive time")
    job = DailyJob(name=name, function=function, at=at)
    _jobs[name] = job
    return job


def unregister(name: str) -> None:
    _jobs.pop(name, None)


def registered_jobs() -> list[DailyJob]:
    return list(_jobs.values())


def due_date(*, at: time, zone: ZoneInfo, now: datetime) -> date | None:
    """The local date a daily job at ``at`` is due for at the moment ``now``, or None before its time that day."""
    local = now.astimezone(zone)
    return local.date() if local.time() >= at else None


def dispatch(*, now: datetime) -> list[PeriodicRun]:
    """Record and queue every job that is due at ``now`` and not yet recorded; queue again the runs that were
    queued but never finished. Returns the runs this call queued."""
    jobs = registered_jobs()
    if not jobs:
        return []
    organisations = {
        organisation.pk: organisation
        for organisation in Organisation.objects.filter(status=OrganisationStatus.ACTIVE).only(
            "id", "schema_name", "time_zone", "status"
        )
    }
    candidates = set()
    for organisation in organisations.values():
        zone = ZoneInfo(organisation.time_zone)
        for job in jobs:
            local_date = due_date(at=job.at, zone=zone, now=now)
            if local_date is not None:
                candidates.add((organisation.pk, job.name, local_date))
    with transaction.atomic():
        if candidates:
            recorded = set(
                PeriodicRun.objects.filter(
                    job__in={job for _, job, _ in candidates}, local_date__in={day for _, _, day in candidates}
                ).values_list("organisation_id", "job", "local_date")
            )
            new_ids = _insert_once(candidates - recorded, now=now)
        else:
            new_ids = []
        retried_ids = _claim_unfinished(now=now, organisations=organisations)
        runs = list(PeriodicRun.objects.filter(pk__in=[*new_ids, *retried_ids]).order_by("pk"))
        for run in runs:
            run.organisation = organisations[run.organisation_id]
        transaction.on_commit(lambda: _queue(runs))
    return runs


def _insert_once(rows: set[tuple[int, str, date]], *, now: datetime) -> list[int]:
    """Insert the runs; return the ids of those this call inserted (a concurrent dispatcher's are skipped).

    Raw SQL because Django's bulk_create(ignore_conflicts=True) does not say which rows it inserted.
    """
    if not rows:
        return []
    organisation_ids, job_names, local_dates = zip(*sorted(rows), strict=True)
    table = PeriodicRun._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (organisation_id, job, local_date, queued_at, times_queued, last_error)
            SELECT organisation_id, job, local_date, %s, 1, ''
              FROM unnest(%s::bigint[], %s::varchar[], %s::date[]) AS due(organisation_id, job, local_date)
            ON CONFLICT (organisation_id, job, local_date) DO NOTHING
            RETURNING id
            """,
            [now, list(organisation_ids), list(job_names), list(local_dates)],
        )
        return [row[0] for row in cursor.fetchall()]


def _claim_unfinished(*, now: datetime, organisations: dict[int, Organisation]) -> list[int]:
    """Runs of today (by each organisation's clock) queued long ago and not finished: take them for queueing again.

    A run whose job is running right now holds its row lock and is skipped. A run of an earlier date is left as it
    is: the next day's run works from the state of the data and covers it.
    """
    unfinished = (
        PeriodicRun.objects.select_for_update(skip_locked=True)
        .filter(
            finished_at__isnull=True, queued_at__lt=now - RETRY_AFTER, queued_at__gt=now - timedelta(days=2),
            times_queued__lt=MAX_TIMES_QUEUED, organisation_id__in=list(organisations), job__in=list(_jobs),
        )
        .only("pk", "organisation_id", "local_date")
    )
    ids = [
        run.pk for run in unfinished
        if run.local_date == now.astimezone(ZoneInfo(organisations[run.organisation_id].time_zone)).date()
    ]
    if ids:
        PeriodicRun.objects.filter(pk__in=ids).update(queued_at=now, times_queued=F("times_queued") + 1)
    return ids


def _queue(runs: list[PeriodicRun]) -> None:
    from .tasks import run_periodic_job

    for run in runs:
        try:
            run_periodic_job.apply_async(
                args=[run.job, run.local_date.isoformat()], headers={"_schema_name": run.organisation.schema_name}
            )
        except Exception:  # the broker is down: the run stays unfinished and is queued again after RETRY_AFTER
            log.exception("Could not queue periodic job %s for %s", run.job, run.organisation.schema_name)


def run_job(*, organisation: Organisation, job_name: str, local_date: date) -> bool:
    """Run one recorded job for the organisation, unless it has finished or is running. Returns whether it ran."""
    job = _jobs.get(job_name)
    if job is None:
        log.warning("Periodic job %s is not registered in this process", job_name)
        return False
    run_id = None
    try:
        with transaction.atomic():
            run = (
                PeriodicRun.objects.select_for_update(skip_locked=True)
                .filter(organisation=organisation, job=job_name, local_date=local_date, finished_at__isnull=True)
                .first()
            )
            if run is None or not organisation.is_active:
                return False
            run_id = run.pk
            # The history names the job as the one who made its changes (decision 0042).
            with tenant_context(organisation), pghistory.context(job=job_name):
                job.function(organisation=organisation, local_date=local_date)
            run.finished_at = timezone.now()
            run.last_error = ""
            run.save(update_fields=["finished_at", "last_error"])
    except Exception as error:
        if run_id is not None:
            PeriodicRun.objects.filter(pk=run_id).update(last_error=f"{type(error).__name__}: {error}"[:2000])
        raise
    return True
