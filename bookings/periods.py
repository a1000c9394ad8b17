"""Time arithmetic of bookings, without the database: how much is booked at the busiest moment of a period, the
days of a month as a calendar, a loan's period from dates and times, and a rental's fee.

Periods are half-open, [start, end); ``None`` as an end is "no end" (a reservation holds for good).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime | None
    quantity: int


def peak(spans: Iterable[Span], start: datetime, end: datetime | None) -> int:
    """The most that is booked at any one moment of [start, end)."""
    events: list[tuple[datetime, int]] = []
    for span in spans:
        begins = max(span.start, start)
        ends = span.end if end is None else (end if span.end is None else min(span.end, end))
        if ends is not None and ends <= begins:
            continue
        events.append((begins, span.quantity))
        if ends is not None:
            events.append((ends, -span.quantity))
    # At the same moment one booking's end comes before another's start: [a, b) and [b, c) do not overlap.
    events.sort(key=lambda event: (event[0], event[1]))
    busiest = booked = 0
    for _moment, change in events:
        booked += change
        busiest = max(busiest, booked)
    return busiest


def first_conflict(spans: Iterable[Span], start: datetime, end: datetime, *, quantity: int, capacity: int):
    """The first moment in [start, end) when fewer than ``quantity`` are free, or None."""
    moments = sorted({start} | {span.start for span in spans if start < span.start < end})
    for moment in moments:
        booked = sum(
            span.quantity for span in spans if span.start <= moment and (span.end is None or moment < span.end)
        )
        if capacity - booked < quantity:
            return moment
    return None


def day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """Midnight to midnight of ``day`` in ``zone`` (23 or 25 hours on the days the clocks change)."""
    return (
        datetime.combine(day, time.min).replace(tzinfo=zone),
        datetime.combine(day + timedelta(days=1), time.min).replace(tzinfo=zone),
    )


def at(day: date, moment: time, zone: tzinfo) -> datetime:
    return datetime.combine(day, moment).replace(tzinfo=zone)


def month_weeks(year: int, month: int) -> list[list[date]]:
    """The weeks of a month as the calendar shows them, Monday first, with the neighbouring months' days."""
    return calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)


def last_day(start: datetime, end: datetime, zone: tzinfo) -> date:
    """The last day a period [start, end) touches, in ``zone``: a return at midnight belongs to the day before."""
    return (end - timedelta(microseconds=1)).astimezone(zone).date()


def days_touched(start: datetime, end: datetime, zone: tzinfo) -> int:
    """Tuesday 09:00 to Thursday 16:00 is three days."""
    return (last_day(start, end, zone) - start.astimezone(zone).date()).days + 1


DAYS_PER_UNIT = {"day": 1, "week": 7, "month": 30}


def fee(*, unit_price: Decimal, unit: str, start: datetime, end: datetime, zone: tzinfo) -> tuple[int, Decimal]:
    """A rental's units (each begun day, week of 7 days or month of 30 days counts) and its amount in SEK."""
    units = math.ceil(days_touched(start, end, zone) / DAYS_PER_UNIT[unit])
    return units, (unit_price * units).quantize(Decimal("0.01"))
