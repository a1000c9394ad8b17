"""A department manager's approval of a deal with another organisation (decision 0048): the asking organisation's
rule decides when a person's request waits as "awaiting approval" — unseen by the owner, who is not asked yet; a
manager of the person's department (or of its förvaltning) approves it, and it is sent to the owner as it would have
been, or refuses it with a reason the person is told. The queue "Att godkänna" shows bookings and deals together."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from accounts.models import Role
from accounts.selectors import party_of
from bookings import services as booking_services
from exchange import selectors, services
from exchange.errors import ExchangeError
from exchange.models import Deal, DealStatus
from outbox.models import OutboxMessage
from tenants.services import update_settings

from .api_support import api_client, error_code
from .catalog_factories import make_listing
from .conftest import client_for, user_in
from .deal_support import shared_listing
from .factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ystad, skurup, media):
    """At Skurup, a förvaltning with an enhet: a person who asks and the enhet's manager. At Ystad, a chair sold at
    800 SEK and a table given away, both shared with Ystad's networks (Skurup sees them)."""
    with schema_context(skurup.schema_name):
        forvaltning = DepartmentFactory(name="Affärsförvaltningen")
        enhet = DepartmentFactory(name="Affärsenheten", parent=forvaltning)
        requester = UserFactory(department=enhet, full_name="Ada Affär", email="ada.affar@skurup.example")
        manager = UserFactory(department=enhet, role=Role.DEPARTMENT_MANAGER, full_name="Mona Chef",
                              email="mona.chef@skurup.example")
    _, chair = shared_listing(ystad, quantity=3, title="Godkännandestol", offer_type="sell", price=Decimal(800))
    _, table = shared_listing(ystad, quantity=2, title="Godkännandebord")
    return {"forvaltning": forvaltning, "enhet": enhet, "requester": requester, "manager": manager,
            "chair": chair, "table": table}


def _rule(organisation, rule: str, threshold: int = 0) -> None:
    with schema_context(organisation.schema_name):
        update_settings(organisation=organisation, approval_rule=rule, approval_threshold=threshold)


def _ask(organisation, offer, user, *, quantity: int = 1) -> Deal:
    """``user`` of ``organisation`` asks for ``offer``, as the request page does (in that organisation's schema)."""
    with schema_context(organisation.schema_name):
        asker = services.Asker(party=party_of(user=user), department_id=user.department_id,
                               department_name=user.department.name if user.department else "")
        return services.request_deal(
            request=services.DealRequest(offer=offer.pk, quantity=quantity, transport="operator"), by=asker)


def _as(organisation, action, **kwargs):
    with schema_context(organisation.schema_name):
        return action(**kwargs)


def _emails(deal, address: str) -> list[OutboxMessage]:
    connection.set_schema_to_public()
    return [message for message in OutboxMessage.objects.filter(key__startswith=f"exchange.deal:{deal.uuid}")
            .order_by("pk") if address in (message.payload.get("to") or [])]


# ---------------------------------------------------------------------------------------------- the lifecycle


def test_the_deal_lifecycle_starts_one_state_earlier_when_approval_is_asked():
    from exchange.deal_lifecycle import CLOSED, DEAL, OPEN

    waiting = DealStatus.AWAITING_APPROVAL
    assert DEAL.allowed(waiting) == ["approve", "refuse", "withdraw"]
    assert DEAL.next_state(waiting, "approve") == DealStatus.REQUESTED
    assert DEAL.next_state(waiting, "refuse") == DealStatus.NOT_APPROVED
    assert DEAL.next_state(waiting, "withdraw") == DealStatus.CANCELLED
    assert DEAL.allowed(DealStatus.NOT_APPROVED) == []
    assert not DEAL.can(waiting, "accept") and not DEAL.can(waiting, "decline")
    assert waiting in OPEN and DealStatus.NOT_APPROVED in CLOSED


