"""What the exchange is told when a booking that carries out a deal between organisations changes (decision 0030).

A deal lives in the public schema (exchange.Deal); once accepted, its booking in the owner's schema is what holds
the items, and every step on it (handed over, picked up, returned, cancelled, lapsed, extended) is a step of the
deal. Each such step writes an outbox message in the owner's schema, in the step's own transaction; the exchange's
handler reads the booking as it is when the message is delivered and brings the deal up to date (exchange.deal_sync).
The booking is the truth: messages that arrive late or twice change nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from outbox import services as outbox

KIND = "exchange.deal_booking_changed"


def booking_changed(bookings: Iterable) -> None:
    """Call inside the transaction of the step. Bookings that carry out no deal are skipped."""
    for booking in bookings:
        if booking.deal is None:
            continue
        # Each step its own message; the handler reads the booking as it is, so no key has to say which step.
        outbox.enqueue(
            kind=KIND, key=f"exchange.deal_booking:{booking.uuid}:{uuid.uuid4()}",
            payload={"booking": str(booking.uuid), "deal": str(booking.deal)},
        )
