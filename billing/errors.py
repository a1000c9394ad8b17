"""Why a billing operation was refused: a stable ``code`` for programs and a ``message`` for people."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from platform_.errors import DomainError


class BillingError(DomainError):
    pass


UNKNOWN_PLAN = ("unknown_plan", _("There is no plan %(code)s."), 400)
NO_PRICE = ("no_price", _("The plan %(code)s has no price for organisations of size %(band)s."), 400)
UNKNOWN_ORGANISATION = ("unknown_organisation", _("There is no organisation with id %(id)s."), 404)
BAD_BUYER = ("bad_buyer", _("The buyer's details are not complete: %(problem)s."), 400)
BAD_PERIOD = ("bad_period", _("The start date must fall within the subscription year."), 400)
NOT_CREDITABLE = ("not_creditable", _("Only an invoice can be credited, and only once."), 409)
INVALID_XML = ("invalid_peppol_xml", _("The invoice's Peppol XML breaks the rules %(rules)s."), 500)
NO_ACCESS_POINT = ("no_access_point", _("No Peppol access point is configured (PEPPOL_ACCESS_POINT_URL)."), 503)
BAD_SIGNATURE = ("bad_signature", _("The webhook's signature is not valid."), 400)
NO_CARD_PAYMENT = ("no_card_payment", _("Card payment is not available."), 409)
NO_SUBSCRIPTION = ("no_subscription", _("The organisation has no subscription yet."), 404)


def raise_error(error: tuple, **params) -> None:
    code, message, http_status = error
    raise BillingError(code, message % params if params else message, http_status)

# The platform console (decision 0058).
NOT_ON_TRIAL = ("not_on_trial", _("Only a trial without a chosen way to pay can be extended."), 409)
BAD_TRIAL_END = ("bad_trial_end", _("The new end of the trial must be later than today and than its current end."),
                 400)