# ---------------------------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(("rule", "threshold", "offer", "quantity", "waits"), [
    ("none", 0, "chair", 3, False),
    ("all", 0, "table", 1, True),
    ("above_value", 2000, "chair", 2, False),   # 1,600 SEK excl. VAT
    ("above_value", 2000, "chair", 3, True),    # 2,400 SEK excl. VAT
    ("above_value", 0, "table", 1, False),      # given away: worth nothing
    ("outside_department", 0, "table", 1, True),  # another organisation is always outside the department
])
def test_the_asking_organisations_rule_decides_whether_a_deal_waits(skurup, world, rule, threshold, offer,
                                                                    quantity, waits):
    # given
    _rule(skurup, rule, threshold)
    # when
    deal = _ask(skurup, world[offer], world["requester"], quantity=quantity)
    # then
    assert deal.status == (DealStatus.AWAITING_APPROVAL if waits else DealStatus.REQUESTED)
    assert bool(_emails(deal, world["manager"].email)) == waits
    assert bool(_emails(deal, world[offer].contact_email)) != waits  # the owner is asked only when it goes ahead
    assert deal.approval_department_id == (world["enhet"].pk if waits else None)


def test_the_owners_rule_does_not_matter(ystad, skurup, world):
    # given the owner asks for approval of everything, the asking side of nothing
    _rule(ystad, "all")
    _rule(skurup, "none")
    # when
    deal = _ask(skurup, world["table"], world["requester"])
    # then
    assert deal.status == DealStatus.REQUESTED


def test_the_forvaltnings_manager_approves_when_the_enhet_has_none(skurup, world):
    # given an enhet without a manager of its own, under the förvaltning of one
    _rule(skurup, "all")
    with schema_context(skurup.schema_name):
        orphan = DepartmentFactory(name="Föräldralös enhet", parent=world["forvaltning"])
        head = UserFactory(department=world["forvaltning"], role=Role.DEPARTMENT_MANAGER, full_name="Förv Chef")
        person = UserFactory(department=orphan)
    # when
    deal = _ask(skurup, world["table"], person)
    # then
    assert deal.status == DealStatus.AWAITING_APPROVAL
    assert _emails(deal, head.email)
    deal = _as(skurup, services.approve_deal, deal_uuid=deal.uuid, by=head)
    assert deal.status == DealStatus.REQUESTED


def test_with_nobody_to_approve_the_request_goes_ahead(skurup, world):
    # given a department without managers, in a förvaltning without any either, and a manager alone in hers
    _rule(skurup, "all")
    with schema_context(skurup.schema_name):
        alone = UserFactory(department=DepartmentFactory(name="Chefslös enhet"))
        lone_manager = UserFactory(department=DepartmentFactory(name="Ensam chefs enhet"),
                                   role=Role.DEPARTMENT_MANAGER)
    # when / then
    assert _ask(skurup, world["table"], alone).status == DealStatus.REQUESTED
    assert _ask(skurup, world["table"], lone_manager).status == DealStatus.REQUESTED


def test_a_manager_cannot_approve_their_own_request(skurup, world):
    # given two managers of one enhet; one asks
    _rule(skurup, "all")
    with schema_context(skurup.schema_name):
        other = UserFactory(department=world["enhet"], role=Role.DEPARTMENT_MANAGER)
    deal = _ask(skurup, world["table"], world["manager"])
    assert deal.status == DealStatus.AWAITING_APPROVAL
    assert _emails(deal, other.email) and not _emails(deal, world["manager"].email)
    # when / then
    with pytest.raises(ExchangeError) as refused:
        _as(skurup, services.approve_deal, deal_uuid=deal.uuid, by=world["manager"])
    assert refused.value.code == "own_approval" and refused.value.http_status == 403
    # and the other manager can
    assert _as(skurup, services.approve_deal, deal_uuid=deal.uuid, by=other).status == DealStatus.REQUESTED


def test_only_a_manager_of_the_persons_department_answers(skurup, world):
    # given
    _rule(skurup, "all")
    deal = _ask(skurup, world["table"], world["requester"])
    with schema_context(skurup.schema_name):
        elsewhere = UserFactory(department=DepartmentFactory(name="Annan enhet"), role=Role.DEPARTMENT_MANAGER)
    # when / then
    for who in (elsewhere, user_in(skurup, "operator")):
        with pytest.raises(ExchangeError) as refused:
            _as(skurup, services.approve_deal, deal_uuid=deal.uuid, by=who)
        assert refused.value.code == "not_allowed"
    # and a colleague who does not approve it does not see it: 404, as anyone else
    client = client_for(skurup, elsewhere)
    assert client.get(f"/natverk/affarer/{deal.uuid}/").status_code == 404
    assert client.post(f"/natverk/affarer/{deal.uuid}/godkannande/ja/").status_code == 404
    assert Deal.objects.get(pk=deal.pk).status == DealStatus.AWAITING_APPROVAL


