"""Loans and rentals for the demo organisations, so that the calendar, "Mina reservationer" and the statistics show
something: a projector lent and returned and booked again, a conference phone out now (with someone waiting and
an extension asked for), a ladder due back today, a speaker rented and returned (its fee recorded) and booked
again, a trailer booked for next week.

Everything goes through bookings.services as if the demo people had done it; a loan that happened in the past is
booked far ahead first (a booking cannot start in the past) and its times moved back afterwards, as demo.listings
moves the timestamps of reservations (bookings.services.backdate_booking). Running it again adds nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from accounts.selectors import colleagues
from bookings import selectors, services
from catalog import selectors as listings

PROJECTOR = "Projektor Epson EB-W51"
PHONE = "Konferenstelefon Jabra Speak 510"
LADDER = "Trappstege i aluminium, 6 steg"
SPEAKER = "Högtalare med mikrofon, Bose S1 Pro"
TRAILER = "Släpkärra 750 kg"
FAR_AHEAD = 300  # days: where past loans are booked before their times are moved back


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute)).replace(tzinfo=timezone.get_current_timezone())


def _past_loan(listing, *, borrower, owner, start: datetime, end: datetime, slot: int, returned: bool = True):
    """A loan that happened: booked, picked up (and returned), then moved back to ``start``–``end``."""
    ahead = timezone.localdate() + timedelta(days=FAR_AHEAD + slot * 3)
    booking = services.book_loan(listing=listing, by=borrower, start=_at(ahead, 9), end=_at(ahead, 16), notify=False)
    booking = services.confirm_pick_up(booking=booking, by=owner)
    returned_at = None
    if returned:
        booking = services.confirm_return(booking=booking, by=owner, notify=False)
        returned_at = end - timedelta(minutes=25)
    # A rental's fee follows the period it really had (backdate_booking records it).
    services.backdate_booking(booking=booking, reserved_at=start - timedelta(days=4),
                              handed_over_at=start + timedelta(minutes=10), returned_at=returned_at,
                              period=(start, end))
    return booking


def seed_demo_loans(*, organisation) -> int:
    """Play the demo organisation's loans; return how many bookings were made (0 if they are there already)."""
    found = listings.listings_titled(titles=[PROJECTOR, PHONE, LADDER, SPEAKER, TRAILER])
    if len(found) < 5 or any(selectors.has_loans(listing=listing) for listing in found.values()):
        return 0
    people = [person for person in colleagues() if person.email.endswith(f"@{organisation.slug}.example")]
    operator = next(person for person in people if person.role == Role.OPERATOR)

    def borrowers(listing) -> list:
        return [person for person in people
                if not listings.is_poster_or_contact(person, listing) and person.role != Role.OPERATOR]

    today = timezone.localdate()
    made = 0
    with transaction.atomic():
        projector, phone, ladder, speaker, trailer = (found[t] for t in (PROJECTOR, PHONE, LADDER, SPEAKER, TRAILER))
        first, second = borrowers(projector)[:2]
        _past_loan(projector, borrower=first, owner=operator, slot=0,
                   start=_at(today - timedelta(days=20), 9), end=_at(today - timedelta(days=17), 16))
        services.book_loan(listing=projector, by=second, start=_at(today + timedelta(days=9), 9),
                           end=_at(today + timedelta(days=11), 16), message="Till föräldramötet i aulan.",
                           notify=False)
        made += 2

        borrower, waiting = borrowers(phone)[:2]
        out = _past_loan(phone, borrower=borrower, owner=operator, slot=1, returned=False,
                         start=_at(today - timedelta(days=1), 9), end=_at(today + timedelta(days=2), 16))
        services.request_extension(booking=out, by=borrower, until=_at(today + timedelta(days=4), 16), notify=False)
        services.join_waitlist(listing=phone, by=waiting)
        made += 1

        _past_loan(ladder, borrower=borrowers(ladder)[0], owner=operator, slot=2, returned=False,
                   start=_at(today - timedelta(days=3), 9), end=_at(today, 16))
        made += 1

        renter, other = borrowers(speaker)[:2]
        _past_loan(speaker, borrower=renter, owner=operator, slot=3,
                   start=_at(today - timedelta(days=12), 9), end=_at(today - timedelta(days=10), 16))
        services.book_loan(listing=speaker, by=other, start=_at(today + timedelta(days=5), 10),
                           end=_at(today + timedelta(days=6), 15), message="Till skolavslutningen.", notify=False)
        services.book_loan(listing=trailer, by=borrowers(trailer)[0], start=_at(today + timedelta(days=7), 8),
                           end=_at(today + timedelta(days=7), 17), notify=False)
        made += 3
    return made
