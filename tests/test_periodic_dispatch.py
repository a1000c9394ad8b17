"""The dispatcher records each organisation's daily job once per local date, queues it, and the run happens once.

Moments are passed explicitly (``now=``). Jobs are registered by the tests themselves (there is no business job
yet); ``only_test_jobs`` hides any job an app registered, so the counts are the tests' own.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection

from tenants import periodic
from tenants.models import Organisation, OrganisationStatus, PeriodicRun
from tenants.services import set_status, set_time_zone

DEMO = {"ystad", "skurup", "trelleborg"}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def only_test_jobs(monkeypatch):
    monkeypatch.setattr(periodic, "_jobs", {})


@pytest.fixture
def calls(only_test_jobs):
    """A registered job at 07:00 that notes in which schema, for whom and for which date it ran."""
    seen = []

    def note(*, organisation, local_date):
        seen.append((connection.schema_name, organisation.slug, local_date))

    periodic.register_daily(name="tests.note", function=note, at=time(7, 0))
    return seen


def slugs(runs) -> list[str]:
    return sorted(run.organisation.slug for run in runs)


def demo_runs(runs):
    return [run for run in runs if run.organisation.slug in DEMO]


def dispatch_and_run(now: datetime, organisation) -> list[date]:
    """One dispatch, and the organisation's runs it queued carried out as the worker would: their dates."""
    dates = []
    for run in periodic.dispatch(now=now):
        if run.organisation == organisation:
            periodic.run_job(organisation=organisation, job_name=run.job, local_date=run.local_date)
            dates.append(run.local_date)
    return dates


@pytest.mark.django_db
def test_a_due_job_is_recorded_and_queued_once_for_every_active_organisation(calls):
    # when the dispatcher runs at 07:05 in Stockholm, and again a minute later
    first = periodic.dispatch(now=utc(2026, 1, 15, 6, 5))
    second = periodic.dispatch(now=utc(2026, 1, 15, 6, 6))

    # then the first queued the job for each demo organisation for its local date, and the second nothing
    assert slugs(demo_runs(first)) == sorted(DEMO)
    assert {(run.job, run.local_date, run.times_queued) for run in first} == {("tests.note", date(2026, 1, 15), 1)}
    assert second == []
    assert PeriodicRun.objects.filter(job="tests.note", organisation__slug__in=DEMO).count() == 3


@pytest.mark.django_db
def test_before_its_time_nothing_is_queued_and_the_next_day_it_is_queued_again(calls):
    # when the dispatcher runs at 06:59 Stockholm time, then at 07:00, then at 07:00 the next day
    before = periodic.dispatch(now=utc(2026, 1, 15, 5, 59))
    today = periodic.dispatch(now=utc(2026, 1, 15, 6, 0))
    tomorrow = periodic.dispatch(now=utc(2026, 1, 16, 6, 0))

    # then
    assert before == []
    assert {run.local_date for run in demo_runs(today)} == {date(2026, 1, 15)}
    assert {run.local_date for run in demo_runs(tomorrow)} == {date(2026, 1, 16)}


@pytest.mark.django_db
def test_each_organisation_runs_by_its_own_clock(calls, skurup):
    # given Skurup keeps the time of New York (for the sake of the test)
    set_time_zone(organisation=skurup, time_zone="America/New_York")

    # when the dispatcher runs at 11:55 UTC (12:55 in Stockholm, 06:55 in New York) and at 12:00 UTC (07:00 there)
    before_seven = periodic.dispatch(now=utc(2026, 1, 15, 11, 55))
    at_seven = periodic.dispatch(now=utc(2026, 1, 15, 12, 0))

    # then Ystad and Trelleborg are queued first, Skurup only when its clock shows 07:00
    assert slugs(demo_runs(before_seven)) == ["trelleborg", "ystad"]
    assert slugs(demo_runs(at_seven)) == ["skurup"]


@pytest.mark.django_db
def test_across_the_fall_back_night_a_job_at_0230_is_queued_once(only_test_jobs, ystad):
    # given a job at 02:30, which Stockholm's clock shows twice on 25 October 2026
    periodic.register_daily(name="tests.night", function=lambda **kwargs: None, at=time(2, 30))

    # when the dispatcher runs every five minutes from 22:00 UTC on the 24th to 23:00 UTC on the 25th
    queued = []
    moment = utc(2026, 10, 24, 22, 0)
    while moment <= utc(2026, 10, 25, 23, 0):
        queued += [(local_date, moment) for local_date in dispatch_and_run(moment, ystad)]
        moment += timedelta(minutes=5)

    # then Ystad's job was queued once, for the 25th, at the first 02:30 (CEST, 00:30 UTC)
    assert queued == [(date(2026, 10, 25), utc(2026, 10, 25, 0, 30))]


@pytest.mark.django_db
def test_across_the_spring_forward_night_a_job_at_0230_is_queued_once_at_0300(only_test_jobs, ystad):
    # given a job at 02:30, which Stockholm's clock skips on 29 March 2026
    periodic.register_daily(name="tests.night", function=lambda **kwargs: None, at=time(2, 30))

    # when the dispatcher runs every five minutes through that night
    queued = []
    moment = utc(2026, 3, 28, 23, 0)  # midnight in Stockholm
    while moment <= utc(2026, 3, 29, 22, 0):
        queued += [(local_date, moment) for local_date in dispatch_and_run(moment, ystad)]
        moment += timedelta(minutes=5)

    # then it was queued once, at 03:00 CEST (01:00 UTC)
    assert queued == [(date(2026, 3, 29), utc(2026, 3, 29, 1, 0))]


