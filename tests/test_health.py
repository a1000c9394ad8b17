"""Liveness and readiness answer on any host, before the organisation's routing (decision 0059).

Redis and the broker are the machine's real Redis (REDIS_TEST_URL) or a closed port on loopback: a stopped
dependency is a port where nothing listens.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from outbox.models import OutboxMessage
from platform_ import health

from .outbox_support import free_port

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
HOSTS = ["localhost", "ystad.localhost", "nowhere.localhost", "10.1.2.3", "evil.example"]


@pytest.fixture
def with_redis(settings):
    settings.REDIS_URL = REDIS_URL
    settings.CELERY_BROKER_URL = REDIS_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    return settings


@pytest.mark.parametrize("host", HOSTS)
def test_liveness_answers_on_any_host_without_a_query(host, django_assert_num_queries, db):
    # given a probe that names any host, known or not
    client = Client(HTTP_HOST=host)

    # when it asks whether the process lives
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")

    # then the answer is 200 and JSON, from no organisation's routing
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("host", HOSTS)
def test_readiness_answers_on_any_host(host, with_redis, db):
    # given every dependency running
    client = Client(HTTP_HOST=host)

    # when a probe asks whether the process can serve
    response = client.get("/healthz/ready")

    # then every check passes, each named
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "redis", "broker", "outbox"}
    assert all(check["ok"] for check in body["checks"].values())


def test_readiness_after_an_organisation_request_checks_the_public_schema(with_redis, ystad, db):
    # given the connection last pointed at an organisation's schema
    connection.set_tenant(ystad)

    # when readiness is asked
    response = Client(HTTP_HOST="ystad.localhost").get("/healthz/ready")

    # then the public schema's migrations and outbox were checked
    assert response.status_code == 200
    assert connection.schema_name == "public"


def test_a_stopped_redis_makes_readiness_fail_naming_it(with_redis, db):
    # given Redis (cache) pointed at a port where nothing listens; the broker still runs
    with_redis.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"

    # when readiness is asked
    response = Client(HTTP_HOST="localhost").get("/healthz/ready")

    # then 503, and the check that failed says so
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["redis"]["ok"] is False
    assert "Connection" in checks["redis"]["detail"]
    assert checks["broker"]["ok"] and checks["database"]["ok"]


def test_a_stopped_broker_makes_readiness_fail_naming_it(with_redis, db):
    # given the broker at a closed port
    with_redis.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"

    # when
    response = Client(HTTP_HOST="ystad.localhost").get("/healthz/ready")

    # then
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["broker"]["ok"] is False
    assert checks["redis"]["ok"] is True


def test_an_outbox_backlog_over_the_limit_makes_readiness_fail(with_redis, db):
    # given three messages due in the public outbox, and a limit of three
    connection.set_schema_to_public()
    due = timezone.now() - timedelta(minutes=5)
    for number in range(3):
        OutboxMessage.objects.create(kind="test.health", key=f"health-{number}", payload={}, available_at=due)
    with_redis.HEALTH_OUTBOX_MAX_DUE = 3

    # when
    response = Client(HTTP_HOST="localhost").get("/healthz/ready")

    # then
    assert response.status_code == 503
    assert "3 or more messages due" in response.json()["checks"]["outbox"]["detail"]


def test_unapplied_migrations_make_readiness_fail(with_redis, db, monkeypatch):
    # given a process that has not yet seen its migrations applied, and the public schema missing the last one
    monkeypatch.setattr(health, "migrations", health._MigrationState())
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM public.django_migrations WHERE app = 'outbox' AND name = "
                       "(SELECT max(name) FROM public.django_migrations WHERE app = 'outbox')")

    # when
    response = Client(HTTP_HOST="localhost").get("/healthz/ready")

    # then
    assert response.status_code == 503
    assert "unapplied migration" in response.json()["checks"]["migrations"]["detail"]
    assert "outbox." in response.json()["checks"]["migrations"]["detail"]


def test_readiness_queries_stay_fixed_whatever_the_backlog(with_redis, db, django_assert_num_queries):
    # given the migration check already passed in this process, and a growing backlog
    client = Client(HTTP_HOST="localhost")
    assert client.get("/healthz/ready").status_code == 200
    connection.set_schema_to_public()
    due = timezone.now() - timedelta(minutes=5)

    for backlog in (1, 20):
        OutboxMessage.objects.bulk_create(
            OutboxMessage(kind="test.health", key=f"health-{backlog}-{n}", payload={}, available_at=due)
            for n in range(backlog)
        )
        # when readiness is asked again
        # then it costs two queries: the database's answer and the bounded outbox count
        with django_assert_num_queries(2):
            assert client.get("/healthz/ready").status_code == 200


def test_a_database_that_does_not_answer_fails_in_seconds():
    # libpq's connect_timeout: a readiness probe (and a request) is not held for the TCP timeout
    from django.conf import settings

    assert settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] == 10
