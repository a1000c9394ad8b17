"""When is a daily job due? By the organisation's wall clock, across midnight and Stockholm's daylight-saving changes.

Every moment is given explicitly (``now=``); nothing here reads the clock. In 2026 Stockholm moves from 02:00 CET to
03:00 CEST on 29 March (01:00 UTC) and from 03:00 CEST back to 02:00 CET on 25 October (01:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tenants.periodic import due_date

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def runs_over(*, at: time, zone: ZoneInfo, start: datetime, hours: int, step_minutes: int = 1) -> list[tuple]:
    """Simulate a dispatcher every ``step_minutes``: (local date, moment) of each run it would record once."""
    recorded: dict[date, datetime] = {}
    moment = start
    while moment < start + timedelta(hours=hours):
        local_date = due_date(at=at, zone=zone, now=moment)
        if local_date is not None and local_date not in recorded:
            recorded[local_date] = moment
        moment += timedelta(minutes=step_minutes)
    return sorted(recorded.items())


def test_a_morning_job_is_due_from_its_time_until_midnight_by_the_local_clock():
    # given a job at 07:00 in Stockholm (CET in January: UTC+1)
    at = time(7, 0)

    # then it is not due at 06:59 local, due at 07:00 and still at 23:59 local, and not yet again after midnight
    assert due_date(at=at, zone=STOCKHOLM, now=utc(2026, 1, 15, 5, 59)) is None
    assert due_date(at=at, zone=STOCKHOLM, now=utc(2026, 1, 15, 6, 0)) == date(2026, 1, 15)
    assert due_date(at=at, zone=STOCKHOLM, now=utc(2026, 1, 15, 22, 59)) == date(2026, 1, 15)
    assert due_date(at=at, zone=STOCKHOLM, now=utc(2026, 1, 15, 23, 0)) is None


def test_the_local_date_is_the_organisations_not_utcs():
    # when it is 23:30 UTC on 15 January, Stockholm is already at 00:30 on the 16th
    moment = utc(2026, 1, 15, 23, 30)

    # then a job at 00:15 is due for the 16th, and a job at 23:00 is not due (its day, the 16th, has just begun)
    assert due_date(at=time(0, 15), zone=STOCKHOLM, now=moment) == date(2026, 1, 16)
    assert due_date(at=time(23, 0), zone=STOCKHOLM, now=moment) is None


def test_a_job_at_midnight_runs_once_each_local_day():
    # when a dispatcher runs every minute for three days
    runs = runs_over(at=time(0, 0), zone=STOCKHOLM, start=utc(2026, 2, 1, 12, 0), hours=72)

    # then the job runs right after each local midnight (23:00 UTC in winter), once a day
    assert runs == [
        (date(2026, 2, 1), utc(2026, 2, 1, 12, 0)),  # the first dispatch of the day it was registered
        (date(2026, 2, 2), utc(2026, 2, 1, 23, 0)),
        (date(2026, 2, 3), utc(2026, 2, 2, 23, 0)),
        (date(2026, 2, 4), utc(2026, 2, 3, 23, 0)),
    ]


def test_on_the_spring_forward_day_a_job_at_0230_which_the_clock_skips_runs_once_at_0300():
    # when a dispatcher runs every minute from Saturday noon to Monday noon around 29 March 2026
    runs = runs_over(at=time(2, 30), zone=STOCKHOLM, start=utc(2026, 3, 28, 11, 0), hours=48)

    # then on the 29th, when the clock jumps from 02:00 to 03:00, it runs once, at 03:00 CEST (01:00 UTC)
    assert runs == [
        (date(2026, 3, 28), utc(2026, 3, 28, 11, 0)),
        (date(2026, 3, 29), utc(2026, 3, 29, 1, 0)),
        (date(2026, 3, 30), utc(2026, 3, 30, 0, 30)),  # 02:30 CEST
    ]
    assert utc(2026, 3, 29, 1, 0).astimezone(STOCKHOLM).time() == time(3, 0)


def test_on_the_fall_back_day_a_job_at_0230_which_the_clock_shows_twice_runs_once():
    # given 02:30 happens twice on 25 October 2026: at 00:30 UTC (CEST) and at 01:30 UTC (CET)
    assert due_date(at=time(2, 30), zone=STOCKHOLM, now=utc(2026, 10, 25, 0, 30)) == date(2026, 10, 25)
    assert due_date(at=time(2, 30), zone=STOCKHOLM, now=utc(2026, 10, 25, 1, 30)) == date(2026, 10, 25)

    # when a dispatcher runs every minute from Saturday noon to Monday noon
    runs = runs_over(at=time(2, 30), zone=STOCKHOLM, start=utc(2026, 10, 24, 10, 0), hours=50)

    # then the job runs once on the 25th, at the first 02:30; the second 02:30 finds that date recorded
    assert runs == [
        (date(2026, 10, 24), utc(2026, 10, 24, 10, 0)),
        (date(2026, 10, 25), utc(2026, 10, 25, 0, 30)),
        (date(2026, 10, 26), utc(2026, 10, 26, 1, 30)),  # 02:30 CET
    ]


@pytest.mark.parametrize("step_minutes", [1, 7, 60])
def test_a_25_hour_and_a_23_hour_day_each_get_one_run_whatever_the_dispatch_interval(step_minutes):
    # when dispatchers at several intervals run over both changes
    for start in (utc(2026, 3, 28, 0, 0), utc(2026, 10, 24, 0, 0)):
        runs = runs_over(at=time(2, 30), zone=STOCKHOLM, start=start, hours=72, step_minutes=step_minutes)

        # then each local date appears exactly once, three dates in three days
        assert [day for day, _ in runs] == [start.date() + timedelta(days=n) for n in range(3)]


def test_another_organisations_zone_has_its_own_morning():
    # given the same moment, 11:00 UTC on 15 January
    moment = utc(2026, 1, 15, 11, 0)

    # then a 07:00 job is due in Stockholm (12:00) but not yet in New York (06:00)
    assert due_date(at=time(7, 0), zone=STOCKHOLM, now=moment) == date(2026, 1, 15)
    assert due_date(at=time(7, 0), zone=ZoneInfo("America/New_York"), now=moment) is None
