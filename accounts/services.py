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
from django.utils.translation import gettext
from knox.models import AuthToken

from . import errors, selectors
from .invitation_import import (  # noqa: F401  (re-exported for the admin pages)
    MAX_FILE_BYTES,
    MAX_ROWS,
    ImportReport,
    check_rows,
    rows_from_file,
    rows_from_text,
)
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


@transaction.atomic
def invite_first_admin(*, email: str, accept_url_for: Callable[[str], str]) -> tuple[Invitation, str]:
    """Invite a new organisation's first admin, on a platform admin's word (the console, decision 0053): no admin of
    the organisation exists yet to invite them. An organisation admin in the organisation's first department; the
    e-mail with the one-time link is written to the current schema's outbox. Run in the organisation's schema."""
    email = User.objects.normalize_email(email).lower()
    check_staff_email(email=email, chosen_by_admin=True)
    if User.objects.filter(email__iexact=email).exists():
        errors.raise_error(errors.ALREADY_MEMBER, email=email)
    now = timezone.now()
    Invitation.objects.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    department = Department.objects.filter(parent=None, is_active=True).order_by("pk").first()
    if department is None:
        department = Department.objects.create(name=email.rpartition("@")[2], parent=None)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email, role=Role.ORG_ADMIN, department=department, token_hash=_hash(token), invited_by=None,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
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


# ---------------------------------------------------------------------------------------------- departments
# Organisation admins shape the tree of förvaltningar and their enheter (two levels) from Delbar's own pages
# (orgadmin, decision 0039). Every refusal is an AccountError naming its field, in the person's language, before the
# database's own constraint could say it in its words. Merging and winding up move or withdraw listings too, which
# only catalog may do: orgadmin.services composes those with the functions here.

DEPARTMENT_NAME_MAX_LENGTH = Department._meta.get_field("name").max_length


def _require_admin(by: User) -> None:
    if not getattr(by, "is_org_admin", False):
        errors.raise_error(errors.NOT_ADMIN)


def _department_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        errors.raise_error(errors.DEPARTMENT_NAME_REQUIRED, field="name")
    if len(cleaned) > DEPARTMENT_NAME_MAX_LENGTH:
        errors.raise_error(errors.DEPARTMENT_NAME_TOO_LONG, field="name", limit=DEPARTMENT_NAME_MAX_LENGTH)
    return cleaned


def _check_place(*, department: Department | None, name: str, parent: Department | None, field: str) -> None:
    """``name`` under ``parent`` is free, and ``parent`` may hold ``department`` (two levels, no cycles)."""
    if parent is not None:
        if department is not None and parent.pk == department.pk:
            errors.raise_error(errors.DEPARTMENT_UNDER_ITSELF, field="parent")
        if parent.parent_id is not None:
            errors.raise_error(errors.DEPARTMENT_PARENT_NOT_TOP, field="parent")
        if not parent.is_active:
            errors.raise_error(errors.DEPARTMENT_INACTIVE, field="parent", name=parent.name)
        if department is not None and Department.objects.filter(parent=department).exists():
            errors.raise_error(errors.DEPARTMENT_HAS_UNITS, field="parent", name=department.name)
    clash = Department.objects.filter(parent=parent, name__iexact=name)
    if department is not None:
        clash = clash.exclude(pk=department.pk)
    clash = clash.only("is_active").first()
    if clash is not None:
        where = (gettext("under %(parent)s") % {"parent": parent.name}) if parent else gettext("at the top level")
        error = errors.DEPARTMENT_NAME_TAKEN if clash.is_active else errors.DEPARTMENT_NAME_TAKEN_INACTIVE
        errors.raise_error(error, field=field, name=name, where=where)


@transaction.atomic
def create_department(*, by: User, name: str, parent: Department | None = None) -> Department:
    """A new förvaltning (no parent) or an enhet under one."""
    _require_admin(by)
    name = _department_name(name)
    _check_place(department=None, name=name, parent=parent, field="name")
    return Department.objects.create(name=name, parent=parent)


def _locked_department(department: Department) -> Department:
    return Department.objects.select_for_update().get(pk=department.pk)


@transaction.atomic
def rename_department(*, by: User, department: Department, name: str) -> Department:
    _require_admin(by)
    current = _locked_department(department)
    name = _department_name(name)
    _check_place(department=current, name=name, parent=current.parent, field="name")
    current.name = name
    current.save(update_fields=["name"])
    return current


