"""Notifications in the product, the bell (issue 10 part 7, decision 0047): written beside every e-mail to a person
of the organisation about something that concerns them, under the e-mail's key, in that person's schema; the bell's
count and the page /aviseringar/ (read and unread, newest first, opening marks read, "mark all as read")."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import Role
from bookings import jobs as booking_jobs
from bookings import services as bookings
from bookings.models import Booking, BookingEvent
from catalog import jobs as catalog_jobs
from catalog import services as catalog
from exchange import services as exchange
from notifications import selectors, services
from notifications.models import Notification
from outbox.models import OutboxMessage
from tenants.services import update_settings

from .catalog_factories import make_listing
from .conftest import client_for, user_in
from .deal_support import ask, relay, shared_listing
from .factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

WORD = "Aviseringsstol"  # a word no demo listing has


def _notices(person, n: int, *, prefix: str = "test") -> list[services.Notice]:
    return [services.Notice(recipient_id=person.pk, kind="test", text=f"Händelse {i} för {person.email}",
                            link="/mina-annonser/", key=f"{prefix}:{i}") for i in range(n)]


def _write(organisation, person, n: int, *, prefix: str = "test") -> int:
    with schema_context(organisation.schema_name), transaction.atomic():
        return services.notify_many(notices=_notices(person, n, prefix=prefix))


def _of(organisation, person, **filters) -> list[Notification]:
    with schema_context(organisation.schema_name):
        return list(Notification.objects.filter(recipient_id=person.pk, **filters).order_by("pk"))


def _outbox_keys(organisation) -> set[str]:
    with schema_context(organisation.schema_name):
        return set(OutboxMessage.objects.values_list("key", flat=True))


def _bell(page: str) -> int:
    found = re.search(r'id="bell-count" aria-hidden="true">(\d+)<', page)
    return int(found.group(1)) if found else 0


# --- the services --------------------------------------------------------------------------------------------------


def test_many_are_written_in_one_statement_and_writing_again_writes_nothing(ystad):
    person = user_in(ystad, "personal")
    with schema_context(ystad.schema_name), transaction.atomic():
        # when fifty are written
        with CaptureQueriesContext(connection) as queries:
            written = services.notify_many(notices=_notices(person, 50))
        # then in one statement
        inserts = [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
        assert written == 50 and len(inserts) == 1
        # and the same keys again (a job run twice) write nothing, one new key is written
        assert services.notify_many(notices=_notices(person, 51)) == 1
        assert Notification.objects.filter(recipient=person, kind="test").count() == 51


def test_one_key_reaches_several_people_once_each(ystad):
    admin, operator = user_in(ystad, "admin"), user_in(ystad, "operator")
    with schema_context(ystad.schema_name), transaction.atomic():
        # when one e-mail's key is written for two addresses, twice
        for _ in range(2):
            services.notify_addresses(addresses=[admin.email.upper(), operator.email], kind="test", text="Hej",
                                      link="/", key="one-email")
        # then each has it once
        assert sorted(Notification.objects.filter(key="one-email").values_list("recipient_id", flat=True)) == sorted(
            [admin.pk, operator.pk])


def test_a_party_of_another_organisation_is_notified_in_its_own_schema(ystad, skurup):
    from accounts.selectors import party_of

    here, there = user_in(ystad, "personal"), user_in(skurup, "personal")
    with schema_context(skurup.schema_name):
        stranger = party_of(user=there)
    with schema_context(ystad.schema_name):
        colleague = party_of(user=here)
        # when Ystad's booking tells its own person and a person of Skurup (a deal's borrower)
        with transaction.atomic():
            written = services.notify_parties(notices=[
                services.PartyNotice(party=party, kind="test", text="Lånet ska lämnas tillbaka", link="/bokningar/x/",
                                     key="parties:1", link_elsewhere="/mina-reservationer/")
                for party in (colleague, stranger)
            ])
    # then each has it in their own schema; Skurup's leads to a page of Skurup's host
    assert written == 2
    assert [n.link for n in _of(ystad, here, key="parties:1")] == ["/bokningar/x/"]
    assert [n.link for n in _of(skurup, there, key="parties:1")] == ["/mina-reservationer/"]


def test_mark_read_all_read_and_the_cached_count(ystad):
    person = user_in(ystad, "personal")
    _write(ystad, person, 3)
    with schema_context(ystad.schema_name):
        before = selectors.unread_count(user=person)
        first = Notification.objects.filter(recipient=person, kind="test").first()
        # when one is read, the count (cached) follows at once
        services.mark_read(user=person, pk=first.pk)
        assert selectors.unread_count(user=person) == before - 1
        # and "all" leaves none
        services.mark_all_read(user=person)
        assert selectors.unread_count(user=person) == 0
        # and a colleague cannot mark another's
        from notifications.errors import NotificationError
        with pytest.raises(NotificationError):
            services.mark_read(user=user_in(ystad, "admin"), pk=first.pk)


def test_the_daily_job_prunes_old_read_ones_and_very_old_unread_ones(ystad):
    person = user_in(ystad, "personal")
    _write(ystad, person, 3)
    with schema_context(ystad.schema_name):
        old_read, recent_read, ancient = Notification.objects.filter(recipient=person, kind="test").order_by("pk")
        now = timezone.now()
        Notification.objects.filter(pk=old_read.pk).update(read_at=now - timedelta(days=91))
        Notification.objects.filter(pk=recent_read.pk).update(read_at=now - timedelta(days=10))
        Notification.objects.filter(pk=ancient.pk).update(created_at=now - timedelta(days=400))
        # when
        from notifications import jobs
        jobs.prune(organisation=ystad, local_date=date.today())
        # then
        assert list(Notification.objects.filter(recipient=person, kind="test")) == [recent_read]


# --- each e-mail to a person is also a notification -----------------------------------------------------------------


@pytest.fixture
def world(ystad, media):
    with schema_context(ystad.schema_name):
        enhet = DepartmentFactory(name="Aviseringsenheten")
        giver = UserFactory(department=DepartmentFactory(name="Aviseringsgivare"), full_name="Gun Givare")
        yield {
            "requester": UserFactory(department=enhet, full_name="Rut Reserverare"),
            "manager": UserFactory(department=enhet, role=Role.DEPARTMENT_MANAGER, full_name="Maja Chef"),
            "giver": giver,
            "table": make_listing(author=giver, title=f"{WORD} bord", quantity=2),
        }


def test_a_reservation_tells_the_contact_person(ystad, world):
    with schema_context(ystad.schema_name):
        # when a colleague reserves
        booking = bookings.reserve_listing(listing=world["table"], by=world["requester"])
    # then the contact person has a notification under the e-mail's key, leading to the booking
    (notice,) = _of(ystad, world["giver"], kind="booking.reserved")
    assert notice.key in _outbox_keys(ystad) and notice.link == f"/bokningar/{booking.uuid}/"
    assert WORD in notice.text and notice.read_at is None


def test_an_approval_is_asked_of_the_manager_and_the_answer_told_to_the_requester(ystad, world):
    with schema_context(ystad.schema_name):
        update_settings(organisation=ystad, approval_rule="all", approval_threshold=0)
        booking = bookings.reserve_listing(listing=world["table"], by=world["requester"])
    # then the manager is asked, with a link to their queue
    (asked,) = _of(ystad, world["manager"], kind="booking.approval_asked")
    assert asked.link == reverse("approval_queue")
    assert asked.key in _outbox_keys(ystad)
    # when the manager approves, the requester is told
    with schema_context(ystad.schema_name):
        bookings.approve_booking(booking=booking, by=world["manager"])
    (answered,) = _of(ystad, world["requester"], kind="booking.approval_answered")
    assert answered.text.startswith("Godkänd") and answered.key in _outbox_keys(ystad)


def test_the_lapse_reminder_tells_both_sides(ystad, world):
    zone = ZoneInfo("Europe/Stockholm")
    with schema_context(ystad.schema_name):
        # given a reservation made on 10 March 2025 (last day 24 March)
        booking = bookings.reserve_listing(listing=world["table"], by=world["requester"], notify=False)
        moment = datetime.combine(date(2025, 3, 10), time(15), tzinfo=zone)
        Booking.objects.filter(pk=booking.pk).update(reserved_at=moment, period=DateTimeTZRange(moment, None, "[)"))
        BookingEvent.objects.filter(booking=booking).update(at=moment)
        # when the daily job runs on the 21st, twice
        booking_jobs.reservations(organisation=ystad, local_date=date(2025, 3, 21))
        booking_jobs.reservations(organisation=ystad, local_date=date(2025, 3, 21))
    # then each side has one reminder, under its e-mail's key
    for side, person in (("borrower", world["requester"]), ("contact", world["giver"])):
        (notice,) = _of(ystad, person, kind="booking.lapse_reminder")
        assert notice.key == f"booking:{booking.uuid}:lapse_reminder:{side}" and notice.key in _outbox_keys(ystad)


def test_posting_on_someones_behalf_tells_them(ystad):
    personal = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        listing = make_listing(author=user_in(ystad, "operator"), title=f"{WORD} för förvaltningen",
                               contact_person=personal)
    (notice,) = _of(ystad, personal, kind="catalog.posted_for")
    assert notice.key == f"catalog.posted_for:{listing.uuid}" and notice.link == f"/annonser/{listing.uuid}/"


def test_the_expiry_reminder_tells_the_contact_person(ystad):
    personal = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        listing = make_listing(author=personal, title=f"{WORD} snart", contact_person=personal)
        catalog.backdate_listing(listing=listing, published_at=timezone.now() - timedelta(days=85))
        today = timezone.now().astimezone(ZoneInfo(ystad.time_zone)).date()
        catalog_jobs.listings(organisation=ystad, local_date=today)
    (notice,) = _of(ystad, personal, kind="catalog.expiry_reminder", key__contains=str(listing.uuid))
    assert notice.key in _outbox_keys(ystad) and notice.link == f"/annonser/{listing.uuid}/"


def test_a_deal_request_tells_the_owners_contact_and_the_answer_the_asker_each_in_their_schema(ystad, skurup):
    contact, asker = user_in(ystad, "personal"), user_in(skurup, "personal")
    _, offer = shared_listing(ystad, quantity=3, title=f"{WORD} att låna ut")
    # when Skurup's person asks
    deal = ask(skurup, offer, quantity=2)
    # then Ystad's contact person has it in Ystad's schema, leading to the request there
    (asked,) = _of(ystad, contact, kind="exchange.deal", key__startswith=f"exchange.deal:{deal.uuid}:")
    assert asked.link == f"/affarer/{deal.uuid}/" or str(deal.uuid) in asked.link
    assert asked.key.startswith(f"exchange.deal:{deal.uuid}:requested")
    # when Ystad accepts, the asker has it in Skurup's schema
    with schema_context(ystad.schema_name):
        exchange.accept_deal(deal_uuid=deal.uuid, by=contact)
    relay(ystad, skurup)
    accepted = _of(skurup, asker, kind="exchange.deal", key__startswith=f"exchange.deal:{deal.uuid}:")
    assert accepted and all(str(deal.uuid) in notice.link for notice in accepted)
    with schema_context(skurup.schema_name):
        assert not Notification.objects.filter(key__startswith=f"exchange.deal:{deal.uuid}:requested").exists()


def test_a_network_invitation_tells_the_invited_organisations_admins_in_their_schema(
    ystad, tomelilla, django_capture_on_commit_callbacks
):
    from .exchange_support import admin_of, demo_network

    # when Ystad's admin invites Tomelilla, and the messages are relayed once it commits
    with django_capture_on_commit_callbacks(execute=True):
        membership = exchange.invite_organisation(network=demo_network(), organisation_id=tomelilla.pk,
                                                  by=admin_of(ystad))
    # then Tomelilla's admin has it in Tomelilla's schema, under the e-mail's key, leading to the networks page
    with schema_context(tomelilla.schema_name):
        (notice,) = Notification.objects.filter(kind="exchange.network_invitation",
                                                key__startswith=f"exchange.invitation:{membership.pk}:")
        assert notice.recipient.email == "admin@tomelilla.example" and notice.link == "/natverk/"
        assert notice.key in set(OutboxMessage.objects.values_list("key", flat=True))


# --- the bell and the page -----------------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_with_an_accessible_name_in_swedish_and_english(ystad):
    person = user_in(ystad, "personal")
    client = client_for(ystad, person)
    with schema_context(ystad.schema_name):
        Notification.objects.filter(recipient=person).update(read_at=timezone.now())
    _write(ystad, person, 3)

    swedish = client.get("/").content.decode()
    assert _bell(swedish) == 3 and 'aria-label="Aviseringar, 3 olästa"' in swedish
    client.cookies["delbar_language"] = "en"
    english = client.get("/").content.decode()
    assert 'aria-label="Notifications, 3 unread"' in english


def test_the_page_lists_newest_first_and_opening_one_marks_it_read_and_follows_its_link(ystad):
    person = user_in(ystad, "personal")
    client = client_for(ystad, person)
    _write(ystad, person, 3)
    page = client.get("/aviseringar/").content.decode()
    assert "Aviseringar" in page and "Markera alla som lästa" in page and "Oläst" in page
    assert page.index("Händelse 2") < page.index("Händelse 1") < page.index("Händelse 0")
    # when one is opened
    first = _of(ystad, person, kind="test")[0]
    response = client.post(f"/aviseringar/{first.pk}/")
    # then it leads to its link and is read
    assert response.status_code == 302 and response["Location"] == "/mina-annonser/"
    assert _of(ystad, person, kind="test")[0].read_at is not None
    # when all are marked read, the bell has no count
    client.post("/aviseringar/las-alla/")
    assert _bell(client.get("/aviseringar/").content.decode()) == 0


def test_the_page_in_english(ystad, in_english):
    person = user_in(ystad, "personal")
    client = client_for(ystad, person)
    client.cookies["delbar_language"] = "en"
    _write(ystad, person, 1)
    page = client.get("/aviseringar/").content.decode()
    assert "Notifications" in page and "Mark all as read" in page and "Unread" in page


def test_someone_elses_notification_is_a_404_in_the_organisation_and_in_another(ystad, skurup):
    person = user_in(ystad, "personal")
    _write(ystad, person, 1)
    notice = _of(ystad, person, kind="test")[0]
    # a colleague, and Skurup's person (another schema), get 404 and change nothing
    assert client_for(ystad, user_in(ystad, "admin")).post(f"/aviseringar/{notice.pk}/").status_code == 404
    assert client_for(skurup, user_in(skurup, "personal")).post(f"/aviseringar/{notice.pk}/").status_code == 404
    assert _of(ystad, person, kind="test")[0].read_at is None


def test_anonymous_visitors_are_sent_to_log_in_and_opening_needs_a_post(ystad):
    from django.test import Client

    from .conftest import host_of
    anonymous = Client(HTTP_HOST=host_of(ystad))
    response = anonymous.get("/aviseringar/")
    assert response.status_code == 302 and "/konto/login/" in response["Location"]
    person = user_in(ystad, "personal")
    _write(ystad, person, 1)
    notice = _of(ystad, person, kind="test")[0]
    assert client_for(ystad, person).get(f"/aviseringar/{notice.pk}/").status_code == 405


def _count(client, path: str) -> int:
    client.get(path)  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_page_and_the_bell_do_not_grow_in_queries_with_the_notifications(ystad):
    person = user_in(ystad, "personal")
    client = client_for(ystad, person)
    _write(ystad, person, 2, prefix="few")
    few_page, few_home = _count(client, "/aviseringar/"), _count(client, "/mina-annonser/")
    _write(ystad, person, 120, prefix="many")
    assert _count(client, "/aviseringar/") == few_page
    assert _count(client, "/mina-annonser/") == few_home
    assert _count(client, "/aviseringar/?sida=3") == few_page


# --- the API -------------------------------------------------------------------------------------------------------


def test_the_api_lists_mine_newest_first_and_marks_read(ystad):
    from .api_support import api_client

    person = user_in(ystad, "personal")
    _write(ystad, person, 3, prefix="api")
    client = api_client(ystad, person)
    listed = client.get("/api/notifications/").json()
    mine = [row for row in listed["results"] if row["kind"] == "test"]
    assert [row["text"].split(" ")[1] for row in mine[:3]] == ["2", "1", "0"] and not mine[0]["read"]
    answer = client.post(f"/api/notifications/{mine[0]['id']}/read/")
    assert answer.status_code == 200 and answer.json()["read"] is True
    assert client.post("/api/notifications/read-all/").json() == {"unread": 0}
    with schema_context(ystad.schema_name):
        assert selectors.unread_count(user=person, fresh=True) == 0


def test_the_api_keeps_another_persons_and_organisations_notifications_apart(ystad, skurup):
    from .api_support import api_client

    person = user_in(ystad, "personal")
    _write(ystad, person, 1, prefix="api")
    notice = _of(ystad, person, kind="test")[0]
    colleague, stranger = api_client(ystad, user_in(ystad, "admin")), api_client(skurup, user_in(skurup, "personal"))
    for client in (colleague, stranger):
        assert client.post(f"/api/notifications/{notice.pk}/read/").status_code == 404
        assert notice.pk not in [row["id"] for row in client.get("/api/notifications/").json()["results"]]
    assert api_client(ystad).get("/api/notifications/").status_code in (401, 403)
    assert _of(ystad, person, kind="test")[0].read_at is None


def test_the_api_list_does_not_grow_in_queries_with_the_notifications(ystad):
    from .api_support import api_client

    person = user_in(ystad, "personal")
    client = api_client(ystad, person)
    _write(ystad, person, 2, prefix="few")
    few = _count(client, "/api/notifications/")
    _write(ystad, person, 60, prefix="many")
    assert _count(client, "/api/notifications/") == few
