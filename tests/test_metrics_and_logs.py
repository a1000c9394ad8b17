"""Prometheus metrics, the request id and JSON logs (decision 0059)."""

from __future__ import annotations

import io
import json
import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context
from prometheus_client import REGISTRY

from outbox.models import OutboxMessage
from platform_.celery import app
from platform_.request_log import DelbarJsonFormatter, RequestContextFilter

TOKEN = "scrape-token-for-tests"
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
LOGIN_ROUTE = "/konto/login/"


@app.task(name="tests.metrics_probe")
def metrics_probe(fail: bool = False):
    if fail:
        raise ValueError("as asked")
    return "done"


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return settings


@pytest.mark.parametrize("host", ["localhost", "10.0.0.7:8000", "[fd00::1]:8000", "web:8000"])
def test_metrics_answer_with_the_token_on_the_root_domain_or_an_address(token, host, db):
    # when Prometheus scrapes with the token
    response = Client(HTTP_HOST=host).get("/metrics", **AUTH)

    # then it gets the text format, with requests, tasks and the outbox
    assert response.status_code == 200
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    for name in ("delbar_http_requests_total", "delbar_http_request_duration_seconds", "delbar_celery_tasks_total",
                 "delbar_outbox_pending_messages", "delbar_outbox_dead_messages"):
        assert name in body


def test_metrics_are_refused_without_the_right_token(token, db):
    client = Client(HTTP_HOST="localhost")
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_metrics_are_not_served_on_an_organisation_host_or_without_a_token(token, settings, db):
    # an organisation's host: not there, even with the token
    assert Client(HTTP_HOST="ystad.localhost").get("/metrics", **AUTH).status_code == 404
    assert Client(HTTP_HOST="kommun.example.se").get("/metrics", **AUTH).status_code == 404
    # no token configured: not served at all
    settings.METRICS_TOKEN = ""
    assert Client(HTTP_HOST="localhost").get("/metrics", **AUTH).status_code == 404


def test_requests_are_counted_by_route_pattern_and_organisation(ystad, db):
    # given the counters now
    before = sample("delbar_http_requests_total", route=LOGIN_ROUTE, method="GET", status="200")
    before_ystad = sample("delbar_http_organisation_requests_total", organisation="ystad", status_class="2xx")
    before_count = sample("delbar_http_request_duration_seconds_count", route=LOGIN_ROUTE)

    # when Ystad's login page is asked for, with a query string
    assert Client(HTTP_HOST="ystad.localhost").get(LOGIN_ROUTE + "?next=/x/").status_code == 200

    # then the route pattern and the organisation's slug count it
    assert sample("delbar_http_requests_total", route=LOGIN_ROUTE, method="GET", status="200") == before + 1
    assert sample("delbar_http_organisation_requests_total", organisation="ystad", status_class="2xx") == (
        before_ystad + 1
    )
    assert sample("delbar_http_request_duration_seconds_count", route=LOGIN_ROUTE) == before_count + 1


def test_a_route_with_a_parameter_is_one_label(ystad, db):
    client = Client(HTTP_HOST="ystad.localhost")
    client.get("/katalog/999991/")
    client.get("/katalog/999992/")
    labels = {
        metric.labels["route"]
        for family in REGISTRY.collect() if family.name == "delbar_http_requests"
        for metric in family.samples
    }
    assert not any("99999" in label for label in labels)


def test_organisations_past_the_limit_count_as_other(settings, ystad, db):
    # given a limit below Ystad's id
    settings.METRICS_MAX_ORGANISATIONS = ystad.pk - 1
    before = sample("delbar_http_organisation_requests_total", organisation="other", status_class="2xx")

    # when
    Client(HTTP_HOST="ystad.localhost").get(LOGIN_ROUTE)

    # then
    assert sample("delbar_http_organisation_requests_total", organisation="other", status_class="2xx") == before + 1


def test_unknown_hosts_and_the_root_domain_have_their_own_labels(db):
    before_none = sample("delbar_http_organisation_requests_total", organisation="none", status_class="4xx")
    before_public = sample("delbar_http_organisation_requests_total", organisation="public", status_class="2xx")
    Client(HTTP_HOST="nowhere.localhost").get("/")
    Client(HTTP_HOST="localhost").get("/")
    assert sample("delbar_http_organisation_requests_total", organisation="none", status_class="4xx") == (
        before_none + 1
    )
    assert sample("delbar_http_organisation_requests_total", organisation="public", status_class="2xx") == (
        before_public + 1
    )


