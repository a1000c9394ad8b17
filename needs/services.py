"""Writes of needs (decision 0033): register one (its search evidence recorded at once), close it once as reused,
bought used or bought new. Keyword-only arguments, one transaction each; refusals are ``NeedError``s."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from tenants.selectors import current_organisation_id

from . import selectors
from .errors import NeedError
from .models import EvidenceMoment, Need, NeedStatus, NewPurchaseReason, SearchEvidence

QUANTITY_MAX = 10_000
BUDGET_MAX = Decimal("100000000")
AVOIDS_A_PURCHASE = ("give_away", "sell")  # offer types whose handover avoids a new purchase (decision 0032)


@dataclass(frozen=True)
class NeedDetails:
    what: str
    quantity: int
    needed_by: date
    department: object  # accounts' Department
    category: object | None = None  # catalog's Category
    budget: Decimal | None = None
    description: str = ""


def _check(details: NeedDetails, *, today: date) -> None:
    if not details.what.strip():
        raise NeedError("what_required", _("Say what you need."), field="what")
    if not 1 <= details.quantity <= QUANTITY_MAX:
        raise NeedError("quantity_out_of_range", _("The quantity must be between 1 and 10,000."), field="quantity")
    if details.needed_by < today:
        raise NeedError("needed_by_past", _("The date has passed: say by when you need it, today or later."),
                        field="needed_by")
    if details.budget is not None and not Decimal("0") <= details.budget <= BUDGET_MAX:
        raise NeedError("budget_out_of_range", _("The budget must be between 0 and 100,000,000 SEK."),
                        field="budget")
    if details.department is None:
        raise NeedError("department_required", _("Choose the department the need is for."), field="department")


def _record_evidence(need: Need, *, moment: str, organisation_id: int) -> SearchEvidence:
    found = selectors.matches_for(need=need, organisation_id=organisation_id, shown=selectors.EVIDENCE_KEPT)
    return SearchEvidence.objects.create(
        need=need, moment=moment, query=need.what, category_key=need.category_key, scopes=found.scopes,
        own_matches=found.own_count, network_matches=found.network_count, top=found.top(),
    )


def register_need(*, by, details: NeedDetails) -> Need:
    """Register what ``by`` needs, and record the search of the organisation and its networks made for it."""
    _check(details, today=timezone.localdate())
    with transaction.atomic():
        need = Need.objects.create(
            person=by, department=details.department, what=details.what.strip(),
            description=details.description.strip(), category=details.category,
            category_key=getattr(details.category, "platform_key", "") or "", quantity=details.quantity,
            needed_by=details.needed_by, budget=details.budget,
        )
        _record_evidence(need, moment=EvidenceMoment.REGISTERED, organisation_id=current_organisation_id())
    return need


def _already_closed(need: Need) -> NeedError:
    return NeedError(
        "already_closed",
        _("This need was already closed as “%(outcome)s” on %(date)s; it cannot be closed again.") % {
            "outcome": need.get_status_display(),
            "date": formats.date_format(timezone.localtime(need.closed_at), "SHORT_DATE_FORMAT"),
        },
        http_status=409,
    )


def _link_reuse(need: Need, *, booking, deal, organisation_id: int) -> None:
    """Check the reservation or deal that met the need against the need's person, and keep what it was."""
    if bool(booking) == bool(deal):
        raise NeedError("reuse_link_required",
                        _("Choose the one reservation or deal between organisations that met the need."),
                        field="link")
    if booking:
        found = selectors.reservations_of(person=need.person).filter(uuid=booking).first()
        if found is None:
            raise NeedError("reservation_not_found", _("That is not one of the reservations of the person who "
                                                        "registered the need."), field="link")
        need.booking, offer_type, quantity = found.uuid, found.listing.offer_type, found.quantity
        paid = found.listing.price if offer_type == "sell" else None
    else:
        found = selectors.deals_of(person=need.person, organisation_id=organisation_id).filter(uuid=deal).first()
        if found is None:
            raise NeedError("deal_not_found", _("That is not one of the requests to other organisations of the "
                                                 "person who registered the need."), field="link")
        need.deal, offer_type, quantity = found.uuid, found.offer_type, found.quantity
        paid = found.unit_price if offer_type == "sell" else None
    need.reused_quantity = min(quantity, need.quantity)
    need.avoids_purchase = offer_type in AVOIDS_A_PURCHASE
    need.paid_per_item = paid


def close_need(*, need: Need, by, outcome: str, booking=None, deal=None, reason: str = "", note: str = "") -> Need:
    """Close an open need, once: ``outcome`` reused (with exactly one of ``booking`` — a reservation UUID of the
    need's person here — or ``deal`` — the UUID of their request to another organisation), bought used, or bought
    new (with ``reason``; the search is made again and kept as evidence). The row is locked: of two closings at
    once, the second is refused as already closed."""
    organisation_id = current_organisation_id()
    with transaction.atomic():
        locked = Need.objects.select_for_update().select_related("person").get(pk=need.pk)
        if not locked.is_open:
            raise _already_closed(locked)
        if not selectors.can_close_need(by, locked):
            raise NeedError("not_allowed", _("Only the person who registered the need, or those who run the "
                                             "service, may close it."), http_status=403)
        if outcome not in (NeedStatus.REUSED, NeedStatus.BOUGHT_USED, NeedStatus.BOUGHT_NEW):
            raise NeedError("outcome_required", _("Choose how the need was met."), field="outcome")
        if outcome == NeedStatus.BOUGHT_NEW and reason not in NewPurchaseReason.values:
            raise NeedError("reason_required", _("Say why it was bought new."), field="reason")
        if len(note) > 2000:
            raise NeedError("note_too_long", _("The note may be at most 2,000 characters."), field="note")
        if outcome == NeedStatus.REUSED:
            _link_reuse(locked, booking=booking, deal=deal, organisation_id=organisation_id)
        locked.status = outcome
        locked.closed_at = timezone.now()
        locked.closed_by = by
        locked.reason = reason if outcome == NeedStatus.BOUGHT_NEW else ""
        locked.note = note.strip()
        locked.save()
        if outcome == NeedStatus.BOUGHT_NEW:
            _record_evidence(locked, moment=EvidenceMoment.BOUGHT_NEW, organisation_id=organisation_id)
    return locked


def backdate_need(*, need: Need, created_at=None, closed_at=None) -> Need:
    """Move a need's times back (the demo's needs happened over the year); nothing else changes."""
    changes = {}
    if created_at is not None:
        changes["created_at"] = created_at
    if closed_at is not None:
        changes["closed_at"] = closed_at
    with transaction.atomic():
        Need.objects.filter(pk=need.pk).update(**changes)
        if created_at is not None:
            need.evidence.filter(moment=EvidenceMoment.REGISTERED).update(at=created_at)
        if closed_at is not None:
            need.evidence.filter(moment=EvidenceMoment.BOUGHT_NEW).update(at=closed_at)
    need.refresh_from_db()
    return need
