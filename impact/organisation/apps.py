from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactOrganisationConfig(AppConfig):
    """What an organisation decides about its own impact figures (its schema): reference price overrides per
    platform category key and corrections per listing (decision 0032)."""

    name = "impact.organisation"
    label = "impact_organisation"
    verbose_name = _("Impact corrections")
