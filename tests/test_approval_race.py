"""A race of two answers to one request awaiting a department manager's approval (decision 0045), against real
PostgreSQL with committed data: the machinery of tests/test_reservation_race.py."""

from __future__ import annotations

from django_tenants.utils import schema_context

from accounts.models import Role, User
from bookings import services
from bookings.lifecycle import BookingStatus
from bookings.models import Booking
from tenants.services import update_settings
from tests.test_reservation_race import Attempt, Race, committed_listing, committed_world


def test_two_answers_at_once_are_decided_one_after_the_other(settings, tmp_path, django_db_blocker, monkeypatch):
    """Concurrency: a manager's approval and a refusal of the same request at the same moment; the first to lock
    the listing wins, the second waits for it and is told the request has been answered."""
    with committed_world(settings, tmp_path, django_db_blocker) as (organisation, people):
        with schema_context(organisation.schema_name):
            manager = User.objects.create_user("samtidig-chef@ystad.example", role=Role.DEPARTMENT_MANAGER,
                                               department=people["personal"].department, full_name="Samtidig Chef")
            before = (organisation.approval_rule, organisation.approval_threshold)
            update_settings(organisation=organisation, approval_rule="all")
        try:
            with committed_listing(organisation, author=people["operator"], quantity=1) as chair:
                # given a request awaiting approval
                with schema_context(organisation.schema_name):
                    booking = services.reserve_listing(listing=chair, by=people["personal"], notify=False)
                    assert booking.status == BookingStatus.AWAITING_APPROVAL
                race = Race(schema=organisation.schema_name, staggered=True, attempts=[
                    Attempt(name="approve", run=lambda: services.approve_booking(booking=booking, by=manager)),
                    Attempt(name="refuse", run=lambda: services.refuse_booking(booking=booking, by=manager,
                                                                               reason="Nej")),
                ])
                # when
                race.run(monkeypatch)
                # then
                race.assert_truly_concurrent()
                assert [attempt.name for attempt in race.winners()] == ["approve"]
                assert race.losers()[0].error.code == "not_possible_now"
                with schema_context(organisation.schema_name):
                    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.RESERVED
        finally:
            with schema_context(organisation.schema_name):
                update_settings(organisation=organisation, approval_rule=before[0], approval_threshold=before[1])
                manager.delete()