@transaction.atomic
def move_department(*, by: User, department: Department, parent: Department | None) -> Department:
    """Make ``department`` a förvaltning (``parent`` None) or an enhet under another förvaltning."""
    _require_admin(by)
    current = _locked_department(department)
    if not current.is_active:
        errors.raise_error(errors.DEPARTMENT_INACTIVE, field="parent", name=current.name)
    _check_place(department=current, name=current.name, parent=parent, field="parent")
    current.parent = parent
    current.save(update_fields=["parent"])
    return current


@transaction.atomic
def merge_department_people(*, by: User, source: Department, target: Department) -> dict[str, int]:
    """The people, open invitations and units of ``source`` move to ``target``; ``source`` is wound up. Its listings
    are moved by the caller, through catalog (orgadmin.services.merge_departments). Returns what moved."""
    _require_admin(by)
    source, target = _locked_department(source), _locked_department(target)
    if source.pk == target.pk:
        errors.raise_error(errors.DEPARTMENT_MERGE_SAME, field="target")
    if not target.is_active:
        errors.raise_error(errors.DEPARTMENT_INACTIVE, field="target", name=target.name)
    if not source.is_active:
        errors.raise_error(errors.DEPARTMENT_INACTIVE, field="target", name=source.name)
    if target.parent_id == source.pk:
        errors.raise_error(errors.DEPARTMENT_MERGE_INTO_OWN_UNIT, field="target")
    units = list(Department.objects.filter(parent=source).select_for_update())
    if units and target.parent_id is not None:
        errors.raise_error(errors.DEPARTMENT_MERGE_UNITS_NEED_TOP, field="target", name=source.name)
    for unit in units:
        _check_place(department=None, name=unit.name, parent=target, field="target")
    people = User.objects.filter(department=source).update(department=target)
    invitations = Invitation.objects.filter(department=source, accepted_at__isnull=True,
                                            revoked_at__isnull=True).update(department=target)
    Department.objects.filter(parent=source).update(parent=target)
    source.is_active = False
    source.save(update_fields=["is_active"])
    return {"people": people, "invitations": invitations, "units": len(units)}


