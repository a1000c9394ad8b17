"""The statistics of one organisation (on its host): its own figures from catalog and bookings, and the items its
people received from other organisations, from the exchange's deals (decision 0031). Six queries, whatever the
amount of data."""

from __future__ import annotations

from dataclasses import dataclass

from accounts import selectors as people
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


@dataclass(frozen=True)
class DepartmentRow:
    """One department of the statistics' table in the tree's order: its figures with those of every department
    under it (a förvaltning's include its enheter), and how deep it sits (0: a förvaltning)."""

    name: str
    depth: int
    posted: int
    mediated: int
    loans: int
    given: int
    received: int
    has_units: bool  # figures of departments under it are included


FIGURES = ("posted", "mediated", "loans", "given", "received")


def department_rows(*, figures: catalog.Statistics) -> list[DepartmentRow]:
    """The per-department figures in the department tree's order, each department's including those of the
    departments under it; departments with nothing to show are left out. One query (the tree)."""
    tree = people.department_order(include_inactive=True)  # the history counts wound-up departments too
    own = {row.department_id: row for row in figures.departments}
    totals = {department.pk: [getattr(own[department.pk], name) if department.pk in own else 0 for name in FIGURES]
              for department, _depth in tree}
    with_units: set[int] = set()
    # Children come after their parents in the tree's order: walking it backwards adds each one to its parent
    # after the child has its own total.
    for department, _depth in reversed(tree):
        parent = department.parent_id
        if parent in totals and any(totals[department.pk]):
            totals[parent] = [a + b for a, b in zip(totals[parent], totals[department.pk], strict=True)]
            with_units.add(parent)
    return [
        DepartmentRow(department.name, depth, *totals[department.pk], has_units=department.pk in with_units)
        for department, depth in tree if any(totals[department.pk])
    ]
