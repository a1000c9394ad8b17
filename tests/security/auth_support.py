"""Helpers for the login, password and e-mail security tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

ROOT_HOST = "localhost"


@pytest.fixture
def fresh_rate_limits():
    """allauth keeps its rate-limit counters in the cache, which lives as long as the test process: start and end
    each of these tests with none, so that they neither inherit nor leave a lockout."""
    cache.clear()
    yield
    cache.clear()


def root_client(**extra) -> Client:
    """A client at the root domain (public site, platform console), from its own address if given."""
    return Client(**{"HTTP_HOST": ROOT_HOST, **extra})


def form_error_codes(response) -> set[str]:
    """The error codes of the form on an answered page (allauth's login form, the add-e-mail form, …)."""
    form = response.context["form"]
    return {error.code for errors in form.errors.as_data().values() for error in errors}


def totp_code(secret: str, *, at: float | None = None, period: int = 30) -> str:
    """The code an authenticator app shows now for a base32 secret (RFC 6238: HMAC-SHA1, 6 digits), computed here
    independently of allauth."""
    import base64
    import hmac
    import struct
    import time

    counter = int((time.time() if at is None else at) // period)
    digest = hmac.new(base64.b32decode(secret.upper()), struct.pack(">Q", counter), "sha1").digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"
