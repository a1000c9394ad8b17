from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Exchange between organisations")

    def ready(self) -> None:
        from datetime import time

        from outbox.registry import register
        from tenants.services import register_daily

        from . import notices, publication
        from .services import INVITATION_KIND

        register(INVITATION_KIND, notices.send_network_invitation)
        register(publication.KIND, publication.deliver)
        # Repairs any drift between an organisation's listings and the exchange's copies, at night by its clock.
        register_daily(name="exchange.reconcile_offers", function=publication.reconcile, at=time(4, 15))
