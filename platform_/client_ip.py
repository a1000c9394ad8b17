"""The client's IP address, the same for every rate limit: allauth's logins and DRF's throttling.

It is REMOTE_ADDR, unless the deployment says a proxy of ours stands in front: then the address that proxy
reports, from ``TRUSTED_CLIENT_IP_HEADER`` (e.g. ``X-Real-IP``) or from the ``TRUSTED_PROXY_COUNT``-th entry from
the right of X-Forwarded-For. A client-sent X-Forwarded-For is never believed on its own. The rule is allauth's
(``ALLAUTH_TRUSTED_PROXY_COUNT``, ``ALLAUTH_TRUSTED_CLIENT_IP_HEADER``); this function only makes it available to
other code, so that there is one answer.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address as the rate limits see it. Raises PermissionDenied if there is none at all."""
    return get_adapter(request).get_client_ip(request)


class ClientIpMixin:
    """For DRF throttles: ``class PersonThrottle(ClientIpMixin, UserRateThrottle)`` identifies anonymous clients
    by client_ip() instead of DRF's own reading of X-Forwarded-For."""

    def get_ident(self, request) -> str:
        return client_ip(request)
