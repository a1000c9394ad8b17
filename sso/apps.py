from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    """Single sign-on per organisation with OpenID Connect (decision 0056): the organisation admin's configuration,
    the provider allauth is given for the organisation's host, and the accounts made or linked at first login."""

    name = "sso"
    verbose_name = _("Single sign-on")
