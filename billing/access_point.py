"""Delivering an invoice to Delbar's Peppol access point: the outbox kind ``billing.peppol_invoice`` (decision 0050).

The access point is a service outside Delbar (a Peppol-certified provider) that takes a UBL document over HTTP and
carries it through the Peppol network to the buyer's access point. Delbar POSTs the invoice's XML to
``PEPPOL_ACCESS_POINT_URL`` with ``Authorization: Bearer PEPPOL_ACCESS_POINT_TOKEN`` and ``Idempotency-Key: <invoice
number>``: the outbox may deliver a message twice (its process died after the POST and before its commit), and the
key lets the access point recognise the repeat. Any 2xx answer, or 409 (already received), is delivered; anything
else raises, and the outbox tries again later.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from outbox.models import OutboxMessage

KIND = "billing.peppol_invoice"
CONTENT_TYPE = "application/xml; charset=utf-8"


class AccessPointRefused(RuntimeError):
    pass


def key(number: str) -> str:
    return f"billing.peppol:{number}"


def post(*, number: str, xml: bytes) -> int:
    """POST ``xml`` to the access point; the HTTP status if it took it (2xx or 409), else AccessPointRefused."""
    url = settings.PEPPOL_ACCESS_POINT_URL
    if not url:
        raise AccessPointRefused("PEPPOL_ACCESS_POINT_URL is not set")
    headers = {"Content-Type": CONTENT_TYPE, "Idempotency-Key": number}
    if settings.PEPPOL_ACCESS_POINT_TOKEN:
        headers["Authorization"] = f"Bearer {settings.PEPPOL_ACCESS_POINT_TOKEN}"
    request = urllib.request.Request(url, data=xml, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.PEPPOL_ACCESS_POINT_TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        if error.code == 409:  # it has this invoice number already: a repeat
            return error.code
        raise AccessPointRefused(f"The access point answered {error.code}: {error.read(500)!r}") from error


def deliver(message: OutboxMessage) -> None:
    """The outbox handler: the invoice's XML, as it is rendered now (the same bytes each time), to the access point."""
    from . import selectors, ubl

    invoice = selectors.invoice(number=message.payload["number"])
    if invoice is None:
        raise AccessPointRefused(f"No invoice {message.payload['number']}")
    post(number=invoice.number, xml=ubl.invoice_xml(invoice))
