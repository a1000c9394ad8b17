"""The statistics of one organisation (on its host): its own figures from catalog and bookings, and the items its
people received from other organisations, from the exchange's deals (decision 0031). Six queries, whatever the
amount of data."""

from __future__ import annotations

from catalog import selectors as catalog
from exchange import selectors as exchange

from .impact import (  # noqa: F401
    OrganisationImpact,
    PlatformImpact,
    open_data,
    organisation_impact,
    platform_impact,
)


def statistics(*, organisation_id: int, year: int) -> catalog.Statistics:
    """Listings posted, items mediated and lent inside the organisation, given to and received from other
    organisations, in ``year``, per month and department (the receiving department the asker named)."""
    start, end = catalog.statistics_period(year=year)
    received = exchange.received_by(organisation_id=organisation_id, start=start, end=end)
    return catalog.statistics(year=year, received_by_month=received.by_month,
                              received_by_department=received.by_department)


def statistics_years() -> list[int]:
    return catalog.statistics_years()
