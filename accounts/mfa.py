"""Second factors (allauth.mfa: an authenticator app and recovery codes) and who must have one (decision 0054).

- **Platform staff** — a superuser, in the public schema (the console's platform admins) or in an organisation's
  schema (Delbar's staff on its host's /admin/) — always.
- **An organisation's people** as its setting ``Organisation.mfa_required`` says: no one, its organisation admins,
  or everyone (tenants.services.update_settings, the organisation's "Settings" page).

``RequireMFAMiddleware`` enforces it: a logged-in person who must have a second factor and has none reaches only
allauth's own pages under /konto/ (set-up, e-mail verification, log-out), the language switch and static files;
any other page sends them to set up an authenticator app, and the API answers 403. allauth itself then asks for a
code at every login, and its MFA adapter (``MFAAdapter``) refuses to remove the last second factor of someone who
must have one. A middleware rather than an allauth adapter hook, because the rule must hold for sessions that
existed before the setting changed, not only at the next login.

**Single sign-on** (decision 0056): a login through the organisation's identity provider is the provider's to protect
with a second factor; Delbar neither asks for the app's code (``AuthenticateStage``) nor sends such a session to set
one up. Platform staff never log in that way (sso.services refuses a superuser).
"""

from __future__ import annotations

from allauth.account.authentication import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.stages import AuthenticateStage as AllauthAuthenticateStage
from django.contrib import messages
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django_tenants.utils import get_public_schema_name

# Who must have a second factor in an organisation (tenants.models.MfaRequirement's values).
REQUIRED_FOR_ADMINS = "admins"
REQUIRED_FOR_EVERYONE = "everyone"

# The second factors that count: an authenticator app. Recovery codes alone are a fallback, not a factor.
PRIMARY_TYPES = [Authenticator.Type.TOTP]


def mfa_required_for(user, organisation) -> bool:
    """Whether ``user`` must log in with a second factor. ``organisation`` is the request's tenant: an Organisation,
    or django-tenants' stand-in for the public schema (platform admins)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    if organisation is None or organisation.schema_name == get_public_schema_name():
        return False
    requirement = getattr(organisation, "mfa_required", None)
    if requirement == REQUIRED_FOR_EVERYONE:
        return True
    return requirement == REQUIRED_FOR_ADMINS and bool(getattr(user, "is_org_admin", False))


def logged_in_through_provider(request, user) -> bool:
    """Whether this session's login was through the organisation's identity provider (single sign-on, decision
    0056): the provider is then responsible for the second factor, and Delbar asks for none."""
    records = get_authentication_records(request, user)
    return bool(records) and records[-1].get("method") == "socialaccount"


class AuthenticateStage(AllauthAuthenticateStage):
    """allauth's login stage that asks for the authenticator app's code, skipped for a login through the
    organisation's identity provider (its own MFA applies; decision 0056). Password logins are unchanged."""

    def _should_handle(self, request) -> bool:
        if (self.login.signal_kwargs or {}).get("sociallogin") is not None:
            return False
        return super()._should_handle(request)


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=PRIMARY_TYPES).exists()


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        """The QR code of the authenticator app's set-up link, drawn by segno (which the labels use already) rather
        than the ``qrcode`` package allauth would import. Inline SVG: the CSP allows no ``data:`` images."""
        import segno

        return segno.make(url, error="m").svg_inline(scale=5, title=gettext("QR code for your authenticator app"))

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """The authenticator app cannot be removed by someone who must have one (replacing it: ask platform
        support). Recovery codes are never removed on their own."""
        request = context.request
        organisation = getattr(request, "tenant", None) if request is not None else None
        return not mfa_required_for(authenticator.user, organisation)


class RequireMFAMiddleware:
    """Sends a logged-in person who must have a second factor and has none to set one up (see the module)."""

    # Reachable without a second factor: allauth's pages (setting one up, verifying the address, logging out),
    # the language switch, static and uploaded files.
    ALLOWED_PREFIXES = ("/konto/", "/i18n/", "/static/", "/media/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and mfa_required_for(user, getattr(request, "tenant", connection.tenant))
            and not logged_in_through_provider(request, user)
            and not has_second_factor(user)
        ):
            return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request):
        message = gettext("Set up two-factor authentication with an authenticator app before you go on.")
        if request.path.startswith("/api/"):
            return JsonResponse({"error": {"code": "mfa_required", "message": message}}, status=403)
        messages.info(request, message)
        return redirect(reverse("mfa_activate_totp"))
