"""Writes of deals between organisations: ask, accept, decline, withdraw or cancel, and write on a deal (decision
0030). Other apps reach these through exchange.services.

Zones. A deal lives in the public schema; the items it moves are booked in the owner's schema. No transaction
writes both (Sentry's silos): accepting is three steps, each its own transaction —

1. *claim* (public): the request, locked, goes from ``requested`` to ``accepting``; a second acceptance, a decline or
   a withdrawal at the same moment waits for the lock and is then told it has been answered;
2. *book* (the owner's schema): bookings.services.book_for_other_organisation, under the listing's lock, with the
   same rules as inside the organisation; its step writes an outbox message (bookings.deal_sync);
3. *follow* (public): exchange.deal_sync.follow makes the deal ``accepted`` and writes the agreement. Run at once,
   and again by the outbox message, which changes nothing the second time.

If step 2 is refused (the last chair went to another organisation a moment before), step 1 is undone — the
*compensation* — and the owner is told why. If the process dies between the steps, the reconciliation finishes or
undoes what it finds (exchange.deal_sync.repair).
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from accounts import selectors as people
from bookings import selectors as bookings
from bookings import services as booking_services
from catalog import selectors as catalog
from platform_.lifecycle import TransitionNotAllowed
from platform_.parties import Party
from tenants import selectors as organisations

from . import deal_notices, errors
from .deal_lifecycle import DEAL
from .models import Deal, DealEvent, DealMessage, DealStatus, LegalBasis, Offer, Transport

VAT_BETWEEN_ORGANISATIONS = Decimal("0.25")
LENT = ("lend", "rent")
MESSAGE_MAX_LENGTH = 500
THREAD_MESSAGE_MAX_LENGTH = 2000
CANCEL_KIND = "exchange.cancel_deal_booking"
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Asker:
    """A person of the organisation asking, and the department that would receive (the cost centre)."""

    party: Party
    department_id: int | None = None
    department_name: str = ""


@dataclass(frozen=True)
class DealRequest:
    offer: int  # the exchange's offer id
    quantity: int
    transport: str
    buyer_reference: str = ""
    message: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None


def public():
    """The public schema for writes that must land there, such as the exchange's own outbox messages."""
    public_schema = get_public_schema_name()
    return nullcontext() if connection.schema_name == public_schema else schema_context(public_schema)


def _step(state: str, transition: str) -> str:
    try:
        return DEAL.next_state(state, transition)
    except TransitionNotAllowed:
        errors.raise_error(errors.ALREADY_ANSWERED)


def event(deal: Deal, step: str, *, organisation_id: int | None, party: Party | None, note: str = "") -> DealEvent:
    return DealEvent.objects.create(
        deal=deal, step=step, organisation_id=organisation_id, person=party.person if party else None,
        person_name=(party.name if party else "")[:200], person_email=party.email if party else "", note=note[:500],
    )


