"""CO₂e avoided and SEK saved of one organisation (decision 0032), composed here because reports sits above the
apps that know what changed hands: bookings' handovers inside the organisation and the exchange's deals, each
annotated by impact's SQL. Counting rules (the methodology page /metod/ states them):

- a reservation handed over inside the organisation, or a give-away or sale deal received from another
  organisation, avoids one new purchase per item: its CO₂e and SEK count for the receiving organisation (and, per
  department, for the receiving department); the giving department has *contributed* it;
- items this organisation gave other organisations are its contribution to their figures, shown apart, never
  added to its own;
- a loan or rental is use, reported as item-days, never as avoided purchases;
- each figure uses the factor version in force when the item changed hands, and names it.

Five queries, whatever the amount of data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models.functions import ExtractMonth

from accounts import selectors as people
from bookings import selectors as bookings
from catalog import selectors as catalog
from exchange import selectors as exchange
from impact import selectors as impact


@dataclass
class DepartmentImpact:
    department: str
    administration: str
    avoided: impact.Impact = field(default_factory=impact.Impact)
    contributed: impact.Impact = field(default_factory=impact.Impact)


@dataclass
class MonthImpact:
    month: date
    inside: impact.Impact = field(default_factory=impact.Impact)
    received: impact.Impact = field(default_factory=impact.Impact)

    @property
    def avoided(self) -> impact.Impact:
        total = impact.Impact()
        total.add(self.inside)
        total.add(self.received)
        return total


@dataclass
class OrganisationImpact:
    year: int
    avoided: impact.Impact
    given_to_others: impact.Impact
    use_days: int
    months: list[MonthImpact]
    departments: list[DepartmentImpact]

    @property
    def versions(self) -> list[int]:
        return sorted(self.avoided.versions | self.given_to_others.versions)


def mediated_rows(queryset, *, own_prices: bool = False) -> impact.Rows:
    """Handovers inside the organisation (``bookings.selectors.items_mediated``) as impact reads them; its own
    prices only on its own figures."""
    return impact.Rows(queryset, category_key="platform_key", at="handed_over_at", quantity="quantity",
                       price_paid="paid_per_item", listing_uuid="listing_uuid", own_prices=own_prices)


def organisation_impact(*, organisation_id: int, year: int) -> OrganisationImpact:
    start, end = catalog.statistics_period(year=year)
    months = {m: MonthImpact(month=date(year, m, 1)) for m in range(1, 13)}
    by_department: dict[int, DepartmentImpact] = {}

    def department(pk: int) -> DepartmentImpact:
        return by_department.setdefault(pk, DepartmentImpact("", ""))

    # 1. Inside the organisation: per month, receiving and giving department (one query).
    inside = mediated_rows(bookings.items_mediated(start=start, end=end).annotate(m=ExtractMonth("handed_over_at")),
                           own_prices=True)
    for (m, receiving, giving), figures in inside.sums(
            group_by=("m", "receiving_department", "giving_department")).items():
        months[m].inside.add(figures)
        if receiving is not None:
            department(receiving).avoided.add(figures)
        if giving is not None:
            department(giving).contributed.add(figures)
    # 2. Received from other organisations: per month and receiving department (one query).
    received = exchange.deals_received_impact(organisation_id=organisation_id, start=start, end=end)
    for (m, receiving), figures in received.annotate(m=ExtractMonth("handed_over_at")).sums(
            group_by=("m", "receiving_department_id")).items():
        months[m].received.add(figures)
        if receiving is not None:
            department(receiving).avoided.add(figures)
    # 3. Given to other organisations: their figures, our contribution (one query).
    given = exchange.deals_given_impact(organisation_id=organisation_id, start=start, end=end).sums().get(
        (), impact.Impact())
    # 4. Loans and rentals: item-days of use (one query).
    days = impact.use_days(bookings.loans_for_use_days(start=start, end=end), start="use_from", end="use_until",
                           quantity="quantity")
    # 5. The departments' names (one query).
    departments = []
    for row in people.departments().filter(pk__in=list(by_department)):
        figures = by_department[row.pk]
        figures.department, figures.administration = row.name, row.parent.name if row.parent_id else ""
        departments.append(figures)
    departments.sort(key=lambda d: (-d.avoided.co2e, -d.contributed.co2e, d.administration, d.department))
    avoided = impact.Impact()
    for month in months.values():
        avoided.add(month.avoided)
    return OrganisationImpact(year=year, avoided=avoided, given_to_others=given, use_days=days,
                              months=list(months.values()), departments=departments)


# ------------------------------------------------------------------------------------ the whole platform


@dataclass(frozen=True)
class PlatformImpact:
    inside: impact.Impact  # inside each organisation (the public ledger, as of ``as_of``)
    between: impact.Impact  # deals between organisations (read live)
    as_of: datetime | None = None  # the oldest ledger row's refresh; None before the first

    @property
    def total(self) -> impact.Impact:
        total = impact.Impact()
        total.add(self.inside)
        total.add(self.between)
        return total


PLATFORM_CACHE_KEY = "impact:platform-totals"
PLATFORM_CACHE_SECONDS = 600


def platform_impact(*, cached: bool = True) -> PlatformImpact:
    """CO₂e avoided and SEK saved on the whole platform since it began, at the platform's reference prices (never
    an organisation's own): what changed hands inside the organisations from the public ledger (decision 0035,
    refreshed every night and on demand), the deals between them live — two queries, whatever the number of
    organisations. Kept in the cache for ten minutes: the public home page reads it."""
    from django.core.cache import cache

    from tenants import selectors as organisations

    if cached:
        found = cache.get(PLATFORM_CACHE_KEY)
        if found is not None:
            return found
    ledger = impact.ledger_totals(organisation_ids=organisations.active_organisations().values("pk"))
    result = PlatformImpact(inside=ledger.impact if ledger else impact.Impact(),
                            between=exchange.platform_deals_impact(),
                            as_of=ledger.computed_at if ledger else None)
    if cached:
        cache.set(PLATFORM_CACHE_KEY, result, PLATFORM_CACHE_SECONDS)
    return result


# ------------------------------------------------------------------------------ open data (decision 0034)

OPEN_DATA_CACHE_KEY = "impact:open-data"
OPEN_DATA_CACHE_SECONDS = 3600


def open_data(*, cached: bool = True) -> dict:
    """Aggregates per organisation and year, no personal data: listings posted, items mediated inside it, loans
    and rentals, items received from other organisations, kg CO₂e avoided and SEK saved (at the platform's prices,
    credited to the receiver), and the factor versions used. Three queries whatever the number of organisations:
    the active organisations, the public ledger (what happened inside each, as of its last refresh: ``as_of``;
    decision 0035) and the deals between them (live). Kept in the cache for an hour."""
    from django.core.cache import cache

    from tenants import selectors as organisations

    if cached:
        found = cache.get(OPEN_DATA_CACHE_KEY)
        if found is not None:
            return found
    rows: dict[tuple[int, int], dict] = {}

    def row(organisation, year: int) -> dict:
        return rows.setdefault((organisation.pk, year), {
            "organisation": organisation.name, "organisation_number": organisation.organisation_number,
            "slug": organisation.slug, "year": year, "listings_posted": 0, "items_mediated": 0, "loans": 0,
            "items_received_from_other_organisations": 0, "_impact": impact.Impact(),
        })

    active = organisations.active_organisations().only("pk", "name", "slug", "organisation_number")
    by_id = {organisation.pk: organisation for organisation in active}
    as_of = None
    for (organisation_id, year), figures in impact.ledger_by_organisation_year(
            organisation_ids=list(by_id)).items():
        found = row(by_id[organisation_id], year)
        found["listings_posted"], found["items_mediated"], found["loans"] = (
            figures.listings_posted, figures.items_mediated, figures.loans)
        found["_impact"].add(figures.impact)
        as_of = figures.computed_at if as_of is None else min(as_of, figures.computed_at)
    for (requester, year), figures in exchange.platform_deals_impact_by_receiver().items():
        if requester in by_id:
            found = row(by_id[requester], year)
            found["items_received_from_other_organisations"] += figures.items
            found["_impact"].add(figures)
    result = {"as_of": as_of.isoformat() if as_of else None,
              "organisations": [_open_row(found) for _key, found in sorted(
                  rows.items(), key=lambda item: (item[1]["organisation"], item[1]["year"]))]}
    if cached:
        cache.set(OPEN_DATA_CACHE_KEY, result, OPEN_DATA_CACHE_SECONDS)
    return result


def _open_row(found: dict) -> dict:
    figures = found.pop("_impact")
    return {**found, "co2e_kg": float(round(figures.co2e, 1)), "sek_saved": float(round(figures.saved, 0)),
            "factor_versions": figures.version_list}
