"""The pages of deals between organisations: the offer with its request form, the deal, its agreement, the
organisation's deals, and the deals on "Mina annonser" and "Mina reservationer". Each is for the people of the two
organisations the deal concerns (404 for anyone else), in Swedish first, with queries that do not grow with the
deals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from bookings import services as booking_services
from exchange import services
from exchange.models import Deal, DealStatus

from .conftest import client_for, user_in
from .deal_support import ask, period, relay, shared_listing

pytestmark = pytest.mark.django_db


def _client(organisation, local: str = "personal"):
    return client_for(organisation, user_in(organisation, local))


def _accept(owner, deal, local: str = "chef") -> Deal:
    with schema_context(owner.schema_name):
        return services.accept_deal(deal_uuid=deal.uuid, by=user_in(owner, local))


def _count(client, path: str) -> int:
    client.get(path)  # warm caches (host routing, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


# ---------------------------------------------------------------------------------------------- the offer


def test_the_offer_page_shows_the_offer_and_the_request_form_in_swedish(ystad, skurup):
    # given Ystad's chairs, shared with its networks
    _, offer = shared_listing(ystad, author="chef", quantity=3, title="Kontorsstol sidtest")
    # when a Skurup employee opens the offer
    response = _client(skurup).get(f"/natverk/erbjudanden/{offer.pk}/")
    # then it shows the offer, who offers it and whom to ask, and the form
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kontorsstol sidtest" in page and "Ystads kommun" in page and offer.contact_email in page
    assert "Arbetsmarknadsenheten transporterar" in page and "Mottagande förvaltning eller enhet" in page
    assert "Skicka förfrågan" in page
    assert 'name="starts_on"' not in page  # given away: no dates


def test_the_offer_page_is_404_for_the_owner_and_for_organisations_outside_the_network(ystad, skurup, tomelilla):
    # given an offer shared with Ystad's networks
    _, offer = shared_listing(ystad, author="chef")
    # when Ystad's own staff and Tomelilla's (not in the network) open it, then there is no such page for them
    assert _client(ystad, "chef").get(f"/natverk/erbjudanden/{offer.pk}/").status_code == 404
    assert _client(tomelilla).get(f"/natverk/erbjudanden/{offer.pk}/").status_code == 404
    # and Skurup's reach it from the card on the search page
    search = _client(skurup).get("/natverk/sok/?omfang=natverk").content.decode()
    assert f'href="/natverk/erbjudanden/{offer.pk}/"' in search


def test_asking_for_an_offer_writes_the_deal_and_shows_it(ystad, skurup):
    # given Ystad's three chairs
    _, offer = shared_listing(ystad, author="chef", quantity=3)
    skurup_person = user_in(skurup, "personal")
    client = client_for(skurup, skurup_person)
    # when a Skurup employee asks for two, carried by the labour-market unit
    response = client.post(f"/natverk/erbjudanden/{offer.pk}/", {
        "quantity": "2", "transport": "operator", "receiving_department": str(skurup_person.department_id),
        "buyer_reference": "Skurup 4711", "message": "Till skolan",
    }, follow=True)
    # then the deal is asked for, with her department, and she lands on it with a success message
    deal = Deal.objects.get(listing=offer.listing)
    assert (deal.quantity, deal.transport, deal.buyer_reference) == (2, "operator", "Skurup 4711")
    assert deal.receiving_department_id == skurup_person.department_id and deal.receiving_department_name
    assert response.redirect_chain[-1][0] == f"/natverk/affarer/{deal.uuid}/"
    page = response.content.decode()
    assert "Din förfrågan har skickats till Ystads kommun" in page and "Efterfrågad" in page


def test_a_form_error_is_shown_in_swedish_at_the_field(ystad, skurup):
    # given Ystad's three chairs
    _, offer = shared_listing(ystad, author="chef", quantity=3)
    client = _client(skurup)
    # when a Skurup employee sends the form without choosing the transport
    response = client.post(f"/natverk/erbjudanden/{offer.pk}/", {"quantity": "2"})
    # then nothing is asked, and the page says why, in Swedish, at the field
    assert response.status_code == 400
    assert '<div class="errors" id="id_transport_error"><p>Det här fältet är obligatoriskt.</p></div>' in (
        response.content.decode())
    # and when she asks for more than there are, the service's refusal stands at the quantity (409)
    response = client.post(f"/natverk/erbjudanden/{offer.pk}/", {"quantity": "5", "transport": "giver"})
    assert response.status_code == 409
    assert '<div class="errors" id="id_quantity_error"><p>Bara 3 kvar.</p></div>' in response.content.decode()
    assert not Deal.objects.filter(listing=offer.listing).exists()


def test_a_refusal_of_the_service_is_shown_at_its_field_with_its_status(ystad, skurup):
    # given Ystad's one projector for loan, booked by a colleague for the coming days
    listing, offer = shared_listing(ystad, author="chef", quantity=1, title="Projektor", offer_type="lend")
    start, end = period(days_from_now=2, days=2)
    with schema_context(ystad.schema_name):
        booking_services.book_loan(listing=listing, by=user_in(ystad, "personal"), start=start, end=end)
    # when Skurup asks for it for the same days
    response = _client(skurup).post(f"/natverk/erbjudanden/{offer.pk}/", {
        "quantity": "1", "transport": "receiver", "starts_on": start.date().isoformat(),
        "ends_on": end.date().isoformat(),
    })
    # then the page says, at the pick-up day, that it is taken (409)
    assert response.status_code == 409
    assert "Bara 0 är lediga under hela den perioden" in response.content.decode()


# ---------------------------------------------------------------------------------------------- one deal


def test_the_owner_side_sees_the_translated_steps_and_a_link_to_its_booking(ystad, skurup):
    # given an accepted request
    _, offer = shared_listing(ystad, author="chef", quantity=3)
    deal = _accept(ystad, ask(skurup, offer, quantity=2))
    with schema_context(ystad.schema_name):
        from bookings import selectors as bookings

        booking = bookings.booking_for_deal(deal=deal.uuid)
    # when Ystad's contact person opens the deal
    page = _client(ystad, "chef").get(f"/natverk/affarer/{deal.uuid}/").content.decode()
    # then the steps are in Swedish, the booking is a link away, and so is the agreement
    assert "Efterfrågad" in page and "Godkänd" in page
    assert f'href="/bokningar/{booking.uuid}/"' in page
    assert f'href="/natverk/affarer/{deal.uuid}/avtal/"' in page
    # and the asking side sees no booking of Ystad's
    asker_page = _client(skurup).get(f"/natverk/affarer/{deal.uuid}/").content.decode()
    assert "/bokningar/" not in asker_page and "Erbjuds av Ystads kommun" in asker_page


def test_a_deal_and_its_agreement_are_404_for_other_organisations_and_colleagues_without_rights(
    ystad, skurup, tomelilla
):
    # given an accepted request of Skurup's personal for a listing of Ystad's chef
    _, offer = shared_listing(ystad, author="chef", quantity=3)
    deal = _accept(ystad, ask(skurup, offer, quantity=1))
    for path in (f"/natverk/affarer/{deal.uuid}/", f"/natverk/affarer/{deal.uuid}/avtal/"):
        # then both sides may read them
        assert _client(ystad, "chef").get(path).status_code == 200
        assert _client(skurup).get(path).status_code == 200
        assert _client(skurup, "operator").get(path).status_code == 200
        # and no one else: another organisation, a colleague who neither asked nor manages the listing
        assert _client(tomelilla, "admin").get(path).status_code == 404
        assert _client(skurup, "chef").get(path).status_code == 404
        assert _client(ystad, "personal").get(path).status_code == 404


def test_the_agreement_shows_both_organisations_the_people_and_the_terms(ystad, skurup):
    # given a sale, accepted with its legal basis
    _, offer = shared_listing(ystad, author="chef", quantity=3, offer_type="sell", price=Decimal("100.00"))
    deal = ask(skurup, offer, quantity=2)
    assert _client(skurup).get(f"/natverk/affarer/{deal.uuid}/avtal/").status_code == 404  # not yet accepted
    with schema_context(ystad.schema_name):
        deal = services.accept_deal(deal_uuid=deal.uuid, by=user_in(ystad, "chef"), legal_basis="surplus_sale")
    # when the asker opens the agreement
    page = _client(skurup).get(f"/natverk/affarer/{deal.uuid}/avtal/").content.decode()
    # then it shows who, what and on which terms
    agreement = deal.agreement
    assert f"Avtal {agreement.number}" in page
    assert ystad.organisation_number in page and skurup.organisation_number in page
    assert agreement.owner_person_name in page and agreement.requester_person_name in page
    assert "200,00 kr" in page and "50,00 kr" in page and "250,00 kr" in page and "(25 %)" in page
    assert "Försäljning av överskott till marknadsvärde" in page


# ---------------------------------------------------------------------------------------------- lists


def test_mina_annonser_shows_other_organisations_requests_and_mina_reservationer_the_persons_own(ystad, skurup):
    # given a request of Skurup's personal for Ystad's chef's chairs
    _, offer = shared_listing(ystad, author="chef", quantity=3, title="Kontorsstol listtest")
    deal = ask(skurup, offer, quantity=2)
    # then Ystad's chef finds it on "Mina annonser"
    mine = _client(ystad, "chef").get("/mina-annonser/").content.decode()
    assert "Förfrågningar från andra organisationer" in mine
    assert f'href="/natverk/affarer/{deal.uuid}/"' in mine and "Skurups kommun" in mine
    # and Skurup's personal on "Mina reservationer"
    reservations = _client(skurup).get("/mina-reservationer/").content.decode()
    assert "Mina förfrågningar till andra organisationer" in reservations
    assert f'href="/natverk/affarer/{deal.uuid}/"' in reservations
    # but not their colleagues, nor another organisation
    assert str(deal.uuid) not in _client(ystad, "personal").get("/mina-annonser/").content.decode()
    assert str(deal.uuid) not in _client(skurup, "chef").get("/mina-reservationer/").content.decode()


def test_the_deals_page_lists_both_ways_for_operators_with_filters(ystad, skurup, tomelilla):
    # given one request of Skurup's for Ystad's, and one of Ystad's for Skurup's
    _, ystad_offer = shared_listing(ystad, author="chef", quantity=3)
    _, skurup_offer = shared_listing(skurup, author="chef", quantity=3)
    incoming = ask(skurup, ystad_offer, quantity=1)
    outgoing = ask(ystad, skurup_offer, quantity=1, local="chef")
    client = _client(ystad, "operator")
    # when Ystad's operator opens the deals page, then both are there, and the menu leads to it
    page = client.get("/natverk/affarer/").content.decode()
    assert str(incoming.uuid) in page and str(outgoing.uuid) in page
    assert 'href="/natverk/affarer/"' in page
    # and the filters narrow it
    only_in = client.get("/natverk/affarer/?direction=in").content.decode()
    assert str(incoming.uuid) in only_in and str(outgoing.uuid) not in only_in
    declined = client.get("/natverk/affarer/?status=declined").content.decode()
    assert str(incoming.uuid) not in declined and str(outgoing.uuid) not in declined
    nothing = client.get("/natverk/affarer/?status=returned&direction=out").content.decode()
    assert "Inga affärer matchar." in nothing  # the demo's Ystad has borrowed nothing that came back
    # and a colleague without rights, or another organisation, sees neither
    for other in (_client(ystad, "personal"), _client(tomelilla, "admin")):
        response = other.get("/natverk/affarer/")
        assert response.status_code == 200
        assert str(incoming.uuid) not in response.content.decode()
        assert str(outgoing.uuid) not in response.content.decode()


def test_the_pages_do_not_query_more_with_more_deals(ystad, skurup):
    # given one deal each way
    _, offer = shared_listing(ystad, author="chef", quantity=20)
    first = _accept(ystad, ask(skurup, offer, quantity=1))
    owner, asker, operator = _client(ystad, "chef"), _client(skurup), _client(ystad, "operator")
    paths = [(owner, "/mina-annonser/"), (asker, "/mina-reservationer/"), (operator, "/natverk/affarer/"),
             (owner, f"/natverk/affarer/{first.uuid}/"), (asker, f"/natverk/affarer/{first.uuid}/avtal/"),
             (asker, f"/natverk/erbjudanden/{offer.pk}/")]
    before = [_count(client, path) for client, path in paths]
    # when there are many more, accepted and with messages
    for _ in range(5):
        _accept(ystad, ask(skurup, offer, quantity=1))
        with schema_context(skurup.schema_name):
            services.post_message(deal_uuid=first.uuid, by=user_in(skurup, "personal"), body="Hej")
    relay(ystad, skurup)
    # then the pages make as many queries as before
    assert [_count(client, path) for client, path in paths] == before
    assert Deal.objects.filter(listing=offer.listing, status=DealStatus.ACCEPTED).count() == 6