# ---------------------------------------------------------------------------------------------- the answers


def test_while_waiting_the_owner_sees_nothing_and_holds_nothing(ystad, skurup, world):
    # given
    _rule(skurup, "all")
    deal = _ask(skurup, world["table"], world["requester"])
    contact = user_in(ystad, "personal")
    # then the owner does not find it anywhere, and cannot answer it
    assert not selectors.incoming_deals(organisation_id=ystad.pk).filter(pk=deal.pk).exists()
    with schema_context(ystad.schema_name):
        assert not selectors.visible_deals(user=contact, organisation_id=ystad.pk).filter(pk=deal.pk).exists()
        assert selectors.deal_for(uuid=deal.uuid, user=contact, organisation_id=ystad.pk) is None
    assert client_for(ystad, contact).get(f"/natverk/affarer/{deal.uuid}/").status_code == 404
    with pytest.raises(ExchangeError) as refused:
        _as(ystad, services.accept_deal, deal_uuid=deal.uuid, by=contact)
    assert refused.value.code == "not_found"
    # and nothing is held: the offer still has all it had
    world["table"].refresh_from_db()
    assert world["table"].quantity_available == 2


def test_approving_sends_the_request_to_the_owner_and_tells_the_person(ystad, skurup, world):
    # given
    _rule(skurup, "all")
    deal = _ask(skurup, world["table"], world["requester"])
    # when
    deal = _as(skurup, services.approve_deal, deal_uuid=deal.uuid, by=world["manager"])
    # then
    assert deal.status == DealStatus.REQUESTED
    assert deal.approved_at is not None and deal.approval_by_name == "Mona Chef"
    assert [event.step for event in deal.events.all()] == ["requested", "approval_asked", "approved"]
    told_owner = _emails(deal, world["table"].contact_email)
    assert len(told_owner) == 1 and "Godkännandebord" in told_owner[0].payload["subject"]
    told_person = _emails(deal, world["requester"].email)
    assert len(told_person) == 1 and "godkände" in told_person[0].payload["body"]
    # and the owner sees it now, and can accept it as any request
    assert selectors.incoming_deals(organisation_id=ystad.pk).filter(pk=deal.pk).exists()
    deal = _as(ystad, services.accept_deal, deal_uuid=deal.uuid, by=user_in(ystad, "personal"))
    assert deal.status == DealStatus.ACCEPTED


def test_the_bell_tells_the_manager_asked_and_then_the_person_answered(skurup, world):
    """The same events as the e-mails (decision 0047): the manager's bell links to "Att godkänna"."""
    from notifications.models import Notification

    # given
    _rule(skurup, "all")
    # when
    deal = _ask(skurup, world["table"], world["requester"])
    # then the manager's bell has the request, linking to the queue
    with schema_context(skurup.schema_name):
        asked = list(Notification.objects.filter(recipient=world["manager"]))
        assert len(asked) == 1 and asked[0].link == "/att-godkanna/" and "Godkännandebord" in asked[0].text
    # and when the manager approves, the person's bell says so
    _as(skurup, services.approve_deal, deal_uuid=deal.uuid, by=world["manager"])
    with schema_context(skurup.schema_name):
        told = list(Notification.objects.filter(recipient=world["requester"]))
        assert len(told) == 1 and told[0].link == f"/natverk/affarer/{deal.uuid}/"


def test_refusing_tells_the_person_why_and_the_owner_nothing(ystad, skurup, world):
    # given
    _rule(skurup, "all")
    deal = _ask(skurup, world["table"], world["requester"])
    # when a reason is missing / given
    with pytest.raises(ExchangeError) as refused:
        _as(skurup, services.refuse_deal, deal_uuid=deal.uuid, by=world["manager"], reason="  ")
    assert refused.value.code == "reason_required"
    deal = _as(skurup, services.refuse_deal, deal_uuid=deal.uuid, by=world["manager"], reason="Vi har redan bord")
    # then
    assert (deal.status, deal.decline_reason) == (DealStatus.NOT_APPROVED, "Vi har redan bord")
    told = _emails(deal, world["requester"].email)
    assert len(told) == 1 and "Vi har redan bord" in told[0].payload["body"]
    assert not _emails(deal, world["table"].contact_email)
    assert not selectors.incoming_deals(organisation_id=ystad.pk).filter(pk=deal.pk).exists()
    # and it cannot be approved afterwards
    with pytest.raises(ExchangeError) as again:
        _as(skurup, services.approve_deal, deal_uuid=deal.uuid, by=world["manager"])
    assert again.value.code == "already_answered"


