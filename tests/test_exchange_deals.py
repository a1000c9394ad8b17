"""Deals between organisations (decision 0030): asked for in the exchange, accepted by booking in the owner's schema
for the other organisation's person, then handed over (or picked up and returned) as inside one organisation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from bookings import services as booking_services
from bookings.models import Booking
from catalog import services as catalog
from catalog.models import Listing
from exchange import deal_sync, services
from exchange.errors import ExchangeError
from exchange.models import Agreement, Deal, DealStatus, LegalBasis
from outbox.models import OutboxMessage
from platform_.errors import DomainError

from .conftest import user_in
from .deal_support import ask, period, relay, shared_listing

pytestmark = pytest.mark.django_db


def _accept(owner, deal, local: str = "personal", **terms) -> Deal:
    with schema_context(owner.schema_name):
        return services.accept_deal(deal_uuid=deal.uuid, by=user_in(owner, local), **terms)


def _booking(owner, deal) -> Booking:
    with schema_context(owner.schema_name):
        return Booking.objects.select_related("listing").get(deal=deal.uuid)


def test_a_request_is_checked_against_the_offer_and_written_with_its_terms(ystad, skurup):
    # given Ystad's three chairs, shared with its networks
    listing, offer = shared_listing(ystad, quantity=3)
    # when a Skurup employee asks for two, with transport by the labour-market unit
    deal = ask(skurup, offer, quantity=2, buyer_reference="Skurup 4711", message="Till skolan")
    # then the deal holds both organisations, the people and the terms, and nothing is booked yet
    assert (deal.status, deal.quantity, deal.transport) == (DealStatus.REQUESTED, 2, "operator")
    assert (deal.owner_name, deal.requester_name) == (ystad.name, skurup.name)
    assert (deal.owner_number, deal.requester_number) == (ystad.organisation_number, skurup.organisation_number)
    assert deal.person_email == user_in(skurup, "personal").email
    assert deal.buyer_reference == "Skurup 4711" and deal.receiving_department_name
    assert deal.events.get().step == "requested"
    with schema_context(ystad.schema_name):
        assert not Booking.objects.filter(listing=listing).exists()
    # and the contact person is e-mailed through the public outbox
    assert OutboxMessage.objects.filter(kind="email", key__startswith=f"exchange.deal:{deal.uuid}").exists()


def test_accepting_books_in_the_owners_schema_for_the_other_organisations_person(ystad, skurup):
    # given a request for two of three chairs
    listing, offer = shared_listing(ystad, quantity=3)
    deal = ask(skurup, offer, quantity=2)
    # when Ystad's contact person accepts
    deal = _accept(ystad, deal)
    # then the deal is accepted, with its booking and an agreement record
    assert deal.status == DealStatus.ACCEPTED
    booking = _booking(ystad, deal)
    assert (booking.quantity, booking.borrower.organisation_id, booking.borrower.person) == (2, skurup.pk, deal.person)
    assert skurup.name in booking.cost_centre
    agreement = Agreement.objects.get(deal=deal)
    assert (agreement.owner_name, agreement.requester_name, agreement.quantity) == (ystad.name, skurup.name, 2)
    assert [event.step for event in deal.events.all()] == ["requested", "accepted"]
    # and the exchange's copy shows one left once the relay has run
    relay(ystad)
    offer.refresh_from_db()
    assert offer.quantity_available == 1


def test_handover_in_the_owners_schema_moves_the_deal_through_the_outbox(ystad, skurup):
    # given an accepted deal
    _, offer = shared_listing(ystad, quantity=3)
    deal = _accept(ystad, ask(skurup, offer, quantity=2))
    booking = _booking(ystad, deal)
    # when Ystad confirms the handover, as inside one organisation
    with schema_context(ystad.schema_name):
        booking_services.confirm_handover(booking=booking, by=user_in(ystad, "personal"))
    relay(ystad)
    # then the deal has been handed over, when the booking was
    deal.refresh_from_db()
    assert deal.status == DealStatus.HANDED_OVER and deal.handed_over_at is not None
    assert deal.events.last().step == "handed_over"
    # and delivering the same message again changes nothing
    with schema_context(ystad.schema_name):
        assert deal_sync.follow(booking_uuid=booking.uuid) is False


def test_a_loan_between_organisations_is_picked_up_and_returned(ystad, skurup):
    # given a projector lent out, asked for three days
    _, offer = shared_listing(ystad, quantity=1, title="Projektor Epson", category_name="Kontorsstolar",
                              offer_type="lend")
    start, end = period(1, 3)
    deal = _accept(ystad, ask(skurup, offer, quantity=1, starts_at=start, ends_at=end))
    booking = _booking(ystad, deal)
    assert (booking.kind, booking.period.lower, booking.period.upper) == ("loan", start, end)
    # when it is picked up and returned in Ystad
    owner = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        booking_services.confirm_pick_up(booking=booking, by=owner)
    relay(ystad)
    deal.refresh_from_db()
    assert deal.status == DealStatus.OUT
    with schema_context(ystad.schema_name):
        booking_services.confirm_return(booking=booking, by=owner, notify=False)
    relay(ystad)
    # then the deal is returned
    deal.refresh_from_db()
    assert deal.status == DealStatus.RETURNED and deal.returned_at is not None


def test_dates_taken_in_the_owners_schema_are_refused_when_asking(ystad, skurup):
    # given Ystad's only projector, booked by a Ystad colleague for the same days
    listing, offer = shared_listing(ystad, quantity=1, title="Projektor", offer_type="lend")
    start, end = period(2, 2)
    with schema_context(ystad.schema_name):
        booking_services.book_loan(listing=listing, by=user_in(ystad, "chef"), start=start, end=end, notify=False)
    # when Skurup asks for those days
    with pytest.raises(ExchangeError) as refused:
        ask(skurup, offer, quantity=1, starts_at=start, ends_at=end)
    # then it is told so, and nothing is written
    assert refused.value.code == "period_taken"
    assert not Deal.objects.filter(listing=offer.listing).exists()  # (the demo world has deals of its own)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"quantity": 0}, "quantity_invalid"),
        ({"quantity": 9}, "not_enough"),
        ({"transport": "teleport"}, "transport_required"),
        ({"message": "x" * 501}, "too_long"),
    ],
)
def test_bad_requests_get_a_clear_message_and_write_nothing(ystad, skurup, changes, code):
    _, offer = shared_listing(ystad, quantity=3)
    with pytest.raises(ExchangeError) as refused:
        ask(skurup, offer, **{"quantity": 1, **changes})
    assert refused.value.code == code
    assert not Deal.objects.filter(listing=offer.listing).exists()  # (the demo world has deals of its own)


def test_a_request_to_ones_own_organisation_and_for_a_withdrawn_offer_are_refused(ystad, skurup):
    listing, offer = shared_listing(ystad, quantity=3)
    # when Ystad asks for its own offer
    with pytest.raises(ExchangeError) as own:
        ask(ystad, offer, quantity=1, local="chef")
    assert own.value.code == "own_organisation"
    # when the listing is withdrawn meanwhile
    with schema_context(ystad.schema_name):
        catalog.withdraw_listing(listing=listing, by=user_in(ystad, "personal"))
    relay(ystad)
    with pytest.raises(ExchangeError) as gone:
        ask(skurup, offer, quantity=1)
    assert gone.value.code == "offer_gone"
    assert not Deal.objects.filter(listing=offer.listing).exists()  # (the demo world has deals of its own)


def test_an_organisation_outside_the_network_cannot_ask(ystad, tomelilla):
    _, offer = shared_listing(ystad, quantity=3)
    with pytest.raises(ExchangeError) as refused:
        ask(tomelilla, offer, quantity=1, local="admin")
    assert refused.value.code == "offer_gone"


def test_a_deal_accepted_twice_is_booked_once(ystad, skurup):
    _, offer = shared_listing(ystad, quantity=3)
    deal = ask(skurup, offer, quantity=1)
    _accept(ystad, deal)
    with pytest.raises(ExchangeError) as again:
        _accept(ystad, deal)
    assert again.value.code == "already_answered"
    with schema_context(ystad.schema_name):
        assert Booking.objects.filter(deal=deal.uuid).count() == 1


def test_when_the_last_items_went_to_another_organisation_the_acceptance_is_undone(ystad, skurup, trelleborg):
    # given two organisations asking for the last two chairs, both while two were free
    _, offer = shared_listing(ystad, quantity=2)
    first, second = ask(skurup, offer, quantity=2), ask(trelleborg, offer, quantity=2)
    # when Ystad accepts both
    _accept(ystad, first)
    with pytest.raises(DomainError) as refused:
        _accept(ystad, second)
    # then the second is refused with the booking's reason, and is an open request again (the compensation)
    assert refused.value.code in ("sold_out", "not_enough")
    second.refresh_from_db()
    assert second.status == DealStatus.REQUESTED and not second.decided_by_name
    assert second.events.last().step == "accept_failed"
    assert not Agreement.objects.filter(deal=second).exists()


def test_a_price_needs_a_legal_basis_and_is_charged_with_vat_between_organisations(ystad, skurup):
    # given a desk sold for 400 SEK each
    _, offer = shared_listing(ystad, quantity=3, title="Skrivbord", offer_type="sell", price=Decimal("400"))
    deal = ask(skurup, offer, quantity=2)
    assert (deal.amount, deal.vat_rate, deal.vat_amount, deal.total) == (
        Decimal("800.00"), Decimal("0.25"), Decimal("200.00"), Decimal("1000.00"))
    # when accepted without a legal basis, or "other" without a note
    with pytest.raises(ExchangeError) as missing:
        _accept(ystad, deal)
    assert missing.value.code == "legal_basis_required"
    with pytest.raises(ExchangeError) as no_note:
        _accept(ystad, deal, legal_basis=LegalBasis.OTHER)
    assert no_note.value.code == "legal_note_required"
    # then nothing was claimed; with a basis it is accepted and the agreement holds the terms
    deal = _accept(ystad, deal, legal_basis=LegalBasis.SURPLUS_SALE)
    agreement = deal.agreement
    assert (agreement.legal_basis, agreement.total, agreement.vat_amount) == (
        "surplus_sale", Decimal("1000.00"), Decimal("200.00"))


def test_an_agreement_can_be_neither_changed_nor_removed(ystad, skurup):
    _, offer = shared_listing(ystad, quantity=3)
    deal = _accept(ystad, ask(skurup, offer, quantity=1))
    agreement = deal.agreement
    for statement in ("UPDATE exchange_agreement SET quantity = 9 WHERE id = %s",
                      "DELETE FROM exchange_agreement WHERE id = %s"):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [agreement.pk])
    agreement.refresh_from_db()
    assert agreement.quantity == 1


def test_declining_and_withdrawing_close_an_open_request(ystad, skurup):
    _, offer = shared_listing(ystad, quantity=3)
    declined, withdrawn = ask(skurup, offer, quantity=1), ask(skurup, offer, quantity=1)
    with schema_context(ystad.schema_name):
        services.decline_deal(deal_uuid=declined.uuid, by=user_in(ystad, "personal"), reason="Redan lovade")
    with schema_context(skurup.schema_name):
        services.cancel_deal(deal_uuid=withdrawn.uuid, by=user_in(skurup, "personal"))
    declined.refresh_from_db()
    withdrawn.refresh_from_db()
    assert (declined.status, declined.decline_reason) == (DealStatus.DECLINED, "Redan lovade")
    assert withdrawn.status == DealStatus.CANCELLED
    # and neither can be accepted any more
    for deal in (declined, withdrawn):
        with pytest.raises(ExchangeError):
            _accept(ystad, deal)


def test_cancelling_an_accepted_deal_cancels_the_owners_booking(ystad, skurup):
    _, offer = shared_listing(ystad, quantity=3)
    deal = _accept(ystad, ask(skurup, offer, quantity=2))
    # when the person who asked cancels before the handover
    with schema_context(skurup.schema_name):
        services.cancel_deal(deal_uuid=deal.uuid, by=user_in(skurup, "personal"), reason="Fel modell")
    relay(ystad, skurup)
    # then the booking in Ystad is cancelled, and the deal follows it
    assert _booking(ystad, deal).status == "cancelled"
    deal.refresh_from_db()
    assert deal.status == DealStatus.CANCELLED


def test_only_the_contact_side_answers_and_only_the_asker_side_cancels(ystad, skurup, trelleborg):
    _, offer = shared_listing(ystad, quantity=3)
    deal = ask(skurup, offer, quantity=1)
    # a Ystad member who does not manage the listing cannot answer
    with pytest.raises(ExchangeError) as answer:
        _accept(ystad, deal, local="chef")
    assert answer.value.code == "not_allowed"
    # a Skurup colleague who did not ask cannot cancel
    with schema_context(skurup.schema_name), pytest.raises(ExchangeError) as cancel:
        services.cancel_deal(deal_uuid=deal.uuid, by=user_in(skurup, "chef"))
    assert cancel.value.code == "not_allowed"
    # Trelleborg cannot even find it
    trelleborg_admin = user_in(trelleborg, "admin")
    with schema_context(trelleborg.schema_name), pytest.raises(ExchangeError) as elsewhere:
        services.decline_deal(deal_uuid=deal.uuid, by=trelleborg_admin)
    assert elsewhere.value.code == "not_found"


def test_the_reconciliation_finishes_or_undoes_an_acceptance_the_process_died_in(ystad, skurup):
    # given two deals left "accepting" long ago: one whose booking was made, one whose booking never was
    _, offer = shared_listing(ystad, quantity=3)
    booked, lost = ask(skurup, offer, quantity=1), ask(skurup, offer, quantity=1)
    long_ago = timezone.now() - deal_sync.STUCK_AFTER * 2
    Deal.objects.filter(pk__in=[booked.pk, lost.pk]).update(status=DealStatus.ACCEPTING, accepting_at=long_ago,
                                                            decided_by_name="Ystad kontakt")
    from bookings.services import PartyRequest, book_for_other_organisation
    from platform_.parties import Party

    with schema_context(ystad.schema_name):
        listing = Listing.objects.get(uuid=booked.listing)
        book_for_other_organisation(
            listing=listing, by=user_in(ystad, "personal"),
            request=PartyRequest(deal=booked.uuid, borrower=Party(skurup.pk, booked.person), quantity=1,
                                 cost_centre="Skurup"),
        )
        # when the daily reconciliation runs for Ystad
        result = deal_sync.repair(organisation=ystad)
    # then the first is finished with its agreement, the second open again
    booked.refresh_from_db()
    lost.refresh_from_db()
    assert result["finished"] == 1 and result["undone"] == 1
    assert booked.status == DealStatus.ACCEPTED and Agreement.objects.filter(deal=booked).exists()
    assert lost.status == DealStatus.REQUESTED
