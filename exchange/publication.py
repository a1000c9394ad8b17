"""Bringing the exchange's copies of shared listings up to date (decision 0025).

``deliver`` handles the outbox kind ``exchange.publish_listing``, which catalog writes in an organisation's schema
whenever a shared listing changes (catalog.publication). It runs there, reads the listing as it is now under a row
lock (catalog.selectors.shared_listing), and publishes or removes the exchange's copy in public. ``reconcile`` is
the same, for every listing of the organisation at once: a daily job that repairs any drift (a message given up, a
copy changed by hand).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from catalog import selectors as catalog
from tenants import selectors as organisations

from . import offer_photos, services
from .models import Offer

if TYPE_CHECKING:
    from datetime import date

    from outbox.models import OutboxMessage

KIND = "exchange.publish_listing"


def _snapshot(organisation_id: int, shared: catalog.SharedListing) -> services.OfferSnapshot:
    return services.OfferSnapshot(
        organisation_id=organisation_id, listing=shared.uuid, version=shared.version, reach=shared.reach,
        title=shared.title, excerpt=shared.excerpt, category_key=shared.category_key, condition=shared.condition,
        quantity_available=shared.quantity_available, offer_type=shared.offer_type, price=shared.price,
        rent_period=shared.rent_period, contact_name=shared.contact_name, contact_email=shared.contact_email,
        published_at=shared.published_at,
        photos=tuple(
            offer_photos.PhotoSnapshot(key=photo.key, image=photo.image, thumbnail=photo.thumbnail,
                                       width=photo.width, height=photo.height)
            for photo in shared.photos
        ),
    )


def _apply(organisation_id: int, shared: catalog.SharedListing) -> None:
    if shared.offered:
        services.publish_offer(offer=_snapshot(organisation_id, shared))
    else:
        services.withdraw_offer(organisation_id=organisation_id, listing=shared.uuid, version=shared.version)


def deliver(message: OutboxMessage) -> None:
    """The outbox handler: publish or remove the copy of one listing, as the listing is now."""
    shared = catalog.shared_listing(uuid=message.payload["listing"])
    if shared is None:
        return  # no such listing (listings are not deleted; nothing was ever published of one that is not there)
    _apply(organisations.current_organisation_id(), shared)


def reconcile(*, organisation=None, local_date: date | None = None) -> dict[str, int]:
    """Make the exchange hold exactly the organisation's offered listings, each at its current version with the
    listing's photos, and no file of the organisation's in the exchange's folder that no offer's photo names.

    Runs in the organisation's schema, in one transaction (the daily job's). Returns how many copies it published
    (or whose photos it repaired) and removed, and how many orphaned files it swept. Costs a fixed number of queries
    plus the writes of each copy repaired."""
    organisation_id = organisation.pk if organisation is not None else organisations.current_organisation_id()
    wanted = catalog.offered_versions()
    held = dict(Offer.objects.filter(organisation_id=organisation_id).values_list("listing", "version"))
    held = {str(listing): version for listing, version in held.items()}
    photos = offer_photos.held_photos(organisation_id=organisation_id)
    # First the files no row names (a rolled-back copy, a removal that did not get to its files), then the repairs,
    # whose fresh copies the sweep would leave anyway.
    swept = offer_photos.sweep(
        organisation_id=organisation_id,
        keep={name for listed in photos.values() for photo in listed
              for name in (photo.image.name, photo.thumbnail.name)},
    )
    stale = [uuid for uuid, version in wanted.items() if held.get(uuid, 0) < version]
    current = [uuid for uuid, version in wanted.items() if held.get(uuid, 0) == version]
    stale += offer_photos.drifted(wanted=catalog.offered_photo_keys(), held=photos, listings=current)
    extra = [uuid for uuid in held if uuid not in wanted]
    published = removed = 0
    for shared in catalog.shared_listings(uuids=stale + extra):
        _apply(organisation_id, shared)
        published += shared.offered
        removed += not shared.offered
    # A copy whose listing no longer exists at all.
    gone = set(extra) - set(catalog.listing_versions(uuids=extra))
    for uuid in gone:
        removed += services.withdraw_offer(organisation_id=organisation_id, listing=uuid, version=held[uuid])
    return {"published": published, "removed": removed, "swept": swept}
