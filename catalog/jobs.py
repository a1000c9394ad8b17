"""The catalogue's daily job, registered in catalog.apps with tenants' register_daily: once a day in every active
organisation's schema, it removes the photos picked for a listing that was never saved (PendingPhoto), a day after
they were uploaded. It works from the state of the data, so a run repeated or missed changes nothing."""

from __future__ import annotations

from datetime import date, time

from . import services

AT = time(3, 30)  # at night, before the exchange's reconciliation (04:15)


def pending_photos(*, organisation, local_date: date) -> None:
    services.remove_abandoned_pending_photos()


LISTINGS_AT = time(6, 30)  # before the working day and before the bookings' jobs (07:00)


def listings(*, organisation, local_date: date) -> None:
    """Listings past the organisation's limit expire; those near it remind their contact person, with a one-click
    renewal link (decision 0044). From the state of the data: a run repeated or missed changes nothing more."""
    from zoneinfo import ZoneInfo

    from django.urls import reverse

    zone = ZoneInfo(organisation.time_zone)
    days = organisation.listing_days
    services.expire_listings(today=local_date, days=days, zone=zone)
    services.remind_expiring_listings(
        today=local_date, days=days, zone=zone, renew_url=lambda token: reverse("workspace_renew", args=[token])
    )
