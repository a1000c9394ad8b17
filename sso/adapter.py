"""allauth's social-account adapter for Delbar (SOCIALACCOUNT_ADAPTER, decision 0056).

- **The app** of allauth's ``openid_connect`` provider is built per request from the organisation's configuration
  (``selectors.social_app``) rather than stored as a ``SocialApp`` row: the configuration stays the one place the
  client secret is kept and the one thing the admin's page writes; switched off, there is no app (allauth answers
  404). At the root domain there is none, without a query.
- **The account** is decided by ``services.arrive`` before allauth logs anyone in: allauth's own sign-up (a form
  asking for an address) is never used.
"""

from __future__ import annotations

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.shortcuts import render

from . import errors, selectors, services
from .errors import SsoError


def claims_of(sociallogin) -> dict:
    """The provider's claims: the ID token's, overridden by the userinfo endpoint's (allauth keeps both)."""
    data = sociallogin.account.extra_data or {}
    if "id_token" in data or "userinfo" in data:
        return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}
    return dict(data)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        app = selectors.social_app()
        if app is None:
            return []
        if provider and provider not in (app.provider, app.provider_id):
            return []
        if client_id and client_id != app.client_id:
            return []
        return [app]

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False  # every account is made (or found) in pre_social_login

    def pre_social_login(self, request, sociallogin) -> None:
        linked = sociallogin.user if sociallogin.is_existing else None
        try:
            if sociallogin.state.get("process", AuthProcess.LOGIN) != AuthProcess.LOGIN:
                # Identities are linked only at a login, by services.arrive's rules: never "connected" by hand to
                # whoever is logged in (allauth's /konto/3rdparty/ page), which could tie someone else's identity on.
                errors.raise_error(errors.CONNECT_REFUSED)
            arrival = services.arrive(claims=claims_of(sociallogin), linked_user=linked)
        except SsoError as refusal:
            raise ImmediateHttpResponse(render(
                request, "sso/login_refused.html", {"message": refusal.message}, status=refusal.http_status,
            )) from refusal
        if arrival.link:
            sociallogin.connect(request, arrival.user)  # allauth e-mails the person that an identity was linked
        elif arrival.created:
            sociallogin.user = arrival.user
            sociallogin.save(request, connect=True)
