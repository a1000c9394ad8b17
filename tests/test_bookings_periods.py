"""The time arithmetic of bookings (bookings.periods), without a database: the busiest moment of a period, days
in Swedish time across the change to and from summer time, and a rental's fee."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bookings.periods import Span, day_bounds, days_touched, fee, first_conflict, month_weeks, peak

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(month: int, day_: int, hour: int = 0) -> datetime:
    return datetime(2027, month, day_, hour, tzinfo=STOCKHOLM)


def test_the_peak_is_the_most_booked_at_one_moment():
    # given three bookings: two overlap on the 3rd, the third starts when the first ends
    spans = [Span(at(5, 1), at(5, 4), 1), Span(at(5, 3), at(5, 6), 2), Span(at(5, 4), at(5, 5), 1)]

    # when / then
    assert peak(spans, at(5, 1), at(5, 7)) == 3  # the 4th: the second and the third ([) periods)
    assert peak(spans, at(5, 1), at(5, 3)) == 1
    assert peak(spans, at(5, 6), at(5, 9)) == 0
    assert peak([Span(at(5, 1), None, 2)], at(6, 1), None) == 2, "a reservation holds for good"


def test_the_first_conflict_is_where_too_few_are_free():
    spans = [Span(at(5, 3), at(5, 6), 1)]
    assert first_conflict(spans, at(5, 1), at(5, 10), quantity=1, capacity=1) == at(5, 3)
    assert first_conflict(spans, at(5, 1), at(5, 10), quantity=1, capacity=2) is None
    assert first_conflict(spans, at(5, 6), at(5, 10), quantity=1, capacity=1) is None


def test_days_are_midnight_to_midnight_in_swedish_time_even_when_the_clocks_change():
    # when / then: 28 March 2027 has 23 hours, 31 October 2027 has 25
    start, end = day_bounds(date(2027, 3, 28), STOCKHOLM)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23)
    start, end = day_bounds(date(2027, 10, 31), STOCKHOLM)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=25)
    # and a loan from Saturday 09:00 to Monday 16:00 across the change touches three days
    assert days_touched(at(3, 27, 9), at(3, 29, 16), STOCKHOLM) == 3
    assert days_touched(at(3, 27, 9), at(3, 28, 0), STOCKHOLM) == 1, "a return at midnight is the day before's"


@pytest.mark.parametrize(
    ("unit", "start", "end", "units", "amount"),
    [
        ("day", at(5, 4, 9), at(5, 6, 16), 3, Decimal("450.00")),  # Tuesday to Thursday
        ("day", at(5, 4, 9), at(5, 4, 12), 1, Decimal("150.00")),
        ("week", at(5, 4, 9), at(5, 13, 16), 2, Decimal("300.00")),  # ten days: two weeks begun
        ("month", at(5, 1, 9), at(6, 30, 16), 3, Decimal("450.00")),  # 61 days: three months of 30 begun
    ],
)
def test_a_rentals_fee_counts_every_unit_begun(unit, start, end, units, amount):
    assert fee(unit_price=Decimal("150"), unit=unit, start=start, end=end, zone=STOCKHOLM) == (units, amount)


def test_a_months_weeks_start_on_monday():
    weeks = month_weeks(2027, 3)
    assert weeks[0][0] == date(2027, 3, 1) and weeks[0][0].weekday() == 0
    assert all(len(week) == 7 for week in weeks)
    assert weeks[-1][-1] >= date(2027, 3, 31)
