"""How allauth behaves in Delbar: closed sign-up, URLs from settings, passwords through accounts.services.

Every login (organisation staff at their host, platform admins at the root domain, the console and admin login
pages, which send here) goes through allauth's login and its rate limits; see
docs/decisions/0017-logins-through-allauth.md.
"""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.db import connection
from django.urls import reverse
from django_tenants.utils import get_public_schema_name

from tenants.selectors import absolute_url

from . import selectors, services


def _on_root_domain() -> bool:
    return connection.schema_name == get_public_schema_name()


def url_from_settings(url: str) -> str:
    """The same path, query and fragment, at the scheme, host and port the settings give for this organisation.

    allauth builds its links with ``request.build_absolute_uri``, i.e. from the Host header the client sent.
    """
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
    return absolute_url(schema_name=connection.schema_name, path=path)


class AccountAdapter(DefaultAccountAdapter):
    """Staff join an organisation by invitation only; nobody can sign themselves up to a municipality."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_redirect_url(self, request) -> str:
        if _on_root_domain():
            return reverse("console:index")  # the root domain has no start page for a logged-in person
        return super().get_login_redirect_url(request)

    def get_login_stages(self) -> list[str]:
        # A login through the organisation's identity provider is not asked for the authenticator app's code
        # (accounts.mfa.AuthenticateStage; decisions 0054 and 0056).
        return ["accounts.mfa.AuthenticateStage" if path == "allauth.mfa.stages.AuthenticateStage" else path
                for path in super().get_login_stages()]

    # ------------------------------------------------------------------------------------------ rate limits

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth keys the per-account lockout by "<Host header>:<login>"; a client varying the Host port would get
        # a fresh counter each time. Cache keys already carry the schema (django_tenants.cache.make_key), so the
        # login alone names the account. (A private allauth hook: tests/security/test_auth_login_limits.py guards it.)
        return credentials.get("email", credentials.get("username", "")).strip().lower()

    # ------------------------------------------------------------------------------------------ passwords

    def set_password(self, user, password: str) -> None:
        # Called by allauth's password change, set and reset: the API keys go with the old password.
        services.set_password(user=user, password=password)

    # ------------------------------------------------------------------------------------------ e-mail

    def get_reset_password_from_key_url(self, key: str) -> str:
        return url_from_settings(super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return url_from_settings(super().get_email_confirmation_url(request, emailconfirmation))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        if template_prefix == "account/email/unknown_account" and not self._may_tell_unknown_address(email):
            return
        context = dict(context)
        for name, value in context.items():
            if name.endswith("_url") and isinstance(value, str) and value.startswith(("http://", "https://")):
                context[name] = url_from_settings(value)
        # Without django.contrib.sites, allauth's "current_site" is the request's Host header; use the settings.
        organisation = getattr(connection, "tenant", None)
        site_name = getattr(organisation, "name", None) if not _on_root_domain() else None
        context["current_site"] = SimpleNamespace(
            name=site_name or "Delbar", domain=urlsplit(url_from_settings("/")).netloc
        )
        context["organisation_name"] = site_name or "Delbar"
        super().send_mail(template_prefix, email, context)

    def _may_tell_unknown_address(self, email: str) -> bool:
        """Someone asked for a password reset for an address with no account. Sign-up is closed, so the mail says
        to ask the admin for an invitation; it goes only to addresses at the organisation's own domains, so the
        form cannot be used to mail strangers. The page answers the same either way (no enumeration)."""
        domains = selectors.email_domains()
        return bool(domains) and selectors.is_at_own_domain(email=email, domains=domains)
