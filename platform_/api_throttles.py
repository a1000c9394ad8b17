"""How often the API may be called: per API key, per person (all their keys and their session together), and per
client address for anonymous requests. Answers over the limit are 429 ``throttled`` with ``Retry-After``
(platform_.api_errors).

The history of each key, person or address lives in the default cache, whose key function prefixes the schema
(``django_tenants.cache.make_key``): person 7 of Ystad and person 7 of Skurup have separate histories. The client
address is ``platform_.client_ip``, the same as allauth's login limits use: ``REMOTE_ADDR``, or with
``TRUSTED_PROXY_COUNT`` trusted proxies in front the address that many hops back in ``X-Forwarded-For`` (or the
``TRUSTED_CLIENT_IP_HEADER`` a proxy of ours sets) — never a value the client alone chose.

Rates are read at each request from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (DRF's own classes bind them at
import, so a changed setting would go unseen); a scope whose rate is ``None`` is not limited.
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from .client_ip import ClientIpMixin


class _RateFromSettings:
    scope: str

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(ClientIpMixin, _RateFromSettings, AnonRateThrottle):
    """Requests without a person (the schema, the docs, unknown paths), per client address."""

    scope = "anon"


class PersonThrottle(_RateFromSettings, SimpleRateThrottle):
    """All of one person's requests, whichever key or session they come with."""

    scope = "person"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class KeyThrottle(_RateFromSettings, SimpleRateThrottle):
    """The requests made with one API key (knox token), so one runaway program does not use up its owner's rate."""

    scope = "key"

    def get_cache_key(self, request, view):
        key = getattr(request.auth, "token_key", None)
        if not key:
            return None
        return self.cache_format % {"scope": self.scope, "ident": key}


def document_retry_after(result, generator, request, public):
    """drf-spectacular post-processing hook: every 429 answer in the document carries its ``Retry-After`` header."""
    header = {
        "Retry-After": {
            "description": "Seconds to wait before the next request.",
            "schema": {"type": "integer", "minimum": 0},
        }
    }
    for path in result.get("paths", {}).values():
        for operation in path.values():
            throttled = operation.get("responses", {}).get("429") if isinstance(operation, dict) else None
            if throttled is not None:
                throttled.setdefault("headers", {}).update(header)
    return result
