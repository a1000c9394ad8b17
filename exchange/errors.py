"""Why an exchange operation was refused: a stable ``code`` for programs and a ``message`` for people."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from platform_.errors import DomainError
from tenants.errors import READ_ONLY_MESSAGE


class ExchangeError(DomainError):
    """``field`` names the input the refusal is about, when it is about one (a form shows the message there)."""

    def __init__(self, code: str, message, http_status: int = 400, field: str | None = None) -> None:
        super().__init__(code, message, http_status)
        self.field = field


NETWORK_NAME_REQUIRED = ("network_name_required", _("Give the network a name."), 400)
NETWORK_NAME_TOO_LONG = ("too_long", _("The name can be at most %(limit)s characters."), 400)
NETWORK_NAME_TAKEN = ("network_name_taken", _("Your organisation already has a network with this name."), 409)
NOT_A_MEMBER = ("not_a_member", _("Your organisation is not a member of this network."), 403)
ORGANISATION_UNAVAILABLE = (
    "organisation_unavailable", _("That organisation cannot be invited: it is not active on Delbar."), 400
)
OWN_ORGANISATION = ("own_organisation", _("Your organisation is already in the network."), 400)
ALREADY_MEMBER = ("already_member", _("%(name)s is already a member of the network."), 409)
ALREADY_INVITED = ("already_invited", _("%(name)s has already been invited and has not answered yet."), 409)
NO_INVITATION = (
    "no_invitation", _("There is no open invitation for your organisation to this network any more."), 409
)


def raise_error(error: tuple, *, field: str | None = None, **params) -> None:
    code, message, http_status = error
    raise ExchangeError(code, message % params if params else message, http_status, field=field)


# Deals between organisations (exchange.deal_services).
OFFER_GONE = (
    "offer_gone", _("This offer is no longer available: it was withdrawn or taken meanwhile."), 409
)
OWN_OFFER = ("own_organisation", _("This is your own organisation's listing: reserve or book it there instead."), 400)
QUANTITY_INVALID = ("quantity_invalid", _("The quantity must be at least 1."), 400)
NOT_ENOUGH = ("not_enough", _("Only %(available)s left."), 409)
NEEDS_PERIOD = ("needs_period", _("This is lent or rented out: choose the days you want it."), 400)
NO_PERIOD = ("no_period", _("This is given away or sold: it has no pick-up and return dates."), 400)
PERIOD_TAKEN = ("period_taken", _("Only %(available)s are free for the whole of that period. Choose other dates."), 409)
TRANSPORT_REQUIRED = ("transport_required", _("Choose who arranges the transport."), 400)
MESSAGE_TOO_LONG = ("too_long", _("The message can be at most %(limit)s characters."), 400)
LEGAL_BASIS_REQUIRED = (
    "legal_basis_required", _("A deal with a price needs its legal basis: choose one."), 400
)
LEGAL_NOTE_REQUIRED = ("legal_note_required", _("Explain the legal basis in a note."), 400)
ALREADY_ANSWERED = ("already_answered", _("This request has already been answered."), 409)
NOT_YOURS_TO_ANSWER = (
    "not_allowed", _("Only the listing's contact person, its owners or an operator can answer this request."), 403
)
NOT_YOURS = ("not_allowed", _("Only the person who asked, or an operator of their organisation, can do this."), 403)
CANNOT_CANCEL = ("cannot_cancel", _("It has already changed hands: it can no longer be cancelled."), 409)
MESSAGE_REQUIRED = ("message_required", _("Write a message."), 400)
LISTING_GONE = ("offer_gone", _("The listing is no longer there."), 409)
DEAL_NOT_FOUND = ("not_found", _("There is no such request."), 404)
REQUESTER_UNAVAILABLE = ("organisation_unavailable", _("Your organisation is not active on Delbar."), 403)

# A department manager's approval of a deal (decision 0048).
OWN_APPROVAL = ("own_approval", _("You cannot approve or refuse your own request: another manager must."), 403)
NOT_APPROVER = ("not_allowed", _("Only the manager of the requester's department can approve or refuse this."), 403)
REASON_REQUIRED = ("reason_required", _("Give a reason."), 400)
NOT_SENT_YET = ("not_sent", _("The request has not been sent yet: you can write to the other organisation once it "
                              "has been approved."), 409)


# Read-only mode (decision 0057): no new deal asked of another organisation, no new invitation to a network.
READ_ONLY = ("read_only", READ_ONLY_MESSAGE, 403)
