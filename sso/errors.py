from django.utils.translation import gettext_lazy as _

from platform_.errors import DomainError


class SsoError(DomainError):
    """Single sign-on said no: a configuration the admin must correct, or a login that is refused."""


# (code, message[, HTTP status; 400 when left out])
NOT_ADMIN = ("not_allowed", _("Only organisation admins can configure single sign-on."), 403)
DISCOVERY_UNREACHABLE = (
    "discovery_unreachable",
    _("Delbar could not fetch %(url)s: %(reason)s. Check the address (for Microsoft Entra ID: "
      "https://login.microsoftonline.com/<tenant id>/v2.0)."),
)
DISCOVERY_INVALID = (
    "discovery_invalid",
    _("%(url)s did not answer with an OpenID Connect discovery document (%(reason)s)."),
)
SECRET_REQUIRED = ("secret_required", _("Enter the client secret."))
DEPARTMENT_INACTIVE = ("department_inactive", _("Choose an active department."))
ROLE_NOT_ALLOWED = ("role_not_allowed", _("New accounts cannot be organisation admins; choose another role."))
DOMAIN_INVALID = ("domain_invalid", _("“%(domain)s” is not an e-mail domain (for example kommun.se)."))
# Refused logins (shown on allauth's login error page and the login page).
LOGIN_DISABLED = ("sso_disabled", _("Single sign-on is not switched on for this organisation."), 403)
LOGIN_NO_VERIFIED_EMAIL = (
    "sso_no_verified_email",
    _("Your identity provider did not give a verified e-mail address, so Delbar cannot tell who you are. "
      "Ask your organisation's administrator."),
    403,
)
LOGIN_DOMAIN_NOT_ALLOWED = (
    "sso_domain_not_allowed",
    _("%(email)s is not at an e-mail domain your organisation logs in with through single sign-on."),
    403,
)
LOGIN_PLATFORM_ADMIN = (
    "sso_platform_admin", _("Platform administrators log in with their password and authenticator app."), 403,
)
LOGIN_OTHER_IDENTITY = (
    "sso_other_identity",
    _("The account %(email)s is already linked to another identity at your provider. Ask your organisation's "
      "administrator."),
    409,
)
LOGIN_INACTIVE = ("sso_inactive", _("Your account in Delbar has been deactivated. Ask your organisation's "
                                    "administrator."), 403)
LOGIN_DEPARTMENT_INACTIVE = (
    "sso_department_inactive",
    _("Delbar cannot create your account: the department new accounts are placed in has been wound up. Ask your "
      "organisation's administrator to choose another on the single sign-on page."),
    409,
)
CONNECT_REFUSED = (
    "sso_connect_refused",
    _("Your account is linked to your organisation's provider when you log in with it, not from this page."),
    403,
)
PASSWORD_REFUSED = (
    "sso_only",
    _("%(organisation)s logs in through %(label)s: use the button “Log in with %(label)s”."),
    403,
)


def raise_error(error: tuple, *, field: str = "", **params) -> None:
    code, message, *http_status = error
    text = message % params if params else message
    raise SsoError(code, text, *(http_status or [None]), fields={field: [text]} if field else None)
