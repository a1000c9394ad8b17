"""A department manager's approval of bookings (decision 0045): the organisation's rule decides when a booking by
one of its people waits in the state "awaiting approval"; the manager of the requester's department (or of its
förvaltning when the enhet has none) approves it, and it goes ahead as it would have, or refuses it with a reason
the requester is told."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from accounts.models import Role
from bookings import services
from bookings.lifecycle import BookingStatus
from bookings.models import Booking
from catalog.errors import CatalogError
from outbox.models import OutboxMessage
from tenants.services import update_settings
from tests.booking_support import day, lendable
from tests.catalog_factories import make_listing
from tests.conftest import client_for, user_in
from tests.factories import DepartmentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def world(ystad, media):
    with schema_context(ystad.schema_name):
        forvaltning = DepartmentFactory(name="Godkännandeförvaltningen")
        enhet = DepartmentFactory(name="Godkännandeenheten", parent=forvaltning)
        other = DepartmentFactory(name="Givande enheten")
        giver = UserFactory(department=other, full_name="Gun Givare")
        yield {
            "forvaltning": forvaltning, "enhet": enhet,
            "requester": UserFactory(department=enhet, full_name="Rut Reserverare"),
            "manager": UserFactory(department=enhet, role=Role.DEPARTMENT_MANAGER, full_name="Maja Chef"),
            "giver": giver,
            "chair": make_listing(author=giver, title="Godkännandestol", offer_type="sell", price=Decimal(800),
                                  quantity=3),
            "free": make_listing(author=giver, title="Godkännandebord", quantity=2),
        }


def _rule(ystad, rule: str, threshold: int = 0):
    update_settings(organisation=ystad, approval_rule=rule, approval_threshold=threshold)


def _emails_to(address: str) -> list[OutboxMessage]:
    return [message for message in OutboxMessage.objects.order_by("pk") if address in (message.payload.get("to") or [])]


@pytest.mark.parametrize(("rule", "threshold", "listing", "quantity", "waits"), [
    ("none", 0, "chair", 3, False),
    ("all", 0, "free", 1, True),
    ("above_value", 2000, "chair", 2, False),   # 1,600 SEK
    ("above_value", 2000, "chair", 3, True),    # 2,400 SEK
    ("above_value", 0, "free", 1, False),       # given away: worth nothing
    ("outside_department", 0, "free", 1, True),
])
def test_the_rule_decides_whether_a_reservation_waits(ystad, world, rule, threshold, listing, quantity, waits):
    # given
    with schema_context(ystad.schema_name):
        _rule(ystad, rule, threshold)
        # when
        booking = services.reserve_listing(listing=world[listing], by=world["requester"], quantity=quantity)
        # then
        expected = BookingStatus.AWAITING_APPROVAL if waits else BookingStatus.RESERVED
        assert booking.status == expected
        assert bool(_emails_to(world["manager"].email)) == waits


def test_outside_the_department_a_booking_in_ones_own_department_goes_ahead(ystad, world):
    # given
    with schema_context(ystad.schema_name):
        _rule(ystad, "outside_department")
        own = make_listing(author=UserFactory(department=world["enhet"]), title="Egen stol")
        # when
        booking = services.reserve_listing(listing=own, by=world["requester"])
        # then
        assert booking.status == BookingStatus.RESERVED


def test_a_waiting_reservation_holds_the_item_and_approval_lets_it_proceed(ystad, world):
    # given
    with schema_context(ystad.schema_name):
        _rule(ystad, "all")
        booking = services.reserve_listing(listing=world["free"], by=world["requester"], quantity=2)
        contact_told_before = len(_emails_to(world["giver"].email))
        # then it holds both, so nobody else can take them meanwhile
        with pytest.raises(CatalogError) as caught:
            services.reserve_listing(listing=world["free"], by=UserFactory(department=world["enhet"]))
        assert caught.value.code == "sold_out"
        # when
        approved = services.approve_booking(booking=booking, by=world["manager"])
        # then
        assert approved.status == BookingStatus.RESERVED
        assert [event.step for event in approved.events.order_by("pk")] == ["reserved", "approval_asked", "approved"]
        assert len(_emails_to(world["giver"].email)) == contact_told_before + 1, "the contact is told as usual"
        assert any(message.payload["subject"].startswith("Godkänd") for message in _emails_to(world["requester"].email))


def test_refusing_frees_the_item_and_tells_the_requester_why(ystad, world):
    # given
    with schema_context(ystad.schema_name):
        _rule(ystad, "all")
        booking = services.reserve_listing(listing=world["free"], by=world["requester"], quantity=2)
        # when
        refused = services.refuse_booking(booking=booking, by=world["manager"], reason="Vi har redan bord")
        # then
        assert (refused.status, refused.cancel_reason) == (BookingStatus.NOT_APPROVED, "Vi har redan bord")
        told = _emails_to(world["requester"].email)[-1]
        assert told.payload["subject"].startswith("Inte godkänd") and "Vi har redan bord" in told.payload["body"]
        assert services.reserve_listing(listing=world["free"], by=UserFactory(department=world["enhet"]),
                                        quantity=2).status == BookingStatus.AWAITING_APPROVAL, "free again"


def test_refusing_needs_a_reason(ystad, world):
    with schema_context(ystad.schema_name):
        _rule(ystad, "all")
        booking = services.reserve_listing(listing=world["free"], by=world["requester"])
        with pytest.raises(CatalogError) as caught:
            services.refuse_booking(booking=booking, by=world["manager"], reason="  ")
        assert caught.value.code == "reason_required"


def test_a_manager_cannot_approve_their_own_request(ystad, world):
    # given: two managers of the enhet; the first asks
    with schema_context(ystad.schema_name):
        _rule(ystad, "all")
        second = UserFactory(department=world["enhet"], role=Role.DEPARTMENT_MANAGER)
        booking = services.reserve_listing(listing=world["free"], by=world["manager"])
        assert booking.status == BookingStatus.AWAITING_APPROVAL
        assert _emails_to(second.email) and not _emails_to(world["manager"].email)
        # when
        with pytest.raises(CatalogError) as caught:
            services.approve_booking(booking=booking, by=world["manager"])
        # then
        assert caught.value.code == "own_approval"
        assert "own request" in str(caught.value.message)
        assert services.approve_booking(booking=booking, by=second).status == BookingStatus.RESERVED


def test_the_forvaltnings_manager_approves_when_the_enhet_has_none(ystad, world):
    # given
    with schema_context(ystad.schema_name):
        _rule(ystad, "all")
        world["manager"].role = Role.MEMBER
        world["manager"].save(update_fields=["role"])
        boss = UserFactory(department=world["forvaltning"], role=Role.DEPARTMENT_MANAGER)
        # when
        booking = services.reserve_listing(listing=world["free"], by=world["requester"])
        # then
        assert booking.status == BookingStatus.AWAITING_APPROVAL and _emails_to(boss.email)
        assert services.approve_booking(booking=booking, by=boss).status == BookingStatus.RESERVED


def test_only_the_requesters_manager_may_answer(ystad, world):
    with schema_context(ystad.schema_name):
        _rule(ystad, "all")
        booking = services.reserve_listing(listing=world["free"], by=world["requester"])
        stranger = UserFactory(department=world["giver"].department, role=Role.DEPARTMENT_MANAGER)
        for person in (stranger, world["giver"]):
            with pytest.raises(CatalogError) as caught:
                services.approve_booking(booking=booking, by=person)
            assert caught.value.code == "not_allowed"


def test_approving_twice_is_refused(ystad, world):
    with schema_context(ystad.schema_name):
        _rule(ystad, "all")
        booking = services.reserve_listing(listing=world["free"], by=world["requester"])
        services.approve_booking(booking=booking, by=world["manager"])
        with pytest.raises(CatalogError) as caught:
            services.refuse_booking(booking=booking, by=world["manager"], reason="Nej")
        assert caught.value.code == "not_possible_now"


def test_nobody_to_approve_lets_the_booking_go_ahead(ystad, world):
    with schema_context(ystad.schema_name):
        _rule(ystad, "all")
        alone = UserFactory(department=DepartmentFactory(name="Ensam enhet"))
        assert services.reserve_listing(listing=world["free"], by=alone).status == BookingStatus.RESERVED


def test_a_rental_waits_when_its_fee_is_above_the_amount(ystad, world):
    # given
    with schema_context(ystad.schema_name):
        _rule(ystad, "above_value", 250)
        projector = lendable(world["giver"], title="Godkännandeprojektor", rent=100)
        # when
        booking = services.book_loan(listing=projector, by=world["requester"], start=day(2), end=day(5))
        # then: three days at 100 SEK
        assert booking.status == BookingStatus.AWAITING_APPROVAL
        assert services.approve_booking(booking=booking, by=world["manager"]).status == BookingStatus.RESERVED


def test_the_settings_refuse_a_bad_rule_or_amount(ystad):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        update_settings(organisation=ystad, approval_rule="sometimes", approval_threshold=-1)
    assert set(caught.value.message_dict) == {"approval_rule", "approval_threshold"}


# ---------------------------------------------------------------------------------------------- the pages


def test_the_queue_shows_what_awaits_and_approving_proceeds(ystad, world):
    # given
    with schema_context(ystad.schema_name):
        _rule(ystad, "all")
        booking = services.reserve_listing(listing=world["free"], by=world["requester"])
    client = client_for(ystad, world["manager"])
    # when
    page = client.get("/att-godkanna/")
    # then
    assert page.status_code == 200
    assert "Godkännandebord" in page.content.decode() and "Rut Reserverare" in page.content.decode()
    answer = client.post(f"/bokningar/{booking.uuid}/godkann/", follow=True)
    assert "Du godkände" in answer.content.decode()
    with schema_context(ystad.schema_name):
        assert Booking.objects.get(pk=booking.pk).status == BookingStatus.RESERVED


def test_refusing_from_the_queue_needs_a_reason(ystad, world):
    with schema_context(ystad.schema_name):
        _rule(ystad, "all")
        booking = services.reserve_listing(listing=world["free"], by=world["requester"])
    client = client_for(ystad, world["manager"])
    client.post(f"/bokningar/{booking.uuid}/avsla/", {"reason": ""})
    with schema_context(ystad.schema_name):
        assert Booking.objects.get(pk=booking.pk).status == BookingStatus.AWAITING_APPROVAL
    client.post(f"/bokningar/{booking.uuid}/avsla/", {"reason": "Budgeten räcker inte"})
    with schema_context(ystad.schema_name):
        assert Booking.objects.get(pk=booking.pk).status == BookingStatus.NOT_APPROVED


def test_the_queue_in_swedish(ystad, world):
    client = client_for(ystad, world["manager"])
    page = client.get("/att-godkanna/", HTTP_ACCEPT_LANGUAGE="sv")
    assert page.status_code == 200
    assert "Att godkänna" in page.content.decode()


def test_the_queue_in_english(ystad, world, settings):
    client = client_for(ystad, world["manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/att-godkanna/")
    assert page.status_code == 200
    assert "To approve" in page.content.decode() and "Nothing waits for your approval." in page.content.decode()


def test_the_queue_is_only_for_department_managers(ystad, world):
    assert client_for(ystad, world["requester"]).get("/att-godkanna/").status_code == 403
    assert client_for(ystad).get("/att-godkanna/").status_code == 302


def test_another_organisations_manager_gets_404(ystad, skurup, world):
    # given
    with schema_context(ystad.schema_name):
        _rule(ystad, "all")
        booking = services.reserve_listing(listing=world["free"], by=world["requester"])
    with schema_context(skurup.schema_name):
        foreign = UserFactory(role=Role.DEPARTMENT_MANAGER)
    # when
    answer = client_for(skurup, foreign).post(f"/bokningar/{booking.uuid}/godkann/")
    # then
    assert answer.status_code == 404
    with schema_context(ystad.schema_name):
        assert Booking.objects.get(pk=booking.pk).status == BookingStatus.AWAITING_APPROVAL


def test_the_queue_does_not_grow_in_queries_with_the_requests(ystad, world):
    client = client_for(ystad, world["manager"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/att-godkanna/").status_code == 200
        return len(queries)

    with schema_context(ystad.schema_name):
        _rule(ystad, "all")
        services.reserve_listing(listing=world["free"], by=world["requester"])
    count()  # the first request of a session warms caches
    few = count()
    with schema_context(ystad.schema_name):
        for n in range(4):
            listing = make_listing(author=world["giver"], title=f"Godkännandelampa {n}")
            services.reserve_listing(listing=listing, by=world["requester"])
    assert count() == few


def test_an_admin_sets_the_rule_on_the_settings_page(ystad):
    # given
    client = client_for(ystad, user_in(ystad, "admin"))
    # when
    response = client.post("/installningar/", {"reservation_days": 14, "approval_rule": "above_value",
                                                "approval_threshold": 1500})
    # then
    assert response.status_code == 302
    ystad.refresh_from_db()
    assert (ystad.approval_rule, ystad.approval_threshold) == ("above_value", 1500)
    assert "Godkännande över (kr)" in client.get("/installningar/").content.decode()
