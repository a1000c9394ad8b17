"""Why a catalogue operation was refused: a stable ``code`` for programs and a ``message`` for people."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from platform_.errors import DomainError
from tenants.errors import READ_ONLY_MESSAGE


class CatalogError(DomainError):
    """``field`` names the input the refusal is about, when it is about one (a form shows the message there)."""

    def __init__(self, code: str, message, http_status: int = 400, field: str | None = None) -> None:
        super().__init__(code, message, http_status)
        self.field = field


class PhotoRejected(CatalogError):
    def __init__(self, code: str, message) -> None:
        super().__init__(code, message, 400, field="photos")


class RateLimited(CatalogError):
    """Too much of something in too short a time: try again after ``retry_after`` seconds (429, Retry-After)."""

    def __init__(self, code: str, message, retry_after: int, field: str | None = None) -> None:
        super().__init__(code, message, 429, field=field)
        self.retry_after = retry_after


NOT_ALLOWED = ("not_allowed", _("You are not allowed to do this with this listing."), 403)
NOT_ALLOWED_ORGANISATION = ("not_allowed", _("Only organisation admins can move or hand over listings in bulk."), 403)
QUANTITY_INVALID = ("quantity_invalid", _("The quantity must be at least 1."), 400)
PRICE_INVALID = ("price_invalid", _("The price cannot be negative."), 400)
INVALID_CHOICE = ("invalid_choice", _("The condition, offer or rent period is not one of the choices."), 400)
EDITED_MEANWHILE = (
    "edited_meanwhile",
    _("Someone else changed this listing while you were editing it. Open it again and make your change there."),
    409,
)
# The API's If-Match names a version that is no longer the listing's: the same refusal, as 412 Precondition Failed.
EDITED_MEANWHILE_PRECONDITION = (EDITED_MEANWHILE[0], EDITED_MEANWHILE[1], 412)
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
TOO_LONG = ("too_long", _("%(name)s can be at most %(limit)s characters (it has %(length)s)."), 400)
CATEGORY_CYCLE = (
    "category_cycle", _("A category cannot be placed under itself or under one of its own subcategories."), 400
)
CATEGORY_TOO_DEEP = (
    "category_too_deep",
    _("Categories can be at most %(limit)s levels deep; placed there, this one or its subcategories would be deeper."),
    400,
)
CATEGORY_NAME_TAKEN = ("category_name_taken", _("There is already a category with this name in the same place."), 400)
CATEGORY_NAME_REQUIRED = ("category_name_required", _("Give the category a name."), 400)
PLATFORM_KEY_REQUIRED = (
    "platform_key_required", _("Choose the platform category this category belongs to."), 400
)
PLATFORM_KEY_UNKNOWN = ("platform_key_unknown", _("That is not one of the platform's categories."), 400)
REACH_INVALID = ("invalid_choice", _("Choose who may see the listing among the choices."), 400)
NOT_ALLOWED_SHARING = ("not_allowed", _("Only organisation admins can change how far new listings are shared."), 403)
NOT_ALLOWED_CATEGORIES = ("not_allowed", _("Only organisation admins can change the categories."), 403)
NOT_ALLOWED_PLACES = ("not_allowed", _("Only organisation admins can change the saved places."), 403)
PLACE_NAME_REQUIRED = ("place_name_required", _("Give the place a name."), 400)
PLACE_NAME_TAKEN = ("place_name_taken", _("There is already a place with this name."), 400)
PLACE_RETIRED = ("place_retired", _("That place is no longer in use. Choose another."), 400)
PENDING_PHOTO_GONE = (
    "pending_photo_gone",
    _("A photo you added is no longer waiting to be saved (after a day it is removed). Add it again."),
    400,
)
NOT_ALLOWED_STORAGE = (
    "not_allowed", _("Only operators and organisation admins keep the storage, its labels and stock-taking."), 403
)
STORAGE_PLACE_REQUIRED = ("place_required", _("Say where it is stored: choose a place."), 400)
NOTHING_CHOSEN = ("nothing_chosen", _("Choose at least one item."), 400)
TOO_MANY_LABELS = ("too_many_labels", _("At most %(limit)s labels can be printed at a time."), 400)
NOT_OURS = (
    "not_ours",
    _("%(count)s of the chosen items are not in your organisation. Nothing was done; choose from the list again."),
    404,
)
NO_LABEL_FOR = (
    "no_label", _("These items are withdrawn or handed over and get no label: %(titles)s. Nothing was printed."), 409
)
READ_ONLY = ("read_only", READ_ONLY_MESSAGE, 403)
NOT_PUBLISHABLE = ("not_publishable", _("Nothing was published. %(reasons)s"), 409)
UNKNOWN_CODES = (
    "unknown_codes",
    _("These codes are not on any item of your organisation: %(codes)s. Nothing was marked; check them and try "
      "again."),
    400,
)
BULK_REFUSED = (
    "bulk_refused",
    _("%(count)s of the chosen listings cannot be changed; nothing was changed."),
    409,
)
BULK_EMPTY = ("bulk_empty", _("Choose at least one listing."), 400)
BULK_TOO_MANY = ("bulk_too_many", _("Choose at most %(limit)s listings at a time."), 400)
BULK_GONE = ("bulk_gone", _("%(count)s of the chosen listings no longer exist; nothing was changed."), 409)
BULK_NOTHING_CHOSEN = ("bulk_nothing_chosen", _("Choose a department or a place to move them to."), 400)
CONTACT_INVALID = ("contact_invalid", _("Choose an active person of the organisation as contact."), 400)
NOT_RENEWABLE = (
    "not_renewable", _("Only a published or reserved listing, or one that expired, can be renewed."), 409
)
EXPIRED_REASON = _("The listing expired: it was not renewed in time.")
STATE = "not_possible_now"


def raise_error(error: tuple, *, field: str | None = None, **params) -> None:
    code, message, http_status = error
    raise CatalogError(code, message % params if params else message, http_status, field=field)


def from_transition(refused) -> CatalogError:
    """A lifecycle refusal (TransitionNotAllowed) as a CatalogError with the HTTP status 409 Conflict."""
    return CatalogError(STATE, refused.message, 409)

WITHDRAWN_REASON = _("The listing was withdrawn.")
