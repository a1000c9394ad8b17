from django.utils.translation import gettext_lazy as _


class AccountError(Exception):
    """A business rule said no. ``message`` is for the person, ``code`` for programs."""

    def __init__(self, code: str, message) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message


ALREADY_MEMBER = ("already_member", _("%(email)s already has an account in this organisation."))
INVITATION_INVALID = ("invitation_invalid", _("This invitation link is not valid. Ask for a new invitation."))
INVITATION_EXPIRED = ("invitation_expired", _("This invitation has expired. Ask for a new invitation."))
INVITATION_USED = ("invitation_used", _("This invitation has already been used. Log in instead."))
NOT_ALLOWED = ("not_allowed", _("Only organisation admins can invite colleagues."))
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
    code, message = error
    raise AccountError(code, message % params if params else message)
