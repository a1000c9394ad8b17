from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Listings")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from tenants.services import register_daily, register_default_data

        from . import jobs, publication
        from .defaults import create_default_categories
        from .models import Listing

        register_default_data(create_default_categories)
        register_daily(name="catalog.pending_photos", function=jobs.pending_photos, at=jobs.AT)
        register_daily(name="catalog.listings", function=jobs.listings, at=jobs.LISTINGS_AT)
        post_save.connect(publication.listing_saved, sender=Listing, dispatch_uid="catalog.publication")
        post_save.connect(publication.announce_published, sender=Listing, dispatch_uid="catalog.announce_published")
