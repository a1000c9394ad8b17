"""Each request's id and organisation, carried by every log record written while it is served (decision 0059).

The id is the caller's ``X-Request-ID`` when it is sane (a reverse proxy's or load balancer's, up to 128 letters,
digits, ``-``, ``_``, ``.``, ``:``), else a new one; the answer carries it back in the same header. With
``LOG_FORMAT=json`` the records are JSON lines with ``request_id`` and ``organisation`` (platform_/settings.py).
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from pythonjsonlogger.json import JsonFormatter

HEADER = "X-Request-ID"
SANE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

_request = contextvars.ContextVar("delbar_request", default=None)
access_log = logging.getLogger("delbar.request")


def request_id_from(value: str | None) -> str:
    if value and SANE.match(value):
        return value
    return uuid.uuid4().hex


def organisation_label(request) -> str:
    """The slug of the organisation the request is for; ``public`` on the root domain, ``-`` before routing."""
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        return "-"
    return getattr(tenant, "slug", None) or "public"


class RequestContextMiddleware:
    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.log_requests = settings.LOG_REQUESTS

    def __call__(self, request):
        request.request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        token = _request.set(request)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[HEADER] = request.request_id
            if self.log_requests:
                access_log.info(
                    "%s %s %s", request.method, request.path, response.status_code,
                    extra={"method": request.method, "path": request.path, "status": response.status_code,
                           "duration_ms": round((time.monotonic() - started) * 1000, 1)},
                )
            return response
        finally:
            _request.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``organisation`` to every record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _request.get()
        if request is not None:
            record.request_id = getattr(request, "request_id", "-")
            record.organisation = organisation_label(request)
        else:
            record.request_id = getattr(record, "request_id", "-")
            record.organisation = getattr(record, "organisation", None) or _task_organisation()
        return True


def _task_organisation() -> str:
    # A Celery task runs in its organisation's schema (tenant-schemas-celery); no I/O here, only what is set.
    try:
        from django.db import connection

        tenant = getattr(connection, "tenant", None)
        return getattr(tenant, "slug", None) or getattr(connection, "schema_name", None) or "-"
    except Exception:  # noqa: BLE001 - a log line outside Django (gunicorn's master) has no organisation
        return "-"


class DelbarJsonFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message, request id, organisation, and any extra fields."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(organisation)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            timestamp=False,
        )

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        # ISO 8601 in UTC with its offset: Django sets the process's TZ to TIME_ZONE (Stockholm), and logging's
        # default local time without an offset is ambiguous to a log collector twice a year.
        return datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")
