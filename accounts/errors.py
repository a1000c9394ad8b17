from django.utils.translation import gettext_lazy as _

from platform_.errors import DomainError


class AccountError(DomainError):
    """A business rule said no. ``message`` is for the person, ``code`` for programs."""


# (code, message[, HTTP status for the API; 400 when left out])
ALREADY_MEMBER = ("already_member", _("%(email)s already has an account in this organisation."), 409)
INVITATION_INVALID = ("invitation_invalid", _("This invitation link is not valid. Ask for a new invitation."))
INVITATION_EXPIRED = ("invitation_expired", _("This invitation has expired. Ask for a new invitation."))
INVITATION_USED = ("invitation_used", _("This invitation has already been used. Log in instead."), 409)
NOT_ALLOWED = ("not_allowed", _("Only organisation admins can invite colleagues."), 403)
EMAIL_DOMAIN_NOT_ALLOWED = (
    "email_domain_not_allowed",
    _("The address must be at the organisation's own e-mail domain: %(domains)s."),
)
EMAIL_DOMAINS_NOT_SET = (
    "email_domains_not_set",
    _("Your organisation has not set its own e-mail domains yet, so addresses cannot be added here. "
      "Ask your organisation's administrator."),
)


def raise_error(error: tuple, **params) -> None:
    code, message, *http_status = error
    raise AccountError(code, message % params if params else message, *http_status)
