"""Writes for bookings: reserve, hand over, cancel; book a loan or rental, confirm its pick-up and return, ask for
and answer an extension; join and leave the waiting list. One transaction per operation.

Every step on a listing's bookings locks the listing's row first (catalog.services.lock_listing), then the booking:
always in that order, so steps never deadlock, and two people asking for the last item in the same period are
served one after the other; the second sees the first's booking and is told it is taken. For a one-of-a-kind
listing, PostgreSQL's exclusion constraint refuses an overlap even if a step forgot the lock.

Who acts is compared as a Party (organisation and UUID), never by a user's integer id.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import formats, timezone

from accounts.selectors import approved_departments, approvers, party_of
from catalog import selectors as listings
from catalog import services as listing_services
from catalog.selectors import LISTING, ListingStatus
from platform_.lifecycle import Lifecycle, TransitionNotAllowed
from platform_.parties import Party
from tenants.selectors import ApprovalRule, approval_policy, is_billing_read_only

from . import deadlines, deal_sync, errors, periods, permissions, selectors
from .lifecycle import HOLDING, LOAN, MACHINES, RESERVATION, BookingKind, BookingStatus
from .models import Booking, BookingEvent, NoticeKind, WaitlistEntry
from .parties import is_party

MAX_LOAN_DAYS = 366
EXCLUSION = "booking_one_of_a_kind_no_overlap"


def _step(machine: Lifecycle, state: str, transition: str) -> str:
    try:
        return machine.next_state(state, transition)
    except TransitionNotAllowed as refused:
        raise errors.from_transition(refused) from None


def _event(booking: Booking, step: str, *, actor: Party | None, note: str = "", until=None) -> BookingEvent:
    event = BookingEvent(booking=booking, step=step, note=note[:500], until=until)
    event.actor = actor
    event.save()
    deal_sync.booking_changed([booking])
    return event


def _queue_notice(event: BookingEvent, kind: str) -> None:
    """E-mail about a booking's step: written to the outbox in this transaction, sent once it has committed."""
    from .notices import enqueue_booking_notice

    enqueue_booking_notice(event=event, kind=kind)


def _queue_waitlist_notice(entry: WaitlistEntry) -> None:
    """Tell the first in line that the item is back: written to the outbox in this transaction."""
    from .notices import enqueue_waitlist_notice

    enqueue_waitlist_notice(entry=entry)


def _locked_pair(booking: Booking):
    # Always the listing first, then the booking: the same order as every other step.
    listing = listing_services.lock_listing(listing=booking.listing)
    current = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
    current.listing = listing
    return listing, current


def _insert(booking: Booking, taken: tuple, **params) -> None:
    """Save, turning the exclusion constraint's refusal (an overlap of a one-of-a-kind listing) into ``taken``."""
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as error:
        if EXCLUSION in str(error):
            errors.raise_error(taken, **params)
        raise


# ---------------------------------------------------------------------------------------------- reservations


def _refuse_if_read_only() -> None:
    """No new reservation or loan while the organisation is read-only (billing, through tenants: decision 0057)."""
    if is_billing_read_only():
        errors.raise_error(errors.READ_ONLY)


@transaction.atomic
def reserve_listing(*, listing, by, quantity: int = 1, message: str = "", notify: bool = True) -> Booking:
    """Reserve ``quantity`` of a listing given away or sold, from now on; the contact person is e-mailed once it is
    committed. Of two people reserving the last item at the same moment, the second waits for the first's lock,
    then sees nothing left and is told so."""
    _refuse_if_read_only()
    current = listing_services.lock_listing(listing=listing)
    if listings.is_poster_or_contact(by, current):
        errors.raise_error(errors.OWN_LISTING)
    department = by.department
    return _reserve(current, party_of(user=by), quantity=quantity, message=message, notify=notify,
                    department=department, cost_centre=department.name if department else "", requester=by)


