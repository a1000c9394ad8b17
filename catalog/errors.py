"""Why a catalogue operation was refused: a stable ``code`` for programs and a ``message`` for people."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class CatalogError(Exception):
    def __init__(self, code: str, message, http_status: int = 400) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.http_status = http_status


class PhotoRejected(CatalogError):
    def __init__(self, code: str, message) -> None:
        super().__init__(code, message, 400)


NOT_ALLOWED = ("not_allowed", _("You are not allowed to do this with this listing."), 403)
QUANTITY_INVALID = ("quantity_invalid", _("The quantity must be at least 1."), 400)
PRICE_INVALID = ("price_invalid", _("The price cannot be negative."), 400)
INVALID_CHOICE = ("invalid_choice", _("The condition, offer or rent period is not one of the choices."), 400)
EDITED_MEANWHILE = (
    "edited_meanwhile",
    _("Someone else changed this listing while you were editing it. Open it again and make your change there."),
    409,
)
NOTHING_LEFT = ("nothing_left", _("Everything has been handed over; there is nothing left to publish."), 409)
PRICE_REQUIRED = ("price_required", _("Give a price when renting out or selling."), 400)
PRICE_NOT_ALLOWED = ("price_not_allowed", _("A price is given only when renting out or selling."), 400)
RENT_PERIOD_REQUIRED = ("rent_period_required", _("Say whether the rent is per day, week or month."), 400)
QUANTITY_BELOW_CLAIMED = (
    "quantity_below_claimed",
    _("The quantity cannot be lower than what is already reserved or handed over (%(claimed)s)."),
    400,
)
PHOTO_REQUIRED = ("photo_required", _("Add at least one photo before publishing."), 400)
TOO_MANY_PHOTOS = ("too_many_photos", _("A listing can have at most %(limit)s photos."), 400)
REASON_REQUIRED = ("reason_required", _("Give a reason."), 400)
STATE = "not_possible_now"


def raise_error(error: tuple, **params) -> None:
    code, message, http_status = error
    raise CatalogError(code, message % params if params else message, http_status)


def from_transition(refused) -> CatalogError:
    """A lifecycle refusal (TransitionNotAllowed) as a CatalogError with the HTTP status 409 Conflict."""
    return CatalogError(STATE, refused.message, 409)

WITHDRAWN_REASON = _("The listing was withdrawn.")
