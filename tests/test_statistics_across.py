"""Statistics across borders (issue 8 part 8, decision 0031): what changed hands between organisations counts for the
giving department in the owner's statistics, for the receiving department in the asker's, and on the network page
(totals and who gave how much to whom), which only the members' admins read."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from bookings import services as booking_services
from bookings.models import Booking
from exchange import services

from .conftest import client_for, user_in
from .deal_support import ask, period, relay, shared_listing
from .exchange_support import demo_network

pytestmark = pytest.mark.django_db


# --- helpers: the pages as their readers see them, and deals carried out as the owner's staff would ---------------


def _statistics(organisation, local: str = "personal"):
    response = client_for(organisation, user_in(organisation, local)).get("/statistik/")
    assert response.status_code == 200
    return response.context["figures"], response.content.decode()


def _by_department(figures) -> dict[str, tuple[int, int, int, int]]:
    return {row.department: (row.mediated, row.loans, row.given, row.received) for row in figures.departments}


def _network(organisation):
    response = client_for(organisation, user_in(organisation, "admin")).get(f"/natverk/{demo_network().pk}/")
    assert response.status_code == 200
    figures = response.context["figures"]
    flows = {(flow.giver, flow.receiver): (flow.items, flow.deals) for flow in figures.flows}
    types = {row.offer_type: (row.items, row.deals) for row in figures.by_offer_type}
    return figures, flows, types, response.content.decode()


def _accept(owner, deal, **terms):
    with schema_context(owner.schema_name):
        return services.accept_deal(deal_uuid=deal.uuid, by=user_in(owner, "personal"), notify=False, **terms)


def _booking(owner, deal) -> Booking:
    with schema_context(owner.schema_name):
        return Booking.objects.select_related("listing").get(deal=deal.uuid)


def _hand_over(owner, deal) -> None:
    booking = _booking(owner, deal)
    with schema_context(owner.schema_name):
        if booking.is_loan:
            booking_services.confirm_pick_up(booking=booking, by=user_in(owner, "personal"))
        else:
            booking_services.confirm_handover(booking=booking, by=user_in(owner, "personal"))
    relay(owner)
    connection.set_schema_to_public()


def _give(owner, asker, *, quantity: int = 2, **listing):
    _, offer = shared_listing(owner, quantity=quantity + 1, **listing)
    deal = _accept(owner, ask(asker, offer, quantity=quantity))
    _hand_over(owner, deal)
    return deal


def _department_of(organisation, local: str = "personal") -> str:
    return user_in(organisation, local).department.name


# --- the done-when ------------------------------------------------------------------------------------------------


def test_two_chairs_handed_over_count_two_for_the_giver_the_receiver_and_the_network(ystad, skurup, trelleborg):
    # given the statistics of Ystad, Skurup and Trelleborg and the network page before
    ystad_before, _ = _statistics(ystad)
    skurup_before, _ = _statistics(skurup)
    trelleborg_before, _ = _statistics(trelleborg)
    network_before, flows_before, types_before, _ = _network(ystad)
    giving, receiving = _department_of(ystad), _department_of(skurup)

    # when a Skurup person receives two of Ystad's chairs: asked, accepted, handed over in Ystad
    _give(ystad, skurup, quantity=2)

    # then Ystad's statistics count two given to other organisations, for the giving department, and nothing more
    ystad_after, ystad_page = _statistics(ystad)
    assert ystad_after.given - ystad_before.given == 2
    assert (ystad_after.mediated, ystad_after.handovers, ystad_after.loans, ystad_after.received) == (
        ystad_before.mediated, ystad_before.handovers, ystad_before.loans, ystad_before.received)
    before, after = _by_department(ystad_before).get(giving, (0, 0, 0, 0)), _by_department(ystad_after)[giving]
    assert [a - b for a, b in zip(after, before, strict=True)] == [0, 0, 2, 0]
    assert sum(month.given for month in ystad_after.months) == ystad_after.given
    assert f'id="figure-given">{ystad_after.given}<' in ystad_page
    # and Skurup's count two received from other organisations, for the receiving department the asker had
    skurup_after, skurup_page = _statistics(skurup)
    assert skurup_after.received - skurup_before.received == 2
    assert (skurup_after.mediated, skurup_after.loans, skurup_after.given) == (
        skurup_before.mediated, skurup_before.loans, skurup_before.given)
    before, after = _by_department(skurup_before).get(receiving, (0, 0, 0, 0)), _by_department(skurup_after)[receiving]
    assert [a - b for a, b in zip(after, before, strict=True)] == [0, 0, 0, 2]
    assert f'id="figure-received">{skurup_after.received}<' in skurup_page
    # and the network page counts two items, one deal, from Ystad to Skurup, given away
    network_after, flows_after, types_after, network_page = _network(skurup)
    assert (network_after.items - network_before.items, network_after.deals - network_before.deals) == (2, 1)
    pair = (ystad.name, skurup.name)
    assert flows_after[pair][0] - flows_before.get(pair, (0, 0))[0] == 2
    assert types_after["give_away"][0] - types_before["give_away"][0] == 2
    assert f'id="network-items">{network_after.items}<' in network_page
    assert '<th scope="row">Ystads kommun</th><td>Skurups kommun</td>' in network_page
    # and an organisation that took no part counts nothing
    trelleborg_after, _ = _statistics(trelleborg)
    assert (trelleborg_after.given, trelleborg_after.received) == (trelleborg_before.given, trelleborg_before.received)


@pytest.mark.parametrize(
    "listing",
    [
        {"offer_type": "lend", "title": "Projektor Epson"},
        {"offer_type": "rent", "title": "Släpvagn", "price": Decimal("100"), "rent_period": "day"},
    ],
    ids=["loan", "rental"],
)
def test_loans_and_rentals_between_organisations_count_when_picked_up(ystad, skurup, listing):
    # given an item Ystad lends or rents out, asked for by Skurup for three days and accepted
    ystad_before, skurup_before = _statistics(ystad)[0], _statistics(skurup)[0]
    network_before, _, types_before, _ = _network(ystad)
    _, offer = shared_listing(ystad, quantity=1, **listing)
    start, end = period(0, 3)
    terms = {"legal_basis": "authority_cooperation"} if listing["offer_type"] == "rent" else {}
    deal = _accept(ystad, ask(skurup, offer, quantity=1, starts_at=start, ends_at=end), **terms)

    # when Skurup's person picks it up in Ystad, and later brings it back
    _hand_over(ystad, deal)
    picked_up = _statistics(ystad)[0], _statistics(skurup)[0], _network(ystad)
    with schema_context(ystad.schema_name):
        booking_services.confirm_return(booking=_booking(ystad, deal), by=user_in(ystad, "personal"), notify=False)
    relay(ystad)
    connection.set_schema_to_public()

    # then it counts one item given by Ystad and one received by Skurup, not an internal loan
    ystad_after, skurup_after = _statistics(ystad)[0], _statistics(skurup)[0]
    assert (ystad_after.given - ystad_before.given, ystad_after.loans - ystad_before.loans) == (1, 0)
    assert skurup_after.received - skurup_before.received == 1
    # and on the network page under its kind of offer
    network_after, _, types_after, _ = _network(ystad)
    assert network_after.items - network_before.items == 1
    kind = listing["offer_type"]
    assert types_after[kind][0] - types_before[kind][0] == 1
    # and the return changed none of it: it counted once, when picked up
    assert (picked_up[0].given, picked_up[1].received, picked_up[2][0].items) == (
        ystad_after.given, skurup_after.received, network_after.items)


def test_declined_and_withdrawn_requests_count_nowhere(ystad, skurup):
    # given the figures before
    ystad_before, skurup_before = _statistics(ystad)[0], _statistics(skurup)[0]
    network_before = _network(ystad)[0]
    _, offer = shared_listing(ystad, quantity=5)

    # when one request is declined by Ystad, another withdrawn by Skurup's asker, and a third accepted but cancelled
    with schema_context(ystad.schema_name):
        services.decline_deal(deal_uuid=ask(skurup, offer, quantity=1).uuid, by=user_in(ystad, "personal"),
                              reason="Redan lovade")
    withdrawn = ask(skurup, offer, quantity=1)
    with schema_context(skurup.schema_name):
        services.cancel_deal(deal_uuid=withdrawn.uuid, by=user_in(skurup, "personal"), reason="Behövs inte")
    cancelled = _accept(ystad, ask(skurup, offer, quantity=2))
    with schema_context(ystad.schema_name):
        booking_services.cancel_booking(booking=_booking(ystad, cancelled), by=user_in(ystad, "personal"),
                                        reason="Trasiga")
    relay(ystad, skurup)
    connection.set_schema_to_public()

    # then no figure moved
    ystad_after, skurup_after = _statistics(ystad)[0], _statistics(skurup)[0]
    assert (ystad_after.given, ystad_after.mediated) == (ystad_before.given, ystad_before.mediated)
    assert skurup_after.received == skurup_before.received
    assert _network(ystad)[0].items == network_before.items


# --- who may read -----------------------------------------------------------------------------------------------


def test_only_the_members_admins_read_the_networks_figures(ystad, tomelilla):
    # given a deal handed over between two members
    network = demo_network()
    # when an admin of an organisation outside the network asks for its page
    response = client_for(tomelilla, user_in(tomelilla, "admin")).get(f"/natverk/{network.pk}/")
    # then it does not exist for them
    assert response.status_code == 404
    # and a member's staff who are not admins may not read it
    assert client_for(ystad, user_in(ystad, "personal")).get(f"/natverk/{network.pk}/").status_code == 403


def test_a_session_of_one_organisation_reads_no_statistics_at_another(ystad, skurup):
    # given Ystad's person logged in at Ystad's host
    client = client_for(ystad, user_in(ystad, "personal"))
    # when the session cookie is replayed at Skurup's host
    skurup_client = client_for(skurup)
    skurup_client.cookies = client.cookies
    response = skurup_client.get("/statistik/")
    # then it is sent to log in, shown no figures
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


# --- queries ------------------------------------------------------------------------------------------------------


def _count(organisation, local: str, path: str) -> int:
    client = client_for(organisation, user_in(organisation, local))
    assert client.get(path).status_code == 200  # warm caches (host routing, content types)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def _counts(ystad, skurup, trelleborg) -> dict[str, int]:
    network = f"/natverk/{demo_network().pk}/"
    return {
        "ystad statistics": _count(ystad, "personal", "/statistik/"),
        "skurup statistics": _count(skurup, "personal", "/statistik/"),
        "network": _count(ystad, "admin", network),
    }


def test_the_pages_cost_the_same_with_one_deal_or_many(ystad, skurup, trelleborg):
    # given one deal handed over
    _give(ystad, skurup, quantity=1)
    one = _counts(ystad, skurup, trelleborg)
    # when there are more, between other members too, of several departments and kinds
    _give(ystad, skurup, quantity=2, title="Skrivbord")
    _give(skurup, ystad, quantity=1, title="Bokhylla")
    _give(trelleborg, skurup, quantity=3, title="Whiteboard")
    _, offer = shared_listing(ystad, quantity=1, offer_type="lend", title="Projektor")
    start, end = period(0, 2)
    _hand_over(ystad, _accept(ystad, ask(skurup, offer, quantity=1, starts_at=start, ends_at=end, local="chef")))
    many = _counts(ystad, skurup, trelleborg)
    # then each page costs what it did
    assert many == one
    # and the pages did show the added deals
    _, flows, _, _ = _network(ystad)
    assert {(ystad.name, skurup.name), (skurup.name, ystad.name), (trelleborg.name, skurup.name)} <= set(flows)