def _reserve(current, actor: Party, *, quantity: int, message: str, notify: bool, department=None,
             cost_centre: str = "", deal=None, requester=None) -> Booking:
    if current.offer_type in selectors.LENT_OFFERS:
        errors.raise_error(errors.NEEDS_PERIOD)
    now = timezone.now()
    free = current.quantity - selectors.booked_peak(listing=current, start=now)
    if current.status == ListingStatus.RESERVED or (
        current.status == ListingStatus.PUBLISHED and free <= 0
    ):
        errors.raise_error(errors.SOLD_OUT)
    _step(LISTING, current.status, "reserve")
    if quantity < 1:
        errors.raise_error(errors.QUANTITY_INVALID)
    if quantity > free:
        errors.raise_error(errors.NOT_ENOUGH, available=free)
    booking = Booking(
        listing=current, kind=BookingKind.RESERVATION, quantity=quantity, period=DateTimeTZRange(now, None, "[)"),
        exclusive=current.quantity == 1, message=message.strip()[:500], reserved_at=now, deal=deal,
        receiving_department=department, cost_centre=cost_centre[:200],
    )
    booking.borrower = actor
    booking.contact = party_of(user=current.contact_person)
    value = (current.price or Decimal(0)) * quantity
    approvers = _approvers_if_required(requester, current, value=value)
    if approvers:
        booking.status = BookingStatus.AWAITING_APPROVAL
    _insert(booking, errors.SOLD_OUT)
    event = _event(booking, "reserved", actor=actor, note=booking.message)
    listing_services.settle_status(listing=current)
    if approvers:
        _ask_approval(booking, actor=actor, approvers=approvers, notify=notify)
    elif notify:
        _queue_notice(event, NoticeKind.RESERVED)
    return booking


@dataclass(frozen=True)
class PartyRequest:
    """What another organisation's person asked for, as the exchange's deal holds it (exchange.Deal): who, how many,
    when (a loan's or rental's period; none for a reservation), for which receiving department (its name there, and
    the buyer reference) and with what message."""

    deal: object  # the deal's UUID
    borrower: Party
    quantity: int
    cost_centre: str
    message: str = ""
    start: datetime | None = None
    end: datetime | None = None


@transaction.atomic
def book_for_other_organisation(*, listing, request: PartyRequest, by) -> Booking:
    """Book ``listing`` for a person of another organisation, when its owner side (``by``) accepts that
    organisation's request (exchange.deal_services.accept_deal). The same rules as a booking by one's own staff,
    under the same lock: two organisations asking for the last item are decided one after the other. A deal is
    booked at most once (``Booking.deal`` is unique). No e-mail: the exchange tells both sides about the deal."""
    current = listing_services.lock_listing(listing=listing)
    if not listings.can_manage_listing(by, current):
        errors.raise_error(errors.NOT_OWNER)
    if request.borrower.organisation_id == party_of(user=by).organisation_id:
        errors.raise_error(errors.OWN_LISTING)
    if Booking.objects.filter(deal=request.deal).exists():
        errors.raise_error(errors.DEAL_BOOKED)
    if request.start is None:
        return _reserve(current, request.borrower, quantity=request.quantity, message=request.message, notify=False,
                        cost_centre=request.cost_centre, deal=request.deal)
    check_period(start=request.start, end=request.end)
    return _book_loan(current, request.borrower, start=request.start, end=request.end, quantity=request.quantity,
                      message=request.message, notify=False, cost_centre=request.cost_centre, deal=request.deal)


@transaction.atomic
def confirm_handover(*, booking: Booking, by) -> Booking:
    """The owner side confirms that a reservation changed hands: it now counts as mediated."""
    listing, current = _locked_pair(booking)
    if not permissions.acts_for_owner(by, current):
        errors.raise_error(errors.NOT_ALLOWED)
    actor = party_of(user=by)
    if actor == current.borrower:
        # A handover takes two: whoever reserved cannot also confirm receiving it, whatever their role.
        errors.raise_error(errors.OWN_HANDOVER)
    if current.kind != BookingKind.RESERVATION:
        errors.raise_error(errors.NOT_A_RESERVATION)
    _refuse_if_lapsed(current)
    current.status = _step(RESERVATION, current.status, "hand_over")
    current.handed_over_at = timezone.now()
    current.giving_department_id = listing.department_id
    current.save(update_fields=["status", "handed_over_at", "giving_department"])
    _event(current, "handed_over", actor=actor)
    listing_services.settle_status(listing=listing)
    return current


def _refuse_if_lapsed(booking: Booking) -> None:
    """A step on a reservation that has lapsed: say when and why, rather than only that it is not possible."""
    if booking.status == BookingStatus.LAPSED:
        lapsed_at = timezone.localtime(booking.lapsed_at or timezone.now())
        errors.raise_error(errors.LAPSED, date=formats.date_format(lapsed_at, "DATE_FORMAT"))


