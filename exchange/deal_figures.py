"""Figures of the deals between organisations (public schema), for statistics: what an organisation received from
other organisations, and what changed hands between the members of a network (who gave how much to whom).

A deal counts once its items changed hands (deal_lifecycle.CHANGED_HANDS: handed over, or a loan picked up, then
returned or not), in the month of its handover (``handed_over_at``, the owner's booking's), in the current time
zone. Declined, withdrawn, cancelled and lapsed deals never count. Each function is one query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth

from .deal_selectors import changed_hands_between

# The offer types of catalog's listings (catalog.models.OfferType values), in the order the figures show them.
OFFER_TYPES = ("give_away", "sell", "lend", "rent")


@dataclass(frozen=True)
class Received:
    """Items an organisation received from other organisations, by month (1–12) and by its receiving department
    (that organisation's department id, as asked; None when the asker had none)."""

    by_month: dict[int, int]
    by_department: dict[int | None, int]

    @property
    def items(self) -> int:
        return sum(self.by_month.values())


def received_by(*, organisation_id: int, start: datetime, end: datetime) -> Received:
    """What ``organisation_id``'s people received from other organisations' offers in [start, end)."""
    rows = (
        changed_hands_between(start=start, end=end).filter(requester_id=organisation_id)
        .annotate(m=ExtractMonth("handed_over_at")).values("m", "receiving_department_id")
        .annotate(items=Sum("quantity")).order_by()
    )
    by_month: dict[int, int] = {}
    by_department: dict[int | None, int] = {}
    for row in rows:
        by_month[row["m"]] = by_month.get(row["m"], 0) + row["items"]
        department = row["receiving_department_id"]
        by_department[department] = by_department.get(department, 0) + row["items"]
    return Received(by_month, by_department)


@dataclass(frozen=True)
class Flow:
    """What one member organisation gave another (every kind of offer) in the period."""

    giver: str
    receiver: str
    items: int
    deals: int


@dataclass(frozen=True)
class OfferTypeTotal:
    offer_type: str  # catalog's OfferType value
    items: int
    deals: int


@dataclass(frozen=True)
class NetworkFigures:
    items: int
    deals: int
    by_offer_type: list[OfferTypeTotal]  # every type, in OFFER_TYPES order (zero where none)
    flows: list[Flow]  # most items first
    items_by_month: dict[int, int] = field(default_factory=dict)  # month (1–12) → items, every kind


def network_figures(*, members: dict[int, str], start: datetime, end: datetime) -> NetworkFigures:
    """What changed hands in [start, end) between the organisations ``members`` (id → name, as shown), in one query:
    totals per offer type, and the flows from giving to receiving organisation."""
    rows = list(
        changed_hands_between(start=start, end=end, network_members=list(members))
        .annotate(m=ExtractMonth("handed_over_at")).values("owner_id", "requester_id", "offer_type", "m")
        .annotate(items=Sum("quantity"), deals=Count("pk")).order_by()
    )
    by_month: dict[int, int] = {}
    by_type = {offer_type: [0, 0] for offer_type in OFFER_TYPES}
    by_pair: dict[tuple[int, int], list[int]] = {}
    for row in rows:
        by_month[row["m"]] = by_month.get(row["m"], 0) + row["items"]
        for totals in (by_type.setdefault(row["offer_type"], [0, 0]),
                       by_pair.setdefault((row["owner_id"], row["requester_id"]), [0, 0])):
            totals[0] += row["items"]
            totals[1] += row["deals"]
    flows = [
        Flow(giver=members[owner], receiver=members[requester], items=items, deals=deals)
        for (owner, requester), (items, deals) in by_pair.items()
    ]
    flows.sort(key=lambda flow: (-flow.items, -flow.deals, flow.giver, flow.receiver))
    return NetworkFigures(
        items=sum(items for items, _ in by_type.values()),
        deals=sum(deals for _, deals in by_type.values()),
        by_offer_type=[OfferTypeTotal(offer_type, items, deals) for offer_type, (items, deals) in by_type.items()],
        flows=flows,
        items_by_month=by_month,
    )
