"""E-mails about bookings, rendered in the transaction that takes the step and written to the outbox, which sends
them once that transaction has committed — once per step and kind, and once per turn on the waiting list."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from outbox import services as outbox
from tenants.selectors import current_organisation, organisation_base_url

from .models import BookingEvent, NoticeKind, WaitlistEntry

TEMPLATES = {
    NoticeKind.RESERVED: "reserved",
    NoticeKind.CANCELLED: "cancelled",
    NoticeKind.CANCELLED_FOR_CONTACT: "cancelled",
    NoticeKind.BOOKED: "booked",
    NoticeKind.EXTENSION_ASKED: "extension_asked",
    NoticeKind.EXTENSION_ANSWERED: "extension_answered",
}


def _recipient(event: BookingEvent, kind: str):
    """Who hears about it: the contact person of a new reservation, loan or extension asked for; the borrower of an
    extension answered; the other side of a cancellation."""
    booking = event.booking
    if kind in (NoticeKind.RESERVED, NoticeKind.BOOKED, NoticeKind.EXTENSION_ASKED, NoticeKind.CANCELLED_FOR_CONTACT):
        return booking.contact
    if kind == NoticeKind.EXTENSION_ANSWERED:
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


def _enqueue(*, key: str, template: str, context: dict, email: str) -> None:
    # Staff have no language setting of their own yet: the organisation's.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"bookings/email/{template}_subject.txt", context)
        body = render_to_string(f"bookings/email/{template}_body.txt", context)
    outbox.enqueue_email(key=key, to=[email], subject=subject, body=body)


def enqueue_booking_notice(*, event: BookingEvent, kind: str) -> None:
    """The notice of ``kind`` about a booking's step, written to the outbox in the caller's transaction."""
    person = _recipient(event, kind)
    booking = event.booking
    links = _links(booking.listing, booking)
    if person is None or not person.email or not links:
        return
    context = {"event": event, "booking": booking, "listing": booking.listing, "person": person, **links}
    _enqueue(key=f"booking:{booking.uuid}:{event.pk}:{kind}", template=TEMPLATES[kind], context=context,
             email=person.email)


def enqueue_waitlist_notice(*, entry: WaitlistEntry) -> None:
    """Tell the first in line that the item is back (the caller set ``told_at`` in this transaction)."""
    links = _links(entry.listing)
    if not links or not entry.person.email:
        return
    _enqueue(key=f"waitlist:{entry.pk}", template="waitlist_back",
             context={"listing": entry.listing, "person": entry.person, **links}, email=entry.person.email)
