"""Writes of single sign-on (decision 0056): the organisation admin's configuration, and the account a login through
the organisation's provider lands in.

**Which address is trusted.** A login names a person by the provider's claims. Delbar takes the address from
``email`` only when the provider says ``email_verified``; from Microsoft Entra ID (a tenant-specific issuer), which
sends no ``email_verified``, it takes ``preferred_username`` — the user principal name, whose domain Entra only
allows among the tenant's verified domains — and only when it is at one of the configured e-mail domains. Entra's
``email`` claim is never trusted on its own: a user may be able to set it. With e-mail domains configured, any
address outside them is refused.

**Takeover safety.** The first login links the provider's identity (its ``sub``) to the account with the same
address in this organisation, if there is one, else creates an account with the default department and role. It
never links a platform admin (superuser), a deactivated account, or an account already linked to another identity
at the provider; later logins follow the link (the ``sub``), not the address.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import selectors as people
from accounts import services as accounts
from accounts.roles import Role
from tenants import selectors as tenant_selectors
from tenants import services as tenant_services

from . import discovery, errors, selectors
from .models import IdentityProvider

ENTRA_HOST = "login.microsoftonline.com"
# Entra's multi-tenant issuers: any tenant's users could log in, so they are not trusted for preferred_username.
ENTRA_SHARED_TENANTS = {"common", "organizations", "consumers", "{tenantid}"}


@dataclass(frozen=True)
class Settings:
    """What the organisation admin gives; ``client_secret`` empty keeps the one already stored."""

    enabled: bool
    server_url: str
    client_id: str
    client_secret: str
    button_label: str
    email_domains: list[str]
    default_department_id: int | None
    default_role: str
    sso_only: bool


def _check(settings: Settings, existing: IdentityProvider | None):
    if not settings.client_secret and (existing is None or not existing.client_secret):
        errors.raise_error(errors.SECRET_REQUIRED, field="client_secret")
    if settings.default_role == Role.ORG_ADMIN or settings.default_role not in Role.values:
        errors.raise_error(errors.ROLE_NOT_ALLOWED, field="default_role")
    department = people.department(pk=settings.default_department_id) if settings.default_department_id else None
    if department is None or not department.is_active:
        errors.raise_error(errors.DEPARTMENT_INACTIVE, field="default_department")
    domains = []
    for value in settings.email_domains:
        try:
            domains += tenant_services.normalise_email_domains([value])
        except ValidationError:
            errors.raise_error(errors.DOMAIN_INVALID, field="email_domains", domain=value.strip())
    return department, list(dict.fromkeys(domains))


def save_configuration(*, by, settings: Settings) -> IdentityProvider:
    """Create or replace the organisation's configuration. The provider's discovery document is fetched first: an
    address that does not answer with one is refused with the reason, and nothing is saved."""
    if not getattr(by, "is_org_admin", False):
        errors.raise_error(errors.NOT_ADMIN)
    existing = selectors.configuration()
    department, domains = _check(settings, existing)
    document = discovery.fetch(server_url=settings.server_url)
    with transaction.atomic():
        config = IdentityProvider.objects.select_for_update().filter(pk=1).first() or IdentityProvider(pk=1)
        config.enabled = settings.enabled
        config.server_url = settings.server_url.strip()
        config.issuer = str(document["issuer"])[:500]
        config.authorization_endpoint = str(document["authorization_endpoint"])[:500]
        config.client_id = settings.client_id.strip()
        if settings.client_secret:
            config.client_secret = settings.client_secret
            config.secret_changed_at = timezone.now()
        config.button_label = settings.button_label.strip()
        config.email_domains = domains
        config.default_department = department
        config.default_role = settings.default_role
        config.sso_only = settings.sso_only
        config.save()
    return config


# ---------------------------------------------------------------------------------------------- logins


def is_entra_tenant_issuer(issuer: str) -> bool:
    """Whether ``issuer`` is one Microsoft Entra ID tenant's (https://login.microsoftonline.com/<tenant>/v2.0)."""
    parts = urlsplit(issuer or "")
    segments = [segment for segment in parts.path.split("/") if segment]
    return (parts.scheme == "https" and parts.hostname == ENTRA_HOST and len(segments) >= 1
            and segments[0].lower() not in ENTRA_SHARED_TENANTS)


def _truthy(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def verified_address(*, config: IdentityProvider, claims: dict) -> str:
    """The address the provider vouches for (see the module), lower-cased; ``SsoError`` when there is none."""
    email = str(claims.get("email") or "").strip().lower()
    if email and "@" in email and _truthy(claims.get("email_verified")):
        address = email
    else:
        upn = str(claims.get("preferred_username") or "").strip().lower()
        at_domains = bool(config.email_domains) and tenant_selectors.is_at_email_domains(
            email=upn, domains=config.email_domains)
        if not ("@" in upn and at_domains and is_entra_tenant_issuer(config.issuer)):
            errors.raise_error(errors.LOGIN_NO_VERIFIED_EMAIL)
        address = upn
    if config.email_domains and not tenant_selectors.is_at_email_domains(email=address,
                                                                         domains=config.email_domains):
        errors.raise_error(errors.LOGIN_DOMAIN_NOT_ALLOWED, email=address)
    return address


def _full_name(claims: dict) -> str:
    name = str(claims.get("name") or "").strip()
    if not name:
        name = " ".join(str(claims.get(key) or "").strip() for key in ("given_name", "family_name")).strip()
    return name[:200]


@dataclass(frozen=True)
class Arrival:
    user: object
    created: bool  # a new account, made now
    link: bool  # an existing account, to be linked to the identity now


def _may_log_in(user) -> None:
    if user.is_superuser:
        errors.raise_error(errors.LOGIN_PLATFORM_ADMIN)
    if not user.is_active:
        errors.raise_error(errors.LOGIN_INACTIVE)


@transaction.atomic
def arrive(*, claims: dict, linked_user=None) -> Arrival:
    """The account a login through the organisation's provider lands in: ``linked_user`` if the identity is linked
    already, else the account with the verified address (to be linked), else a new one with the default department
    and role, its address stored as verified. Refused when single sign-on is off and by the rules of the module."""
    config = selectors.active_configuration()
    if config is None:
        errors.raise_error(errors.LOGIN_DISABLED)
    if linked_user is not None:
        _may_log_in(linked_user)
        return Arrival(user=linked_user, created=False, link=False)
    address = verified_address(config=config, claims=claims)
    existing = people.person_by_email(email=address)
    if existing is not None:
        _may_log_in(existing)
        if selectors.linked_uid(user=existing) is not None:
            errors.raise_error(errors.LOGIN_OTHER_IDENTITY, email=address)
        return Arrival(user=existing, created=False, link=True)
    if not config.default_department.is_active:  # wound up or merged since the configuration was saved
        errors.raise_error(errors.LOGIN_DEPARTMENT_INACTIVE)
    user = accounts.create_user(
        email=address, password=None, full_name=_full_name(claims), role=config.default_role,
        department=config.default_department, email_verified=True,
    )
    return Arrival(user=user, created=True, link=False)
