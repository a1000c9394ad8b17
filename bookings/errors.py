"""Why a booking step was refused: a stable ``code`` for programs and a ``message`` for people, in their language.

``BookingError`` is a ``CatalogError`` so that the pages and the API treat both alike (platform_.api_errors).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from catalog.errors import CatalogError
from tenants.errors import READ_ONLY_MESSAGE


class BookingError(CatalogError):
    pass


# Reservations (give away, sell).
SOLD_OUT = ("sold_out", _("Someone else reserved the last one just before you. It is no longer available."), 409)
NOT_ENOUGH = ("not_enough", _("Only %(available)s left to reserve."), 409)
OWN_LISTING = ("own_listing", _("You cannot reserve your own listing."), 400)
OWN_HANDOVER = (
    "own_handover", _("Someone else must confirm the handover of what you reserved yourself."), 403
)
NOT_ALLOWED = (
    "not_allowed", _("Only the person who reserved, the listing's owner or an operator can do this."), 403
)
QUANTITY_INVALID = ("quantity_invalid", _("The quantity must be at least 1."), 400)
REASON_REQUIRED = ("reason_required", _("Give a reason."), 400)
LAPSED = (
    "lapsed",
    _("This reservation lapsed on %(date)s: it was not handed over in time, and the item is free for others again. "
      "To have it after all, reserve it again."),
    409,
)
NEEDS_PERIOD = ("needs_period", _("This is lent or rented out: choose the days you want it."), 409)
NOT_A_RESERVATION = (
    "not_a_reservation", _("This is a loan: it is picked up and returned, not handed over."), 409
)

# Loans and rentals.
NOT_LENDABLE = ("not_lendable", _("This listing is not lent or rented out."), 409)
OWN_LISTING_LOAN = ("own_listing", _("You cannot borrow your own listing."), 400)
PERIOD_TAKEN = ("period_taken", _("It is already booked for some of those days. Choose other dates."), 409)
NOT_ENOUGH_IN_PERIOD = ("not_enough", _("Only %(available)s are free for the whole of that period."), 409)
RETURN_BEFORE_PICKUP = ("return_before_pickup", _("The return must be after the pick-up."), 400)
IN_THE_PAST = ("in_the_past", _("Choose a day from today on: the dates cannot be in the past."), 400)
TOO_LONG = ("period_too_long", _("A loan can be at most %(days)s days."), 400)
NOT_A_LOAN = ("not_a_loan", _("This is a reservation, not a loan."), 409)
NOT_OWNER = ("not_allowed", _("Only the listing's owner or an operator can do this."), 403)
NOT_BORROWER = ("not_allowed", _("Only the borrower can ask for an extension."), 403)
OWN_LOAN = (
    "own_loan",
    _("Someone else must confirm the pick-up, return or extension of what you borrow yourself."),
    403,
)
EXTENSION_NOT_LATER = ("extension_not_later", _("The new return must be after the current one."), 400)
EXTENSION_TAKEN = (
    "extension_taken",
    _("Someone else has booked it from %(date)s, so the loan cannot be extended past that."),
    409,
)
EXTENSION_PENDING = ("extension_pending", _("An extension has already been asked for. Wait for the answer."), 409)
NO_EXTENSION = ("no_extension", _("No extension has been asked for."), 409)

# Deals with other organisations (exchange.deal_services).
DEAL_BOOKED = ("deal_booked", _("This request has already been accepted."), 409)

# A department manager's approval (decision 0045).
OWN_APPROVAL = ("own_approval", _("You cannot approve or refuse your own request: another manager must."), 403)
NOT_APPROVER = ("not_allowed", _("Only the manager of the requester's department can approve or refuse this."), 403)

# The waiting list.
NOT_OUT = ("not_out", _("It is free now: book it instead of waiting."), 409)
ALREADY_WAITING = ("already_waiting", _("You are already on the waiting list."), 409)
NOT_WAITING = ("not_waiting", _("You are not on the waiting list."), 409)

STATE = "not_possible_now"


# Read-only mode (decision 0057): no new reservation or loan; returning, cancelling and paying go on.
READ_ONLY = ("read_only", READ_ONLY_MESSAGE, 403)


def raise_error(error: tuple, **params) -> None:
    code, message, http_status = error
    raise BookingError(code, message % params if params else message, http_status)


def from_transition(refused) -> BookingError:
    """A lifecycle refusal (TransitionNotAllowed) as an error with the HTTP status 409 Conflict."""
    return BookingError(STATE, refused.message, 409)
