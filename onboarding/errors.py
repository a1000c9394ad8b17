from django.utils.translation import gettext_lazy as _

from platform_.errors import DomainError


class SignUpError(DomainError):
    """A sign-up refused: ``message`` for the applicant, ``code`` for programs."""


LINK_INVALID = ("signup_link_invalid", _("This link is not valid. Start the sign-up again to get a new one."), 404)
LINK_EXPIRED = ("signup_link_expired", _("This link has expired. Start the sign-up again to get a new one."), 410)
NOT_VERIFIED = ("signup_not_verified", _("Verify your e-mail address first."), 409)


def raise_error(error: tuple) -> None:
    code, message, *http_status = error
    raise SignUpError(code, message, *(http_status or [None]))
