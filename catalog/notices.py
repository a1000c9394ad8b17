"""E-mails about reservations, rendered in the transaction that reserves or cancels and written to the outbox, which
sends them once that transaction has committed, once per reservation and kind."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from outbox import services as outbox
from tenants.selectors import current_organisation, organisation_base_url

from .models import NoticeKind, Reservation


def _recipient(reservation: Reservation, kind: str):
    """Who hears about it: the contact person of a new reservation; the other side of a cancellation."""
    contact = reservation.listing.contact_person
    if kind == NoticeKind.RESERVED:
        return contact
    if kind == NoticeKind.CANCELLED:
        return reservation.reserved_by if reservation.cancelled_by_id != reservation.reserved_by_id else contact
    if kind == NoticeKind.CANCELLED_FOR_CONTACT:
        return contact
    return None


def enqueue_notice(*, reservation: Reservation, kind: str) -> None:
    """Write the notice of ``kind`` about the reservation to the outbox, in the caller's transaction."""
    person = _recipient(reservation, kind)
    organisation = current_organisation()
    if person is None or organisation is None:
        return
    base_url = organisation_base_url(organisation=organisation)
    context = {
        "reservation": reservation,
        "listing": reservation.listing,
        "person": person,
        "organisation_name": organisation.name,
        "listing_url": base_url + reverse("listing_detail", args=[reservation.listing.uuid]),
        "my_listings_url": base_url + reverse("my_listings"),
    }
    # Staff have no language setting of their own yet: the organisation's.
    with translation.override(settings.LANGUAGE_CODE):
        template = "cancelled" if kind == NoticeKind.CANCELLED_FOR_CONTACT else kind
        subject = render_to_string(f"catalog/email/{template}_subject.txt", context)
        body = render_to_string(f"catalog/email/{template}_body.txt", context)
    outbox.enqueue_email(
        key=f"reservation:{reservation.uuid}:{kind}", to=[person.email], subject=subject, body=body
    )
