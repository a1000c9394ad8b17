"""What the exchange is told when a listing that is (or was) shared beyond the organisation changes (decision 0025).

Every save of such a listing — created, edited, published, reserved, handed over, withdrawn, its reach widened or
narrowed — raises its ``version`` and writes an outbox message (kind ``exchange.publish_listing``, key with the
version) in the same transaction, in the organisation's own schema. The message carries only the listing's UUID and
version; the exchange's handler reads the listing as it is when the message is delivered
(``catalog.selectors.shared_listing``) and brings its copy in the public schema up to date. A listing that is and
was only the organisation's writes nothing: nothing of it ever leaves the schema.

A post_save receiver rather than a call in each service: every service that saves a listing is covered, including
those written later, and the services stay about their own rules.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from outbox import services as outbox

from .lifecycle import ListingStatus
from .models import Listing, Reach

KIND = "exchange.publish_listing"
# A listing saved with one of these statuses as stored, and published now, has just been published (from storage
# too: what the operator publishes from the store answers the wanted ads as any other new listing does).
_NEWLY_PUBLISHED_FROM = ("draft", "stored", "withdrawn")


def _shared(reach: str | None) -> bool:
    return reach is not None and reach != Reach.ORGANISATION


def listing_saved(sender, instance: Listing, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    stored = getattr(instance, "_stored_reach", None)
    if not _shared(instance.reach) and not _shared(stored):
        return
    instance._stored_reach = instance.reach
    if connection.in_atomic_block:
        _tell_the_exchange(instance)
    else:
        # Saved outside a service (autocommit): the message follows in a transaction of its own.
        with transaction.atomic():
            _tell_the_exchange(instance)


def claims_changed(listing: Listing) -> None:
    """A claim on the listing was made or ended without a change of its status (what is free changed): the exchange's
    copy follows, as after a save. Loans that start or end by the clock alone are caught by the reconciliation."""
    listing_saved(Listing, listing, created=False)


def _tell_the_exchange(listing: Listing) -> None:
    table = connection.ops.quote_name(Listing._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET version = version + 1 WHERE id = %s RETURNING version", [listing.pk])
        listing.version = cursor.fetchone()[0]
    outbox.enqueue(
        kind=KIND, key=f"exchange.publish:{listing.uuid}:{listing.version}",
        payload={"listing": str(listing.uuid), "version": listing.version},
    )


# ------------------------------------------------------------------------------------ a listing newly published

# Told in the organisation's own outbox whenever a listing becomes published (created published, or a draft, a
# stored or a withdrawn listing published), whatever its reach: the apps above catalog that care register a handler
# for the kind (wanted ads match it against what people are looking for, decision 0036). Catalog names the event,
# never the app that listens. A listing that is published again after a reservation was cancelled is not newly
# published.
PUBLISHED_KIND = "catalog.listing_published"
EVENT_DELAY = timedelta(seconds=1)


def announce_published(sender, instance: Listing, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or instance.status != ListingStatus.PUBLISHED:
        return
    stored = None if created else getattr(instance, "_stored_status", None)
    instance._stored_status = instance.status
    if stored == ListingStatus.PUBLISHED or (stored is not None and stored not in _NEWLY_PUBLISHED_FROM):
        return
    stamp = f"{instance.updated_at.timestamp():.6f}" if instance.updated_at else "0"
    with nullcontext() if connection.in_atomic_block else transaction.atomic():
        # Due a moment from now, so that writing it queues no relay of its own: the outbox's sweep (every 30 s) or
        # the schema's next relay delivers it. Nothing waits for it, and a publication costs no extra task.
        outbox.enqueue(kind=PUBLISHED_KIND, key=f"catalog.published:{instance.uuid}:{stamp}",
                       payload={"listing": str(instance.uuid)}, available_at=timezone.now() + EVENT_DELAY)
