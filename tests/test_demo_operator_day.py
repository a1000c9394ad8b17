"""The operator's day in the demo (issue 10, done when; docs/operators-day.md): in the world `make demo` seeds — the
one the suite runs on — Ystad's operator has each kind of work on /arbetsyta/, due today and overdue, besides what
others have: the manager something to approve, a colleague a wanted ad with a match. The demo is dated from the day
it is seeded, so this holds whenever it is started."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from catalog import selectors as catalog
from catalog import services
from catalog.lifecycle import ListingStatus
from catalog.models import Listing
from demo.workspace import DRAFT_TITLE, OVERDUE_TITLE, UNDESCRIBED_TITLE

from .conftest import client_for, user_in

pytestmark = pytest.mark.django_db


def _start_of_today(organisation) -> datetime:
    zone = ZoneInfo(organisation.time_zone)
    return datetime.combine(timezone.now().astimezone(zone).date(), time.min, tzinfo=zone)


def test_the_demo_operator_has_each_kind_of_work_on_the_workspace(ystad):
    # given the demo world, when Ystad's operator opens the workspace
    context = client_for(ystad, user_in(ystad, "operator")).get("/arbetsyta/").context
    today = _start_of_today(ystad)
    work, attention = context["work"], context["attention"]

    # then handovers wait, one of them reserved today and some for days
    assert work.handovers_count >= 2
    assert any(row.reserved_at >= today for row in work.handovers)
    assert any(row.reserved_at < today for row in work.handovers)
    # and pick-ups are due today and overdue (the trailer, not fetched yesterday and booked again today)
    assert any(row.period.lower >= today for row in work.pick_ups)
    assert any(row.period.lower < today for row in work.pick_ups)
    # and returns are due today (the ladder) and overdue (the moving trolley)
    assert any(row.period.upper >= today for row in work.returns)
    assert [row.listing.title for row in work.returns if row.period.upper < today] == [OVERDUE_TITLE]
    # and another organisation asks for something
    assert context["deals_count"] >= 1
    assert any(deal.status == "requested" for deal in context["deals"])
    # and listings need attention: expired, expiring, without a photo, without a description
    assert attention.expired_count >= 2
    assert attention.expiring_count >= 3
    assert DRAFT_TITLE in [row.title for row in attention.no_photo]
    assert UNDESCRIBED_TITLE in [row.title for row in attention.no_description]
    # and things wait in storage to be labelled and published
    with schema_context(ystad.schema_name):
        assert catalog.stored_listings().count() >= 3


def test_the_demo_manager_has_a_request_to_approve_and_a_colleague_a_wanted_ad_with_a_match(ystad):
    # when the department manager opens "Att godkänna"
    queue = client_for(ystad, user_in(ystad, "chef")).get("/att-godkanna/")
    # then a request waits for her
    assert queue.status_code == 200 and len(queue.context["waiting"]) >= 1

    # when the colleague opens their wanted ads
    mine = client_for(ystad, user_in(ystad, "personal")).get("/efterlysningar/mina/")
    # then one has found what it asks for
    assert mine.status_code == 200
    assert "Symaskin" in mine.content.decode()
    assert any(ad.match_count >= 1 for ad in mine.context["ads"])


def test_the_demo_listings_stay_current_after_the_next_daily_run(ystad):
    # given the demo world, whose old listings expired as this morning's run would have
    with schema_context(ystad.schema_name):
        published = Listing.objects.filter(status=ListingStatus.PUBLISHED).count()
        zone = ZoneInfo(ystad.time_zone)
        # when the daily job runs again today
        expired = services.expire_listings(today=timezone.now().astimezone(zone).date(), days=ystad.listing_days,
                                           zone=zone)
        # then nothing more expires
        assert expired == []
        assert Listing.objects.filter(status=ListingStatus.PUBLISHED).count() == published
