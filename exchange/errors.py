"""Why an exchange operation was refused: a stable ``code`` for programs and a ``message`` for people."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from platform_.errors import DomainError


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
