"""The daily jobs that exist: tenants removes each organisation's expired login sessions at 03:30 by its clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants import periodic

pytestmark = pytest.mark.django_db

JOB = "tenants.clear_expired_sessions"


def add_session(organisation, key: str, *, expires_in: timedelta) -> None:
    with schema_context(organisation.schema_name):
        Session.objects.create(session_key=key, session_data="", expire_date=timezone.now() + expires_in)


def session_keys(organisation) -> set[str]:
    with schema_context(organisation.schema_name):
        return set(Session.objects.filter(session_key__startswith="periodic-").values_list("session_key", flat=True))


def test_expired_sessions_go_at_half_past_three_in_each_organisation(ystad, skurup):
    # given an expired and a live session in Ystad, and an expired one in Skurup
    add_session(ystad, "periodic-old", expires_in=timedelta(days=-1))
    add_session(ystad, "periodic-live", expires_in=timedelta(days=1))
    add_session(skurup, "periodic-old", expires_in=timedelta(days=-1))

    # when the dispatcher runs at 03:29 and at 03:30 Stockholm time, and the worker runs Ystad's job
    assert JOB not in {run.job for run in periodic.dispatch(now=datetime(2026, 1, 15, 2, 29, tzinfo=UTC))}
    runs = [run for run in periodic.dispatch(now=datetime(2026, 1, 15, 2, 30, tzinfo=UTC)) if run.job == JOB]
    periodic.run_job(organisation=ystad, job_name=JOB, local_date=date(2026, 1, 15))

    # then it was due for every organisation at 03:30; in Ystad only the live session is left, Skurup's waits
    assert {run.organisation.slug for run in runs} >= {"ystad", "skurup", "trelleborg"}
    assert session_keys(ystad) == {"periodic-live"}
    assert session_keys(skurup) == {"periodic-old"}
