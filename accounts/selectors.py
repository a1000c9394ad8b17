"""Reads for staff, departments and invitations in the current organisation."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from knox.models import AuthToken

from platform_.parties import Party
from tenants import selectors as tenant_selectors
from tenants.selectors import current_organisation_id

from .models import Department, Invitation, Role, User


def department_choices() -> list[tuple[int, str]]:
    """Every department as (id, label), enheter indented under their förvaltning, for a select box."""
    departments = list(Department.objects.only("id", "name", "parent_id"))
    children: dict[int | None, list[Department]] = {}
    for department in departments:
        children.setdefault(department.parent_id, []).append(department)
    result: list[tuple[int, str]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for department in sorted(children.get(parent_id, []), key=lambda d: d.name.lower()):
            result.append((department.pk, "\u2003" * depth + department.name))
            walk(department.pk, depth + 1)

    walk(None, 0)
    return result


def colleagues() -> QuerySet[User]:
    return User.objects.filter(is_active=True).select_related("department__parent").order_by("full_name", "email")


def open_invitations() -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("department", "invited_by")
        .order_by("-created_at")
    )


def api_tokens(*, user: User) -> QuerySet:
    """``user``'s API tokens that have not expired (knox AuthToken rows), newest first."""
    return AuthToken.objects.filter(user=user).filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    ).order_by("-created")


def departments() -> QuerySet[Department]:
    """Every department with its förvaltning, ordered by förvaltning and name (for lists and choices)."""
    return Department.objects.select_related("parent").order_by("parent__name", "name")


def department(*, pk: int) -> Department | None:
    return Department.objects.filter(pk=pk).first()


def active_people() -> QuerySet[User]:
    """Everyone in the organisation who can log in, by name: contact persons and the like."""
    return User.objects.filter(is_active=True).order_by("full_name", "email")


def email_domains() -> list[str] | None:
    """The current organisation's own e-mail domains; None at the root domain (platform admins, no organisation)."""
    return tenant_selectors.email_domains(schema_name=connection.schema_name)


def is_at_own_domain(*, email: str, domains: list[str]) -> bool:
    """Whether ``email`` is at exactly one of ``domains`` (a sub-domain counts only when listed itself)."""
    return tenant_selectors.is_at_email_domains(email=email, domains=domains)


def org_admins_to_notify(*, about: User) -> list[str]:
    """The addresses of the organisation's active admins, except the person the notice is about."""
    return [address for address in org_admin_addresses() if address != about.email]


def party_of(*, user: User) -> Party:
    """``user`` of the current organisation as a Party: organisation, UUID and how to show and reach them now."""
    return Party(
        organisation_id=current_organisation_id(), person=user.uuid, name=user.get_full_name(), email=user.email
    )


def org_admin_addresses() -> list[str]:
    """The addresses of the organisation's active admins: who is told about what concerns the whole organisation."""
    return list(
        User.objects.filter(role=Role.ORG_ADMIN, is_active=True).order_by("email").values_list("email", flat=True)
    )


def approvers(*, department_id: int | None) -> list[User]:
    """Who approves the bookings of a department's people (decision 0045): its active department managers, or,
    when an enhet has none, those of its förvaltning. Empty when neither has one (then nobody can approve, and the
    organisation's admins are the fallback the caller chooses)."""
    if department_id is None:
        return []
    own = Department.objects.filter(pk=department_id).values_list("parent_id", flat=True).first()
    managers = User.objects.filter(role=Role.DEPARTMENT_MANAGER, is_active=True).order_by("email")
    found = list(managers.filter(department_id=department_id))
    if not found and own is not None:
        found = list(managers.filter(department_id=own))
    return found


def approved_departments(*, user: User) -> list[int]:
    """The departments whose people's bookings ``user`` approves: their own, and, for a förvaltning's manager, its
    enheter that have no active manager of their own. Empty for anyone who is not a department manager."""
    if not (user.is_authenticated and user.is_active and user.role == Role.DEPARTMENT_MANAGER and user.department_id):
        return []
    managed = User.objects.filter(role=Role.DEPARTMENT_MANAGER, is_active=True).values("department_id")
    orphans = Department.objects.filter(parent_id=user.department_id).exclude(pk__in=managed)
    return [user.department_id, *orphans.values_list("pk", flat=True)]
