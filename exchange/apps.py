from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Exchange between organisations")

    def ready(self) -> None:
        from outbox.registry import register

        from . import notices
        from .services import INVITATION_KIND

        register(INVITATION_KIND, notices.send_network_invitation)
