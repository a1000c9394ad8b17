"""A deal's lifecycle until its booking exists, as data (platform_.lifecycle, decision 0030).

    requested ──accept──▶ accepting ──booked──▶ accepted ─▶ (the booking's steps, below)
    requested ──decline──▶ declined       requested ──withdraw──▶ cancelled
    accepting ──undo──▶ requested         (the owner's booking was refused: nothing left, dates taken)

When the asking organisation's rule asks a department manager to approve first (decision 0048), the deal starts one
state earlier, in the asking organisation only — the owner is not asked, sees nothing and holds nothing yet:

    awaiting_approval ──approve──▶ requested      awaiting_approval ──refuse──▶ not_approved
    awaiting_approval ──withdraw──▶ cancelled     (the person who asked takes it back while waiting)

Once accepted, the deal is carried out by a booking in the owner's schema, with the booking lifecycle of an internal
reservation or loan (bookings.lifecycle): handed over; picked up and returned; cancelled; lapsed. The deal follows
its booking (exchange.deal_sync.FOLLOWS): one lifecycle where the steps are the same.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from platform_.lifecycle import Lifecycle
from platform_.lifecycle import transition as _t

from .models import DealStatus

_D = DealStatus
DEAL = Lifecycle(
    "deal",
    DealStatus,
    [
        _t("approve", {_D.AWAITING_APPROVAL}, _D.REQUESTED, _("This request has already been answered.")),
        _t("refuse", {_D.AWAITING_APPROVAL}, _D.NOT_APPROVED, _("This request has already been answered.")),
        _t("accept", {_D.REQUESTED}, _D.ACCEPTING, _("This request has already been answered.")),
        _t("booked", {_D.ACCEPTING}, _D.ACCEPTED, _("This request is not being accepted.")),
        _t("undo", {_D.ACCEPTING}, _D.REQUESTED, _("This request is not being accepted.")),
        _t("decline", {_D.REQUESTED}, _D.DECLINED, _("This request has already been answered.")),
        _t("withdraw", {_D.AWAITING_APPROVAL, _D.REQUESTED}, _D.CANCELLED,
           _("This request has already been answered.")),
    ],
)

# Booking status → deal status, once the booking exists (bookings.lifecycle.BookingStatus values).
FOLLOWS = {
    "reserved": _D.ACCEPTED,
    "handed_over": _D.HANDED_OVER,
    "out": _D.OUT,
    "returned": _D.RETURNED,
    "cancelled": _D.CANCELLED,
    "lapsed": _D.LAPSED,
}
OPEN = (_D.AWAITING_APPROVAL, _D.REQUESTED, _D.ACCEPTING, _D.ACCEPTED, _D.OUT)
CLOSED = (_D.HANDED_OVER, _D.RETURNED, _D.DECLINED, _D.CANCELLED, _D.LAPSED, _D.NOT_APPROVED)
# What counts as having changed hands between the organisations (statistics): handed over, or a loan picked up.
CHANGED_HANDS = (_D.HANDED_OVER, _D.OUT, _D.RETURNED)