@transaction.atomic
def cancel_booking(*, booking: Booking, by, reason: str = "", notify: bool = True) -> Booking:
    """Either side cancels a reservation, or a loan not yet picked up; what it held is free again and the other side
    is e-mailed. Whoever cancels someone else's booking (the owner side, an operator) gives a reason; the borrower
    may cancel their own without one."""
    listing, current = _locked_pair(booking)
    if not permissions.can_cancel(by, current):
        errors.raise_error(errors.NOT_ALLOWED)
    _refuse_if_lapsed(current)
    actor = party_of(user=by)
    if not reason.strip() and actor != current.borrower:
        errors.raise_error(errors.REASON_REQUIRED)
    current.status = _step(MACHINES[current.kind], current.status, "cancel")
    current.cancelled_at = timezone.now()
    current.cancel_reason = reason.strip()
    current.extension_until = None
    current.save(update_fields=["status", "cancelled_at", "cancel_reason", "extension_until"])
    event = _event(current, "cancelled", actor=actor, note=current.cancel_reason)
    listing_services.settle_status(listing=listing)
    if notify:
        _queue_notice(event, NoticeKind.CANCELLED)
        if actor not in (current.borrower, current.contact):
            _queue_notice(event, NoticeKind.CANCELLED_FOR_CONTACT)
    return current


@transaction.atomic
def cancel_for_other_organisation(*, booking: Booking, by: Party, reason: str = "") -> Booking | None:
    """The other organisation's person who asked for a deal cancels it before it changed hands (exchange's handler
    of ``exchange.cancel_deal_booking``, in the owner's schema). None if it has already changed hands, lapsed or been
    cancelled: then there is nothing to cancel, and the deal follows the booking as it is."""
    listing, current = _locked_pair(booking)
    if current.borrower != by:
        errors.raise_error(errors.NOT_ALLOWED)
    if current.status != BookingStatus.RESERVED:
        return None
    current.status = _step(MACHINES[current.kind], current.status, "cancel")
    current.cancelled_at = timezone.now()
    current.cancel_reason = reason.strip()[:300]
    current.extension_until = None
    current.save(update_fields=["status", "cancelled_at", "cancel_reason", "extension_until"])
    _event(current, "cancelled", actor=by, note=current.cancel_reason)
    listing_services.settle_status(listing=listing)
    return current


def cancel_open_bookings(*, listing, by, reason: str, at: datetime | None = None, notify: bool = True) -> list[Booking]:
    """Cancel what still waits for a handover or a pick-up, when the listing is withdrawn, and empty its waiting list.
    Loans already out stay out until they are returned. The caller holds the listing's lock
    (catalog.services.withdraw_listing)."""
    actor = party_of(user=by)
    now = at or timezone.now()
    open_bookings = list(listing.bookings.select_for_update().filter(status=BookingStatus.RESERVED))
    events = []
    for booking in open_bookings:
        booking.status = _step(MACHINES[booking.kind], booking.status, "cancel")
        booking.cancelled_at = now
        booking.cancel_reason = reason
        booking.extension_until = None
        events.append(_event(booking, "cancelled", actor=actor, note=reason))
    Booking.objects.bulk_update(open_bookings, ["status", "cancelled_at", "cancel_reason", "extension_until"])
    listing.waitlist.filter(told_at__isnull=True).delete()
    if notify:
        for event in events:
            _queue_notice(event, NoticeKind.CANCELLED)
    return open_bookings


def listing_quantity_changed(*, listing) -> None:
    """A listing's quantity changed (the caller holds its lock): its holding bookings are one of a kind exactly
    when it has one item, so that the exclusion constraint guards what it should."""
    listing.bookings.filter(status__in=HOLDING).exclude(exclusive=listing.quantity == 1).update(
        exclusive=listing.quantity == 1
    )


# ---------------------------------------------------------------------------------------------- loans


@dataclass(frozen=True)
class Fee:
    unit_price: Decimal
    unit: str
    units: int
    amount: Decimal


def rental_fee(*, listing, start: datetime, end: datetime) -> Fee | None:
    """The fee of renting ``listing`` for [start, end): its price per day, week or month, for each one begun."""
    if listing.offer_type != "rent" or listing.price is None or not listing.rent_period:
        return None
    units, amount = periods.fee(
        unit_price=listing.price, unit=listing.rent_period, start=start, end=end, zone=timezone.get_current_timezone()
    )
    return Fee(unit_price=listing.price, unit=listing.rent_period, units=units, amount=amount)


