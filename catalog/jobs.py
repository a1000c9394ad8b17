"""The catalogue's daily job, registered in catalog.apps with tenants' register_daily: once a day in every active
organisation's schema, it removes the photos picked for a listing that was never saved (PendingPhoto), a day after
they were uploaded. It works from the state of the data, so a run repeated or missed changes nothing."""

from __future__ import annotations

from datetime import date, time

from . import services

AT = time(3, 30)  # at night, before the exchange's reconciliation (04:15)


def pending_photos(*, organisation, local_date: date) -> None:
    services.remove_abandoned_pending_photos()
