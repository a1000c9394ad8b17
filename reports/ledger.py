"""The public ledger of the organisations' figures (decision 0035): each organisation's listings posted, items
mediated inside it (with CO₂e and SEK at the platform's prices) and loans, per month, computed in its schema and
written to ``impact.OrganisationMonth`` in public, so that the platform's totals and the open data cost a constant
number of queries whatever the number of organisations.

Kept current every night (a daily job per organisation, on its clock) and on demand (``manage.py
refresh_impact_ledger``, the demo's seeding); the figures say as of when. Deals between organisations are in public
already and are read live, not copied.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django_tenants.utils import schema_context

from bookings import selectors as bookings
from catalog import selectors as catalog
from impact import services as impact_services
from tenants import selectors as organisations

from .impact import mediated_rows

NIGHTLY_AT = time(2, 40)
DEFAULT_TIME_ZONE = "Europe/Stockholm"


def _month(value) -> date:
    """The first of the month of ``value``: an aware moment (the ORM's TruncMonth), a naive one (the same from
    impact_sums' raw rows, already in local time) or a date."""
    if isinstance(value, datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return value.replace(day=1)


def months_of(*, organisation) -> list[impact_services.LedgerMonth]:
    """``organisation``'s figures per month since it began, in its schema and time zone: three queries."""
    far_past, far_future = catalog.statistics_period(year=2000)[0], catalog.statistics_period(year=9998)[1]
    zone = getattr(organisation, "time_zone", "") or DEFAULT_TIME_ZONE
    with schema_context(organisation.schema_name), timezone.override(zone):
        months: dict[date, dict] = {}

        def month(at) -> dict:
            return months.setdefault(_month(at), {"listings_posted": 0, "items_mediated": 0, "loans": 0})

        for at, posted in catalog.posted_by_month().items():
            month(at)["listings_posted"] += posted
        mediated = mediated_rows(
            bookings.items_mediated(start=far_past, end=far_future).annotate(m=TruncMonth("handed_over_at")))
        for (at,), figures in mediated.sums(group_by=("m",)).items():
            found = month(at)
            found["items_mediated"] += figures.items
            found["co2e_kg"] = found.get("co2e_kg", 0) + figures.co2e
            found["sek_saved"] = found.get("sek_saved", 0) + figures.saved
            found["corrected_items"] = found.get("corrected_items", 0) + figures.corrected_items
            found["factor_versions"] = tuple(sorted(set(found.get("factor_versions", ())) | figures.versions))
        loans = (bookings.loans_for_use_days(start=far_past, end=far_future)
                 .annotate(m=TruncMonth("handed_over_at")).values("m").annotate(n=Count("pk")).order_by())
        for loan in loans:
            month(loan["m"])["loans"] += loan["n"]
    return [impact_services.LedgerMonth(month=at, **figures) for at, figures in sorted(months.items())]


def refresh(*, organisation, now: datetime | None = None) -> int:
    """Recompute ``organisation``'s rows of the ledger and replace them (three queries and a transaction of two
    writes). Returns the number of months written."""
    months = months_of(organisation=organisation)
    return impact_services.replace_ledger(organisation_id=organisation.pk, months=months,
                                          computed_at=now or timezone.now())


def refresh_all(*, now: datetime | None = None) -> int:
    """Refresh every active organisation (on demand: the command, the demo) and drop the rows of the others
    (readers count only active organisations in any case).
    Returns the number of organisations refreshed."""
    now = now or timezone.now()
    active = list(organisations.active_organisations().only("pk", "schema_name", "time_zone"))
    for organisation in active:
        refresh(organisation=organisation, now=now)
    impact_services.keep_ledger_of(organisation_ids=[organisation.pk for organisation in active])
    return len(active)


def nightly(*, organisation, local_date: date) -> None:
    """The daily job (tenants' dispatcher, on the organisation's clock at ``NIGHTLY_AT``)."""
    refresh(organisation=organisation)