def _record_fee(booking: Booking, listing) -> None:
    fee = rental_fee(listing=listing, start=booking.period.lower, end=booking.period.upper)
    if fee is None and booking.fee_unit_price is not None:
        # The listing stopped being rented out after this was booked: the fee agreed stays, for the new period.
        units, amount = periods.fee(unit_price=booking.fee_unit_price, unit=booking.fee_unit,
                                    start=booking.period.lower, end=booking.period.upper,
                                    zone=timezone.get_current_timezone())
        fee = Fee(booking.fee_unit_price, booking.fee_unit, units, amount)
    if fee is not None:
        booking.fee_unit_price, booking.fee_unit, booking.fee_units, booking.fee_amount = (
            fee.unit_price, fee.unit, fee.units, fee.amount
        )


def check_period(*, start: datetime, end: datetime) -> None:
    """A loan's period, before anything is locked: it ends after it starts, not before today, and not too long."""
    if end <= start:
        errors.raise_error(errors.RETURN_BEFORE_PICKUP)
    today_began = periods.day_bounds(timezone.localdate(), timezone.get_current_timezone())[0]
    if start < today_began or end <= timezone.now():
        errors.raise_error(errors.IN_THE_PAST)
    if end - start > timedelta(days=MAX_LOAN_DAYS):
        errors.raise_error(errors.TOO_LONG, days=MAX_LOAN_DAYS)


@transaction.atomic
def book_loan(
    *, listing, by, start: datetime, end: datetime, quantity: int = 1, message: str = "", notify: bool = True
) -> Booking:
    """Book ``quantity`` of a listing lent or rented out, to be picked up at ``start`` and returned at ``end``.

    Refused if any moment of the period has fewer free: two people booking overlapping periods of the last item at
    once are served one after the other, and the second is told it is taken.
    """
    check_period(start=start, end=end)
    if quantity < 1:
        errors.raise_error(errors.QUANTITY_INVALID)
    _refuse_if_read_only()
    current = listing_services.lock_listing(listing=listing)
    if listings.is_poster_or_contact(by, current):
        errors.raise_error(errors.OWN_LISTING_LOAN)
    department = by.department
    return _book_loan(current, party_of(user=by), start=start, end=end, quantity=quantity, message=message,
                      notify=notify, department=department, cost_centre=department.name if department else "",
                      requester=by)


def _book_loan(current, actor: Party, *, start: datetime, end: datetime, quantity: int, message: str, notify: bool,
               department=None, cost_centre: str = "", deal=None, requester=None) -> Booking:
    if quantity < 1:
        errors.raise_error(errors.QUANTITY_INVALID)
    if current.offer_type not in selectors.LENT_OFFERS:
        errors.raise_error(errors.NOT_LENDABLE)
    _step(LISTING, current.status, "reserve")
    free = current.quantity - selectors.booked_peak(listing=current, start=start, end=end)
    if free <= 0:
        errors.raise_error(errors.PERIOD_TAKEN)
    if quantity > free:
        errors.raise_error(errors.NOT_ENOUGH_IN_PERIOD, available=free)
    booking = Booking(
        listing=current, kind=BookingKind.LOAN, quantity=quantity, period=DateTimeTZRange(start, end, "[)"),
        exclusive=current.quantity == 1, message=message.strip()[:500], deal=deal,
        receiving_department=department, cost_centre=cost_centre[:200],
    )
    booking.borrower = actor
    booking.contact = party_of(user=current.contact_person)
    _record_fee(booking, current)
    approvers = _approvers_if_required(requester, current, value=booking.fee_amount or Decimal(0))
    if approvers:
        booking.status = BookingStatus.AWAITING_APPROVAL
    _insert(booking, errors.PERIOD_TAKEN)
    event = _event(booking, "booked", actor=actor, note=booking.message)
    if approvers:
        _ask_approval(booking, actor=actor, approvers=approvers, notify=notify)
    elif notify:
        _queue_notice(event, NoticeKind.BOOKED)
    return booking


# ---------------------------------------------------------------------------------------------- approvals


def awaits_approval(*, booking: Booking) -> bool:
    return booking.status == BookingStatus.AWAITING_APPROVAL


def approval_required(*, requester, listing, value: Decimal) -> bool:
    """Whether the organisation's rule (tenants.selectors.approval_policy, decision 0045) asks a department
    manager to approve ``requester``'s booking of ``listing`` worth ``value`` SEK before it goes ahead."""
    rule, threshold = approval_policy()
    if rule == ApprovalRule.ALL:
        return True
    if rule == ApprovalRule.ABOVE_VALUE:
        return value > threshold
    if rule == ApprovalRule.OUTSIDE_DEPARTMENT:
        return listing.department_id != requester.department_id
    return False


