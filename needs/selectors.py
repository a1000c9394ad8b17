"""Reads of needs (decision 0033): who sees which, the matches for a need in the organisation and its networks at
once, what a need may be closed with, and the compliance report per department and period.

Every function issues a fixed number of queries whatever the amount of data (tests/test_needs.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from accounts import selectors as people
from accounts.roles import Role
from bookings import selectors as bookings
from catalog import selectors as catalog
from exchange import selectors as exchange
from impact import selectors as impact

from .models import Need, NeedStatus, SearchEvidence

MATCHES_SHOWN = 6  # cards per scope on a need's page
EVIDENCE_KEPT = 3  # first matches per scope kept in the evidence
OWN, NETWORKS = "hos_oss", "natverk"  # the scopes searched, as the evidence names them
RUNS_THE_SERVICE = (Role.OPERATOR, Role.ORG_ADMIN)
# A reservation or deal that did not happen cannot have met a need.
NOT_HAPPENED_BOOKINGS = ("cancelled", "lapsed", "not_approved")  # a manager refused it (decision 0045)
NOT_HAPPENED_DEALS = ("declined", "cancelled", "lapsed", "not_approved")  # refused by a manager (0048)


# ------------------------------------------------------------------------------------------ who sees what


def sees_whole_organisation(user) -> bool:
    return user.is_authenticated and user.is_active and user.role in RUNS_THE_SERVICE


def managed_department_ids(user) -> set[int] | None:
    """The departments whose needs ``user`` sees besides their own: None for all (organisation admins and
    operators); a department manager's department and the departments under it; nobody else's (an empty set)."""
    if sees_whole_organisation(user):
        return None
    if user.role != Role.DEPARTMENT_MANAGER or user.department_id is None:
        return set()
    under = people.departments().filter(parent_id=user.department_id).values_list("pk", flat=True)
    return {user.department_id, *under}


def can_see_need(user, need: Need, managed: set[int] | None = None) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if need.person_id == user.pk:
        return True
    managed = managed_department_ids(user) if managed is None else managed
    return managed is None or (bool(managed) and need.department_id in managed)


def can_close_need(user, need: Need) -> bool:
    """The person who registered the need closes it; organisation admins and operators may close it for them."""
    return user.is_authenticated and user.is_active and (need.person_id == user.pk or sees_whole_organisation(user))


def can_read_report(user) -> bool:
    """Organisation admins and operators read the whole organisation's report, department managers their own."""
    managed = managed_department_ids(user)
    return managed is None or bool(managed)


def _needs() -> QuerySet[Need]:
    return Need.objects.select_related("department__parent", "category", "person", "closed_by")


