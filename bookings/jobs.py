"""The daily jobs of bookings, registered in bookings.apps with tenants' register_daily: each runs once a day in
every active organisation's schema, at 07:00 by its clock, for its local date (decision 0026).

They work from the state of the data (what should have happened by that date and has not), so a day on which no job
ran is covered by the next, and a run repeated changes nothing.
"""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

from . import services

AT = time(7, 0)  # before the working day, and outside the hour daylight saving skips or repeats


def reservations(*, organisation, local_date: date) -> None:
    """Reservations past the organisation's limit lapse; those near it are reminded (in that order, so that one
    about to lapse today is told it lapsed rather than reminded)."""
    zone = ZoneInfo(organisation.time_zone)
    days = organisation.reservation_days
    services.lapse_reservations(today=local_date, days=days, zone=zone)
    services.remind_lapsing_reservations(today=local_date, days=days, zone=zone)


def loans(*, organisation, local_date: date) -> None:
    """Borrowers of loans due back today or tomorrow are reminded; loans overdue are chased, weekly."""
    zone = ZoneInfo(organisation.time_zone)
    services.remind_due_loans(today=local_date, zone=zone)
    services.remind_overdue_loans(today=local_date, zone=zone)
