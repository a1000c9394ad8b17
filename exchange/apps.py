from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Exchange between organisations")

    def ready(self) -> None:
        from datetime import time

        from django.db.models.signals import post_delete

        from outbox.registry import register
        from tenants.services import register_daily

        from . import deal_services, deal_sync, notices, offer_photos, publication
        from .models import OfferPhoto
        from .services import INVITATION_KIND

        # An offer's photo files go after the commit that removed its row, however it was removed (decision 0029).
        post_delete.connect(offer_photos.photo_deleted, sender=OfferPhoto, dispatch_uid="exchange.offer_photo_files")

        register(INVITATION_KIND, notices.send_network_invitation)
        register(publication.KIND, publication.deliver)
        register(deal_sync.KIND, deal_sync.deliver)
        register(deal_services.CANCEL_KIND, deal_sync.cancel_booking)
        # Repairs any drift between an organisation's listings and the exchange's copies, at night by its clock.
        register_daily(name="exchange.reconcile_offers", function=publication.reconcile, at=time(4, 15))
        # Finishes or undoes an acceptance the process died in, and makes open deals follow their bookings.
        register_daily(name="exchange.repair_deals", function=deal_sync.repair, at=time(4, 20))