def test_the_outbox_backlog_is_read_at_scrape_time(token, ystad, db):
    # given two undelivered messages in Ystad's outbox, one given up
    def scrape(name):
        body = Client(HTTP_HOST="localhost").get("/metrics", **AUTH).content.decode()
        line = next(line for line in body.splitlines() if line.startswith(name + " "))
        return float(line.split()[1])

    pending, dead = scrape("delbar_outbox_pending_messages"), scrape("delbar_outbox_dead_messages")
    with schema_context(ystad.schema_name):
        past = timezone.now() - timedelta(minutes=1)
        OutboxMessage.objects.create(kind="test.metrics", key="metrics-1", payload={}, available_at=past)
        OutboxMessage.objects.create(kind="test.metrics", key="metrics-2", payload={}, dead_at=past)
    connection.set_schema_to_public()

    # then the next scrape counts them
    assert scrape("delbar_outbox_pending_messages") == pending + 1
    assert scrape("delbar_outbox_dead_messages") == dead + 1


def test_celery_tasks_are_counted_by_outcome(db):
    succeeded = sample("delbar_celery_tasks_total", task="tests.metrics_probe", outcome="succeeded")
    failed = sample("delbar_celery_tasks_total", task="tests.metrics_probe", outcome="failed")

    # (a worker does not propagate a task's exception; eagerly, without throw=False, celery re-raises before its
    # task_failure signal)
    assert metrics_probe.apply().successful()
    assert metrics_probe.apply(kwargs={"fail": True}, throw=False).failed()

    assert sample("delbar_celery_tasks_total", task="tests.metrics_probe", outcome="succeeded") == succeeded + 1
    assert sample("delbar_celery_tasks_total", task="tests.metrics_probe", outcome="failed") == failed + 1


@pytest.mark.parametrize(
    ("given", "kept"),
    [("lb-4f1c2a", True), ("a" * 128, True), ("a" * 129, False), ("bad id\nx", False), ("<script>", False)],
)
def test_the_request_id_is_kept_when_sane_and_made_otherwise(given, kept, db):
    response = Client(HTTP_HOST="ystad.localhost").get(LOGIN_ROUTE, HTTP_X_REQUEST_ID=given)
    if kept:
        assert response["X-Request-ID"] == given
    else:
        assert response["X-Request-ID"] != given
        assert len(response["X-Request-ID"]) == 32


def test_a_request_without_an_id_gets_one(db):
    first = Client(HTTP_HOST="localhost").get("/")["X-Request-ID"]
    second = Client(HTTP_HOST="localhost").get("/")["X-Request-ID"]
    assert first and second and first != second


def test_json_log_lines_carry_the_organisation_and_the_request_id(settings, db):
    # given JSON logs, one line per request
    settings.LOG_REQUESTS = True
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(DelbarJsonFormatter())
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("delbar.request")
    logger.addHandler(handler)
    try:
        # when Ystad's login page is served
        response = Client(HTTP_HOST="ystad.localhost").get(LOGIN_ROUTE, HTTP_X_REQUEST_ID="req-123")
    finally:
        logger.removeHandler(handler)

    # then the line is JSON with the organisation's slug and the request's id
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert response["X-Request-ID"] == "req-123"
    assert line["request_id"] == "req-123"
    assert line["organisation"] == "ystad"
    assert line["status"] == 200
    assert line["path"] == LOGIN_ROUTE
    assert {"time", "level", "logger", "message"} <= set(line)


def test_a_log_record_outside_a_request_has_placeholders():
    record = logging.LogRecord("delbar.x", logging.INFO, __file__, 1, "hello", None, None)
    RequestContextFilter().filter(record)
    line = json.loads(DelbarJsonFormatter().format(record))
    assert line["request_id"] == "-"
    assert line["message"] == "hello"


def test_a_log_line_gives_its_time_in_utc_with_the_offset():
    # given a record made at a known instant (Django has set the process's time zone to Stockholm's)
    record = logging.LogRecord("delbar.x", logging.INFO, __file__, 1, "hello", None, None)
    record.created = 1_796_133_600.25  # 2026-12-01 14:00:00.250 UTC, 15:00 in Stockholm
    RequestContextFilter().filter(record)

    # when it is written as JSON
    line = json.loads(DelbarJsonFormatter().format(record))

    # then its time says UTC, unambiguously
    assert line["time"] == "2026-12-01T14:00:00.250+00:00"


def test_a_celery_worker_serves_its_own_task_counts(db):
    # given a worker's metrics server (started by the worker_init signal when CELERY_METRICS_PORT is set)
    import urllib.request

    from platform_.metrics import serve_worker_metrics

    from .outbox_support import free_port

    port = free_port()
    server, _thread = serve_worker_metrics(port, addr="127.0.0.1")
    metrics_probe.apply()

    # when Prometheus scrapes it
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            body = response.read().decode()
    finally:
        server.shutdown()

    # then the task counts are there
    assert 'delbar_celery_tasks_total{outcome="succeeded",task="tests.metrics_probe"}' in body
