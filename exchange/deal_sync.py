"""Deals follow the bookings that carry them out (decision 0030).

``follow`` runs in the owner's schema: it reads the booking there, then brings the deal in the public schema up to
date, under the deal's row lock. The booking is the truth, so following it again changes nothing: the outbox message
``exchange.deal_booking_changed`` (bookings.deal_sync, written with every step on such a booking) and the direct
call after an acceptance may arrive in any order and any number of times.

``cancel_booking`` handles ``exchange.cancel_deal_booking``, written in public when the asking side cancels an
accepted deal: it cancels the booking in the owner's schema, whose step then moves the deal.

``repair`` is the daily reconciliation for one owner: a deal left ``accepting`` (the process died between the claim
and the booking) is finished if its booking exists, else opened again; every other open deal is made to follow its
booking.
"""

from __future__ import annotations

import uuid as uuid_module
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from bookings import selectors as bookings
from bookings import services as booking_services
from platform_.parties import Party
from tenants import selectors as organisations

from . import deal_notices
from .deal_lifecycle import DEAL, FOLLOWS
from .deal_services import event, undo_claim
from .models import Agreement, Deal, DealStatus

if TYPE_CHECKING:
    from outbox.models import OutboxMessage

KIND = "exchange.deal_booking_changed"
STUCK_AFTER = timedelta(minutes=10)
_STEPS = {
    DealStatus.HANDED_OVER: "handed_over",
    DealStatus.OUT: "picked_up",
    DealStatus.RETURNED: "returned",
    DealStatus.CANCELLED: "cancelled",
    DealStatus.LAPSED: "lapsed",
}


def _agreement(deal: Deal, at) -> Agreement:
    return Agreement.objects.create(
        deal=deal, number=f"DB-{at:%Y}-{deal.pk:06d}",
        owner_name=deal.owner_name, owner_number=deal.owner_number,
        owner_person_name=deal.decided_by_name, owner_person_email=deal.decided_by_email,
        requester_name=deal.requester_name, requester_number=deal.requester_number,
        requester_person_name=deal.person_name, requester_person_email=deal.person_email,
        receiving_department_name=deal.receiving_department_name, buyer_reference=deal.buyer_reference,
        title=deal.title, offer_type=deal.offer_type, quantity=deal.quantity, starts_at=deal.starts_at,
        ends_at=deal.ends_at, transport=deal.transport, unit_price=deal.unit_price, rent_period=deal.rent_period,
        amount=deal.amount, vat_rate=deal.vat_rate, vat_amount=deal.vat_amount, total=deal.total,
        legal_basis=deal.legal_basis, legal_note=deal.legal_note, requested_at=deal.requested_at, accepted_at=at,
    )


def _apply(deal: Deal, booking, *, notify: bool) -> bool:
    """Bring ``deal`` (locked) to where ``booking`` is. True if it changed."""
    changed = False
    organisation_id = deal.owner_id
    if deal.status == DealStatus.ACCEPTING:
        deal.status = DEAL.next_state(deal.status, "booked")
        deal.booking = booking.uuid
        deal.decided_at = timezone.now()
        deal.save()
        _agreement(deal, deal.decided_at)
        decider = Party(organisation_id=organisation_id, person=deal.decided_by_person or uuid_module.UUID(int=0),
                        name=deal.decided_by_name, email=deal.decided_by_email)
        event(deal, "accepted", organisation_id=organisation_id, party=decider)
        if notify:
            deal_notices.enqueue(deal=deal, kind=deal_notices.ACCEPTED)
        changed = True
    if deal.booking != booking.uuid:
        return changed  # not this deal's booking (never: the booking names the deal)
    target = FOLLOWS[booking.status]
    if target != deal.status and deal.status not in (DealStatus.REQUESTED, DealStatus.DECLINED):
        deal.status = target
        deal.handed_over_at = booking.handed_over_at
        deal.returned_at = booking.returned_at
        if target in (DealStatus.HANDED_OVER, DealStatus.RETURNED, DealStatus.CANCELLED, DealStatus.LAPSED):
            deal.closed_at = booking.returned_at or booking.cancelled_at or booking.lapsed_at or timezone.now()
        if booking.is_loan:
            deal.ends_at = booking.ends_at  # an extension accepted
        deal.save()
        actor = booking.events.order_by("-at", "-pk").first()
        party = actor.actor if actor is not None and actor.actor_org else None
        event(deal, _STEPS.get(target, target), organisation_id=party.organisation_id if party else None,
              party=party, note=booking.cancel_reason if target == DealStatus.CANCELLED else "")
        if notify:
            deal_notices.enqueue(deal=deal, kind=deal_notices.FOLLOWED)
        changed = True
    return changed


