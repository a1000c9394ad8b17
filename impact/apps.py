from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    """The platform's impact factors (public schema): kg CO₂e avoided and a reference new price per platform
    category key, with sources, in versions (decision 0032). Its tenant half is ``impact.organisation``."""

    name = "impact"
    verbose_name = _("Impact factors")
