"""Existing reservations become bookings (bookings.0002, then catalog.0010 drops the old tables): an organisation
schema at the migrations before bookings, holding reservations in every state, is migrated forward."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tenants.models import Organisation

pytestmark = pytest.mark.django_db

SCHEMA = "org_flyttprov"
BEFORE = [("accounts", "0002_user_uuid"), ("catalog", "0009_search_vector_cut_description")]
# (bookings up to the model the test reads through: 0003 added lapsing and reminders, 0004 deals)
AFTER = [("bookings", "0004_deals_between_organisations"), ("catalog", "0010_reservations_are_bookings")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_reservations_become_bookings_with_their_parties_and_steps():
    # given an organisation whose schema stands where it stood before bookings
    organisation = Organisation.objects.create(
        name="Flyttprovs kommun", slug="flyttprov", kind="municipality", organisation_number="212000-1157",
        schema_name=SCHEMA, status="active",
    )
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{SCHEMA}"')
    connection.set_schema(SCHEMA)
    try:
        old = _migrate(BEFORE)
        department = old.get_model("accounts", "Department").objects.create(name="Enheten")
        User = old.get_model("accounts", "User")
        owner = User.objects.create(email="agare@flyttprov.example", full_name="Åsa Ägare", department=department)
        taker = User.objects.create(email="tar@flyttprov.example", full_name="Tor Tagare", department=department)
        category = old.get_model("catalog", "Category").objects.create(name="Stolar")
        Listing = old.get_model("catalog", "Listing")
        chair = Listing.objects.create(title="Stol", category=category, department=department, contact_person=owner,
                                       created_by=owner, quantity=3, quantity_available=1, status="published")
        Reservation = old.get_model("catalog", "Reservation")
        then = timezone.now() - timedelta(days=30)
        open_one = Reservation.objects.create(listing=chair, quantity=1, reserved_by=taker, message="Hämtar")
        handed = Reservation.objects.create(listing=chair, quantity=1, reserved_by=taker, status="handed_over",
                                            handed_over_at=then, handed_over_by=owner, giving_department=department)
        cancelled = Reservation.objects.create(listing=chair, quantity=1, reserved_by=taker, status="cancelled",
                                               cancelled_at=then, cancelled_by=owner, cancel_reason="Trasig")
        Reservation.objects.filter(pk__in=[open_one.pk, handed.pk, cancelled.pk]).update(reserved_at=then)

        # when the schema is migrated forward
        _migrate(AFTER)

        # then every reservation is a booking with the same uuid, open-ended from when it was made
        from bookings.models import Booking

        bookings = {booking.uuid: booking for booking in Booking.objects.all()}
        assert set(bookings) == {open_one.uuid, handed.uuid, cancelled.uuid}
        for reservation in (open_one, handed, cancelled):
            booking = bookings[reservation.uuid]
            assert booking.kind == "reservation" and booking.status == reservation.status
            assert booking.period.lower == then and booking.period.upper is None
            # with the person who reserved and the contact person as parties of this organisation
            assert (booking.borrower.organisation_id, booking.borrower.person) == (organisation.pk, taker.uuid)
            assert (booking.contact.person, booking.contact.name) == (owner.uuid, "Åsa Ägare")
        # who handed over and who cancelled are the steps' actors
        assert bookings[handed.uuid].events.get(step="handed_over").actor.person == owner.uuid
        assert bookings[cancelled.uuid].events.get(step="cancelled").note == "Trasig"
        # and the old tables and the counter are gone
        with connection.cursor() as cursor:
            cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
                           "AND table_name LIKE 'catalog_reservation%%'", [SCHEMA])
            assert cursor.fetchall() == []
            cursor.execute("SELECT 1 FROM information_schema.columns WHERE table_schema = %s "
                           "AND table_name = 'catalog_listing' AND column_name = 'quantity_available'", [SCHEMA])
            assert cursor.fetchall() == []
    finally:
        connection.set_schema_to_public()
