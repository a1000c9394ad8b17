from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgadminConfig(AppConfig):
    """The organisation run from Delbar's own pages (decision 0039): departments, people, invitations in bulk,
    and links to the settings. No models of its own: it composes accounts', catalog's and bookings' services."""

    name = "orgadmin"
    verbose_name = _("Administration")
