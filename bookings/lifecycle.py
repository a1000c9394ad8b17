"""The lifecycles of bookings, as data (platform_.lifecycle, decisions 0012 and 0023).

A booking is a claim on a quantity of a listing over a time range. Two kinds, two machines over one set of states:

    reservation (give away, sell; open-ended from the moment it is made):
        reserved ──hand_over──▶ handed_over            (counts as mediated)
        reserved ──cancel──▶ cancelled    reserved ──lapse──▶ lapsed

    loan (lend, rent out; from a pick-up to a return):
        reserved ──pick_up──▶ out ──return──▶ returned (counts as a loan)
        reserved ──cancel──▶ cancelled    reserved ──lapse──▶ lapsed
        an extension is asked for and answered while reserved or out

A booking by one of the organisation's own people may first wait for a department manager's approval, when the
organisation's rule asks for it (decision 0045). Both machines then start one state earlier:

        awaiting_approval ──approve──▶ reserved        awaiting_approval ──refuse──▶ not_approved
        awaiting_approval ──cancel──▶ cancelled        (the requester withdraws)

A booking awaiting approval holds what it asks for (it is in HOLDING), so that approving it never finds the item gone.

``lapse`` is the step that lets a reservation not handed over within the organisation's limit go, taken by a daily
job (bookings.services.lapse_reservations, decision 0026): one more transition, not a status check of its own. It is
declared for loans not picked up as well; nothing takes it yet.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_.lifecycle import Lifecycle, TransitionNotAllowed
from platform_.lifecycle import transition as _t

__all__ = ["HOLDING", "LOAN", "MACHINES", "RESERVATION", "BookingKind", "BookingStatus", "TransitionNotAllowed"]


class BookingKind(models.TextChoices):
    RESERVATION = "reservation", _("Reservation")
    LOAN = "loan", _("Loan")


class BookingStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    NOT_APPROVED = "not_approved", _("Not approved")
    RESERVED = "reserved", _("Reserved")
    HANDED_OVER = "handed_over", _("Handed over")
    OUT = "out", _("Picked up")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")
    LAPSED = "lapsed", _("Lapsed")


# The states in which a booking holds its quantity over its period: availability counts these, and only these.
HOLDING = (BookingStatus.RESERVED, BookingStatus.HANDED_OVER, BookingStatus.OUT, BookingStatus.AWAITING_APPROVAL)

_B = BookingStatus


def _approval() -> list:
    return [
        _t("approve", {_B.AWAITING_APPROVAL}, _B.RESERVED, _("Only a booking awaiting approval can be approved.")),
        _t("refuse", {_B.AWAITING_APPROVAL}, _B.NOT_APPROVED, _("Only a booking awaiting approval can be refused.")),
    ]


RESERVATION = Lifecycle(
    "reservation",
    BookingStatus,
    [
        _t("hand_over", {_B.RESERVED}, _B.HANDED_OVER, _("Only an active reservation can be handed over.")),
        _t("cancel", {_B.RESERVED, _B.AWAITING_APPROVAL}, _B.CANCELLED,
           _("Only an active reservation can be cancelled.")),
        _t("lapse", {_B.RESERVED}, _B.LAPSED, _("Only an active reservation can lapse.")),
        *_approval(),
    ],
)

LOAN = Lifecycle(
    "loan",
    BookingStatus,
    [
        _t("pick_up", {_B.RESERVED}, _B.OUT, _("Only a booked loan that has not been picked up can be picked up.")),
        _t("return", {_B.OUT}, _B.RETURNED, _("Only a loan that has been picked up can be returned.")),
        _t("cancel", {_B.RESERVED, _B.AWAITING_APPROVAL}, _B.CANCELLED,
           _("A loan can be cancelled only before it is picked up.")),
        _t("extend", {_B.RESERVED, _B.OUT}, None, _("Only a loan that is booked or out can be extended.")),
        _t("lapse", {_B.RESERVED}, _B.LAPSED, _("Only a loan that has not been picked up can lapse.")),
        *_approval(),
    ],
)

MACHINES = {BookingKind.RESERVATION: RESERVATION, BookingKind.LOAN: LOAN}