def _approvers_if_required(requester, listing, *, value: Decimal) -> list:
    """The managers who approve this booking, or none when it goes ahead at once: no rule applies, the requester
    is another organisation's (a deal: its own organisation decided), or there is nobody but the requester to
    approve (a request never waits for no one)."""
    if requester is None or not approval_required(requester=requester, listing=listing, value=value):
        return []
    return [user for user in approvers(department_id=requester.department_id) if user.pk != requester.pk]


def _ask_approval(booking: Booking, *, actor: Party, approvers: list, notify: bool) -> None:
    event = _event(booking, "approval_asked", actor=actor)
    if notify:
        from .notices import enqueue_approval_asked

        enqueue_approval_asked(event=event, approvers=[party_of(user=user) for user in approvers])


def _approver_step(booking: Booking, by):
    listing, current = _locked_pair(booking)
    actor = party_of(user=by)
    if actor == current.borrower:
        errors.raise_error(errors.OWN_APPROVAL)
    if current.receiving_department_id not in approved_departments(user=by):
        errors.raise_error(errors.NOT_APPROVER)
    return listing, current, actor


@transaction.atomic
def approve_booking(*, booking: Booking, by) -> Booking:
    """The requester's department manager approves: the booking goes ahead as it would have without approval (a
    reservation is reserved, a loan is booked) and the listing's contact person is told as usual. Of two managers
    answering at once, the second waits for the first's lock and is told it has been answered."""
    listing, current, actor = _approver_step(booking, by)
    current.status = _step(MACHINES[current.kind], current.status, "approve")
    current.save(update_fields=["status"])
    event = _event(current, "approved", actor=actor)
    listing_services.settle_status(listing=listing)
    _queue_notice(event, NoticeKind.RESERVED if current.kind == BookingKind.RESERVATION else NoticeKind.BOOKED)
    _queue_notice(event, NoticeKind.APPROVAL_ANSWERED)
    return current


@transaction.atomic
def refuse_booking(*, booking: Booking, by, reason: str) -> Booking:
    """The requester's department manager refuses, with a reason the requester is e-mailed: what it held is free
    again."""
    if not reason.strip():
        errors.raise_error(errors.REASON_REQUIRED)
    listing, current, actor = _approver_step(booking, by)
    current.status = _step(MACHINES[current.kind], current.status, "refuse")
    current.cancelled_at = timezone.now()
    current.cancel_reason = reason.strip()[:300]
    current.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    event = _event(current, "not_approved", actor=actor, note=current.cancel_reason)
    listing_services.settle_status(listing=listing)
    _queue_notice(event, NoticeKind.APPROVAL_ANSWERED)
    return current


def _owner_step(booking: Booking, by):
    """Lock, and check that ``by`` may act for the listing on this loan (not the borrower themselves)."""
    listing, current = _locked_pair(booking)
    if not permissions.acts_for_owner(by, current):
        errors.raise_error(errors.NOT_OWNER)
    actor = party_of(user=by)
    if actor == current.borrower:
        errors.raise_error(errors.OWN_LOAN)
    if current.kind != BookingKind.LOAN:
        errors.raise_error(errors.NOT_A_LOAN)
    return listing, current, actor


@transaction.atomic
def confirm_pick_up(*, booking: Booking, by) -> Booking:
    """The owner side confirms that the borrower has the item: the loan is out, and counts as a loan."""
    listing, current, actor = _owner_step(booking, by)
    current.status = _step(LOAN, current.status, "pick_up")
    current.handed_over_at = timezone.now()
    current.giving_department_id = listing.department_id
    current.save(update_fields=["status", "handed_over_at", "giving_department"])
    _event(current, "picked_up", actor=actor)
    return current


@transaction.atomic
def confirm_return(*, booking: Booking, by, notify: bool = True) -> Booking:
    """The owner side confirms the item is back. The first on the waiting list is told."""
    listing, current, actor = _owner_step(booking, by)
    current.status = _step(LOAN, current.status, "return")
    current.returned_at = timezone.now()
    current.extension_until = None
    current.save(update_fields=["status", "returned_at", "extension_until"])
    _event(current, "returned", actor=actor)
    first = listing.waitlist.select_for_update().filter(told_at__isnull=True).order_by("joined_at", "pk").first()
    if first is not None:
        first.told_at = current.returned_at
        first.save(update_fields=["told_at"])
        if notify:
            _queue_waitlist_notice(first)
    return current


