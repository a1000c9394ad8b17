"""Liveness and readiness, answered before tenant routing (decision 0059).

``/healthz/live`` says the process answers (no I/O). ``/healthz/ready`` says this process can serve: the database
answers, the public schema has no unapplied migration, Redis and the Celery broker answer, and the public outbox's
due backlog is under HEALTH_OUTBOX_MAX_DUE. The middleware sits first in MIDDLEWARE: probes come with any Host
header (a pod's IP, a load balancer's), over plain HTTP, and must reach neither the host check, the HTTPS redirect
nor the organisation's routing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from urllib.parse import urlparse

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse

PATHS = {"/healthz/live", "/healthz/ready"}
TIMEOUT_SECONDS = 2.0


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info.rstrip("/")
        if path not in PATHS:
            return self.get_response(request)
        if path == "/healthz/live":
            response = JsonResponse({"status": "ok"})
        else:
            checks = readiness()
            healthy = all(check["ok"] for check in checks.values())
            response = JsonResponse({"status": "ok" if healthy else "unavailable", "checks": checks},
                                    status=200 if healthy else 503)
        response["Cache-Control"] = "no-store"
        return response


def readiness() -> dict[str, dict]:
    return {name: _run(check) for name, check in CHECKS.items()}


def _run(check: Callable[[], str]) -> dict:
    started = time.monotonic()
    try:
        detail, ok = check(), True
    except Exception as error:  # noqa: BLE001 - any failure of a dependency means not ready; say which
        detail, ok = f"{type(error).__name__}: {error}"[:300], False
    return {"ok": ok, "detail": detail, "ms": round((time.monotonic() - started) * 1000, 1)}


def check_database() -> str:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "answers"


class _MigrationState:
    """Whether the public schema has every migration applied. Once true it stays true for this process's code
    (a new migration comes with new code, hence a new process), so the check costs its queries only until then."""

    def __init__(self) -> None:
        self.applied = False
        self._lock = threading.Lock()

    def check(self) -> str:
        if self.applied:
            return "applied (checked once for this process)"
        from django.db.migrations.executor import MigrationExecutor

        connection.set_schema_to_public()
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _ in plan[:5])
            raise DatabaseError(f"{len(plan)} unapplied migration(s) in the public schema: {names}")
        with self._lock:
            self.applied = True
        return "applied"


migrations = _MigrationState()


def check_migrations() -> str:
    return migrations.check()


_redis_clients: dict[str, object] = {}


def _ping_redis(url: str) -> str:
    import redis

    client = _redis_clients.get(url)
    if client is None:
        client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)
        _redis_clients[url] = client
    client.ping()
    return "answers"


def check_redis() -> str:
    if not settings.REDIS_URL:
        return "not configured (local memory cache)"
    return _ping_redis(settings.REDIS_URL)


def check_broker() -> str:
    url = settings.CELERY_BROKER_URL
    scheme = urlparse(url).scheme
    if scheme == "memory" or settings.CELERY_TASK_ALWAYS_EAGER:
        return "not used (tasks run eagerly)"
    if scheme in {"redis", "rediss"}:
        return _ping_redis(url)
    from kombu import Connection

    with Connection(url, connect_timeout=TIMEOUT_SECONDS) as broker:
        broker.ensure_connection(max_retries=1)
    return "answers"


def check_outbox() -> str:
    from outbox.selectors import due_count

    limit = settings.HEALTH_OUTBOX_MAX_DUE
    if not limit:
        return "not checked (HEALTH_OUTBOX_MAX_DUE=0)"
    connection.set_schema_to_public()
    due = due_count(limit=limit)
    if due >= limit:
        raise RuntimeError(f"{due} or more messages due in the public outbox (limit {limit})")
    return f"{due} due"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "migrations": check_migrations,
    "redis": check_redis,
    "broker": check_broker,
    "outbox": check_outbox,
}
