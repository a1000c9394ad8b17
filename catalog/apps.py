from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Listings")

    def ready(self) -> None:
        from tenants.services import register_default_data

        from .defaults import create_default_categories

        register_default_data(create_default_categories)
