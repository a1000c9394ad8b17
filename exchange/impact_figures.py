"""The impact of deals between organisations (decision 0032): the deals' rows handed to impact, which annotates CO₂e
avoided and SEK saved by SQL. Only give-away and sale deals avoid a purchase; loans and rentals are use, not
avoided purchases. A deal's CO₂e is credited to the receiving organisation (the requester); the giving one
(the owner) has "contributed" it. Figures across organisations use the platform's reference prices; an
organisation's own price overrides count only on its own statistics page (received deals)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.db.models.functions import ExtractMonth

from impact import selectors as impact

from .deal_selectors import changed_hands_between

AVOIDS_A_PURCHASE = ("give_away", "sell")


def _rows(deals: QuerySet, *, own_prices: bool = False) -> impact.Rows:
    return impact.Rows(deals.filter(offer_type__in=AVOIDS_A_PURCHASE), category_key="category_key",
                       at="handed_over_at", quantity="quantity", price_paid="unit_price", own_prices=own_prices)


def deals_received_impact(*, organisation_id: int, start: datetime, end: datetime) -> impact.Rows:
    """Deals whose items ``organisation_id`` received in [start, end), for impact (its own prices apply: call on its
    host), with ``receiving_department_id`` and ``handed_over_at`` to group by."""
    return _rows(changed_hands_between(start=start, end=end).filter(requester_id=organisation_id), own_prices=True)


def deals_given_impact(*, organisation_id: int, start: datetime, end: datetime) -> impact.Rows:
    """Deals whose items ``organisation_id`` gave in [start, end), at the platform's prices: what it contributed
    to other organisations' figures."""
    return _rows(changed_hands_between(start=start, end=end).filter(owner_id=organisation_id))


def network_impact(*, members: list[int], start: datetime, end: datetime) -> impact.Impact:
    """CO₂e avoided and SEK saved by the deals between the ``members`` in [start, end), one query."""
    sums = _rows(changed_hands_between(start=start, end=end, network_members=members)).sums()
    return sums.get((), impact.Impact())


def network_impact_by_month(*, members: list[int], start: datetime, end: datetime) -> dict[int, impact.Impact]:
    """CO₂e avoided and SEK saved by the deals between the ``members`` in [start, end), per month (1–12, in the
    current time zone; months without any are absent), one query. Their sum is :func:`network_impact`."""
    deals = changed_hands_between(start=start, end=end, network_members=members).annotate(
        m=ExtractMonth("handed_over_at"))
    return {month: figures for (month,), figures in _rows(deals).sums(group_by=("m",)).items()}


def platform_deals_impact(*, start: datetime | None = None, end: datetime | None = None) -> impact.Impact:
    """CO₂e avoided and SEK saved by every deal between organisations on the platform, one query."""
    from datetime import UTC

    start = start or datetime(2000, 1, 1, tzinfo=UTC)
    end = end or datetime(9999, 1, 1, tzinfo=UTC)
    return _rows(changed_hands_between(start=start, end=end)).sums().get((), impact.Impact())


def platform_deals_impact_by_receiver() -> dict[tuple[int, int], impact.Impact]:
    """CO₂e avoided and SEK saved by every give-away and sale deal between organisations, at the platform's prices,
    per receiving organisation and year (in the current time zone), one query: for the open data."""
    from datetime import UTC

    from django.db.models.functions import ExtractYear

    deals = changed_hands_between(start=datetime(2000, 1, 1, tzinfo=UTC), end=datetime(9999, 1, 1, tzinfo=UTC))
    return _rows(deals.annotate(y=ExtractYear("handed_over_at"))).sums(group_by=("requester_id", "y"))
