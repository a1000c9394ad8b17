"""E-mails about bookings, rendered in the transaction that takes the step and written to the outbox, which sends
them once that transaction has committed — once per step and kind, once per turn on the waiting list, and once per
reminder (its key names the booking, the reminder, the day or return it is about, and the side told)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, tzinfo

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from notifications import services as notifications
from outbox import services as outbox
from tenants.selectors import current_organisation, organisation_base_url

from . import deadlines
from .models import Booking, BookingEvent, NoticeKind, WaitlistEntry

TEMPLATES = {
    NoticeKind.RESERVED: "reserved",
    NoticeKind.CANCELLED: "cancelled",
    NoticeKind.CANCELLED_FOR_CONTACT: "cancelled",
    NoticeKind.BOOKED: "booked",
    NoticeKind.EXTENSION_ASKED: "extension_asked",
    NoticeKind.EXTENSION_ANSWERED: "extension_answered",
    NoticeKind.APPROVAL_ANSWERED: "approval_answered",
}


def _recipient(event: BookingEvent, kind: str):
    """Who hears about it: the contact person of a new reservation, loan or extension asked for; the borrower of an
    extension answered; the other side of a cancellation."""
    booking = event.booking
    if kind in (NoticeKind.RESERVED, NoticeKind.BOOKED, NoticeKind.EXTENSION_ASKED, NoticeKind.CANCELLED_FOR_CONTACT):
        return booking.contact
    if kind in (NoticeKind.EXTENSION_ANSWERED, NoticeKind.APPROVAL_ANSWERED):
        return booking.borrower
    if kind == NoticeKind.CANCELLED:
        return booking.borrower if event.actor != booking.borrower else booking.contact
    return None


def _links(listing, booking=None) -> dict:
    organisation = current_organisation()
    if organisation is None:
        return {}
    base_url = organisation_base_url(organisation=organisation)
    links = {
        "organisation_name": organisation.name,
        "listing_url": base_url + reverse("listing_detail", args=[listing.uuid]),
        "my_listings_url": base_url + reverse("my_listings"),
        "book_url": base_url + reverse("listing_book", args=[listing.uuid]),
    }
    if booking is not None:
        links["booking_url"] = base_url + reverse("booking_detail", args=[booking.uuid])
    return links


def _path(booking=None, listing=None) -> str:
    """Where the person told acts on it, on the organisation's own host: the booking, else the listing."""
    if booking is not None:
        return reverse("booking_detail", args=[booking.uuid])
    return reverse("listing_detail", args=[listing.uuid]) if listing is not None else ""


def _enqueue(*, key: str, template: str, context: dict, person, link: str) -> None:
    # Staff have no language setting of their own yet: the organisation's.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"bookings/email/{template}_subject.txt", context)
        body = render_to_string(f"bookings/email/{template}_body.txt", context)
    outbox.enqueue_email(key=key, to=[person.email], subject=subject, body=body)
    # The bell tells the same, under the e-mail's key, in the person's own organisation (decision 0047).
    notifications.notify_parties(notices=[
        notifications.PartyNotice(party=person, kind=f"booking.{template}", text=subject, link=link, key=key,
                                  link_elsewhere=reverse("my_reservations")),
    ])


def enqueue_booking_notice(*, event: BookingEvent, kind: str) -> None:
    """The notice of ``kind`` about a booking's step, written to the outbox in the caller's transaction."""
    person = _recipient(event, kind)
    booking = event.booking
    links = _links(booking.listing, booking)
    if person is None or not person.email or not links:
        return
    context = {"event": event, "booking": booking, "listing": booking.listing, "person": person, **links}
    _enqueue(key=f"booking:{booking.uuid}:{event.pk}:{kind}", template=TEMPLATES[kind], context=context,
             person=person, link=_path(booking))


def enqueue_approval_asked(*, event: BookingEvent, approvers) -> None:
    """Each manager who may approve a booking is asked to, with a link to their queue (decision 0045)."""
    booking = event.booking
    links = _links(booking.listing, booking)
    if not links:
        return
    organisation = current_organisation()
    queue_url = organisation_base_url(organisation=organisation) + reverse("approval_queue")
    for person in approvers:
        if not person.email:
            continue
        context = {"event": event, "booking": booking, "listing": booking.listing, "person": person,
                   "queue_url": queue_url, **links}
        _enqueue(key=f"booking:{booking.uuid}:{event.pk}:approval_asked:{person.person}", template="approval_asked",
                 context=context, person=person, link=reverse("approval_queue"))


def enqueue_waitlist_notice(*, entry: WaitlistEntry) -> None:
    """Tell the first in line that the item is back (the caller set ``told_at`` in this transaction)."""
    links = _links(entry.listing)
    if not links or not entry.person.email:
        return
    _enqueue(key=f"waitlist:{entry.pk}", template="waitlist_back",
             context={"listing": entry.listing, "person": entry.person, **links}, person=entry.person,
             link=_path(listing=entry.listing))


