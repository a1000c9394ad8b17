"""Reads about organisations. Public schema."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Organisation, OrganisationStatus
from .routing import directory


def organisation_for_host(*, host: str) -> Organisation | None:
    """The organisation served at this host name (no port), from the per-process cache."""
    return directory.organisation_for_host(host)


def active_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(status=OrganisationStatus.ACTIVE).order_by("name")
