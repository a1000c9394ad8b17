"""The console's daily job in every organisation's schema (registered in console.apps)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from accounts import selectors as people
from catalog import selectors as catalog

from .models import OrganisationUsage

if TYPE_CHECKING:
    from tenants.models import Organisation


def measure(*, organisation: Organisation) -> OrganisationUsage:
    """Count the organisation's people and listings and note its last activity (the latest login or listing
    change), in its schema (two queries), and keep the figures in the public schema (one)."""
    from django.utils import timezone
    from django_tenants.utils import schema_context

    with schema_context(organisation.schema_name):
        count_people, last_login = people.people_figures()
        count_listings, last_change = catalog.listing_figures()
    last = max((moment for moment in (last_login, last_change) if moment), default=None)
    usage, _ = OrganisationUsage.objects.update_or_create(
        organisation_id=organisation.pk,
        defaults={"people": count_people, "listings": count_listings, "last_activity": last,
                  "measured_at": timezone.now()},
    )
    return usage


def record_usage(*, organisation: Organisation, local_date: date) -> None:
    measure(organisation=organisation)
