"""Writes for staff, departments and invitations. Each runs in one transaction in the current schema."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from . import errors, selectors
from .models import Department, Invitation, Role, User
from .notifications import enqueue_email_change_notice, enqueue_invitation_email
from .selectors import org_admins_to_notify


@transaction.atomic
def ensure_departments(*, tree: dict[str, Iterable[str]]) -> list[Department]:
    """Create förvaltningar and their enheter that do not exist yet; return them all. Idempotent."""
    created = []
    for administration_name, unit_names in tree.items():
        administration, _ = Department.objects.get_or_create(name=administration_name, parent=None)
        created.append(administration)
        for unit_name in unit_names:
            unit, _ = Department.objects.get_or_create(name=unit_name, parent=administration)
            created.append(unit)
    return created


@transaction.atomic
def create_user(
    *,
    email: str,
    password: str | None,
    full_name: str = "",
    role: str = Role.MEMBER,
    department: Department | None = None,
    email_verified: bool = False,
) -> User:
    """A new member of staff in the current organisation, with the e-mail address allauth logs in with."""
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        errors.raise_error(errors.ALREADY_MEMBER, email=email)
    user = User.objects.create_user(email, password, full_name=full_name, role=role, department=department)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=email_verified)
    return user


@transaction.atomic
def ensure_user(
    *, email: str, password: str, full_name: str, role: str, department: Department | None
) -> tuple[User, bool]:
    """The user with this e-mail, created if missing (used by demo and seed data). Returns (user, created)."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing:
        return existing, False
    return create_user(
        email=email, password=password, full_name=full_name, role=role, department=department,
        email_verified=True,
    ), True


@transaction.atomic
def ensure_superuser(*, email: str, password: str, full_name: str) -> tuple[User, bool]:
    """The superuser with this e-mail in the current schema, created if missing (the demo's platform admin, in
    the public schema). Returns (user, created)."""
    from allauth.account.models import EmailAddress

    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_superuser(email, password, full_name=full_name)
    # Logins go through allauth, which wants a verified address (ACCOUNT_EMAIL_VERIFICATION="mandatory").
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"primary": True, "verified": True})
    return user, created


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invite_colleague(
    *,
    invited_by: User,
    email: str,
    role: str,
    department: Department,
    accept_url_for: Callable[[str], str] | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation and return it with its secret token (shown once, in the e-mailed link).

    With ``accept_url_for`` (token → the link's absolute address) the e-mail is written to the outbox in the same
    transaction, and sent once it has committed.
    """
    if not invited_by.is_org_admin:
        errors.raise_error(errors.NOT_ALLOWED)
    email = User.objects.normalize_email(email).lower()
    check_staff_email(email=email, chosen_by_admin=True)
    if User.objects.filter(email__iexact=email).exists():
        errors.raise_error(errors.ALREADY_MEMBER, email=email)
    now = timezone.now()
    # A new invitation replaces an open or expired one for the same address.
    Invitation.objects.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        department=department,
        token_hash=_hash(token),
        invited_by=invited_by,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    if accept_url_for is not None:
        queue_invitation_email(invitation=invitation, accept_url=accept_url_for(token))
    return invitation, token


def queue_invitation_email(*, invitation: Invitation, accept_url: str) -> None:
    """Write the invitation e-mail to the outbox, inside the caller's transaction; it is sent once that commits
    (once, even if this is called again for the same invitation), unless the invitation is withdrawn first."""
    enqueue_invitation_email(invitation=invitation, accept_url=accept_url)


def find_open_invitation(*, token: str) -> Invitation:
    invitation = Invitation.objects.select_related("department").filter(token_hash=_hash(token)).first()
    if invitation is None or invitation.revoked_at is not None:
        errors.raise_error(errors.INVITATION_INVALID)
    if invitation.accepted_at is not None:
        errors.raise_error(errors.INVITATION_USED)
    if invitation.expires_at <= timezone.now():
        errors.raise_error(errors.INVITATION_EXPIRED)
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, full_name: str, password: str) -> User:
    """Create the invited user. Clicking the e-mailed link proves the address, so it is stored as verified."""
    invitation = find_open_invitation(token=token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        errors.raise_error(errors.INVITATION_USED)
    validate_password(password, user=User(email=invitation.email, full_name=full_name))
    user = create_user(
        email=invitation.email,
        password=password,
        full_name=full_name,
        role=invitation.role,
        department=invitation.department,
        email_verified=True,
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, revoked_by: User) -> None:
    if not revoked_by.is_org_admin:
        errors.raise_error(errors.NOT_ALLOWED)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


# ---------------------------------------------------------------------------------------------- e-mail addresses


def check_staff_email(*, email: str, chosen_by_admin: bool = False) -> None:
    """Raise AccountError unless ``email`` may be a staff address of the current organisation.

    Staff addresses are at the organisation's own e-mail domains (tenants.Organisation.email_domains). Where the
    organisation has set none, a person cannot add an address themselves, while an admin may still invite any
    address: the admin chooses it, and sees it. At the root domain (platform admins) there is no rule.
    """
    domains = selectors.email_domains()
    if domains is None:
        return
    if not domains:
        if chosen_by_admin:
            return
        errors.raise_error(errors.EMAIL_DOMAINS_NOT_SET)
    if not selectors.is_at_own_domain(email=email, domains=domains):
        errors.raise_error(errors.EMAIL_DOMAIN_NOT_ALLOWED, domains=", ".join(domains))


@transaction.atomic
def queue_email_change_notice(*, user: User, old_email: str, new_email: str) -> None:
    """Tell the organisation's admins, through the outbox, that ``user``'s login address changed."""
    enqueue_email_change_notice(
        person=user, old_email=old_email, new_email=new_email, recipients=list(org_admins_to_notify(about=user))
    )


# ---------------------------------------------------------------------------------------------- passwords


@transaction.atomic
def set_password(*, user: User, password: str) -> None:
    """A new password for ``user`` (changed, set or reset). Their API tokens go with the old one.

    Their other sessions end by themselves: Django checks each session against a hash of the password.
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    AuthToken.objects.filter(user=user).delete()


# ---------------------------------------------------------------------------------------------- API tokens
# django-rest-knox stores only a hash of each token, in the organisation's own schema, so a token works only at
# the host of the organisation it was made in. Its first characters (``token_key``) identify it in lists.


@transaction.atomic
def create_api_token(*, user: User) -> tuple[AuthToken, str]:
    """A new API token for ``user``, valid for REST_KNOX["TOKEN_TTL"]. Returns it with its key, shown only once."""
    return AuthToken.objects.create(user=user)


@transaction.atomic
def revoke_api_token(*, user: User, token_id: str) -> bool:
    """Delete one of ``user``'s own tokens by its ``token_key``. False if there was none (already gone)."""
    deleted, _ = AuthToken.objects.filter(user=user, token_key=token_id).delete()
    return deleted > 0
