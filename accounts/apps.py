from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff and departments")

    def ready(self) -> None:
        from outbox.registry import register
        from tenants.services import register_default_data

        from . import (
            notifications,
            signals,  # noqa: F401  (connects the receivers)
        )
        from .defaults import create_default_departments

        register_default_data(create_default_departments)
        register(notifications.KIND, notifications.send_invitation_email, keep=notifications.KEPT_AFTER_DELIVERY)
