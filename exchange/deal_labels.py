"""A deal's statuses and the steps of its history in words, for the pages (exchange.deal_views, exchange.mine_views,
the deals page's filter)."""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from .models import DealStatus

# A deal's statuses and the steps its history shows (exchange.deal_services and exchange.deal_sync write them), in
# the words of a deal: "Accepted" of an invitation to a network is something else in Swedish.
STATUSES = {
    DealStatus.AWAITING_APPROVAL: pgettext_lazy("deal", "Awaiting approval"),
    DealStatus.NOT_APPROVED: pgettext_lazy("deal", "Not approved"),
    DealStatus.REQUESTED: pgettext_lazy("deal", "Requested"),
    DealStatus.ACCEPTING: pgettext_lazy("deal", "Being accepted"),
    DealStatus.ACCEPTED: pgettext_lazy("deal", "Accepted"),
    DealStatus.HANDED_OVER: pgettext_lazy("deal", "Handed over"),
    DealStatus.OUT: pgettext_lazy("deal", "Picked up"),
    DealStatus.RETURNED: pgettext_lazy("deal", "Returned"),
    DealStatus.DECLINED: pgettext_lazy("deal", "Declined"),
    DealStatus.CANCELLED: pgettext_lazy("deal", "Cancelled"),
    DealStatus.LAPSED: pgettext_lazy("deal", "Lapsed"),
}
STEPS = {
    "requested": STATUSES[DealStatus.REQUESTED],
    "approval_asked": pgettext_lazy("deal", "Manager's approval asked for"),
    "approved": pgettext_lazy("deal", "Approved by the manager"),
    "not_approved": STATUSES[DealStatus.NOT_APPROVED],
    "accepted": STATUSES[DealStatus.ACCEPTED],
    "accept_failed": pgettext_lazy("deal", "Could not be accepted"),
    "declined": STATUSES[DealStatus.DECLINED],
    "withdrawn": pgettext_lazy("deal", "Withdrawn"),
    "cancel_asked": pgettext_lazy("deal", "Cancellation asked for"),
    "handed_over": STATUSES[DealStatus.HANDED_OVER],
    "picked_up": STATUSES[DealStatus.OUT],
    "returned": STATUSES[DealStatus.RETURNED],
    "cancelled": STATUSES[DealStatus.CANCELLED],
    "lapsed": STATUSES[DealStatus.LAPSED],
}


def step_label(step: str) -> str:
    return STEPS.get(step, step)


def labelled(deals):
    """``deals`` with ``status_label``, the status in the words of a deal."""
    for deal in deals:
        deal.status_label = STATUSES.get(deal.status, deal.status)
    return deals
