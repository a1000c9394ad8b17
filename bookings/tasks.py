"""E-mails about bookings, sent by a worker in the schema of the organisation that queued them."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from tenants.selectors import organisation_base_url, organisation_for_schema

from .models import BookingEvent, BookingNotice, NoticeKind, WaitlistEntry

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


def _send(template: str, context: dict, email: str) -> None:
    with translation.override("sv"):
        # One line whatever the title holds: a line break in a subject is refused by Django's mail.
        subject = " ".join(render_to_string(f"bookings/email/{template}_subject.txt", context).split())
        body = render_to_string(f"bookings/email/{template}_body.txt", context)
    send_mail(subject, body, None, [email])


def _links(listing, booking=None) -> dict:
    organisation = organisation_for_schema(schema_name=connection.schema_name)
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


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_booking_notice(self, event_id: int, kind: str) -> bool:
    """Send one notice about a booking's step, once. A redelivered task finds it sent and does nothing."""
    with transaction.atomic():
        event = BookingEvent.objects.select_related("booking", "booking__listing").filter(pk=event_id).first()
        if event is None:
            return False
        person = _recipient(event, kind)
        if person is None or not person.email:
            return False
        notice, _created = BookingNotice.objects.get_or_create(
            event=event, kind=kind, defaults={"recipient": person.email}
        )
        notice = BookingNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.sent_at is not None:
            return False
        booking = event.booking
        links = _links(booking.listing, booking)
        if not links:
            return False
        context = {"event": event, "booking": booking, "listing": booking.listing, "person": person, **links}
        _send(TEMPLATES[kind], context, person.email)
        notice.sent_at = timezone.now()
        notice.save(update_fields=["sent_at"])
    return True


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_waitlist_notice(self, entry_id: int) -> bool:
    """Tell the first in line that the item is back, once."""
    with transaction.atomic():
        entry = WaitlistEntry.objects.select_for_update(of=("self",)).select_related("listing").filter(
            pk=entry_id
        ).first()
        if entry is None or entry.told_at is None or entry.notice_sent_at is not None:
            return False
        links = _links(entry.listing)
        if not links:
            return False
        _send("waitlist_back", {"listing": entry.listing, "person": entry.person, **links}, entry.person.email)
        entry.notice_sent_at = timezone.now()
        entry.save(update_fields=["notice_sent_at"])
    return True
