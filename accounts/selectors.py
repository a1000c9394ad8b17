"""Reads for staff, departments and invitations in the current organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from knox.models import AuthToken

from platform_.parties import Party
from tenants import selectors as tenant_selectors
from tenants.selectors import current_organisation_id

from .models import Department, Invitation, Role, User


def department_order(*, include_inactive: bool = False) -> list[tuple[Department, int]]:
    """Every active department in the tree's order, each förvaltning followed by its enheter (by name), with its
    depth (0: a förvaltning). One query; a department whose parent is missing (or wound up, unless
    ``include_inactive``) or that sits on a cycle is left out. Wound-up departments (merged or deactivated, kept for
    the history) only with ``include_inactive``."""
    departments = Department.objects.only("id", "name", "parent_id")
    if not include_inactive:
        departments = departments.filter(is_active=True)
    departments = list(departments)
    children: dict[int | None, list[Department]] = {}
    for department in departments:
        children.setdefault(department.parent_id, []).append(department)
    result: list[tuple[Department, int]] = []
    seen: set[int] = set()

    def walk(parent_id: int | None, depth: int) -> None:
        for department in sorted(children.get(parent_id, []), key=lambda d: d.name.lower()):
            if department.pk in seen:
                continue
            seen.add(department.pk)
            result.append((department, depth))
            walk(department.pk, depth + 1)

    walk(None, 0)
    return result


def department_choices(*, include_inactive: bool = False) -> list[tuple[int, str]]:
    """Every active department as (id, label), enheter indented under their förvaltning, for a select box. Wound-up
    departments (merged or deactivated, kept for the history) only with ``include_inactive``."""
    return [(department.pk, "\u2003" * depth + department.name)
            for department, depth in department_order(include_inactive=include_inactive)]


# A department and every department under it, however deep, as a subquery (no query of its own). UNION, not UNION
# ALL: a cycle forced into the table by hand ends the walk instead of looping.
_SUBTREE = (
    "WITH RECURSIVE subtree (id) AS (SELECT id FROM {table} WHERE id = %s UNION "
    "SELECT child.id FROM {table} child JOIN subtree ON child.parent_id = subtree.id) SELECT id FROM subtree"
)


def department_subtree(*, department_id: int) -> RawSQL:
    """The ids of a department and of every department under it (a förvaltning's enheter), as an expression for
    ``department_id__in=``: filtering on a förvaltning includes its enheter, in the same query."""
    return RawSQL(_SUBTREE.format(table=Department._meta.db_table), (department_id,))


def department_ids_under(*, department_id: int) -> set[int]:
    """A department and every department under it, in one query (empty if there is no such department)."""
    return set(Department.objects.filter(pk__in=department_subtree(department_id=department_id))
               .values_list("pk", flat=True))


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


def active_ids_by_email(*, emails) -> list[int]:
    """The ids of the active people with these addresses (addresses are stored in lower case): whom an e-mail
    written to addresses reaches in this organisation, for their notifications (decision 0047)."""
    addresses = sorted({address.strip().lower() for address in emails if address})
    if not addresses:
        return []
    return list(User.objects.filter(email__in=addresses, is_active=True).order_by("pk").values_list("pk", flat=True))


def active_ids_by_uuid(*, uuids) -> dict:
    """The ids of the active people with these UUIDs, by UUID: whom a ``Party`` names in this organisation, for
    their notifications (decision 0047)."""
    uuids = sorted({value for value in uuids if value}, key=str)
    if not uuids:
        return {}
    return dict(User.objects.filter(uuid__in=uuids, is_active=True).values_list("uuid", "pk"))


# ---------------------------------------------------------------------------------------------- for the admin pages


@dataclass(frozen=True)
class TreeRow:
    department: Department
    depth: int
    people: int


def department_tree(*, active: bool = True) -> list[TreeRow]:
    """The departments in tree order (each förvaltning, then its enheter, by name), with how many active people
    each has: one query. Active ones, or (``active=False``) those wound up."""
    rows = list(
        Department.objects.filter(is_active=active)
        .annotate(people=Count("members", filter=Q(members__is_active=True)))
        .select_related("parent")
    )
    children: dict[int | None, list[Department]] = {}
    ids = {row.pk for row in rows}
    for row in rows:
        # A unit whose förvaltning is in the other list (active unit under a wound-up one cannot happen; the
        # reverse can) is shown at the top of this one.
        children.setdefault(row.parent_id if row.parent_id in ids else None, []).append(row)
    result: list[TreeRow] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for department in sorted(children.get(parent_id, []), key=lambda d: d.name.lower()):
            result.append(TreeRow(department=department, depth=depth, people=department.people))
            walk(department.pk, depth + 1)

    walk(None, 0)
    return result



def people(*, query: str = "", department_id: int | None = None, role: str = "", active: bool = True
           ) -> QuerySet[User]:
    """People of the organisation for the admin pages, by name: filtered by a text in the name or address, a
    department (a förvaltning includes its enheter) and a role."""
    queryset = User.objects.filter(is_active=active).select_related("department__parent")
    if query:
        queryset = queryset.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    if department_id:
        queryset = queryset.filter(department_id__in=department_subtree(department_id=department_id))
    if role:
        queryset = queryset.filter(role=role)
    return queryset.order_by("full_name", "email")


def person(*, uuid) -> User | None:
    """A person of the current organisation by UUID (active or not), with their department."""
    return User.objects.select_related("department__parent").filter(uuid=uuid).first()


def person_by_pk(*, pk: int) -> User | None:
    return User.objects.filter(pk=pk).first()


def person_by_email(*, email: str) -> User | None:
    """The account with this login address in the current schema, active or not."""
    return User.objects.filter(email__iexact=email.strip()).first()


def names_by_id() -> dict[int, str]:
    """Everyone of the organisation, those no longer active included, by id: their name, else their address (the
    history names who did what, decision 0042). One query."""
    return {pk: name or email for pk, name, email in User.objects.values_list("pk", "full_name", "email")}


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


def people_figures() -> tuple[int, datetime | None]:
    """(active people, the latest login of anyone) in the current organisation: one query. The console's usage."""
    from django.db.models import Max

    figures = User.objects.filter(is_active=True).aggregate(people=Count("pk"), last_login=Max("last_login"))
    return figures["people"], figures["last_login"]
