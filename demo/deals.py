"""Deals between the demo organisations, so that "Affärer" shows something on every side: Ystad, Skurup and
Trelleborg each have, for their own offers and for what they asked others for,

- a request waiting for an answer (the owner's contact person has something to accept or decline),
- a deal accepted and waiting for its handover, transported by the labour-market unit (with a message or two),
- a gift handed over (counted in the statistics),
- a loan between organisations that is out now (a thing lent, or else rented with its fee, when the owner's own
  people have borrowed what it lends for these days),
- a sale with its price, VAT and legal basis in the agreement record, handed over (an organisation with nothing for
  sale in the network rents out its trailer for a day next week instead),
- a request declined, with the reason.

Everything goes through exchange.services and bookings.services as the demo people would have done it: asked for in
the asking organisation's schema, accepted or declined in the owner's, handed over and picked up there; the deals
follow their bookings through the outbox, whose relay is run here in each schema (a ``make demo`` seeds before its
worker runs). No e-mail is sent. Each deal is known again by who asked whom and its message, so running it again
adds nothing (decision 0027).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from accounts.selectors import colleagues, party_of
from bookings import selectors as bookings
from bookings import services as booking_services
from exchange import selectors, services
from exchange.errors import ExchangeError
from outbox.services import deliver_due
from tenants.selectors import active_organisations

REQUESTED, ACCEPTED, HANDED_OVER, OUT = "requested", "accepted", "handed_over", "out"
SOLD, DECLINED = "sold", "declined"
GIFT, LEND, SELL, RENT = "give_away", "lend", "sell", "rent"


@dataclass(frozen=True)
class DemoDeal:
    outcome: str
    offer_types: tuple[str, ...]  # what to ask for, the first kind the owner offers
    asks_next: bool  # asked by the next in the ring (Ystad → Skurup → Trelleborg → Ystad), else by the one before
    quantity: int
    transport: str
    message: str  # what the asker wrote; with the two organisations, what the deal is known by again
    asker: str = "personal"
    buyer_reference: str = ""
    thread: tuple[tuple[str, str], ...] = ()  # (side, text): "owner" or "asker" writes on the deal
    reason: str = ""  # a decline's reason
    legal_basis: str = ""
    legal_note: str = ""


DEMO_DEALS = [
    DemoDeal(REQUESTED, (GIFT,), True, 2, "receiver",
             "Vi ser över personalrummet efter sommaren och skulle gärna ta två av dessa. Vi hämtar själva med "
             "kommunens bil, säg bara när det passar."),
    DemoDeal(ACCEPTED, (GIFT,), False, 2, "operator",
             "Skulle passa perfekt i vårt nya mötesrum. Kan arbetsmarknadsenheten köra över dem?",
             asker="chef", buyer_reference="Ansvar 3120",
             thread=(("owner", "Arbetsmarknadsenheten kör ut dem på torsdag förmiddag. Ring 0411-57 70 00 om ni "
                               "behöver flytta tiden."),
                     ("asker", "Torsdag förmiddag går bra, vi har öppet från 08.00. Tack!"))),
    DemoDeal(HANDED_OVER, (GIFT,), True, 1, "giver",
             "Vi har just fått ett nytt arbetslag och saknar det här. Går det bra att ni lämnar det i receptionen?"),
    DemoDeal(OUT, (LEND, RENT), False, 1, "receiver",
             "Vi lånar gärna den till vår utbildningsdag i veckan och hämtar och lämnar tillbaka själva.",
             thread=(("owner", "Hämtas i receptionen, fråga efter vaktmästaren."),),
             legal_basis="avtalssamverkan", legal_note="Samverkansavtal om utlåning av utrustning mellan "
                                                      "kommunerna i Sydöstra Skåne."),
    DemoDeal(SOLD, (SELL, RENT), True, 1, "operator",
             "Vi köper gärna den till personalköket. Faktureras med vår referens, tack.",
             asker="chef", buyer_reference="Projekt 7710 Återbruk",
             legal_basis="surplus_sale", legal_note="Överskott, sålt till marknadsmässigt pris enligt kommunens "
                                                   "riktlinjer för avyttring av inventarier."),
    DemoDeal(DECLINED, (GIFT,), False, 3, "giver",
             "Har ni möjlighet att köra ut tre stycken till oss nästa vecka?",
             reason="Tyvärr har vi ingen som kan köra ut dem just nu, och vi behöver dem själva till hösten."),
]


@dataclass(frozen=True)
class _Org:
    organisation: object
    people: dict  # e-mail's local part → user


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour)).replace(tzinfo=timezone.get_current_timezone())


def relay(members: Sequence) -> None:
    """Deliver what is due in each organisation's outbox and in public until nothing is, as the worker would (a
    message in one may write one in another)."""
    for _ in range(5):
        delivered = 0
        for schema in [member.schema_name for member in members] + [get_public_schema_name()]:
            with schema_context(schema):
                while True:
                    delivery = deliver_due()
                    delivered += delivery.delivered
                    if not delivery.more:
                        break
        if not delivered:
            return


def _people(organisation) -> _Org:
    with schema_context(organisation.schema_name):
        people = {user.email.split("@")[0]: user for user in colleagues()
                  if user.email.endswith(f"@{organisation.slug}.example")}
    return _Org(organisation, people)


def _asker(org: _Org, local: str) -> services.Asker:
    user = org.people[local]
    with schema_context(org.organisation.schema_name):
        department = user.department
        return services.Asker(party=party_of(user=user), department_id=department.pk if department else None,
                              department_name=department.name if department else "")


def _answerer(owner: _Org, offer):
    """Who answers for the offer in the owner's organisation: its contact person, or the labour-market unit."""
    by_email = {user.email: user for user in owner.people.values()}
    contact = by_email.get(offer.contact_email)
    return contact or owner.people["operator"]


