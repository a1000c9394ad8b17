"""When reservations lapse and who is reminded of what, by the organisation's calendar, without the database.

Everything here is counted in the organisation's local days (``today`` is the local date a daily job runs for), so
midnight and the days the clocks change (23 and 25 hours in Europe/Stockholm) fall where people expect them:

- A reservation made on local day R, with the organisation's limit of N days, may be handed over up to and including
  day R + N (its *last day*). The job on day R + N + 1 lets it lapse. Both sides are reminded once, from
  ``REMIND_DAYS_BEFORE`` days before its last day (never on the day it was made).
- A loan out is *due soon* on the day before its return day and on the return day itself (the borrower is reminded
  once per return moment: an accepted extension earns a new reminder). It is *overdue* from the day after its return
  day; the borrower and the contact person are reminded then, and again every ``OVERDUE_REPEAT_DAYS`` days until it
  is back. A return at midnight belongs to the day before (as on the calendar).

The moments below are half-open bounds for the selectors: "made before", "ends after", "ends at or before".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from .periods import day_bounds

REMIND_DAYS_BEFORE = 3
OVERDUE_REPEAT_DAYS = 7


def _midnight(day: date, zone: tzinfo) -> datetime:
    return day_bounds(day, zone)[0]


def last_day(*, reserved_at: datetime, days: int, zone: tzinfo) -> date:
    """The last local day a reservation made at ``reserved_at`` may be handed over."""
    return reserved_at.astimezone(zone).date() + timedelta(days=days)


def lapses_on(*, reserved_at: datetime, days: int, zone: tzinfo) -> date:
    return last_day(reserved_at=reserved_at, days=days, zone=zone) + timedelta(days=1)


def lapse_before(*, today: date, days: int, zone: tzinfo) -> datetime:
    """Reservations made before this moment and still waiting lapse ``today``: their last day was yesterday or
    earlier (R + N < today, i.e. R before today − N)."""
    return _midnight(today - timedelta(days=days), zone)


def remind_before(*, today: date, days: int, zone: tzinfo) -> datetime:
    """Reservations made before this moment and still waiting are reminded ``today`` (if not already): their last
    day is at most REMIND_DAYS_BEFORE days away, and they were not made today."""
    window = today - timedelta(days=days - REMIND_DAYS_BEFORE - 1)
    return _midnight(min(window, today), zone)


def due_soon_window(*, today: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """Loans whose return falls in (after, at or before] are due soon ``today``: their return day is today or
    tomorrow."""
    return _midnight(today, zone), _midnight(today + timedelta(days=2), zone)


def overdue_at_or_before(*, today: date, zone: tzinfo) -> datetime:
    """Loans still out whose return is at or before this moment are overdue ``today``: their return day has
    passed."""
    return _midnight(today, zone)


def overdue_reminded_since(*, today: date) -> date:
    """An overdue loan reminded on this local day or later is not reminded again ``today``."""
    return today - timedelta(days=OVERDUE_REPEAT_DAYS - 1)
