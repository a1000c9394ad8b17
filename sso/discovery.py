"""Fetching an OpenID Connect provider's discovery document (``/.well-known/openid-configuration``)."""

from __future__ import annotations

import requests
from django.conf import settings
from django.utils.translation import gettext

from . import errors

WELL_KNOWN = "/.well-known/openid-configuration"
# What allauth's openid_connect provider reads from the document at each login.
REQUIRED_KEYS = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


def document_url(server_url: str) -> str:
    """The discovery document's address, as allauth builds it: the issuer with the well-known path appended."""
    url = server_url.strip()
    if "/.well-known/" in url:
        return url
    return url.rstrip("/") + WELL_KNOWN


def fetch(*, server_url: str) -> dict:
    """The provider's discovery document, or an ``SsoError`` naming what went wrong (for the admin's form)."""
    url = document_url(server_url)
    try:
        response = requests.get(url, timeout=settings.SOCIALACCOUNT_REQUESTS_TIMEOUT,
                                headers={"Accept": "application/json"})
    except requests.RequestException as failure:
        errors.raise_error(errors.DISCOVERY_UNREACHABLE, field="server_url", url=url,
                           reason=type(failure).__name__)
    if response.status_code != 200:
        errors.raise_error(errors.DISCOVERY_UNREACHABLE, field="server_url", url=url,
                           reason=gettext("HTTP status %(status)s") % {"status": response.status_code})
    try:
        document = response.json()
    except ValueError:
        document = None
    if not isinstance(document, dict):
        errors.raise_error(errors.DISCOVERY_INVALID, field="server_url", url=url, reason=gettext("not JSON"))
    missing = [key for key in REQUIRED_KEYS if not document.get(key)]
    if missing:
        errors.raise_error(errors.DISCOVERY_INVALID, field="server_url", url=url,
                           reason=gettext("missing %(keys)s") % {"keys": ", ".join(missing)})
    return document
