"""Host → organisation lookup, cached in each process.

Each web process keeps a dictionary of the hosts it has seen (unknown hosts too, so a scanner trying random
sub-domains costs one query per host, not one per request). The dictionary is dropped when the process itself
changes an organisation or domain, and when the shared ``RoutingVersion`` number has grown, which is checked at
most every TENANT_ROUTING_RECHECK_SECONDS. A suspension made in another process therefore reaches every process
within that many seconds.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db import connection

from .models import Domain, Organisation, RoutingVersion

MAX_CACHED_HOSTS = 10_000
_UNKNOWN = object()


class HostDirectory:
    def __init__(self) -> None:
        self._routes: dict[str, Organisation | None] = {}
        self._version: int | None = None
        self._checked_at = float("-inf")
        self._lock = threading.Lock()

    def organisation_for_host(self, host: str) -> Organisation | None:
        """The organisation served at ``host`` (without port), or None for an unknown host."""
        now = time.monotonic()
        if now - self._checked_at >= settings.TENANT_ROUTING_RECHECK_SECONDS:
            self._recheck(now)
        route = self._routes.get(host, _UNKNOWN)
        if route is _UNKNOWN:
            route = self._load(host)
        return route

    def clear(self) -> None:
        with self._lock:
            self._routes = {}

    def _recheck(self, now: float) -> None:
        connection.set_schema_to_public()
        version = RoutingVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0
        with self._lock:
            if version != self._version:
                self._routes = {}
                self._version = version
            self._checked_at = now

    def _load(self, host: str) -> Organisation | None:
        connection.set_schema_to_public()
        domain = Domain.objects.select_related("tenant").filter(domain=host).first()
        organisation = domain.tenant if domain else None
        with self._lock:
            if len(self._routes) >= MAX_CACHED_HOSTS:
                self._routes = {}
            self._routes[host] = organisation
        return organisation


directory = HostDirectory()
