"""Reads of the organisation's single sign-on configuration (decision 0056).

Only an organisation's schema has the table; at the root domain (platform admins) every read answers "none" without
a query, so the platform's login page never offers, nor queries, a provider."""

from __future__ import annotations

from allauth.socialaccount.models import SocialAccount, SocialApp
from django.db import connection
from django_tenants.utils import get_public_schema_name

from . import errors
from .models import IdentityProvider

# allauth's provider and the id in the callback URL (/konto/oidc/sso/login/callback/): the same in every organisation,
# whose host already says which one it is.
PROVIDER = "openid_connect"
PROVIDER_ID = "sso"


def _in_organisation() -> bool:
    return connection.schema_name != get_public_schema_name()


def configuration() -> IdentityProvider | None:
    """The organisation's configuration, on or off; None if it has none (or at the root domain)."""
    if not _in_organisation():
        return None
    return IdentityProvider.objects.select_related("default_department").filter(pk=1).first()


def active_configuration() -> IdentityProvider | None:
    """The configuration if it is switched on."""
    config = configuration()
    return config if config is not None and config.enabled else None


def social_app(*, config: IdentityProvider | None = None) -> SocialApp | None:
    """allauth's app for the organisation's provider, built from the configuration (never saved: the configuration is
    the one place the client secret is kept); None when single sign-on is off."""
    config = config if config is not None else active_configuration()
    if config is None or not config.enabled:
        return None
    return SocialApp(
        provider=PROVIDER, provider_id=PROVIDER_ID, name=config.button_label, client_id=config.client_id,
        secret=config.client_secret, settings={"server_url": config.server_url, "oauth_pkce_enabled": True},
    )


def callback_path() -> str:
    """The redirect URI's path, to be registered at the provider on the organisation's host."""
    from django.urls import reverse

    return reverse("openid_connect_callback", kwargs={"provider_id": PROVIDER_ID})


def linked_uid(*, user) -> str | None:
    """The identity at the provider that ``user`` is linked to, if any."""
    return SocialAccount.objects.filter(user=user).values_list("uid", flat=True).first()


def linked_count() -> int:
    """How many people are linked to an identity at the organisation's provider."""
    if not _in_organisation():
        return 0
    return SocialAccount.objects.count()


def password_login_refusal(*, user) -> errors.SsoError | None:
    """Why ``user`` may not log in with a password here, if they may not: the organisation logs in only through its
    provider and they are not one of its admins (who keep their password, to mend a broken configuration)."""
    config = active_configuration()
    if config is None or not config.sso_only or user.is_superuser or getattr(user, "is_org_admin", False):
        return None
    try:
        errors.raise_error(errors.PASSWORD_REFUSED, organisation=getattr(connection.tenant, "name", ""),
                           label=config.button_label)
    except errors.SsoError as refusal:
        return refusal
    return None


def authorization_origin() -> str | None:
    """The origin (scheme, host, port) the login form's redirect goes to, when single sign-on is on."""
    from urllib.parse import urlsplit

    config = active_configuration()
    if config is None or not config.authorization_endpoint:
        return None
    parts = urlsplit(config.authorization_endpoint)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None
