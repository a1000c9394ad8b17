"""E-mails about reservations, sent by a worker in the schema of the organisation that queued them."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from tenants.selectors import organisation_base_url, organisation_for_schema

from .models import NoticeKind, Reservation, ReservationNotice


def _recipient(reservation: Reservation, kind: str) -> tuple[str, object] | None:
    """Who hears about it: the contact person of a new reservation; the other side of a cancellation."""
    contact = reservation.listing.contact_person
    if kind == NoticeKind.RESERVED:
        return contact.email, contact
    if kind == NoticeKind.CANCELLED:
        other = reservation.reserved_by if reservation.cancelled_by_id != reservation.reserved_by_id else contact
        return other.email, other
    if kind == NoticeKind.CANCELLED_FOR_CONTACT:
        return contact.email, contact
    return None


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_reservation_notice(self, reservation_id: int, kind: str) -> bool:
    """Send one notice about a reservation, once. A redelivered task finds it sent and does nothing."""
    with transaction.atomic():
        reservation = (
            Reservation.objects.select_related(
                "listing", "listing__contact_person", "reserved_by", "cancelled_by"
            ).filter(pk=reservation_id).first()
        )
        if reservation is None:
            return False
        target = _recipient(reservation, kind)
        if target is None:
            return False
        email, person = target
        notice, _created = ReservationNotice.objects.get_or_create(
            reservation=reservation, kind=kind, defaults={"recipient": email}
        )
        notice = ReservationNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.sent_at is not None:
            return False
        organisation = organisation_for_schema(schema_name=connection.schema_name)
        if organisation is None:
            return False
        base_url = organisation_base_url(organisation=organisation)
        context = {
            "reservation": reservation,
            "listing": reservation.listing,
            "person": person,
            "organisation_name": organisation.name,
            "listing_url": base_url + reverse("listing_detail", args=[reservation.listing.uuid]),
            "my_listings_url": base_url + reverse("my_listings"),
        }
        with translation.override("sv"):
            # One line whatever the title holds: a line break in a subject is refused by Django's mail.
            template = "cancelled" if kind == NoticeKind.CANCELLED_FOR_CONTACT else kind
            subject = " ".join(render_to_string(f"catalog/email/{template}_subject.txt", context).split())
            body = render_to_string(f"catalog/email/{template}_body.txt", context)
        send_mail(subject, body, None, [email])
        notice.sent_at = timezone.now()
        notice.save(update_fields=["sent_at"])
    return True