def test_the_person_withdraws_while_waiting_and_the_owner_never_hears_of_it(ystad, skurup, world):
    # given
    _rule(skurup, "all")
    deal = _ask(skurup, world["table"], world["requester"])
    # when
    deal = _as(skurup, services.cancel_deal, deal_uuid=deal.uuid, by=world["requester"])
    # then
    assert deal.status == DealStatus.CANCELLED
    assert not _emails(deal, world["table"].contact_email)
    assert not selectors.incoming_deals(organisation_id=ystad.pk).filter(pk=deal.pk).exists()
    with pytest.raises(ExchangeError) as refused:
        _as(skurup, services.approve_deal, deal_uuid=deal.uuid, by=world["manager"])
    assert refused.value.code == "already_answered"


def test_nobody_writes_to_the_owner_before_it_is_sent(skurup, world):
    # given
    _rule(skurup, "all")
    deal = _ask(skurup, world["table"], world["requester"])
    # when / then
    with pytest.raises(ExchangeError) as refused:
        _as(skurup, services.post_message, deal_uuid=deal.uuid, by=world["requester"], body="Hallå?")
    assert refused.value.code == "not_sent"
    assert not _emails(deal, world["table"].contact_email)
    page = client_for(skurup, world["requester"]).get(f"/natverk/affarer/{deal.uuid}/").content.decode()
    assert f"/natverk/affarer/{deal.uuid}/meddelande/" not in page


# ---------------------------------------------------------------------------------------------- the pages


def test_the_queue_shows_bookings_and_deals_and_approving_a_deal_there_works(skurup, world):
    # given a booking inside Skurup and a deal with Ystad, both waiting
    _rule(skurup, "all")
    with schema_context(skurup.schema_name):
        giver = UserFactory(department=DepartmentFactory(name="Givarenheten"))
        lamp = make_listing(author=giver, title="Godkännandelampa")
        booking_services.reserve_listing(listing=lamp, by=world["requester"])
    deal = _ask(skurup, world["table"], world["requester"])
    client = client_for(skurup, world["manager"])
    # when
    page = client.get("/att-godkanna/").content.decode()
    # then
    assert "Godkännandelampa" in page and "Godkännandebord" in page and "Ystads kommun" in page
    assert "Förfrågningar till andra organisationer" in page
    client.cookies["delbar_language"] = "en"
    assert "Requests to other organisations" in client.get("/att-godkanna/").content.decode()
    client.cookies["delbar_language"] = "sv"
    answer = client.post(f"/natverk/affarer/{deal.uuid}/godkannande/ja/", follow=True)
    assert answer.status_code == 200 and "Ystads kommun har fått förfrågan" in answer.content.decode()
    assert Deal.objects.get(pk=deal.pk).status == DealStatus.REQUESTED


def test_the_queue_refuses_a_deal_with_a_reason(skurup, world):
    # given
    _rule(skurup, "all")
    deal = _ask(skurup, world["table"], world["requester"])
    client = client_for(skurup, world["manager"])
    # when
    client.post(f"/natverk/affarer/{deal.uuid}/godkannande/nej/", {"reason": ""})
    assert Deal.objects.get(pk=deal.pk).status == DealStatus.AWAITING_APPROVAL
    client.post(f"/natverk/affarer/{deal.uuid}/godkannande/nej/", {"reason": "Inte nu"})
    # then
    assert Deal.objects.get(pk=deal.pk).status == DealStatus.NOT_APPROVED


