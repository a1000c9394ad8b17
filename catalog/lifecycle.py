"""The lifecycle of listings, written once as data (decision 0012).

The generic machine is ``platform_.lifecycle``; the rules of reservations and loans are ``bookings.lifecycle``.
Services ask ``LISTING`` before they change a listing's status, and pages ask it which buttons to show.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_.lifecycle import Lifecycle, Transition, TransitionNotAllowed
from platform_.lifecycle import transition as _t

__all__ = ["LISTING", "Lifecycle", "ListingStatus", "Transition", "TransitionNotAllowed"]


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # Registered into storage (lager) at a place, with a label, not yet offered: seen only by those who manage it,
    # published later (decision 0043).
    STORED = "stored", _("In storage")
    PUBLISHED = "published", _("Published")
    RESERVED = "reserved", _("Reserved")
    HANDED_OVER = "handed_over", _("Handed over")
    WITHDRAWN = "withdrawn", _("Withdrawn")


_S = ListingStatus
LISTING = Lifecycle(
    "listing",
    ListingStatus,
    [
        _t("publish", {_S.DRAFT, _S.STORED, _S.WITHDRAWN}, _S.PUBLISHED,
           _("Only a draft, a stored or a withdrawn listing can be published.")),
        _t("store", {_S.DRAFT}, _S.STORED, _("Only a draft can be registered into storage.")),
        _t("edit", {_S.DRAFT, _S.STORED, _S.PUBLISHED, _S.RESERVED, _S.WITHDRAWN}, None,
           _("A listing that has been handed over can no longer be changed.")),
        # Reserving takes part of the quantity; the listing itself is reserved once nothing is left.
        _t("reserve", {_S.PUBLISHED}, None, _("This listing is not open for reservations.")),
        _t("fully_reserve", {_S.PUBLISHED}, _S.RESERVED, _("This listing is not open for reservations.")),
        # A cancelled reservation gives its quantity back.
        _t("reopen", {_S.RESERVED, _S.PUBLISHED}, _S.PUBLISHED, _("This listing cannot be reopened.")),
        _t("hand_over_all", {_S.RESERVED}, _S.HANDED_OVER,
           _("Everything must be reserved before it is all handed over.")),
        _t("withdraw", {_S.DRAFT, _S.STORED, _S.PUBLISHED, _S.RESERVED}, _S.WITHDRAWN,
           _("A listing that has been handed over or withdrawn cannot be withdrawn.")),
    ],
)