@pytest.mark.django_db
def test_a_suspended_organisation_gets_no_jobs(calls, trelleborg):
    # given Trelleborg is suspended
    set_status(organisation=trelleborg, status=OrganisationStatus.SUSPENDED)

    # when the dispatcher runs after 07:00
    runs = periodic.dispatch(now=utc(2026, 1, 15, 7, 0))

    # then
    assert slugs(demo_runs(runs)) == ["skurup", "ystad"]


@pytest.mark.django_db
def test_the_job_runs_in_the_organisations_schema_once_even_when_delivered_twice(calls, ystad):
    # given the job was recorded for Ystad
    periodic.dispatch(now=utc(2026, 1, 15, 6, 5))

    # when it is run, and delivered once more
    first = periodic.run_job(organisation=ystad, job_name="tests.note", local_date=date(2026, 1, 15))
    again = periodic.run_job(organisation=ystad, job_name="tests.note", local_date=date(2026, 1, 15))

    # then it ran once, in Ystad's schema, with the local date, and its run is finished
    assert (first, again) == (True, False)
    assert calls == [("org_ystad", "ystad", date(2026, 1, 15))]
    run = PeriodicRun.objects.get(organisation=ystad, job="tests.note")
    assert run.finished_at is not None and run.last_error == ""


@pytest.mark.django_db
def test_a_job_that_was_never_recorded_does_not_run(calls, ystad):
    # when a run arrives for a date the dispatcher never recorded
    ran = periodic.run_job(organisation=ystad, job_name="tests.note", local_date=date(2026, 1, 15))

    # then
    assert ran is False and calls == []


@pytest.mark.django_db
def test_a_failing_job_leaves_nothing_half_written_and_is_queued_again_up_to_three_times(only_test_jobs, ystad):
    # given a job that writes and then fails
    def failing(*, organisation, local_date):
        set_time_zone(organisation=organisation, time_zone="Europe/Helsinki")
        raise RuntimeError("the printer is on fire")

    periodic.register_daily(name="tests.failing", function=failing, at=time(7, 0))
    start = utc(2026, 1, 15, 6, 5)
    periodic.dispatch(now=start)

    # when it runs
    with pytest.raises(RuntimeError):
        periodic.run_job(organisation=ystad, job_name="tests.failing", local_date=date(2026, 1, 15))

    # then its write is undone, the run is unfinished and says why
    assert Organisation.objects.get(pk=ystad.pk).time_zone == "Europe/Stockholm"
    run = PeriodicRun.objects.get(organisation=ystad, job="tests.failing")
    assert run.finished_at is None and "the printer is on fire" in run.last_error

    # and later dispatchers queue it again after RETRY_AFTER, until it has been queued three times in all
    retry = periodic.RETRY_AFTER
    requeued = [
        [r.times_queued for r in periodic.dispatch(now=start + offset) if r.organisation == ystad]
        for offset in (retry / 2, retry + timedelta(minutes=1), 2 * retry + timedelta(minutes=2), 4 * retry)
    ]
    assert requeued == [[], [2], [3], []]


@pytest.mark.django_db
def test_queued_on_commit_the_job_runs_through_celery_in_each_schema(calls, django_capture_on_commit_callbacks):
    # when the dispatcher runs and its transaction commits (tasks run eagerly under test)
    with django_capture_on_commit_callbacks(execute=True):
        periodic.dispatch(now=utc(2026, 1, 15, 6, 5))

    # then the job ran once in every demo organisation's schema, and each run is finished
    assert sorted(call for call in calls if call[1] in DEMO) == [
        ("org_skurup", "skurup", date(2026, 1, 15)),
        ("org_trelleborg", "trelleborg", date(2026, 1, 15)),
        ("org_ystad", "ystad", date(2026, 1, 15)),
    ]
    assert not PeriodicRun.objects.filter(job="tests.note", finished_at__isnull=True).exists()


@pytest.mark.django_db
def test_the_dispatchers_queries_do_not_grow_with_the_organisations(calls):
    from django.test.utils import CaptureQueriesContext

    from tenants.services import OrganisationDetails, provision_organisation

    def queries(now: datetime) -> int:
        with CaptureQueriesContext(connection) as captured:
            periodic.dispatch(now=now)
        return len(captured)

    # given the queries of a dispatch that records everything, and of one that finds everything recorded (after a
    # first one, which may also set the connection's search path)
    periodic.dispatch(now=utc(2026, 1, 14, 6, 5))
    recording, idle = queries(utc(2026, 1, 15, 6, 5)), queries(utc(2026, 1, 15, 6, 6))

    # when two more organisations exist
    for slug, number in (("kommun-x", "212000-1173"), ("kommun-y", "212000-1181")):
        provision_organisation(details=OrganisationDetails(
            name=slug, slug=slug, kind="municipality", organisation_number=number,
        ))

    # then the same dispatches the next day take as many queries
    assert queries(utc(2026, 1, 16, 6, 5)) == recording
    assert queries(utc(2026, 1, 16, 6, 6)) == idle


@pytest.mark.django_db
def test_registering_refuses_a_time_with_a_zone(only_test_jobs):
    from zoneinfo import ZoneInfo

    with pytest.raises(ValueError):
        periodic.register_daily(name="tests.zoned", function=print, at=time(7, 0, tzinfo=ZoneInfo("UTC")))
