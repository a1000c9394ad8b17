"""How allauth behaves in Delbar: closed sign-up, and every login through allauth's rate limits.

Every login (organisation staff at their host, platform admins at the root domain, the console and admin login
pages, which send here) goes through allauth's login and its rate limits; see
docs/decisions/0017-logins-through-allauth.md.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.db import connection
from django.urls import reverse
from django_tenants.utils import get_public_schema_name


def _on_root_domain() -> bool:
    return connection.schema_name == get_public_schema_name()


class AccountAdapter(DefaultAccountAdapter):
    """Staff join an organisation by invitation only; nobody can sign themselves up to a municipality."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_redirect_url(self, request) -> str:
        if _on_root_domain():
            return reverse("console:index")  # the root domain has no start page for a logged-in person
        return super().get_login_redirect_url(request)

    # ------------------------------------------------------------------------------------------ rate limits

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth keys the per-account lockout by "<Host header>:<login>"; a client varying the Host port would get
        # a fresh counter each time. Cache keys already carry the schema (django_tenants.cache.make_key), so the
        # login alone names the account. (A private allauth hook: tests/security/test_auth_login_limits.py guards it.)
        return credentials.get("email", credentials.get("username", "")).strip().lower()
