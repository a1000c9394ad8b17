"""The exchange API (/api/exchange/...): other organisations' offers and deals between organisations, each operation
working, another organisation's person answered 404 on every operation with an id, and answers costing the same
number of queries however many offers, deals, steps and messages there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Reach
from exchange.models import Deal, DealEvent, DealMessage, DealStatus
from tests.api_support import api_client, category_id, error_code, token_client
from tests.conftest import user_in
from tests.deal_support import ask, period, relay, shared_listing

pytestmark = pytest.mark.django_db


def _skurup_asks(ystad, skurup, **details):
    """Ystad's chairs shared with its networks, and a request for two of them by Skurup's personal, made through
    the API with a token."""
    listing, offer = shared_listing(ystad, quantity=3, title="Ystads gröna kontorsstol", **details)
    client = token_client(skurup, user_in(skurup, "personal"))
    response = client.post("/api/exchange/deals/", {"offer": offer.pk, "quantity": 2, "transport": "operator",
                                                    "buyer_reference": "Skurup 4711"}, format="json")
    assert response.status_code == 201, response.content
    return offer, response.json(), client


# ------------------------------------------------------------------------------------------------ offers


def test_a_partner_finds_an_offer_shared_with_its_networks_and_reads_it(ystad, skurup):
    # given Ystad's chairs shared with its networks
    _, offer = shared_listing(ystad, quantity=3, title="Ystads gröna kontorsstol")
    client = token_client(skurup, user_in(skurup, "personal"))
    # when Skurup searches its networks for them
    found = client.get("/api/exchange/offers/", {"q": "gröna kontorsstol", "scope": "networks"}).json()
    # then the offer is there, with its organisation, and can be read by its id with its version
    assert [item["id"] for item in found["results"]] == [offer.pk]
    assert found["results"][0]["organisation"] == {"id": ystad.pk, "name": ystad.name}
    assert found["more_than_count"] is False and found["searched_for"] is None
    response = client.get(f"/api/exchange/offers/{offer.pk}/")
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["quantity_available"]) == ("Ystads gröna kontorsstol", 3)
    assert response["ETag"] == f'"{offer.pk}-{offer.version}"'


def test_the_search_filters_by_category_offer_type_and_organisation(ystad, skurup, trelleborg):
    # given a Ystad chair and a Trelleborg chair lent out, both shared with the network
    _, chair = shared_listing(ystad, title="Ystads zebrarandiga kontorsstol")
    _, lent = shared_listing(trelleborg, title="Trelleborgs zebrarandiga kontorsstol", offer_type="lend")
    client = token_client(skurup, user_in(skurup, "personal"))

    def ids(**filters):
        response = client.get("/api/exchange/offers/", {"q": "zebrarandiga", **filters})
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["results"]}

    # when Skurup narrows the search each way, then each filter keeps what it should
    assert ids() == {chair.pk, lent.pk}
    assert ids(organisation=trelleborg.pk) == {lent.pk}
    assert ids(offer_type="lend") == {lent.pk}
    assert ids(category=category_id(skurup, "Kontorsstolar")) == {chair.pk, lent.pk}
    assert ids(category=category_id(skurup, "Skrivbord")) == set()
    assert client.get("/api/exchange/offers/", {"category": 999999}).status_code == 400
    assert error_code(client.get("/api/exchange/offers/", {"scope": "mars"})) == "invalid"


def test_an_organisation_outside_the_network_sees_only_what_is_offered_to_everyone(ystad, tomelilla):
    # given one Ystad offer to its networks and one to every organisation
    _, networks = shared_listing(ystad, title="Ystads zebrarandiga nätverksstol")
    _, everyone = shared_listing(ystad, title="Ystads zebrarandiga allmänstol", reach=Reach.EVERYONE)
    client = token_client(tomelilla, user_in(tomelilla, "personal"))
    # when Tomelilla searches every organisation
    found = client.get("/api/exchange/offers/", {"q": "zebrarandiga", "scope": "all"}).json()
    # then only the one offered to everyone is there; the other is a 404 by its id
    assert [item["id"] for item in found["results"]] == [everyone.pk]
    assert client.get("/api/exchange/offers/", {"q": "zebrarandiga", "scope": "networks"}).json()["count"] == 0
    assert client.get(f"/api/exchange/offers/{everyone.pk}/").status_code == 200
    response = client.get(f"/api/exchange/offers/{networks.pk}/")
    assert response.status_code == 404 and error_code(response) == "not_found"


# ------------------------------------------------------------------------------------------------ deals


def test_asking_through_the_api_makes_a_deal_seen_by_both_sides(ystad, skurup):
    # given / when Skurup's personal asks for two of Ystad's chairs
    offer, deal, client = _skurup_asks(ystad, skurup)
    # then the deal answers with its terms and first step
    assert (deal["status"], deal["direction"], deal["quantity"]) == ("requested", "outgoing", 2)
    assert deal["owner"] == {"id": ystad.pk, "name": ystad.name}
    assert deal["requester"] == {"id": skurup.pk, "name": skurup.name}
    assert deal["buyer_reference"] == "Skurup 4711" and deal["receiving_department_name"]
    assert [event["step"] for event in deal["events"]] == ["requested"]
    assert deal["events"][0]["side"] == "requester"
    assert deal["agreement"] is None and deal["actions"] == ["cancel", "message"]
    # and it is in Skurup's outgoing list and in Ystad's poster's incoming list
    # (newest first; the demo's own deals come after it)
    mine = client.get("/api/exchange/deals/", {"direction": "outgoing"}).json()
    assert mine["results"][0]["uuid"] == deal["uuid"]
    incoming = client.get("/api/exchange/deals/", {"direction": "incoming"}).json()
    assert deal["uuid"] not in [item["uuid"] for item in incoming["results"]]
    owner = token_client(ystad, user_in(ystad, "personal"))
    theirs = owner.get("/api/exchange/deals/", {"direction": "incoming", "status": "requested"}).json()
    assert theirs["results"][0]["uuid"] == deal["uuid"]
    assert theirs["results"][0]["direction"] == "incoming"
    assert owner.get(f"/api/exchange/deals/{deal['uuid']}/").json()["actions"] == ["accept", "decline", "message"]


def test_the_owner_accepts_and_both_read_the_agreement(ystad, skurup):
    # given a request
    _, deal, client = _skurup_asks(ystad, skurup)
    owner = token_client(ystad, user_in(ystad, "personal"))
    # when Ystad's poster accepts it through the API
    response = owner.post(f"/api/exchange/deals/{deal['uuid']}/accept/", {}, format="json")
    # then it is accepted with its agreement, which the asking side reads too
    assert response.status_code == 200, response.content
    accepted = response.json()
    assert accepted["status"] == "accepted"
    assert accepted["agreement"]["quantity"] == 2
    assert accepted["agreement"]["requester_name"] == skurup.name
    assert [event["step"] for event in accepted["events"]] == ["requested", "accepted"]
    again = client.get(f"/api/exchange/deals/{deal['uuid']}/").json()
    assert again["agreement"]["number"] == accepted["agreement"]["number"]
    # and a second answer is refused as already answered
    response = owner.post(f"/api/exchange/deals/{deal['uuid']}/decline/", {}, format="json")
    assert (response.status_code, error_code(response)) == (409, "already_answered")


def test_a_priced_deal_needs_its_legal_basis(ystad, skurup):
    # given a request for chairs sold at 100 kr each
    _, deal, _ = _skurup_asks(ystad, skurup, offer_type="sell", price=100)
    owner = token_client(ystad, user_in(ystad, "personal"))
    # when accepted without a legal basis, then with one
    refused = owner.post(f"/api/exchange/deals/{deal['uuid']}/accept/", {}, format="json")
    accepted = owner.post(f"/api/exchange/deals/{deal['uuid']}/accept/", {"legal_basis": "avtalssamverkan"},
                          format="json")
    # then the first is refused with its code, the second agreed with VAT
    assert (refused.status_code, error_code(refused)) == (400, "legal_basis_required")
    assert accepted.status_code == 200
    assert (accepted.json()["total"], accepted.json()["agreement"]["legal_basis"]) == ("250.00", "avtalssamverkan")


def test_the_owner_declines_and_the_asker_is_answered(ystad, skurup):
    _, deal, client = _skurup_asks(ystad, skurup)
    owner = token_client(ystad, user_in(ystad, "personal"))
    # when
    response = owner.post(f"/api/exchange/deals/{deal['uuid']}/decline/", {"reason": "Redan lovade"}, format="json")
    # then
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decline_reason"]) == ("declined", "Redan lovade")
    assert client.get(f"/api/exchange/deals/{deal['uuid']}/").json()["actions"] == ["message"]


def test_the_asker_withdraws_a_request(ystad, skurup):
    _, deal, client = _skurup_asks(ystad, skurup)
    # when
    response = client.post(f"/api/exchange/deals/{deal['uuid']}/cancel/", {"reason": "Fel antal"}, format="json")
    # then
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["events"][-1] == {**response.json()["events"][-1], "step": "withdrawn", "note": "Fel antal"}


def test_both_sides_write_on_a_deal(ystad, skurup):
    _, deal, client = _skurup_asks(ystad, skurup)
    owner = token_client(ystad, user_in(ystad, "personal"))
    # when each side writes
    first = client.post(f"/api/exchange/deals/{deal['uuid']}/messages/", {"body": "Kan ni leverera?"}, format="json")
    second = owner.post(f"/api/exchange/deals/{deal['uuid']}/messages/", {"body": "Ja, på tisdag."}, format="json")
    # then both are in the thread, in order, with their organisations
    assert (first.status_code, second.status_code) == (201, 201)
    thread = client.get(f"/api/exchange/deals/{deal['uuid']}/").json()["messages"]
    assert [(m["organisation_name"], m["body"]) for m in thread] == [
        (skurup.name, "Kan ni leverera?"), (ystad.name, "Ja, på tisdag."),
    ]
    empty = owner.post(f"/api/exchange/deals/{deal['uuid']}/messages/", {"body": ""}, format="json")
    assert (empty.status_code, error_code(empty)) == (400, "invalid")


@pytest.mark.parametrize(
    ("details", "body", "expected"),
    [
        ({}, {"quantity": 4}, (409, "not_enough")),
        ({"offer_type": "lend"}, {"quantity": 1}, (400, "needs_period")),
        ({}, {"quantity": 1, "transport": "teleport"}, (400, "invalid")),
    ],
)
def test_refused_requests_answer_with_the_services_code(ystad, skurup, details, body, expected):
    # given Ystad's three chairs
    _, offer = shared_listing(ystad, quantity=3, **details)
    client = token_client(skurup, user_in(skurup, "personal"))
    # when Skurup asks for what cannot be had
    response = client.post("/api/exchange/deals/", {"offer": offer.pk, "transport": "operator", **body},
                           format="json")
    # then the refusal carries the service's code and status, and nothing is written
    assert (response.status_code, error_code(response)) == expected
    assert not Deal.objects.filter(listing=offer.listing).exists()


def test_asking_for_ones_own_offer_or_a_missing_one_is_refused(ystad, skurup):
    _, offer = shared_listing(ystad)
    own = token_client(ystad, user_in(ystad, "personal")).post(
        "/api/exchange/deals/", {"offer": offer.pk, "transport": "operator"}, format="json")
    missing = token_client(skurup, user_in(skurup, "personal")).post(
        "/api/exchange/deals/", {"offer": 987654, "transport": "operator"}, format="json")
    assert (own.status_code, error_code(own)) == (400, "own_organisation")
    assert (missing.status_code, error_code(missing)) == (409, "offer_gone")


def test_a_loan_is_asked_for_a_period(ystad, skurup):
    _, offer = shared_listing(ystad, quantity=2, offer_type="lend")
    start, end = period()
    response = token_client(skurup, user_in(skurup, "personal")).post("/api/exchange/deals/", {
        "offer": offer.pk, "quantity": 1, "transport": "receiver",
        "starts_at": start.isoformat(), "ends_at": end.isoformat(),
    }, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["starts_at"] is not None and response.json()["offer_type"] == "lend"


# ------------------------------------------------------------------------------------------------ isolation

BY_ID = [
    ("get", "/api/exchange/deals/{deal}/", None),
    ("post", "/api/exchange/deals/{deal}/accept/", {}),
    ("post", "/api/exchange/deals/{deal}/decline/", {"reason": "Nej"}),
    ("post", "/api/exchange/deals/{deal}/cancel/", {"reason": "Nej"}),
    ("post", "/api/exchange/deals/{deal}/messages/", {"body": "Hej"}),
]


@pytest.mark.parametrize("local", ["operator", "admin", "personal"])
def test_a_third_organisation_gets_404_on_every_deal_operation(ystad, skurup, trelleborg, local):
    # given a Ystad–Skurup deal, and Trelleborg, in the same network
    _, deal, _ = _skurup_asks(ystad, skurup)
    counts = (Deal.objects.count(), DealEvent.objects.count(), DealMessage.objects.count())
    client = token_client(trelleborg, user_in(trelleborg, local))
    listed = [item["uuid"] for item in client.get("/api/exchange/deals/", {"page_size": 100}).json()["results"]]
    for method, path, body in BY_ID:
        # when Trelleborg names the deal
        response = getattr(client, method)(path.format(deal=deal["uuid"]), body, format="json")
        # then it is as if there were none, and nothing is written
        assert (response.status_code, error_code(response)) == (404, "not_found"), (method, path)
    assert deal["uuid"] not in listed  # Trelleborg's own deals with the others (the demo's) are listed; not this one
    assert (Deal.objects.count(), DealEvent.objects.count(), DealMessage.objects.count()) == counts
    assert Deal.objects.get(uuid=deal["uuid"]).status == DealStatus.REQUESTED


def test_a_colleague_who_neither_asked_nor_manages_the_listing_gets_404(ystad, skurup):
    # given Skurup personal's request, and Skurup's chef (not an operator) and Ystad's chef (not the poster)
    _, deal, _ = _skurup_asks(ystad, skurup)
    for client in (token_client(skurup, user_in(skurup, "chef")), api_client(ystad, user_in(ystad, "chef"))):
        for method, path, body in BY_ID:
            response = getattr(client, method)(path.format(deal=deal["uuid"]), body, format="json")
            assert response.status_code in (403, 404), (method, path, response.status_code)
            if method == "get":
                assert response.status_code == 404
    assert Deal.objects.get(uuid=deal["uuid"]).status == DealStatus.REQUESTED


def test_an_offer_not_offered_to_the_organisation_is_404_and_cannot_be_asked_for(ystad, tomelilla):
    _, offer = shared_listing(ystad)
    client = token_client(tomelilla, user_in(tomelilla, "operator"))
    assert client.get(f"/api/exchange/offers/{offer.pk}/").status_code == 404
    response = client.post("/api/exchange/deals/", {"offer": offer.pk, "transport": "operator"}, format="json")
    assert (response.status_code, error_code(response)) == (409, "offer_gone")
    assert not Deal.objects.filter(listing=offer.listing).exists()


def test_without_credentials_every_exchange_operation_is_401(ystad, skurup):
    _, deal, _ = _skurup_asks(ystad, skurup)
    client = api_client(ystad)
    for method, path, body in [*BY_ID, ("get", "/api/exchange/deals/", None), ("get", "/api/exchange/offers/", None),
                               ("get", "/api/exchange/offers/1/", None), ("post", "/api/exchange/deals/", {})]:
        response = getattr(client, method)(path.format(deal=deal["uuid"]), body, format="json")
        assert (response.status_code, error_code(response)) == (401, "not_authenticated"), (method, path)


# ------------------------------------------------------------------------------------------------ query counts


def _queries(client, path: str, params=None) -> int:
    client.get(path, params or {})  # warm the caches (host routing, content types, the session)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200, response.content
    return len(queries)


def test_the_offer_search_costs_the_same_for_one_offer_or_several(ystad, skurup):
    client = api_client(skurup, user_in(skurup, "personal"))
    shared_listing(ystad, title="Ystads räknade stol")
    one = _queries(client, "/api/exchange/offers/", {"q": "räknade"})
    none_words = _queries(client, "/api/exchange/offers/")
    for number in range(4):
        shared_listing(ystad, title=f"Ystads räknade stol {number}")
    assert client.get("/api/exchange/offers/", {"q": "räknade"}).json()["count"] == 5
    assert _queries(client, "/api/exchange/offers/", {"q": "räknade"}) == one
    assert _queries(client, "/api/exchange/offers/") == none_words


def test_the_deal_list_and_a_deal_cost_the_same_however_many_there_are(ystad, skurup):
    # given one deal more than the demo's, with one step and one message
    _, offer = shared_listing(ystad, quantity=20)
    owner_listed = api_client(ystad, user_in(ystad, "personal")).get("/api/exchange/deals/").json()["count"]
    first = ask(skurup, offer, quantity=1)
    asker = api_client(skurup, user_in(skurup, "operator"))
    owner = api_client(ystad, user_in(ystad, "personal"))
    asker.post(f"/api/exchange/deals/{first.uuid}/messages/", {"body": "Ett"}, format="json")
    counts = {
        "asker list": _queries(asker, "/api/exchange/deals/"),
        "owner list": _queries(owner, "/api/exchange/deals/"),
        "asker deal": _queries(asker, f"/api/exchange/deals/{first.uuid}/"),
        "owner deal": _queries(owner, f"/api/exchange/deals/{first.uuid}/"),
    }
    # when there are five deals, and the first has more messages and steps
    for _ in range(4):
        ask(skurup, offer, quantity=1)
    for body in ("Två", "Tre", "Fyra"):
        owner.post(f"/api/exchange/deals/{first.uuid}/messages/", {"body": body}, format="json")
    owner.post(f"/api/exchange/deals/{first.uuid}/accept/", {}, format="json")
    relay(ystad, skurup)
    # then each answer costs what it did
    assert owner.get("/api/exchange/deals/").json()["count"] == owner_listed + 5
    assert len(owner.get(f"/api/exchange/deals/{first.uuid}/").json()["messages"]) == 4
    assert {
        "asker list": _queries(asker, "/api/exchange/deals/"),
        "owner list": _queries(owner, "/api/exchange/deals/"),
        "asker deal": _queries(asker, f"/api/exchange/deals/{first.uuid}/"),
        "owner deal": _queries(owner, f"/api/exchange/deals/{first.uuid}/"),
    } == counts


def test_an_offer_browse_counts_at_most_the_limit_and_says_more(ystad, skurup, monkeypatch):
    # given the count stops at 3 and only four offers for everyone are in the exchange
    from exchange import search
    from exchange.api import views

    monkeypatch.setattr(views, "BROWSE_COUNT_LIMIT", 3)
    connection.set_schema_to_public()
    search.Offer.objects.all().delete()
    for number in range(4):
        shared_listing(ystad, quantity=1, title=f"Bord {number}", reach=Reach.EVERYONE)
    client = token_client(skurup, user_in(skurup, "personal"))
    # when Skurup's client browses every organisation's offers without words
    found = client.get("/api/exchange/offers/", {"scope": "all"}).json()
    # then the count stops at the limit and says there are more, and the page still lists the newest
    assert found["count"] == 3 and found["more_than_count"] is True
    assert len(found["results"]) == 3


def test_an_offer_carries_its_photos_which_only_the_organisations_that_see_it_can_fetch(ystad, skurup, tomelilla):
    # given Ystad's listing with two photos shared with its networks (Skurup is a partner, Tomelilla is not)
    _, offer = shared_listing(ystad, quantity=1, title="Ystads fotade stol", photos=2)
    client = token_client(skurup, user_in(skurup, "personal"))
    # when Skurup searches for it and reads it
    found = client.get("/api/exchange/offers/", {"q": "fotade stol", "scope": "networks"}).json()["results"]
    read = client.get(f"/api/exchange/offers/{offer.pk}/").json()
    # then both carry the two photos in their order, with addresses Skurup may fetch
    assert [len(found[0]["photos"]), len(read["photos"])] == [2, 2]
    assert found[0]["photos"] == read["photos"]
    photo = read["photos"][0]
    assert photo["width"] > 0 and photo["url"].endswith(f"/api/exchange/photos/{photo['id']}/full/")
    assert client.get(photo["thumbnail_url"]).status_code == 200
    # and Tomelilla's staff get 404 for the same address
    outsider = token_client(tomelilla, user_in(tomelilla, "personal"))
    assert outsider.get(photo["thumbnail_url"]).status_code == 404