def _conflict_date(listing, booking: Booking, until: datetime) -> str | None:
    """The day someone else's booking stops ``booking`` from running to ``until``, or None if it can."""
    start = booking.period.upper
    booked = selectors.spans(listing_id=listing.pk, start=start, end=until, exclude=booking.pk)
    moment = periods.first_conflict(booked, start, until, quantity=booking.quantity, capacity=listing.quantity)
    if moment is None:
        return None
    return formats.date_format(timezone.localtime(max(moment, start)), "DATE_FORMAT")


@transaction.atomic
def request_extension(*, booking: Booking, by, until: datetime, notify: bool = True) -> Booking:
    """The borrower asks to keep the item until ``until``; the contact person is asked to accept or refuse."""
    listing, current = _locked_pair(booking)
    if not permissions.is_borrower(by, current):
        errors.raise_error(errors.NOT_BORROWER)
    actor = party_of(user=by)
    if current.kind != BookingKind.LOAN:
        errors.raise_error(errors.NOT_A_LOAN)
    _step(LOAN, current.status, "extend")
    if current.extension_until is not None:
        errors.raise_error(errors.EXTENSION_PENDING)
    if until <= current.period.upper:
        errors.raise_error(errors.EXTENSION_NOT_LATER)
    if until - current.period.lower > timedelta(days=MAX_LOAN_DAYS):
        errors.raise_error(errors.TOO_LONG, days=MAX_LOAN_DAYS)
    conflict = _conflict_date(listing, current, until)
    if conflict is not None:
        errors.raise_error(errors.EXTENSION_TAKEN, date=conflict)
    current.extension_until = until
    current.save(update_fields=["extension_until"])
    event = _event(current, "extension_asked", actor=actor, until=until)
    if notify:
        _queue_notice(event, NoticeKind.EXTENSION_ASKED)
    return current


@transaction.atomic
def answer_extension(*, booking: Booking, by, accept: bool, notify: bool = True) -> Booking:
    """The owner side accepts (the loan now ends later, and a rental's fee follows) or refuses the extension."""
    listing, current, actor = _owner_step(booking, by)
    _step(LOAN, current.status, "extend")
    until = current.extension_until
    if until is None:
        errors.raise_error(errors.NO_EXTENSION)
    if accept:
        conflict = _conflict_date(listing, current, until)
        if conflict is not None:
            errors.raise_error(errors.EXTENSION_TAKEN, date=conflict)
        current.period = DateTimeTZRange(current.period.lower, until, "[)")
        _record_fee(current, listing)
    current.extension_until = None
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError as error:
        if EXCLUSION in str(error):
            errors.raise_error(errors.EXTENSION_TAKEN,
                               date=formats.date_format(timezone.localtime(until), "DATE_FORMAT"))
        raise
    event = _event(current, "extension_accepted" if accept else "extension_refused", actor=actor, until=until)
    if notify:
        _queue_notice(event, NoticeKind.EXTENSION_ANSWERED)
    return current


# ---------------------------------------------------------------------------------------------- history


@transaction.atomic
def backdate_booking(*, booking: Booking, reserved_at: datetime | None = None, handed_over_at: datetime | None = None,
                     cancelled_at: datetime | None = None, returned_at: datetime | None = None,
                     period: tuple[datetime, datetime] | None = None) -> None:
    """Move a booking's times (and its events') into the past: history made after the fact, as the demo's.

    The steps stamp now() and a loan cannot be booked in the past; the demo needs months of history. A
    reservation's open period starts when it was reserved; a loan moved to another ``period`` gets that period's
    fee (a rental's fee follows the period it really had). QuerySet.update on purpose: nothing else about the rows
    changes and no step is taken. Never for what a person does.
    """
    fields = {
        name: value for name, value in {
            "reserved_at": reserved_at, "handed_over_at": handed_over_at, "cancelled_at": cancelled_at,
            "returned_at": returned_at,
        }.items() if value is not None
    }
    if period is not None:
        fields["period"] = DateTimeTZRange(*period, "[)")
        if booking.kind == BookingKind.LOAN:
            moved = copy(booking)
            moved.period = fields["period"]
            _record_fee(moved, booking.listing)
            fields.update(fee_unit_price=moved.fee_unit_price, fee_unit=moved.fee_unit, fee_units=moved.fee_units,
                          fee_amount=moved.fee_amount)
    elif reserved_at is not None and booking.kind == BookingKind.RESERVATION:
        fields["period"] = DateTimeTZRange(reserved_at, None, "[)")
    Booking.objects.filter(pk=booking.pk).update(**fields)
    for steps, moment in (
        (("reserved", "booked"), reserved_at), (("handed_over", "picked_up"), handed_over_at),
        (("cancelled",), cancelled_at), (("returned",), returned_at),
    ):
        if moment is not None:
            BookingEvent.objects.filter(booking=booking, step__in=steps).update(at=moment)