# ---------------------------------------------------------------------------------------------- the daily jobs'

BORROWER, CONTACT = "borrower", "contact"


def _render(template: str, context: dict, zone: tzinfo) -> tuple[str, str]:
    # In the organisation's language (staff have none of their own yet) and its clock, as the job counts days.
    with translation.override(settings.LANGUAGE_CODE), timezone.override(zone):
        subject = render_to_string(f"bookings/email/{template}_subject.txt", context)
        body = render_to_string(f"bookings/email/{template}_body.txt", context)
    return subject, body


def _emails(bookings: Iterable[Booking], *, template: str, key: Callable[[Booking, str], str], sides: tuple[str, ...],
            zone: tzinfo, **details) -> list[tuple[outbox.Email, notifications.PartyNotice]]:
    """One e-mail per booking and side told, rendered from ``template`` with the booking's listing (joined in by the
    selector) and ``details`` (a callable is asked per booking), under ``key(booking, side)``."""
    organisation = current_organisation()
    if organisation is None:
        return []
    base_url = organisation_base_url(organisation=organisation)
    elsewhere = reverse("my_reservations")  # a borrower of another organisation (a deal) finds it there
    emails = []
    for booking in bookings:
        context = {
            "booking": booking, "listing": booking.listing, "organisation_name": organisation.name,
            "listing_url": base_url + reverse("listing_detail", args=[booking.listing.uuid]),
            "booking_url": base_url + reverse("booking_detail", args=[booking.uuid]),
            "book_url": base_url + reverse("listing_book", args=[booking.listing.uuid]),
            **{name: value(booking) if callable(value) else value for name, value in details.items()},
        }
        told = set()
        for side in sides:
            person = booking.borrower if side == BORROWER else booking.contact
            if person is None or not person.email or person.email in told:
                continue
            told.add(person.email)
            subject, body = _render(template, {**context, "person": person, "side": side}, zone)
            email = outbox.Email(key=key(booking, side), to=[person.email], subject=subject, body=body)
            notice = notifications.PartyNotice(party=person, kind=f"booking.{template}", text=subject,
                                               link=_path(booking), key=email.key, link_elsewhere=elsewhere)
            emails.append((email, notice))
    return emails


def _enqueue_many(messages: list[tuple[outbox.Email, notifications.PartyNotice]]) -> int:
    """The e-mails in one statement, and the bell's notifications of the same (decision 0047)."""
    notifications.notify_parties(notices=[notice for _email, notice in messages])
    return outbox.enqueue_emails(emails=[email for email, _notice in messages])


def enqueue_lapse_reminders(bookings: Iterable[Booking], *, days: int, zone: tzinfo) -> int:
    """Both sides of each reservation: it lapses unless handed over by its last day."""
    return _enqueue_many(_emails(
        bookings, template="lapse_reminder", key=lambda booking, side: f"booking:{booking.uuid}:lapse_reminder:{side}",
        sides=(BORROWER, CONTACT), zone=zone, days=days,
        last_day=lambda booking: deadlines.last_day(reserved_at=booking.reserved_at, days=days, zone=zone),
        lapses_on=lambda booking: deadlines.lapses_on(reserved_at=booking.reserved_at, days=days, zone=zone),
    ))


def enqueue_lapse_notices(bookings: Iterable[Booking], *, days: int, zone: tzinfo) -> int:
    """Both sides of each reservation: it has lapsed, and what it held is free again."""
    return _enqueue_many(_emails(
        bookings, template="lapsed", key=lambda booking, side: f"booking:{booking.uuid}:lapsed:{side}",
        sides=(BORROWER, CONTACT), zone=zone, days=days,
    ))


def enqueue_due_soon_reminders(bookings: Iterable[Booking], *, zone: tzinfo) -> int:
    """The borrower of each loan: return it on time (once per return moment; an accepted extension is a new one)."""
    def key(booking: Booking, side: str) -> str:
        return f"booking:{booking.uuid}:due_soon:{booking.ends_at.astimezone(UTC):%Y%m%dT%H%MZ}:{side}"

    return _enqueue_many(_emails(bookings, template="due_soon", key=key, sides=(BORROWER,), zone=zone))


def enqueue_overdue_reminders(bookings: Iterable[Booking], *, today: date, zone: tzinfo) -> int:
    """The borrower and the contact person of each loan not back on time (once per day it is reminded)."""
    return _enqueue_many(_emails(
        bookings, template="overdue", key=lambda booking, side: f"booking:{booking.uuid}:overdue:{today}:{side}",
        sides=(BORROWER, CONTACT), zone=zone, today=today,
    ))
