"""Who may take which step of a booking. The owner side is catalog's rule (``can_manage_listing``); the borrower is
compared as a Party (organisation and UUID), so that one organisation's user 5 is never another's."""

from __future__ import annotations

from accounts.selectors import approved_departments, party_of
from catalog import selectors as listings

from .models import Booking


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


def is_borrower(user, booking: Booking) -> bool:
    return _active(user) and party_of(user=user) == booking.borrower


def acts_for_owner(user, booking: Booking) -> bool:
    """The listing's owner side: poster, contact person, manager of its department, operators and admins."""
    return listings.can_manage_listing(user, booking.listing)


def can_cancel(user, booking: Booking) -> bool:
    return is_borrower(user, booking) or acts_for_owner(user, booking)


def approves(user, booking: Booking) -> bool:
    """The manager of the borrower's department (or of its förvaltning when the enhet has none), decision 0045."""
    return _active(user) and booking.receiving_department_id in approved_departments(user=user)


def can_see(user, booking: Booking) -> bool:
    return can_cancel(user, booking) or approves(user, booking)
