from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff and departments")

    def ready(self) -> None:
        from tenants.services import register_default_data

        from . import signals  # noqa: F401  (connects the receivers)
        from .defaults import create_default_departments

        register_default_data(create_default_departments)