@transaction.atomic
def deactivate_department(*, by: User, department: Department) -> Department:
    """Wind ``department`` up: nobody may belong to it any more and it has no active units. Its open invitations
    are withdrawn; its listings are moved or withdrawn by the caller first (orgadmin.services)."""
    _require_admin(by)
    current = _locked_department(department)
    people = User.objects.filter(department=current, is_active=True).count()
    if people:
        errors.raise_error(errors.DEPARTMENT_HAS_PEOPLE, field="listings", count=people, name=current.name)
    if Department.objects.filter(parent=current, is_active=True).exists():
        errors.raise_error(errors.DEPARTMENT_HAS_ACTIVE_UNITS, field="listings", name=current.name)
    Invitation.objects.filter(department=current, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    # Deactivated people may still name it: they keep their history, and are moved if they are ever reactivated.
    current.is_active = False
    current.save(update_fields=["is_active"])
    return current


# ---------------------------------------------------------------------------------------------- people


def _check_not_last_admin(person: User) -> None:
    others = User.objects.filter(role=Role.ORG_ADMIN, is_active=True).exclude(pk=person.pk)
    if person.role == Role.ORG_ADMIN and person.is_active and not others.exists():
        errors.raise_error(errors.LAST_ADMIN, field="role", name=person.get_full_name())


@transaction.atomic
def change_person(*, by: User, person: User, role: str, department: Department | None,
                  full_name: str | None = None, email: str | None = None) -> User:
    """Give ``person`` another role or department, and optionally name and login address (admins only; the
    organisation always keeps an admin). A new address must be at the organisation's own domains; the admin chooses
    it, so it is stored as verified, and the organisation's other admins are told."""
    _require_admin(by)
    current = User.objects.select_for_update().get(pk=person.pk)
    old_email = current.email
    if email is not None:
        email = User.objects.normalize_email(email.strip()).lower()
        if email != current.email:
            try:
                check_staff_email(email=email, chosen_by_admin=True)
            except errors.AccountError as refusal:
                errors.raise_error((refusal.code, refusal.message), field="email")
            if User.objects.filter(email__iexact=email).exclude(pk=current.pk).exists():
                errors.raise_error(errors.ALREADY_MEMBER, field="email", email=email)
            current.email = email
            EmailAddress.objects.filter(user=current).delete()
            EmailAddress.objects.create(user=current, email=email, primary=True, verified=True)
    if full_name is not None:
        current.full_name = " ".join(full_name.split())[:200]
    if role not in Role.values:
        errors.raise_error(errors.ROLE_INVALID, field="role")
    if department is None:
        errors.raise_error(errors.DEPARTMENT_REQUIRED, field="department")
    if not department.is_active and department.pk != current.department_id:
        errors.raise_error(errors.DEPARTMENT_INACTIVE, field="department", name=department.name)
    if role != Role.ORG_ADMIN:
        _check_not_last_admin(current)
    current.role = role
    current.department = department
    current.save(update_fields=["role", "department", "email", "full_name"])
    if current.email != old_email:
        queue_email_change_notice(user=current, old_email=old_email, new_email=current.email)
    return current


@transaction.atomic
def deactivate_person(*, by: User, person: User) -> User:
    """``person`` can no longer log in; their API tokens are deleted and their history stays (never deleted).
    Their listings and bookings are handed to a colleague first (orgadmin.services.deactivate_person)."""
    _require_admin(by)
    current = User.objects.select_for_update().get(pk=person.pk)
    if current.pk == by.pk:
        errors.raise_error(errors.NOT_YOURSELF, field="colleague")
    _check_not_last_admin(current)
    current.is_active = False
    current.save(update_fields=["is_active"])
    AuthToken.objects.filter(user=current).delete()
    return current


@transaction.atomic
def reactivate_person(*, by: User, person: User) -> User:
    _require_admin(by)
    current = User.objects.select_for_update().get(pk=person.pk)
    current.is_active = True
    current.save(update_fields=["is_active"])
    return current


def check_colleague(*, leaver: User, colleague: User) -> None:
    """``colleague`` may take over what ``leaver`` leaves: another, active person."""
    if colleague.pk == leaver.pk:
        errors.raise_error(errors.HANDOVER_TO_SELF, field="colleague")
    if not colleague.is_active:
        errors.raise_error(errors.PERSON_INACTIVE, field="colleague", name=colleague.get_full_name())


# ---------------------------------------------------------------------------------------------- invitations in bulk
# Reading and checking a list is accounts.invitation_import's; imported above, its names are the public surface
# other apps use (MAX_ROWS, rows_from_text, rows_from_file, check_rows, ImportReport).


@transaction.atomic
def invite_many(
    *,
    invited_by: User,
    rows: list,
    default_role: str = "",
    default_department: Department | None = None,
    accept_url_for: Callable[[str], str] | None = None,
) -> list[Invitation]:
    """Invite every row of a checked list (accounts.invitation_import.check_rows), or nobody: the list is checked
    again here, inside the transaction, and one refusal undoes every invitation made before it."""
    _require_admin(invited_by)
    report = check_rows(rows=rows, default_role=default_role, default_department=default_department)
    if not report.is_valid:
        errors.raise_error(errors.IMPORT_HAS_ERRORS, count=report.error_count)
    # Every row passed invite_colleague's checks in check_rows (address, member, domain) within this transaction;
    # the open invitations they replace are withdrawn at once, then each is made as invite_colleague makes one.
    now = timezone.now()
    Invitation.objects.filter(
        email__in=[row.email for row in report.rows], accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    invitations = []
    for row in report.rows:
        token = secrets.token_urlsafe(32)
        invitation = Invitation.objects.create(
            email=row.email, role=row.role, department=row.department, token_hash=_hash(token),
            invited_by=invited_by, expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        if accept_url_for is not None:
            queue_invitation_email(invitation=invitation, accept_url=accept_url_for(token))
        invitations.append(invitation)
    return invitations


@transaction.atomic
def set_up_totp(*, user: User, secret: str) -> list[str]:
    """Give ``user`` an authenticator app with this base32 secret, and recovery codes, as allauth's set-up page
    would (decision 0054); returns the recovery codes. For the demo's platform admin and for tests: people set
    theirs up themselves at /konto/2fa/totp/activate/. Replaces an authenticator app the person had."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, secret)
    codes = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
    wrapped = codes.wrap() if codes else RecoveryCodes.activate(user)
    return wrapped.get_unused_codes()
