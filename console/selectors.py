"""Reads of the console (decision 0053): the organisations with their usage, the log, exports, planned deletions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from impact import selectors as impact

from .models import OrganisationExport, OrganisationUsage, PlannedDeletion, PlatformAction


@dataclass(frozen=True)
class Usage:
    people: int | None
    listings: int | None
    items_mediated: int
    last_activity: datetime | None
    measured_at: datetime | None


def usage_by_organisation(*, organisation_ids) -> dict[int, Usage]:
    """Each organisation's usage: people, listings and last activity as last measured in its schema (the nightly
    job, console.jobs), items mediated from impact's public ledger. Two queries, however many organisations."""
    ids = list(organisation_ids)
    measured = {row.organisation_id: row for row in OrganisationUsage.objects.filter(organisation_id__in=ids)}
    mediated: dict[int, int] = {}
    for (organisation_id, _year), figures in impact.ledger_by_organisation_year(organisation_ids=ids).items():
        mediated[organisation_id] = mediated.get(organisation_id, 0) + figures.items_mediated
    result = {}
    for pk in ids:
        row = measured.get(pk)
        result[pk] = Usage(
            people=row.people if row else None, listings=row.listings if row else None,
            items_mediated=mediated.get(pk, 0), last_activity=row.last_activity if row else None,
            measured_at=row.measured_at if row else None,
        )
    return result


def actions(*, organisation_id: int | None = None) -> QuerySet[PlatformAction]:
    rows = PlatformAction.objects.select_related("actor")
    return rows.filter(organisation_id=organisation_id) if organisation_id is not None else rows


def exports(*, organisation_id: int) -> QuerySet[OrganisationExport]:
    return OrganisationExport.objects.filter(organisation_id=organisation_id)


def export(*, pk: int) -> OrganisationExport | None:
    return OrganisationExport.objects.filter(pk=pk).first()


def planned_deletion(*, organisation_id: int) -> PlannedDeletion | None:
    return PlannedDeletion.objects.filter(organisation_id=organisation_id).first()


def planned_deletions(*, organisation_ids) -> dict[int, PlannedDeletion]:
    rows = PlannedDeletion.objects.filter(organisation_id__in=list(organisation_ids))
    return {row.organisation_id: row for row in rows}
