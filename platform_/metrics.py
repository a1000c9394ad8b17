"""Prometheus metrics (decision 0059): requests and latency per URL route, requests per organisation (bounded),
Celery tasks, and the outbox's backlog, read at scrape time.

``/metrics`` answers only on the root domain, on a bare IP address (how Prometheus addresses a pod) or on a
one-label service name (``web:8000`` in a compose network), never on an organisation's host; only with
``Authorization: Bearer <METRICS_TOKEN>``; and not at all without METRICS_TOKEN. Under gunicorn every worker process
writes its samples to PROMETHEUS_MULTIPROC_DIR, and a scrape of any worker adds them all up (prometheus_client's
multiprocess mode; deploy/gunicorn.conf.py removes a dead worker's files).

Organisation label: the organisation's slug when its id is at most METRICS_MAX_ORGANISATIONS (the first ones
created), else ``other``; ``public`` on the root domain, ``none`` when no organisation was found (unknown host,
health probes excluded). The label set is the same in every process and needs no query.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time

from django.conf import settings
from django.http import HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Any process of the image (a management command, beat) may record a sample; the folder must be there.
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

REQUESTS = Counter(
    "delbar_http_requests_total", "HTTP requests answered, by URL route, method and status.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "delbar_http_request_duration_seconds", "Time to answer an HTTP request, by URL route.", ["route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
ORGANISATION_REQUESTS = Counter(
    "delbar_http_organisation_requests_total",
    "HTTP requests answered, by organisation (see METRICS_MAX_ORGANISATIONS) and status class.",
    ["organisation", "status_class"],
)
TASKS = Counter("delbar_celery_tasks_total", "Celery tasks finished, by task and outcome.", ["task", "outcome"])


def route_of(request) -> str:
    """The URL pattern that answered (``katalog/<int:pk>/``), never the raw path: a bounded label."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return "/" + match.route
    if request.path_info.startswith(settings.STATIC_URL):
        return "<static>"
    return "<unmatched>"


def organisation_of(request) -> str:
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        return "none"
    slug = getattr(tenant, "slug", None)
    if slug is None:
        return "public"
    return slug if tenant.pk <= settings.METRICS_MAX_ORGANISATIONS else "other"


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        route = route_of(request)
        LATENCY.labels(route).observe(time.perf_counter() - started)
        REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        ORGANISATION_REQUESTS.labels(organisation_of(request), f"{response.status_code // 100}xx").inc()
        return response


class MetricsEndpointMiddleware:
    """``/metrics``, before the host check and the HTTPS redirect (Prometheus scrapes pods over plain HTTP)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != "/metrics":
            return self.get_response(request)
        if not settings.METRICS_TOKEN or not _scrape_host(request):
            return HttpResponse("Not found", status=404, content_type="text/plain")
        given = request.META.get("HTTP_AUTHORIZATION", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {settings.METRICS_TOKEN}".encode()):
            response = HttpResponse("Unauthorized", status=401, content_type="text/plain")
            response["WWW-Authenticate"] = "Bearer"
            return response
        response = HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
        response["Cache-Control"] = "no-store"
        return response


def _scrape_host(request) -> bool:
    host = request.META.get("HTTP_HOST", "").strip().lower()
    if host.startswith("["):  # [IPv6]:port
        host = host[1 : host.find("]")]
    elif host.count(":") == 1:
        host = host.rsplit(":", 1)[0]
    if host in {settings.PLATFORM_DOMAIN, f"www.{settings.PLATFORM_DOMAIN}"}:
        return True
    if host and "." not in host:
        return True  # a service's name inside a cluster or compose network ("web"): never an organisation's host
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def scrape_registry() -> CollectorRegistry:
    """Every process's samples (multiprocess mode) or this process's, plus the outbox read now."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Registered(REGISTRY))
    registry.register(OutboxCollector())
    return registry


class _Registered:
    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self):
        return self.source.collect()


class OutboxCollector:
    """The outbox's messages of every relayed schema (public and each active organisation), counted at scrape."""

    def collect(self):
        from django.db import connection

        from outbox.selectors import counts_by_schema

        connection.set_schema_to_public()
        counts = counts_by_schema()
        waiting = GaugeMetricFamily("delbar_outbox_pending_messages", "Outbox messages not yet delivered.")
        due = GaugeMetricFamily("delbar_outbox_due_messages", "Outbox messages due for delivery now.")
        dead = GaugeMetricFamily(
            "delbar_outbox_dead_messages", "Outbox messages given up after OUTBOX_MAX_ATTEMPTS delivery failures."
        )
        waiting.add_metric([], sum(row.pending for row in counts))
        due.add_metric([], sum(row.due for row in counts))
        dead.add_metric([], sum(row.dead for row in counts))
        yield from (waiting, due, dead)


def connect_celery_signals() -> None:
    from celery.signals import task_failure, task_retry, task_success

    def outcome(name: str):
        def count(sender=None, **kwargs):
            task = getattr(sender, "name", None) or getattr(kwargs.get("request"), "task", None) or "unknown"
            TASKS.labels(task, name).inc()

        return count

    task_success.connect(outcome("succeeded"), weak=False)
    task_failure.connect(outcome("failed"), weak=False)
    task_retry.connect(outcome("retried"), weak=False)


def serve_worker_metrics(port: int, addr: str = "0.0.0.0"):
    """A Celery worker's own /metrics (it answers no HTTP otherwise); its samples only, without the outbox."""
    from prometheus_client import start_http_server

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return start_http_server(port, addr=addr, registry=registry)