def _period(plan: DemoDeal, offer_type: str) -> tuple[datetime | None, datetime | None]:
    if offer_type not in (LEND, RENT):
        return None, None
    today = timezone.localdate()
    if plan.outcome == OUT:  # picked up this morning, back in three days
        # (seeded before 08:00, from midnight: a booking cannot start on a day past, nor be picked up before it starts)
        picked_up = _at(today, 8) if _at(today, 8) <= timezone.now() else _at(today, 0)
        return picked_up, _at(today + timedelta(days=3), 16)
    day = today + timedelta(days=8)  # for a day next week
    return _at(day, 8), _at(day, 17)


def _candidates(plan: DemoDeal, owner: _Org, requester: _Org, used: set) -> list:
    """The owner's offers the requester sees, of the kinds asked for in that order: those with enough items first
    and, for an open request, those the owner's "personal" answers for (who then has something to accept)."""
    offers = selectors.offers_visible_to(organisation_id=requester.organisation.pk).filter(
        organisation_id=owner.organisation.pk).exclude(listing__in=used).order_by("title", "pk")
    # A thing lent out now may be free on the days asked for: the owner's bookings say (exchange.services).
    offers = [offer for offer in offers if offer.quantity_available or offer.offer_type in (LEND, RENT)]
    personal = owner.people["personal"].email
    found = []
    for offer_type in plan.offer_types:
        found += sorted((offer for offer in offers if offer.offer_type == offer_type),
                        key=lambda offer: (offer.quantity_available < plan.quantity,
                                           plan.outcome == REQUESTED and offer.contact_email != personal))
    return found


def _ask(plan: DemoDeal, owner: _Org, requester: _Org, used: set):
    """Ask for the first of the owner's offers that fits (a loan's days may be taken at the owner): the deal."""
    asker = _asker(requester, plan.asker)
    for offer in _candidates(plan, owner, requester, used):
        starts_at, ends_at = _period(plan, offer.offer_type)
        request = services.DealRequest(
            offer=offer.pk, quantity=max(1, min(plan.quantity, offer.quantity_available)), transport=plan.transport,
            buyer_reference=plan.buyer_reference, message=plan.message, starts_at=starts_at, ends_at=ends_at,
        )
        try:
            with schema_context(requester.organisation.schema_name):
                deal = services.request_deal(request=request, by=asker, notify=False)
        except ExchangeError as refused:
            if refused.code in ("period_taken", "not_enough", "offer_gone"):
                continue
            raise
        used.add(offer.listing)
        return deal, offer
    return None, None


def _write(deal, org: _Org, user, text: str) -> None:
    with schema_context(org.organisation.schema_name):
        services.post_message(deal_uuid=deal.uuid, by=user, body=text, notify=False)


def _play(plan: DemoDeal, owner: _Org, requester: _Org, used: set):
    deal, offer = _ask(plan, owner, requester, used)
    if deal is None:
        return None
    answerer = _answerer(owner, offer)
    with schema_context(owner.organisation.schema_name):
        if plan.outcome == DECLINED:
            return services.decline_deal(deal_uuid=deal.uuid, by=answerer, reason=plan.reason, notify=False)
        if plan.outcome != REQUESTED:
            deal = services.accept_deal(deal_uuid=deal.uuid, by=answerer, legal_basis=plan.legal_basis,
                                        legal_note=plan.legal_note, notify=False)
            booking = bookings.booking_by_uuid(uuid=deal.booking)
            if plan.outcome in (HANDED_OVER, SOLD) and offer.offer_type != RENT:
                booking_services.confirm_handover(booking=booking, by=answerer)
            elif plan.outcome == OUT:
                booking_services.confirm_pick_up(booking=booking, by=answerer)
    for side, text in plan.thread:
        if side == "owner":
            _write(deal, owner, answerer, text)
        else:
            _write(deal, requester, requester.people[plan.asker], text)
    return deal


def seed_demo_deals(*, organisations: Sequence) -> int:
    """Play the demo deals among ``organisations`` (a ring: each asks the next and the one before); return how many
    were made (0 when they are there already). Runs outside any transaction: an acceptance commits its steps one
    after the other (exchange.deal_services)."""
    connection.set_schema_to_public()
    relay(organisations)  # the offers of listings just shared are in the exchange
    orgs = [_people(organisation) for organisation in organisations]
    made = 0
    for n, owner in enumerate(orgs):
        used = set()
        for plan in DEMO_DEALS:
            requester = orgs[(n + 1) % len(orgs)] if plan.asks_next else orgs[n - 1]
            asked = selectors.outgoing_deals(organisation_id=requester.organisation.pk).filter(
                owner_id=owner.organisation.pk, message=plan.message)
            if asked.exists():
                continue
            made += _play(plan, owner, requester, used) is not None
    relay(organisations)  # the deals follow their bookings; the offers show what is left
    connection.set_schema_to_public()
    return made


def demo_deals() -> list:
    """The demo deals as they are now, by owner, oldest first: what ``manage.py seed_demo`` prints."""
    messages = [plan.message for plan in DEMO_DEALS]
    found = []
    for organisation in active_organisations().order_by("name"):
        found += list(selectors.incoming_deals(organisation_id=organisation.pk).filter(message__in=messages)
                      .order_by("requested_at", "id"))
    return found
