"""The history of every change (decision 0042): PostgreSQL triggers (django-pghistory) record each insert, update
and delete of listings, bookings, departments, people and the organisation's settings in the schema they live in,
with who, which page or API call; operators and admins read it on a listing's page and export it for a period."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from accounts.models import Department, DepartmentEvent
from bookings.models import BookingHistory
from catalog.lifecycle import ListingStatus
from catalog.models import Listing, ListingEvent
from history import services as history_services
from tenants.models import OrganisationEvent
from tenants.services import OrganisationDetails, provision_organisation, update_settings

from .api_support import token_client
from .conftest import client_for, user_in

pytestmark = pytest.mark.django_db

TRACKED_TABLES = ("catalog_listing", "bookings_booking", "accounts_department", "accounts_user")


def _listing(organisation, status=ListingStatus.PUBLISHED) -> Listing:
    with schema_context(organisation.schema_name):
        return Listing.objects.filter(status=status).select_related("department").order_by("pk").first()


def _events(organisation, listing) -> list[ListingEvent]:
    with schema_context(organisation.schema_name):
        return list(ListingEvent.objects.filter(pgh_obj_id=listing.pk).select_related("pgh_context")
                    .order_by("pgh_id"))


def _triggers(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relnamespace = %s::regnamespace AND NOT t.tgisinternal", [schema],
        )
        return set(cursor.fetchall())


# ------------------------------------------------------------------------------------------------ recording


def test_a_bulk_update_is_recorded_for_every_row(ystad):
    # given three listings
    with schema_context(ystad.schema_name):
        pks = list(Listing.objects.order_by("pk").values_list("pk", flat=True)[:3])
        before = ListingEvent.objects.filter(pgh_obj_id__in=pks).count()

        # when they are changed by one UPDATE, which no signal sees
        Listing.objects.filter(pk__in=pks).update(building="Hus Ö 17")

        # then each has an event of the change, with its new value
        events = list(ListingEvent.objects.filter(pgh_obj_id__in=pks).order_by("pgh_id"))
    assert len(events) == before + 3
    assert {event.pgh_obj_id for event in events[-3:]} == set(pks)
    assert all(event.pgh_label == "update" and event.building == "Hus Ö 17" for event in events[-3:])


def test_an_update_that_changes_nothing_tracked_records_nothing(ystad):
    # given a listing
    listing = _listing(ystad)
    before = len(_events(ystad, listing))

    # when only a bookkeeping column changes
    with schema_context(ystad.schema_name):
        Listing.objects.filter(pk=listing.pk).update(version=listing.version + 1)

    # then no event
    assert len(_events(ystad, listing)) == before


def test_a_page_request_records_who_and_through_which_page(ystad):
    # given an operator and a published listing
    operator, listing = user_in(ystad, "operator"), _listing(ystad)

    # when the operator withdraws it on its page
    response = client_for(ystad, operator).post(f"/annonser/{listing.uuid}/ta-ned/", {"reason": "Trasig"})

    # then the event names the operator, the page and the method
    assert response.status_code == 302
    event = _events(ystad, listing)[-1]
    assert event.status == ListingStatus.WITHDRAWN
    assert event.pgh_context.metadata == {
        "user": operator.pk, "url": f"/annonser/{listing.uuid}/ta-ned/", "method": "POST", "api": False,
    }


def test_an_api_request_with_a_token_records_who_and_which_call(ystad):
    # given an operator's API key and a published listing
    operator, listing = user_in(ystad, "operator"), _listing(ystad)

    # when the listing is withdrawn through the API
    response = token_client(ystad, operator).post(f"/api/listings/{listing.uuid}/withdraw/", {"reason": "Såld"},
                                                  format="json")

    # then the event names the key's owner (set by REST framework in the view) and the API call
    assert response.status_code == 200
    metadata = _events(ystad, listing)[-1].pgh_context.metadata
    assert metadata["user"] == operator.pk
    assert metadata["url"] == f"/api/listings/{listing.uuid}/withdraw/"
    assert metadata["api"] is True


def test_the_bookings_of_a_withdrawn_listing_are_recorded_in_the_same_context(ystad):
    # given a listing with a reservation
    operator = user_in(ystad, "operator")
    with schema_context(ystad.schema_name):
        listing = Listing.objects.filter(bookings__status="reserved").first()
        booking = listing.bookings.filter(status="reserved").first()

    # when the operator withdraws the listing, which cancels its open bookings
    client_for(ystad, operator).post(f"/annonser/{listing.uuid}/ta-ned/", {"reason": "Trasig"})

    # then the booking's cancellation is recorded, in the listing's context
    with schema_context(ystad.schema_name):
        cancelled = BookingHistory.objects.filter(pgh_obj_id=booking.pk).order_by("pgh_id").last()
        listing_event = ListingEvent.objects.filter(pgh_obj_id=listing.pk).order_by("pgh_id").last()
    assert cancelled.status == "cancelled"
    assert cancelled.pgh_context_id == listing_event.pgh_context_id is not None


def test_passwords_are_never_recorded():
    assert "password" not in {field.name for field in __import__("accounts.models").models.UserEvent._meta.fields}


def test_triggers_are_in_the_template_and_every_organisation_schema(ystad, skurup, trelleborg):
    # migrate_schemas ran pgtrigger's migration operations in the template and in each schema; then
    for schema in ("tenant_template", ystad.schema_name, skurup.schema_name, trelleborg.schema_name):
        tables = {table for table, _name in _triggers(schema)}
        assert set(TRACKED_TABLES) <= tables, schema


def test_a_new_organisation_records_its_history():
    # given an organisation provisioned from the template
    organisation = provision_organisation(details=OrganisationDetails(
        name="Sjöbo kommun", slug="sjobo", kind="municipality", organisation_number="212000-1157",
    ))

    # then its schema has the triggers, and its default department's creation was recorded in its own schema
    assert _triggers("tenant_template") == _triggers(organisation.schema_name)
    with schema_context(organisation.schema_name):
        department = Department.objects.get()
        Department.objects.filter(pk=department.pk).update(name="Sjöbo kommunstyrelse")
        labels = list(DepartmentEvent.objects.filter(pgh_obj_id=department.pk).order_by("pgh_id")
                      .values_list("pgh_label", "name"))
    assert labels == [("insert", "Sjöbo kommun"), ("update", "Sjöbo kommunstyrelse")]
    with schema_context("tenant_template"):
        assert not DepartmentEvent.objects.exists()


def test_a_change_of_the_organisations_settings_is_recorded_in_public(ystad):
    # when an admin changes the days a reservation waits
    update_settings(organisation=ystad, reservation_days=ystad.reservation_days + 1)

    # then
    event = OrganisationEvent.objects.filter(pgh_obj_id=ystad.pk).order_by("pgh_id").last()
    assert event.reservation_days == ystad.reservation_days + 1


# ------------------------------------------------------------------------------------------------ the page


def _history(organisation, user, listing, language="sv"):
    client = client_for(organisation, user)
    client.cookies["delbar_language"] = language
    return client.get(f"/annonser/{listing.uuid}/historik/")


@pytest.mark.parametrize(("language", "heading", "changed"), [
    ("sv", "Historik för", "Ändrad"), ("en", "History of", "Changed"),
])
def test_the_history_page_shows_who_changed_what_from_what_to_what(ystad, language, heading, changed):
    # given a listing whose building an operator changed in a page request (the context is the middleware's)
    operator, listing = user_in(ystad, "operator"), _listing(ystad)
    with schema_context(ystad.schema_name):
        old = listing.building
        client_for(ystad, operator).post(f"/annonser/{listing.uuid}/ta-ned/", {"reason": "Trasig"})

    # when the operator looks at its history
    response = _history(ystad, operator, listing, language)

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert heading in page and changed in page
    assert operator.full_name in page
    assert f"/annonser/{listing.uuid}/ta-ned/" in page
    assert "Trasig" in page
    del old


def test_the_listing_page_links_its_history_for_operators_only(ystad):
    listing = _listing(ystad)
    operator_page = client_for(ystad, user_in(ystad, "operator")).get(f"/annonser/{listing.uuid}/").content
    member_page = client_for(ystad, user_in(ystad, "personal")).get(f"/annonser/{listing.uuid}/").content
    assert f"/annonser/{listing.uuid}/historik/".encode() in operator_page
    assert b"/historik/" not in member_page


def test_the_history_page_does_not_grow_in_queries_with_events(ystad):
    # given a listing with few events, counted
    admin, listing = user_in(ystad, "admin"), _listing(ystad)
    client = client_for(ystad, admin)
    client.get(f"/annonser/{listing.uuid}/historik/")
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/annonser/{listing.uuid}/historik/").status_code == 200

    # when it has 30 more
    with schema_context(ystad.schema_name):
        for number in range(30):
            Listing.objects.filter(pk=listing.pk).update(room=f"Rum {number}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/annonser/{listing.uuid}/historik/")

    # then the same number of queries
    assert response.content.decode().count("Rum 2") >= 11
    assert len(many) == len(few)


def test_another_organisations_listing_is_not_found(ystad, skurup):
    # a Skurup operator, at Skurup's host, asking for a Ystad listing's history
    response = client_for(skurup, user_in(skurup, "operator")).get(f"/annonser/{_listing(ystad).uuid}/historik/")
    assert response.status_code == 404


def test_a_member_of_staff_who_does_not_run_the_service_is_refused(ystad):
    listing = _listing(ystad)
    for local in ("personal", "chef"):
        client = client_for(ystad, user_in(ystad, local))
        assert client.get(f"/annonser/{listing.uuid}/historik/").status_code == 403
        assert client.get("/historik/").status_code == 403


def test_someone_not_logged_in_is_sent_to_log_in(ystad):
    assert client_for(ystad).get("/historik/").status_code == 302


# ------------------------------------------------------------------------------------------------ the export


def _export(organisation, user, language="sv", **params):
    client = client_for(organisation, user)
    client.cookies["delbar_language"] = language
    today = timezone.localdate()
    query = {"fran": (today - timedelta(days=1)).isoformat(), "till": today.isoformat(), "format": "csv", **params}
    return client.get("/historik/", query)


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff")),
                           delimiter=";"))


@pytest.mark.parametrize(("language", "header"), [("sv", "Gammalt värde"), ("en", "Old value")])
def test_the_export_holds_each_change_with_its_old_and_new_value(ystad, language, header):
    # given a listing's room changed by a bulk update and the organisation's setting changed
    admin, listing = user_in(ystad, "admin"), _listing(ystad)
    room = f"Rum {uuid.uuid4().hex[:6]}"
    with schema_context(ystad.schema_name):
        old = Listing.objects.get(pk=listing.pk).room
        Listing.objects.filter(pk=listing.pk).update(room=room)
    client_for(ystad, admin).post("/installningar/", {"reservation_days": ystad.reservation_days + 2})

    # when the admin exports today's history
    response = _export(ystad, admin, language)

    # then a row of the room's change, with no one logged in (a bulk update outside a request), and the setting
    assert response.status_code == 200
    rows = _csv(response)
    assert header in rows[0]
    assert [old, room] in [row[7:9] for row in rows if row[1] in ("Annons", "Listing") and row[6] in ("rum", "room")]
    setting = [row for row in rows if row[1] == "Organisation" and row[3] in ("Ändrad", "Changed")]
    assert setting and setting[-1][4] == admin.full_name and setting[-1][5] == "/installningar/"


def test_the_export_as_xlsx(ystad):
    admin, listing = user_in(ystad, "admin"), _listing(ystad)
    with schema_context(ystad.schema_name):
        Listing.objects.filter(pk=listing.pk).update(room="Arkivrummet")
    response = _export(ystad, admin, format="xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    assert "Arkivrummet" in [row[8] for row in sheet.iter_rows(values_only=True)]


def test_the_export_does_not_grow_in_queries_with_events(ystad):
    admin, listing = user_in(ystad, "admin"), _listing(ystad)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _csv(_export(ystad, admin))
        return len(queries)

    count()  # the first request of the session may be longer
    few = count()
    with schema_context(ystad.schema_name):
        for number in range(30):
            Listing.objects.filter(pk=listing.pk).update(room=f"Rum {number}")
    assert count() == few


def test_a_bad_period_is_refused_with_a_message(ystad):
    response = _export(ystad, user_in(ystad, "admin"), fran="2026-05-01", till="2026-04-01")
    assert response.status_code == 400
    assert "före" in response.content.decode()


# ------------------------------------------------------------------------------------------------ retention


def test_events_older_than_the_retention_are_pruned(ystad, settings):
    # given an event from eleven years ago and one from today
    settings.HISTORY_RETENTION_DAYS = 3653
    listing = _listing(ystad)
    with schema_context(ystad.schema_name):
        Listing.objects.filter(pk=listing.pk).update(room="Förr")
        old = ListingEvent.objects.filter(pgh_obj_id=listing.pk).order_by("pgh_id").last()
        ListingEvent.objects.filter(pk=old.pk).update(pgh_created_at=timezone.now() - timedelta(days=4018))
        Listing.objects.filter(pk=listing.pk).update(room="Nu")

        # when the daily job runs
        history_services.prune_events()

        # then the old one is gone, the new one kept
        rooms = list(ListingEvent.objects.filter(pgh_obj_id=listing.pk).values_list("room", flat=True))
    assert "Förr" not in rooms and "Nu" in rooms


def test_a_daily_job_is_named_as_who_made_its_changes(ystad):
    # given a daily job that changes a listing
    from tenants import periodic
    from tenants.models import PeriodicRun

    listing = _listing(ystad)

    def touch(*, organisation, local_date) -> None:
        Listing.objects.filter(pk=listing.pk).update(room="Jobbrummet")

    periodic.register_daily(name="history.test_touch", function=touch, at=periodic.time(5, 0))
    try:
        today = timezone.localdate()
        PeriodicRun.objects.create(organisation=ystad, job="history.test_touch", local_date=today,
                                   queued_at=timezone.now())

        # when it runs
        assert periodic.run_job(organisation=ystad, job_name="history.test_touch", local_date=today)
    finally:
        periodic._jobs.pop("history.test_touch")

    # then the change names the job
    event = _events(ystad, listing)[-1]
    assert event.room == "Jobbrummet" and event.pgh_context.metadata == {"job": "history.test_touch"}
    page = client_for(ystad, user_in(ystad, "operator")).get(f"/annonser/{listing.uuid}/historik/").content.decode()
    assert "Dagligt jobb history.test_touch" in page