def terms(*, offer_type: str, unit_price: Decimal | None, rent_period: str, quantity: int,
          starts_at: datetime | None, ends_at: datetime | None) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(amount excl. VAT, VAT rate, VAT, total) of a deal between two organisations: a sale's price or a rental's
    fee (each day, week or month begun) for each item; 25 % VAT on top when there is a price; nothing for a gift
    or a loan."""
    amount = Decimal("0")
    if unit_price is not None and offer_type == "sell":
        amount = unit_price * quantity
    elif unit_price is not None and offer_type == "rent" and rent_period and starts_at and ends_at:
        amount = quantity * bookings.rental_amount(unit_price=unit_price, unit=rent_period, start=starts_at,
                                                   end=ends_at)
    amount = amount.quantize(_CENT)
    if not amount:
        return Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00")
    vat = (amount * VAT_BETWEEN_ORGANISATIONS).quantize(_CENT, rounding=ROUND_HALF_UP)
    return amount, VAT_BETWEEN_ORGANISATIONS, vat, amount + vat


# ------------------------------------------------------------------------------------------------ asking


def _visible_offer(offer_id: int, organisation_id: int) -> Offer:
    from .selectors import offers_visible_to

    offer = offers_visible_to(organisation_id=organisation_id).filter(pk=offer_id).first()
    if offer is None:
        if Offer.objects.filter(pk=offer_id, organisation_id=organisation_id).exists():
            errors.raise_error(errors.OWN_OFFER)
        errors.raise_error(errors.OFFER_GONE)
    return offer


def _check_request(request: DealRequest, offer: Offer) -> None:
    if request.quantity is None or request.quantity < 1:
        errors.raise_error(errors.QUANTITY_INVALID, field="quantity")
    if request.transport not in Transport.values:
        errors.raise_error(errors.TRANSPORT_REQUIRED, field="transport")
    if len(request.message or "") > MESSAGE_MAX_LENGTH:
        errors.raise_error(errors.MESSAGE_TOO_LONG, field="message", limit=MESSAGE_MAX_LENGTH)
    lent = offer.offer_type in LENT
    if lent and (request.starts_at is None or request.ends_at is None):
        errors.raise_error(errors.NEEDS_PERIOD, field="starts_at")
    if not lent and (request.starts_at is not None or request.ends_at is not None):
        errors.raise_error(errors.NO_PERIOD, field="starts_at")
    if lent:
        booking_services.check_period(start=request.starts_at, end=request.ends_at)
    elif request.quantity > offer.quantity_available:
        errors.raise_error(errors.NOT_ENOUGH, field="quantity", available=offer.quantity_available)


def _free_at_owner(offer: Offer, request: DealRequest) -> int | None:
    """What the owner's own bookings leave free over the period asked for: read in the owner's schema (a read only;
    the binding check is made again when the owner accepts, under the listing's lock)."""
    with schema_context(offer.organisation.schema_name):
        return bookings.free_of_listing(listing_uuid=offer.listing, start=request.starts_at, end=request.ends_at)


def request_deal(*, request: DealRequest, by: Asker, notify: bool = True) -> Deal:
    """Ask another organisation for ``request.quantity`` of its offer. Checked against the offer as the exchange
    holds it, and for a loan or rental against the owner's bookings for the period. The owner's contact person is
    e-mailed once it is committed."""
    organisation_id = by.party.organisation_id
    requester = organisations.active_organisation(pk=organisation_id)
    if requester is None:
        errors.raise_error(errors.REQUESTER_UNAVAILABLE)
    if requester.billing_read_only:  # the organisation's row, read fresh just now (decision 0057)
        errors.raise_error(errors.READ_ONLY)
    offer = _visible_offer(request.offer, organisation_id)
    _check_request(request, offer)
    if offer.offer_type in LENT:
        free = _free_at_owner(offer, request)
        if free is None:
            errors.raise_error(errors.OFFER_GONE)
        if request.quantity > free:
            errors.raise_error(errors.PERIOD_TAKEN, field="starts_at", available=free)
    amount, vat_rate, vat, total = terms(
        offer_type=offer.offer_type, unit_price=offer.price, rent_period=offer.rent_period,
        quantity=request.quantity, starts_at=request.starts_at, ends_at=request.ends_at,
    )
    owner = offer.organisation
    approval_department, approvers = approvers_if_required(person=by.party.person, amount=amount)
    with transaction.atomic():
        deal = Deal.objects.create(
            owner=owner, owner_name=owner.name, owner_number=owner.organisation_number, listing=offer.listing,
            title=offer.title, category_key=offer.category_key, offer_type=offer.offer_type,
            contact_name=offer.contact_name, contact_email=offer.contact_email,
            requester=requester, requester_name=requester.name, requester_number=requester.organisation_number,
            person=by.party.person, person_name=by.party.name[:200], person_email=by.party.email,
            receiving_department_id=by.department_id, receiving_department_name=by.department_name[:200],
            buyer_reference=(request.buyer_reference or "").strip()[:100],
            quantity=request.quantity, starts_at=request.starts_at, ends_at=request.ends_at,
            transport=request.transport, message=(request.message or "").strip(),
            unit_price=offer.price, rent_period=offer.rent_period if offer.offer_type == "rent" else "",
            amount=amount, vat_rate=vat_rate, vat_amount=vat, total=total,
            status=DealStatus.AWAITING_APPROVAL if approvers else DealStatus.REQUESTED,
            approval_department_id=approval_department if approvers else None,
        )
        event(deal, "requested", organisation_id=organisation_id, party=by.party, note=deal.message)
        if approvers:
            event(deal, "approval_asked", organisation_id=organisation_id, party=by.party)
            if notify:
                deal_notices.enqueue_approval_asked(deal=deal, approvers=[people.party_of(user=user)
                                                                          for user in approvers])
        elif notify:
            deal_notices.enqueue(deal=deal, kind=deal_notices.REQUESTED)
    return deal


# ------------------------------------------------------------------------------------------------ approval (0048)


def approval_required(*, amount: Decimal) -> bool:
    """Whether the asking organisation's rule (tenants.selectors.approval_policy, decision 0045) asks a department
    manager to approve a deal worth ``amount`` SEK (excl. VAT) before the owner is asked (decision 0048). A deal with
    another organisation is always "from another department"."""
    rule, threshold = organisations.approval_policy()
    if rule in (organisations.ApprovalRule.ALL, organisations.ApprovalRule.OUTSIDE_DEPARTMENT):
        return True
    if rule == organisations.ApprovalRule.ABOVE_VALUE:
        return amount > threshold
    return False


def approvers_if_required(*, person, amount: Decimal) -> tuple[int | None, list]:
    """The person's department and the managers who approve their deal; no managers when the owner is asked at once:
    no rule applies, or nobody but the person themselves could approve (a request never waits for no one). Read in
    the asking organisation's schema (the current one): the managers of the person's own department, or of its
    förvaltning (accounts.selectors.approvers) — not of the receiving department they chose, which could be anyone's."""
    if not approval_required(amount=amount):
        return None, []
    user = people.person(uuid=person)
    if user is None or user.department_id is None:
        return None, []
    return user.department_id, [manager for manager in people.approvers(department_id=user.department_id)
                                if manager.pk != user.pk]


def _approving(deal_uuid, by) -> tuple[Deal, Party]:
    """The deal awaiting approval, locked, if ``by`` manages the department of the person who asked; never their own
    request. Another organisation's deal is not found."""
    organisation_id = organisations.current_organisation_id()
    deal = Deal.objects.select_for_update().filter(uuid=deal_uuid, requester_id=organisation_id).first()
    if deal is None:
        errors.raise_error(errors.DEAL_NOT_FOUND)
    actor = people.party_of(user=by)
    if actor.person == deal.person:
        errors.raise_error(errors.OWN_APPROVAL)
    if deal.approval_department_id is None or deal.approval_department_id not in people.approved_departments(user=by):
        errors.raise_error(errors.NOT_APPROVER)
    return deal, actor


@transaction.atomic
def approve_deal(*, deal_uuid, by, notify: bool = True) -> Deal:
    """The asking person's department manager approves: the request goes to the owner as it would have without
    approval (its contact person is e-mailed), and the person who asked is told. Of two answers at once, the second
    waits for the first's lock and is told it has been answered."""
    deal, actor = _approving(deal_uuid, by)
    deal.status = _step(deal.status, "approve")
    deal.approved_at = timezone.now()
    deal.approval_by_name = actor.name[:200]
    deal.save()
    event(deal, "approved", organisation_id=deal.requester_id, party=actor)
    if notify:
        deal_notices.enqueue(deal=deal, kind=deal_notices.REQUESTED)
        deal_notices.enqueue(deal=deal, kind=deal_notices.APPROVAL_ANSWERED)
    return deal


@transaction.atomic
def refuse_deal(*, deal_uuid, by, reason: str, notify: bool = True) -> Deal:
    """The asking person's department manager refuses, with a reason the person is e-mailed. The owner never hears
    of it."""
    reason = (reason or "").strip()
    if not reason:
        errors.raise_error(errors.REASON_REQUIRED, field="reason")
    deal, actor = _approving(deal_uuid, by)
    deal.status = _step(deal.status, "refuse")
    deal.closed_at = timezone.now()
    deal.approval_by_name = actor.name[:200]
    deal.decline_reason = reason[:500]
    deal.save()
    event(deal, "not_approved", organisation_id=deal.requester_id, party=actor, note=deal.decline_reason)
    if notify:
        deal_notices.enqueue(deal=deal, kind=deal_notices.APPROVAL_ANSWERED)
    return deal


# ------------------------------------------------------------------------------------------------ answering


def _owned(deal_uuid, organisation_id: int) -> Deal:
    from .deal_selectors import ASKED

    deal = Deal.objects.select_for_update().filter(ASKED, uuid=deal_uuid, owner_id=organisation_id).first()
    if deal is None:
        errors.raise_error(errors.DEAL_NOT_FOUND)
    return deal


def _answering(by, deal: Deal):
    """The listing in this (the owner's) schema, if ``by`` may answer for it."""
    listing = catalog.listing_by_uuid(uuid=deal.listing)
    if listing is None:
        errors.raise_error(errors.LISTING_GONE)
    if not catalog.can_manage_listing(by, listing):
        errors.raise_error(errors.NOT_YOURS_TO_ANSWER)
    return listing


def _check_legal_basis(deal: Deal, legal_basis: str, legal_note: str) -> tuple[str, str]:
    if not deal.amount:
        return "", ""
    if legal_basis not in LegalBasis.values:
        errors.raise_error(errors.LEGAL_BASIS_REQUIRED, field="legal_basis")
    legal_note = (legal_note or "").strip()
    if legal_basis == LegalBasis.OTHER and not legal_note:
        errors.raise_error(errors.LEGAL_NOTE_REQUIRED, field="legal_note")
    return legal_basis, legal_note[:500]


def accept_deal(*, deal_uuid, by, legal_basis: str = "", legal_note: str = "", notify: bool = True) -> Deal:
    """The owner side says yes: claim, book, follow (this module's docstring). Runs in the owner's schema, outside
    any transaction of the caller's (pages and the API call it in autocommit)."""
    organisation_id = organisations.current_organisation_id()
    actor = people.party_of(user=by)
    with transaction.atomic():  # 1. claim
        deal = _owned(deal_uuid, organisation_id)
        listing = _answering(by, deal)
        basis, note = _check_legal_basis(deal, legal_basis, legal_note)
        deal.status = _step(deal.status, "accept")
        deal.accepting_at = timezone.now()
        deal.decided_by_person, deal.decided_by_name = actor.person, actor.name[:200]
        deal.decided_by_email = actor.email
        deal.legal_basis, deal.legal_note = basis, note
        deal.save()
    request = booking_services.PartyRequest(
        deal=deal.uuid,
        borrower=Party(organisation_id=deal.requester_id, person=deal.person, name=deal.person_name,
                       email=deal.person_email),
        quantity=deal.quantity, start=deal.starts_at, end=deal.ends_at, message=deal.message,
        cost_centre=" / ".join(part for part in (deal.requester_name, deal.receiving_department_name,
                                                 deal.buyer_reference) if part),
    )
    try:  # 2. book
        booking = booking_services.book_for_other_organisation(listing=listing, request=request, by=by)
    except Exception as refused:
        with transaction.atomic():  # compensation: the request is open again, and says why it was not booked
            undo_claim(deal_uuid=deal.uuid, organisation_id=organisation_id, party=actor, note=str(refused))
        raise
    from . import deal_sync

    deal_sync.follow(booking_uuid=booking.uuid, notify=notify)  # 3. follow
    deal.refresh_from_db()
    return deal


def undo_claim(*, deal_uuid, organisation_id: int, party: Party | None, note: str = "") -> Deal | None:
    """Step 1 undone: an acceptance whose booking was refused or never made. Inside the caller's transaction."""
    deal = Deal.objects.select_for_update().filter(uuid=deal_uuid, owner_id=organisation_id).first()
    if deal is None or deal.status != DealStatus.ACCEPTING:
        return deal
    deal.status = _step(deal.status, "undo")
    deal.accepting_at = None
    deal.decided_by_person, deal.decided_by_name, deal.decided_by_email = None, "", ""
    deal.legal_basis = deal.legal_note = ""
    deal.save()
    event(deal, "accept_failed", organisation_id=organisation_id, party=party, note=note)
    return deal


@transaction.atomic
def decline_deal(*, deal_uuid, by, reason: str = "", notify: bool = True) -> Deal:
    """The owner side says no; the person who asked is e-mailed."""
    organisation_id = organisations.current_organisation_id()
    deal = _owned(deal_uuid, organisation_id)
    _answering(by, deal)
    actor = people.party_of(user=by)
    deal.status = _step(deal.status, "decline")
    deal.decided_at = deal.closed_at = timezone.now()
    deal.decided_by_person, deal.decided_by_name = actor.person, actor.name[:200]
    deal.decided_by_email = actor.email
    deal.decline_reason = (reason or "").strip()[:500]
    deal.save()
    event(deal, "declined", organisation_id=organisation_id, party=actor, note=deal.decline_reason)
    if notify:
        deal_notices.enqueue(deal=deal, kind=deal_notices.DECLINED)
    return deal


# ------------------------------------------------------------------------------------------------ the asking side


def _asked(deal_uuid, by, organisation_id: int) -> tuple[Deal, Party]:
    deal = Deal.objects.select_for_update().filter(uuid=deal_uuid, requester_id=organisation_id).first()
    if deal is None:
        errors.raise_error(errors.DEAL_NOT_FOUND)
    actor = people.party_of(user=by)
    if actor.person != deal.person and not catalog.runs_the_service(by):
        errors.raise_error(errors.NOT_YOURS)
    return deal, actor


@transaction.atomic
def cancel_deal(*, deal_uuid, by, reason: str = "", notify: bool = True) -> Deal:
    """The asking side takes it back: a request not yet answered is withdrawn at once; an accepted deal not yet
    handed over or picked up is cancelled in the owner's booking, by a message to the owner's schema (the deal
    follows the booking when that is done, within seconds)."""
    organisation_id = organisations.current_organisation_id()
    deal, actor = _asked(deal_uuid, by, organisation_id)
    reason = (reason or "").strip()[:300]
    if deal.status in (DealStatus.REQUESTED, DealStatus.AWAITING_APPROVAL):
        asked = deal.status == DealStatus.REQUESTED  # while awaiting approval, the owner has not been asked
        deal.status = _step(deal.status, "withdraw")
        deal.closed_at = timezone.now()
        deal.save()
        event(deal, "withdrawn", organisation_id=organisation_id, party=actor, note=reason)
        if notify and asked:
            deal_notices.enqueue(deal=deal, kind=deal_notices.WITHDRAWN)
        return deal
    if deal.status != DealStatus.ACCEPTED:
        errors.raise_error(errors.CANNOT_CANCEL if deal.status in (DealStatus.HANDED_OVER, DealStatus.OUT,
                                                                  DealStatus.RETURNED) else errors.ALREADY_ANSWERED)
    event(deal, "cancel_asked", organisation_id=organisation_id, party=actor, note=reason)
    from outbox import services as outbox

    with public():
        outbox.enqueue(
            kind=CANCEL_KIND, key=f"exchange.cancel_deal:{deal.uuid}",
            payload={"deal": str(deal.uuid), "person": str(actor.person), "name": actor.name,
                     "email": actor.email, "reason": reason},
        )
    return deal


# ------------------------------------------------------------------------------------------------ messages


@transaction.atomic
def post_message(*, deal_uuid, by, body: str, notify: bool = True) -> DealMessage:
    """Write on a deal, from either side; the other side is e-mailed."""
    from . import deal_selectors

    organisation_id = organisations.current_organisation_id()
    deal = Deal.objects.select_for_update().filter(uuid=deal_uuid).first()
    if deal is None or not deal_selectors.can_see_deal(user=by, deal=deal, organisation_id=organisation_id):
        errors.raise_error(errors.DEAL_NOT_FOUND)
    if not deal_selectors.was_asked(deal):  # awaiting approval, or refused: there is no other side yet (0048)
        errors.raise_error(errors.NOT_SENT_YET)
    body = (body or "").strip()
    if not body:
        errors.raise_error(errors.MESSAGE_REQUIRED, field="body")
    if len(body) > THREAD_MESSAGE_MAX_LENGTH:
        errors.raise_error(errors.MESSAGE_TOO_LONG, field="body", limit=THREAD_MESSAGE_MAX_LENGTH)
    actor = people.party_of(user=by)
    organisation = organisations.current_organisation()
    message = DealMessage.objects.create(
        deal=deal, organisation_id=organisation_id, organisation_name=organisation.name, person=actor.person,
        person_name=actor.name[:200], person_email=actor.email, body=body,
    )
    if notify:
        deal_notices.enqueue(deal=deal, kind=deal_notices.MESSAGE, message=message)
    return message