# ---------------------------------------------------------------------------------------------- daily jobs
# Run by bookings.jobs once a day per organisation, in its schema and in the transaction of the run, from the state of
# the data: what should have happened by ``today`` (the organisation's local date) and has not. Each writes its
# events and e-mails for all the bookings concerned at once, in queries that do not grow with their number.

LAPSE_BATCH = 500


def _job_events(bookings: list[Booking], step: str, *, today: date, at: datetime, until=None) -> None:
    events = []
    for booking in bookings:
        event = BookingEvent(booking=booking, step=step, at=at, on_date=today,
                             until=until(booking) if until else None)
        event.actor = None  # no one took this step: the daily job did
        events.append(event)
    # Once per booking, step and day (the constraint booking_event_once_a_day): a run repeated leaves one.
    BookingEvent.objects.bulk_create(events, ignore_conflicts=True)
    deal_sync.booking_changed(bookings)


@transaction.atomic
def lapse_reservations(*, today: date, days: int, zone: tzinfo, notify: bool = True) -> list[Booking]:
    """Reservations not handed over by their last day (made on R, with the organisation's limit of ``days``: R +
    ``days``) lapse: what they held is free again, their listings' status follows, and both sides are told.

    Listings are locked first (in id order), then the bookings, and each booking is checked again under its lock,
    as every other step; ``LAPSE_BATCH`` at a time.
    """
    made_before = deadlines.lapse_before(today=today, days=days, zone=zone)
    lapsed: list[Booking] = []
    while True:
        found = list(selectors.reservations_to_lapse(made_before=made_before).values_list("pk", "listing_id")
                     [:LAPSE_BATCH])
        if not found:
            return lapsed
        locked = listing_services.lock_listings(ids=[listing_id for _, listing_id in found])
        batch = list(
            Booking.objects.select_for_update(of=("self",))
            .filter(pk__in=[pk for pk, _ in found], kind=BookingKind.RESERVATION, status=BookingStatus.RESERVED,
                    reserved_at__lt=made_before)
            .order_by("pk")
        )
        now = timezone.now()
        for booking in batch:
            booking.status = _step(RESERVATION, booking.status, "lapse")
            booking.lapsed_at = now
            booking.listing = locked[booking.listing_id]
        Booking.objects.filter(pk__in=[booking.pk for booking in batch]).update(
            status=BookingStatus.LAPSED, lapsed_at=now
        )
        _job_events(batch, selectors.LAPSED, today=today, at=now)
        listing_services.settle_statuses(listings=locked.values())
        if notify:
            from .notices import enqueue_lapse_notices

            enqueue_lapse_notices(batch, days=days, zone=zone)
        lapsed += batch
        if len(found) < LAPSE_BATCH:
            return lapsed


@transaction.atomic
def remind_lapsing_reservations(*, today: date, days: int, zone: tzinfo) -> list[Booking]:
    """Both sides of each reservation whose last day is at most ``deadlines.REMIND_DAYS_BEFORE`` days away: hand it
    over, or it lapses. Once per reservation."""
    from .notices import enqueue_lapse_reminders

    bookings = list(selectors.reservations_to_remind(
        made_before=deadlines.remind_before(today=today, days=days, zone=zone)
    ))
    if bookings:
        _job_events(bookings, selectors.LAPSE_REMINDER, today=today, at=timezone.now())
        enqueue_lapse_reminders(bookings, days=days, zone=zone)
    return bookings