def test_the_queue_does_not_grow_in_queries_with_the_deals(skurup, world):
    client = client_for(skurup, world["manager"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/att-godkanna/").status_code == 200
        return len(queries)

    _rule(skurup, "all")
    _ask(skurup, world["table"], world["requester"])
    count()  # the first request of a session warms caches
    few = count()
    for _ in range(4):
        _ask(skurup, world["table"], world["requester"])
        _ask(skurup, world["chair"], world["requester"])
    assert count() == few


def test_another_organisations_manager_gets_404(ystad, skurup, world):
    # given a Skurup deal awaiting approval
    _rule(skurup, "all")
    deal = _ask(skurup, world["table"], world["requester"])
    with schema_context(ystad.schema_name):
        foreign = UserFactory(role=Role.DEPARTMENT_MANAGER)
    # when / then: the page, its answers and the API
    client = client_for(ystad, foreign)
    assert client.get(f"/natverk/affarer/{deal.uuid}/").status_code == 404
    assert client.post(f"/natverk/affarer/{deal.uuid}/godkannande/ja/").status_code == 404
    assert client.post(f"/natverk/affarer/{deal.uuid}/godkannande/nej/", {"reason": "x"}).status_code == 404
    api = api_client(ystad, foreign)
    assert api.post(f"/api/exchange/deals/{deal.uuid}/approve/").status_code == 404
    assert api.post(f"/api/exchange/deals/{deal.uuid}/refuse/", {"reason": "x"}).status_code == 404
    assert Deal.objects.get(pk=deal.pk).status == DealStatus.AWAITING_APPROVAL


def test_the_deal_page_explains_the_wait_to_the_person_in_swedish_and_english(skurup, world):
    # given
    _rule(skurup, "all")
    deal = _ask(skurup, world["table"], world["requester"])
    client = client_for(skurup, world["requester"])
    # when / then
    page = client.get(f"/natverk/affarer/{deal.uuid}/").content.decode()
    assert "Väntar på godkännande" in page and "har inte fått förfrågan än" in page
    assert "Dra tillbaka förfrågan" in page
    client.cookies["delbar_language"] = "en"
    page = client.get(f"/natverk/affarer/{deal.uuid}/").content.decode()
    assert "Awaiting approval" in page and "has not been asked yet" in page
    # and once refused, why
    _as(skurup, services.refuse_deal, deal_uuid=deal.uuid, by=world["manager"], reason="Budgeten är slut")
    page = client.get(f"/natverk/affarer/{deal.uuid}/").content.decode()
    assert "Not approved" in page and "Budgeten är slut" in page


def test_the_manager_may_answer_on_the_deal_page(skurup, world):
    # given
    _rule(skurup, "all")
    deal = _ask(skurup, world["table"], world["requester"])
    # when
    page = client_for(skurup, world["manager"]).get(f"/natverk/affarer/{deal.uuid}/").content.decode()
    # then
    assert f"/natverk/affarer/{deal.uuid}/godkannande/ja/" in page
    assert f"/natverk/affarer/{deal.uuid}/godkannande/ja/" not in client_for(
        skurup, world["requester"]).get(f"/natverk/affarer/{deal.uuid}/").content.decode()


# ---------------------------------------------------------------------------------------------- the API


def test_the_api_reports_the_state_and_lets_the_manager_answer(ystad, skurup, world):
    # given
    _rule(skurup, "all")
    deal = _ask(skurup, world["table"], world["requester"])
    manager = api_client(skurup, world["manager"])
    # when
    shown = manager.get(f"/api/exchange/deals/{deal.uuid}/").json()
    # then
    assert shown["status"] == "awaiting_approval" and shown["actions"][:2] == ["approve", "refuse"]
    person = api_client(skurup, world["requester"])
    assert person.get(f"/api/exchange/deals/{deal.uuid}/").json()["actions"] == ["cancel"]  # nobody to write to
    refused = person.post(f"/api/exchange/deals/{deal.uuid}/approve/")
    assert (refused.status_code, error_code(refused)) == (403, "own_approval")
    assert api_client(ystad, user_in(ystad, "operator")).get(f"/api/exchange/deals/{deal.uuid}/").status_code == 404
    answered = manager.post(f"/api/exchange/deals/{deal.uuid}/approve/")
    assert answered.status_code == 200
    assert (answered.json()["status"], answered.json()["approval_by_name"]) == ("requested", "Mona Chef")
    again = manager.post(f"/api/exchange/deals/{deal.uuid}/refuse/", {"reason": "Nej"})
    assert (again.status_code, error_code(again)) == (409, "already_answered")