def my_needs(*, user) -> QuerySet[Need]:
    """``user``'s own needs, open ones first, newest first."""
    open_first = Case(When(status=NeedStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    return _needs().filter(person=user).order_by(open_first, "-created_at", "-pk")


def need_for(*, uuid, user) -> Need | None:
    """The need if ``user`` may see it (their own, their departments' as a manager, all as admin); else None."""
    need = _needs().filter(uuid=uuid).first()
    return need if need is not None and can_see_need(user, need) else None


def need_by_uuid(*, uuid) -> Need | None:
    return Need.objects.filter(uuid=uuid).first()


def evidence_of(*, need: Need) -> list[SearchEvidence]:
    return list(need.evidence.order_by("at", "pk"))


def needs_of(*, person) -> QuerySet[Need]:
    """Every need of one person (the demo finds its own again)."""
    return Need.objects.filter(person=person)


# --------------------------------------------------------------------------------------------- matches


@dataclass
class Matches:
    query: str
    category_key: str
    own_count: int
    own: list
    network_count: int
    network: list
    corrected_query: str = ""

    @property
    def scopes(self) -> list[str]:
        return [OWN, NETWORKS]

    def top(self, shown: int = EVIDENCE_KEPT) -> list[dict]:
        """The first matches of each scope as the evidence keeps them: scope, title, organisation."""
        return [{"scope": OWN, "title": listing.title, "organisation": ""} for listing in self.own[:shown]] + [
            {"scope": NETWORKS, "title": offer.title, "organisation": offer.organisation.name}
            for offer in self.network[:shown]
        ]


def _labelled(offers: list) -> list:
    labels = catalog.offer_labels()
    for offer in offers:
        offer.condition_label = labels["condition"].get(offer.condition, offer.condition)
        offer.offer_type_label = labels["offer_type"].get(offer.offer_type, offer.offer_type)
        offer.rent_period_label = labels["rent_period"].get(offer.rent_period, offer.rent_period)
    return offers


def matches(*, what: str, category, organisation_id: int, shown: int = MATCHES_SHOWN) -> Matches:
    """What the organisation's own listings ("Hos oss") and its networks' offers ("I våra nätverk") hold for a need:
    the same Swedish search as the search pages, with the words of ``what`` and, if given, the category (in the
    networks: its platform key and the keys under it). Counted and the first ``shown`` loaded: a fixed number of
    queries."""
    own = catalog.search_listings(query=what, category=category)
    network = exchange.search_offers(
        organisation_id=organisation_id, scope=exchange.search.Scope.NETWORKS, query=what,
        category_keys=catalog.platform_keys_under(category=category) if category is not None else None,
    )
    return Matches(
        query=what, category_key=getattr(category, "platform_key", "") or "",
        own_count=own.count(), own=list(own[:shown]),
        network_count=network.count(), network=_labelled(list(network[:shown])),
        corrected_query=getattr(own, "corrected_query", "") or getattr(network, "corrected_query", ""),
    )


def matches_for(*, need: Need, organisation_id: int, shown: int = MATCHES_SHOWN) -> Matches:
    return matches(what=need.what, category=need.category, organisation_id=organisation_id, shown=shown)


# ------------------------------------------------------------------------------- what closes a need as reused


def reservations_of(*, person) -> QuerySet:
    """The person's reservations, loans and rentals here that happened or may still happen, newest first: what
    may close a need as reused."""
    return bookings.my_bookings(user=person).exclude(status__in=NOT_HAPPENED_BOOKINGS)


def deals_of(*, person, organisation_id: int) -> QuerySet:
    """The person's requests to other organisations that were not declined, cancelled or lapsed, newest first."""
    return exchange.outgoing_deals(organisation_id=organisation_id, person=person.uuid).exclude(
        status__in=NOT_HAPPENED_DEALS)


def linked_reservation(*, need: Need):
    return bookings.booking_by_uuid(uuid=need.booking) if need.booking else None


def linked_deal(*, need: Need, organisation_id: int):
    if not need.deal:
        return None
    return exchange.outgoing_deals(organisation_id=organisation_id).filter(uuid=need.deal).first()


# ------------------------------------------------------------------------------------- the compliance report


def period_bounds(*, start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after ``end`` 00:00) in the organisation's time zone."""
    zone = timezone.get_current_timezone()
    return (datetime.combine(start, time.min, tzinfo=zone),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone))


def default_period() -> tuple[date, date]:
    """From the first of January to today."""
    today = timezone.localdate()
    return date(today.year, 1, 1), today


@dataclass
class Outcomes:
    """How the needs of a department (or all of them) were met, and what the reused ones saved."""

    department: str = ""
    administration: str = ""
    open: int = 0
    reused: int = 0
    bought_used: int = 0
    bought_new: int = 0
    impact: impact.Impact = field(default_factory=impact.Impact)

    @property
    def needs(self) -> int:
        return self.open + self.closed

    @property
    def closed(self) -> int:
        return self.reused + self.bought_used + self.bought_new

    @property
    def share_reused(self) -> int | None:
        """Reused as a whole percentage of the closed needs (None without any closed need)."""
        if not self.closed:
            return None
        return int((Decimal(self.reused * 100) / self.closed).quantize(Decimal("1")))

    def add(self, other: Outcomes) -> None:
        self.open += other.open
        self.reused += other.reused
        self.bought_used += other.bought_used
        self.bought_new += other.bought_new
        self.impact.add(other.impact)


@dataclass
class ComplianceReport:
    start: date
    end: date
    departments: list[Outcomes]
    total: Outcomes
    purchases: list[Need]

    @property
    def versions(self) -> list[int]:
        return self.total.impact.version_list


def reused_impact(needs: QuerySet[Need]) -> impact.Rows:
    """Reused needs annotated with impact's CO₂e and SEK (decision 0033): the need's platform category × the
    quantity the reuse met, at the factor version in force when it was closed, less the price paid per item (a
    sale's). A loan or rental meets a need without avoiding a purchase: it counts zero, as in decision 0032."""
    return impact.Rows(
        needs.filter(status=NeedStatus.REUSED).annotate(_avoided=Case(
            When(avoids_purchase=True, then=F("reused_quantity")), default=Value(0), output_field=IntegerField())),
        category_key="category_key", at="closed_at", quantity="_avoided", price_paid="paid_per_item",
        own_prices=True,
    )


def compliance_report(*, start: date, end: date, department_ids: set[int] | None) -> ComplianceReport:
    """Needs registered in [start, end] (whole days, the organisation's clock), per department (of
    ``department_ids``; None: every department): how many are open, reused, bought used and bought new, the share
    reused of those closed, the CO₂e and SEK the reused ones saved, and the new purchases with their reasons.
    Four queries, whatever the data."""
    low, high = period_bounds(start=start, end=end)
    needs = Need.objects.filter(created_at__gte=low, created_at__lt=high)
    if department_ids is not None:
        needs = needs.filter(department_id__in=list(department_ids))
    rows: dict[int, Outcomes] = {}
    # 1. Outcomes per department (one query).
    counted = needs.values("department").annotate(
        n_open=Count("pk", filter=Q(status=NeedStatus.OPEN)),
        n_reused=Count("pk", filter=Q(status=NeedStatus.REUSED)),
        n_used=Count("pk", filter=Q(status=NeedStatus.BOUGHT_USED)),
        n_new=Count("pk", filter=Q(status=NeedStatus.BOUGHT_NEW)),
    ).order_by()
    for row in counted:
        rows[row["department"]] = Outcomes(open=row["n_open"], reused=row["n_reused"], bought_used=row["n_used"],
                                           bought_new=row["n_new"])
    # 2. CO₂e and SEK saved by the reused ones, per department (one query).
    for (department,), figures in reused_impact(needs).sums(group_by=("department",)).items():
        rows.setdefault(department, Outcomes()).impact.add(figures)
    # 3. The departments' names (one query).
    for department in people.departments().filter(pk__in=list(rows)):
        rows[department.pk].department = department.name
        rows[department.pk].administration = department.parent.name if department.parent_id else ""
    departments = sorted(rows.values(), key=lambda row: (row.administration, row.department))
    total = Outcomes()
    for row in departments:
        total.add(row)
    # 4. The new purchases with their reasons (one query).
    purchases = list(needs.filter(status=NeedStatus.BOUGHT_NEW).select_related("department__parent", "person")
                     .order_by("closed_at", "pk"))
    return ComplianceReport(start=start, end=end, departments=departments, total=total, purchases=purchases)


def report_departments(*, user) -> list[tuple[int, str]]:
    """The departments ``user`` may choose in the report, as (id, label)."""
    choices = people.department_choices()
    managed = managed_department_ids(user)
    return choices if managed is None else [(pk, label) for pk, label in choices if pk in managed]


def departments_under(*, department_id: int) -> set[int]:
    """A department and every department under it (förvaltning → enhet), one query (decision 0038)."""
    return {department_id, *people.department_ids_under(department_id=department_id)}