@transaction.atomic
def remind_due_loans(*, today: date, zone: tzinfo) -> list[Booking]:
    """The borrower of each loan out whose return day is today or tomorrow: bring it back on time. Once per loan and
    return moment (an extension accepted afterwards earns a new reminder)."""
    from .notices import enqueue_due_soon_reminders

    after, by = deadlines.due_soon_window(today=today, zone=zone)
    bookings = list(selectors.loans_due_soon(ends_after=after, ends_by=by))
    if bookings:
        _job_events(bookings, selectors.DUE_REMINDER, today=today, at=timezone.now(),
                    until=lambda booking: booking.ends_at)
        enqueue_due_soon_reminders(bookings, zone=zone)
    return bookings


@transaction.atomic
def remind_overdue_loans(*, today: date, zone: tzinfo) -> list[Booking]:
    """The borrower and the contact person of each loan still out after its return day, on the first day after it
    and every ``deadlines.OVERDUE_REPEAT_DAYS`` days until it is back."""
    from .notices import enqueue_overdue_reminders

    bookings = list(selectors.loans_overdue(
        ended_by=deadlines.overdue_at_or_before(today=today, zone=zone),
        reminded_since=deadlines.overdue_reminded_since(today=today),
    ))
    if bookings:
        _job_events(bookings, selectors.OVERDUE_REMINDER, today=today, at=timezone.now())
        enqueue_overdue_reminders(bookings, today=today, zone=zone)
    return bookings


# ---------------------------------------------------------------------------------------------- waiting list


@transaction.atomic
def join_waitlist(*, listing, by) -> WaitlistEntry:
    """Wait for a listing that is out now; when it comes back, the first in line is told."""
    current = listing_services.lock_listing(listing=listing)
    if current.offer_type not in selectors.LENT_OFFERS:
        errors.raise_error(errors.NOT_LENDABLE)
    if listings.is_poster_or_contact(by, current):
        errors.raise_error(errors.OWN_LISTING_LOAN)
    _step(LISTING, current.status, "reserve")
    now = timezone.now()
    if selectors.free_quantity(listing=current, start=now, end=now + timedelta(seconds=1)) > 0:
        errors.raise_error(errors.NOT_OUT)
    party = party_of(user=by)
    if current.waitlist.filter(is_party("person", party), told_at__isnull=True).exists():
        errors.raise_error(errors.ALREADY_WAITING)
    entry = WaitlistEntry(listing=current)
    entry.person = party
    entry.save()
    return entry


@transaction.atomic
def leave_waitlist(*, listing, by) -> None:
    current = listing_services.lock_listing(listing=listing)
    deleted, _ = current.waitlist.filter(is_party("person", party_of(user=by)), told_at__isnull=True).delete()
    if not deleted:
        errors.raise_error(errors.NOT_WAITING)


__all__ = [
    "answer_extension",
    "lapse_reservations",
    "remind_due_loans",
    "remind_lapsing_reservations",
    "remind_overdue_loans",
    "book_loan",
    "cancel_booking",
    "cancel_open_bookings",
    "confirm_handover",
    "confirm_pick_up",
    "confirm_return",
    "join_waitlist",
    "leave_waitlist",
    "request_extension",
    "reserve_listing",
]


# ---------------------------------------------------------------------------------------------- a leaver's bookings

OPEN = (BookingStatus.RESERVED, BookingStatus.OUT)


@transaction.atomic
def hand_over_bookings(*, by, from_person: Party, to_person: Party) -> int:
    """When someone leaves (orgadmin, decision 0039): the open bookings (reserved, or out on loan) they made or are
    the contact person of become ``to_person``'s, and so do their places on waiting lists. What is finished keeps its
    history. Organisation admins only. Returns how many bookings changed."""
    if not getattr(by, "is_org_admin", False):
        errors.raise_error(errors.NOT_ALLOWED)
    changed = 0
    for booking in Booking.objects.select_for_update().filter(
        (is_party("borrower", from_person) | is_party("contact", from_person)), status__in=OPEN
    ).order_by("pk"):
        fields = []
        if booking.borrower == from_person:
            booking.borrower = to_person
            fields += ["borrower_org", "borrower_uuid", "borrower_name", "borrower_email"]
        if booking.contact == from_person:
            booking.contact = to_person
            fields += ["contact_org", "contact_uuid", "contact_name", "contact_email"]
        booking.save(update_fields=fields)
        changed += 1
    waiting = WaitlistEntry.objects.filter(is_party("person", from_person))
    already = set(WaitlistEntry.objects.filter(is_party("person", to_person)).values_list("listing_id", flat=True))
    waiting.filter(listing_id__in=already).delete()
    for entry in waiting:
        entry.person = to_person
        entry.save()
    return changed
