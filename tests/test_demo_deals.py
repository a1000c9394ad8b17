"""The demo's deals between Ystad, Skurup and Trelleborg (demo.deals): each organisation has deals for its own offers
and deals it asked others for, in every state the demo shows, and seeding again adds none."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import schema_context

from bookings.lifecycle import BookingStatus
from bookings.models import Booking
from demo.deals import DEMO_DEALS, seed_demo_deals
from exchange import selectors
from exchange.models import Agreement, Deal, DealMessage, DealStatus, Offer, Transport

from .conftest import demo_email

pytestmark = pytest.mark.django_db

SLUGS = ["ystad", "skurup", "trelleborg"]
SHOWN = {DealStatus.REQUESTED, DealStatus.ACCEPTED, DealStatus.HANDED_OVER, DealStatus.OUT, DealStatus.DECLINED}


def _organisations(request):
    return [request.getfixturevalue(slug) for slug in SLUGS]


def _demo_deals():
    return Deal.objects.filter(message__in=[plan.message for plan in DEMO_DEALS])


def _counts(organisations) -> tuple:
    bookings = []
    for organisation in organisations:
        with schema_context(organisation.schema_name):
            bookings.append(Booking.objects.filter(deal__isnull=False).count())
    return Deal.objects.count(), DealMessage.objects.count(), Agreement.objects.count(), tuple(bookings)


def test_each_organisation_has_deals_both_ways_in_every_state(request):
    organisations = _organisations(request)
    ids = {organisation.pk for organisation in organisations}
    # given the demo world the suite was built with
    deals = list(_demo_deals())
    assert len(deals) == len(DEMO_DEALS) * len(organisations)
    assert all({deal.owner_id, deal.requester_id} <= ids and deal.owner_id != deal.requester_id for deal in deals)
    for organisation in organisations:
        incoming = [deal for deal in deals if deal.owner_id == organisation.pk]
        outgoing = [deal for deal in deals if deal.requester_id == organisation.pk]
        # then for its own offers and for what it asked others for, it has a deal in each state the demo shows
        assert SHOWN <= {deal.status for deal in incoming}, organisation.slug
        assert SHOWN <= {deal.status for deal in outgoing}, organisation.slug
        # and it deals with both of the others
        assert len({deal.requester_id for deal in incoming}) == 2
        assert len({deal.owner_id for deal in outgoing}) == 2
        # and it sells or rents something to one of them, and buys or rents from another, with VAT and a legal basis
        for side in (incoming, outgoing):
            priced = [deal for deal in side if deal.total]
            assert priced, organisation.slug
            for deal in priced:
                assert deal.total == deal.amount + deal.vat_amount and deal.vat_rate
                assert deal.agreement.legal_basis == deal.legal_basis != ""
                assert deal.agreement.total == deal.total


def test_the_open_requests_wait_for_the_owners_personal_and_the_accepted_ones_for_the_labour_market_unit(request):
    for organisation in _organisations(request):
        # given the requests for the organisation's offers not yet answered
        waiting = list(selectors.incoming_deals(organisation_id=organisation.pk, open_only=True)
                       .filter(status=DealStatus.REQUESTED, message__in=[plan.message for plan in DEMO_DEALS]))
        # then one waits for one of its people; in Ystad and Skurup for "personal", whose listing it is
        (deal,) = waiting
        assert deal.contact_email.endswith(f"@{organisation.slug}.example")
        if organisation.slug != "trelleborg":  # Trelleborg's "personal" shares nothing with the network
            assert deal.contact_email == demo_email(organisation.slug, "personal")
        # and an accepted deal waits for the labour-market unit to transport it, with a message from each side
        accepted = _demo_deals().get(owner=organisation, status=DealStatus.ACCEPTED, offer_type="give_away")
        assert accepted.transport == Transport.OPERATOR
        assert {message.organisation_id for message in accepted.messages.all()} == {
            accepted.owner_id, accepted.requester_id}
        with schema_context(organisation.schema_name):
            booking = Booking.objects.get(deal=accepted.uuid)
        assert booking.status == BookingStatus.RESERVED and booking.quantity == accepted.quantity


def test_the_deals_follow_their_bookings_and_count_as_changed_hands(request):
    now = timezone.now()
    for organisation in _organisations(request):
        # given the organisation's deals that were handed over or picked up
        moved = list(selectors.changed_hands_between(start=now - timedelta(days=1), end=now + timedelta(minutes=1),
                                                     organisation_id=organisation.pk)
                     .filter(message__in=[plan.message for plan in DEMO_DEALS]))
        # then they count, both given and received
        assert any(deal.owner_id == organisation.pk for deal in moved)
        assert any(deal.requester_id == organisation.pk for deal in moved)
        # and each is where its booking in the owner's schema is
        loan = _demo_deals().get(owner=organisation, status=DealStatus.OUT)
        assert loan.starts_at <= now < loan.ends_at
        with schema_context(organisation.schema_name):
            assert Booking.objects.get(deal=loan.uuid).status == BookingStatus.OUT
            handed = Booking.objects.filter(
                deal__in=_demo_deals().filter(owner=organisation, status=DealStatus.HANDED_OVER).values("uuid"))
            assert handed and all(booking.status == BookingStatus.HANDED_OVER for booking in handed)


def test_the_exchange_shows_what_is_left_once_deals_were_accepted(request):
    for organisation in _organisations(request):
        # given the listings of the organisation's accepted gifts
        for deal in _demo_deals().filter(Q(status=DealStatus.ACCEPTED) | Q(status=DealStatus.HANDED_OVER),
                                         owner=organisation, offer_type="give_away"):
            with schema_context(organisation.schema_name):
                booked = sum(Booking.objects.filter(listing__uuid=deal.listing, status__in=[
                    BookingStatus.RESERVED, BookingStatus.HANDED_OVER]).values_list("quantity", flat=True))
                quantity = Booking.objects.filter(deal=deal.uuid).values_list("listing__quantity", flat=True).get()
            # then the exchange's copy holds what is left of it, or no copy is left when nothing is
            offer = Offer.objects.filter(organisation=organisation, listing=deal.listing).first()
            assert (offer.quantity_available if offer else 0) == quantity - booked


def test_seeding_again_adds_no_deal_and_prints_them(request):
    # given the demo world
    organisations = _organisations(request)
    before = _counts(organisations)
    # when the deals are seeded again, and the whole demo by a second `make demo`
    assert seed_demo_deals(organisations=organisations) == 0
    out = StringIO()
    call_command("seed_demo", stdout=out)
    # then no deal, message, agreement or booking was added
    assert _counts(organisations) == before
    # and the summary lists the deals, with who owns and who asked
    printed = out.getvalue()
    for deal in _demo_deals():
        assert f"{deal.owner_name} → {deal.requester_name}: {deal.quantity} × {deal.title}" in printed
