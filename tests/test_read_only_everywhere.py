"""Read-only mode blocks what is new, everywhere it matters (decision 0057): new reservations and loans (bookings),
new deals asked of another organisation, new invitations to a network and new copies in the exchange (exchange,
which learns the state through tenants' organisation row). Reading, cancelling, returning and paying go on."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import translation
from django_tenants.utils import schema_context

from bookings import services as bookings
from bookings.errors import BookingError
from catalog.models import Reach
from exchange import services as exchange
from exchange.errors import ExchangeError
from exchange.models import Offer
from tenants import services as tenant_services
from tests.booking_support import day, lendable
from tests.catalog_factories import make_listing

from .conftest import client_for, user_in
from .deal_support import ask, relay, shared_listing
from .exchange_support import admin_of, demo_network

pytestmark = pytest.mark.django_db


def _read_only(organisation, value: bool = True) -> None:
    tenant_services.set_billing_read_only(organisation_id=organisation.pk, read_only=value)


def _swedish(message) -> str:
    with translation.override("sv"):
        return str(message)


# ---------------------------------------------------------------------------------------------- bookings


def test_a_new_reservation_is_refused_and_an_existing_one_can_still_be_cancelled(ystad, media):
    chef, personal = user_in(ystad, "chef"), user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        chairs = make_listing(author=chef, quantity=3)
        reserved = bookings.reserve_listing(listing=chairs, by=personal, notify=False)
        # given the organisation read-only
        _read_only(ystad)
        # when a person reserves another, then it is refused, saying why
        with pytest.raises(BookingError) as refused:
            bookings.reserve_listing(listing=chairs, by=personal, notify=False)
        # and the reservation made before can still be cancelled
        cancelled = bookings.cancel_booking(booking=reserved, by=personal, notify=False)
    assert refused.value.code == "read_only" and refused.value.http_status == 403
    assert "Inget nytt kan publiceras, bokas eller begäras" in _swedish(refused.value.message)
    assert cancelled.status == "cancelled"


def test_a_new_loan_is_refused_and_a_loan_out_can_still_be_returned(ystad, media):
    chef, personal = user_in(ystad, "chef"), user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        projector = lendable(chef, quantity=2)
        loan = bookings.book_loan(listing=projector, by=personal, start=day(0, 0), end=day(1, 16), notify=False)
        bookings.confirm_pick_up(booking=loan, by=chef)
        _read_only(ystad)
        with pytest.raises(BookingError) as refused:
            bookings.book_loan(listing=projector, by=personal, start=day(2), end=day(3), notify=False)
        returned = bookings.confirm_return(booking=loan, by=chef, notify=False)
    assert refused.value.code == "read_only"
    assert returned.status == "returned"


def test_the_booking_page_shows_the_message(ystad, media):
    chef, personal = user_in(ystad, "chef"), user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        projector = lendable(chef, title="Projektor Skrivskydd")
    _read_only(ystad)
    start, end = day(1), day(2, 16)
    response = client_for(ystad, personal).post(f"/annonser/{projector.uuid}/boka/", {
        "start": start.date().isoformat(), "start_time": "09:00", "end": end.date().isoformat(),
        "end_time": "16:00", "quantity": "1",
    })
    page = response.content.decode()
    assert response.status_code == 403
    assert "Inget nytt kan publiceras, bokas eller begäras" in page and "read-only-banner" in page
    with schema_context(ystad.schema_name):
        assert not projector.bookings.exists()


# ---------------------------------------------------------------------------------------------- exchange


def test_a_new_deal_with_another_organisation_is_refused_and_an_open_one_can_still_be_withdrawn(ystad, skurup,
                                                                                             media):
    _, offer = shared_listing(ystad, quantity=3)
    open_request = ask(skurup, offer, quantity=1)
    # given the asking organisation read-only
    _read_only(skurup)
    # when one of its people asks again, then it is refused
    with pytest.raises(ExchangeError) as refused:
        ask(skurup, offer, quantity=1)
    assert refused.value.code == "read_only"
    assert "Administrera → Abonnemang" in _swedish(refused.value.message)
    # and the request made before can still be withdrawn
    with schema_context(skurup.schema_name):
        exchange.cancel_deal(deal_uuid=open_request.uuid, by=user_in(skurup, "personal"))
    open_request.refresh_from_db()
    assert open_request.status == "cancelled"


def test_a_read_only_organisation_cannot_invite_to_a_network(ystad, tomelilla):
    _read_only(ystad)
    with pytest.raises(ExchangeError) as refused:
        exchange.invite_organisation(network=demo_network(), organisation_id=tomelilla.pk, by=admin_of(ystad),
                                     notify=False)
    assert refused.value.code == "read_only"


def test_a_listing_new_to_the_exchange_waits_while_read_only_and_a_copy_held_is_still_updated(ystad, media):
    chef = user_in(ystad, "chef")
    held, _ = shared_listing(ystad, quantity=3)
    with schema_context(ystad.schema_name):
        # a listing published inside the organisation only, before read-only mode
        inside = make_listing(author=chef, title="Whiteboard inne", reach=Reach.ORGANISATION)
    relay(ystad)
    _read_only(ystad)
    with schema_context(ystad.schema_name):
        from catalog import services as catalog

        def edit(listing, editor=chef, **changes):
            details = catalog.ListingDetails(
                title=listing.title, category=listing.category, department=listing.department,
                contact_person=listing.contact_person, quantity=listing.quantity)
            catalog.update_listing(listing=listing, editor=editor,
                                   details=catalog.ListingDetails(**{**details.__dict__, **changes}))

        # when it is shared with the networks, and the one already in the exchange changes
        edit(inside, reach=Reach.NETWORKS)
        edit(held, editor=user_in(ystad, "personal"), title="Kontorsstol, ny titel", reach=Reach.NETWORKS)
    relay(ystad)
    connection.set_schema_to_public()
    # then the new one is not copied, and the held copy is updated
    assert not Offer.objects.filter(organisation=ystad, listing=inside.uuid).exists()
    assert Offer.objects.get(organisation=ystad, listing=held.uuid).title == "Kontorsstol, ny titel"
    # and once the organisation is out of read-only mode, the daily reconciliation copies it
    _read_only(ystad, False)
    from exchange.publication import reconcile

    with schema_context(ystad.schema_name):
        reconcile(organisation=ystad)
    connection.set_schema_to_public()
    assert Offer.objects.filter(organisation=ystad, listing=inside.uuid).exists()