def follow(*, booking_uuid, notify: bool = True) -> bool:
    """Bring the deal of this booking (in the current, the owner's, schema) up to date. True if it changed."""
    with transaction.atomic():
        booking = bookings.booking_by_uuid(uuid=booking_uuid)
        if booking is None or booking.deal is None:
            return False
        deal = Deal.objects.select_for_update().filter(
            uuid=booking.deal, owner_id=organisations.current_organisation_id()
        ).first()
        if deal is None:
            return False
        return _apply(deal, booking, notify=notify)


def deliver(message: OutboxMessage) -> None:
    """The outbox handler of bookings.deal_sync's messages, in the owner's schema."""
    follow(booking_uuid=message.payload["booking"])


def cancel_booking(message: OutboxMessage) -> None:
    """The outbox handler of ``exchange.cancel_deal_booking``, in public: cancel the booking in the owner's schema
    as the person who asked. If it changed hands meanwhile, nothing is cancelled and the deal stays as it is."""
    payload = message.payload
    deal = Deal.objects.select_related("owner").filter(uuid=payload["deal"]).first()
    if deal is None or deal.booking is None or deal.owner is None:
        return
    asker = Party(organisation_id=deal.requester_id, person=uuid_module.UUID(payload["person"]),
                  name=payload.get("name", ""), email=payload.get("email", ""))
    with schema_context(deal.owner.schema_name):
        booking = bookings.booking_by_uuid(uuid=deal.booking)
        if booking is None:
            return
        if booking.borrower != asker:
            # An operator of the asking organisation cancelled: the booking names the person who asked.
            asker = booking.borrower
        booking_services.cancel_for_other_organisation(booking=booking, by=asker, reason=payload.get("reason", ""))


def repair(*, organisation=None, local_date=None) -> dict[str, int]:
    """The daily reconciliation of one owner's deals (runs in its schema, in the daily job's transaction)."""
    organisation_id = organisation.pk if organisation is not None else organisations.current_organisation_id()
    finished = undone = followed = 0
    stuck = Deal.objects.select_for_update().filter(
        owner_id=organisation_id, status=DealStatus.ACCEPTING, accepting_at__lt=timezone.now() - STUCK_AFTER
    )
    for deal in stuck:
        booking = bookings.booking_for_deal(deal=deal.uuid)
        if booking is None:
            undo_claim(deal_uuid=deal.uuid, organisation_id=organisation_id, party=None,
                       note="The booking was never made: the request is open again.")
            undone += 1
        else:
            finished += _apply(deal, booking, notify=True)
    open_deals = Deal.objects.select_for_update().filter(
        owner_id=organisation_id, status__in=[DealStatus.ACCEPTED, DealStatus.OUT], booking__isnull=False
    )
    deals = list(open_deals)
    by_deal = bookings.bookings_for_deals(deals=[deal.uuid for deal in deals])
    for deal in deals:
        booking = by_deal.get(str(deal.uuid))
        if booking is not None and FOLLOWS[booking.status] != deal.status:
            followed += _apply(deal, booking, notify=True)
    return {"finished": finished, "undone": undone, "followed": followed}
