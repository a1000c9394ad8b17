"""Reads of the exchange: networks and memberships (public schema), always from one organisation's point of view."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from tenants import selectors as organisations

from . import search
from .deal_figures import NetworkFigures, Received, network_figures, received_by  # noqa: F401
from .deal_selectors import (  # noqa: F401
    INCOMING,
    OUTGOING,
    approves_deal,
    can_see_deal,
    changed_hands_between,
    deal_for,
    deal_thread,
    deals_awaiting_answer,
    deals_awaiting_approval,
    incoming_deals,
    is_owner_side,
    outgoing_deals,
    visible_deals,
    was_asked,
)

# CO₂e and SEK of deals (decision 0032), computed by impact.
from .impact_figures import (  # noqa: F401
    deals_given_impact,
    deals_received_impact,
    network_impact,
    network_impact_by_month,
    platform_deals_impact,
    platform_deals_impact_by_receiver,
)

# Deals between organisations have a module of their own; other apps reach it here.
from .models import Membership, MembershipState, Network, Offer, OfferPhoto

# The memberships a network's page shows: members, and organisations invited that have not answered yet.
SHOWN_STATES = (MembershipState.MEMBER, MembershipState.INVITED)
INVITABLE_SHOWN = 20


def _with_members() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(state__in=SHOWN_STATES)
        .select_related("organisation", "invited_by_organisation")
        .order_by("organisation__name"),
        to_attr="shown_memberships",
    )


def networks_of(*, organisation_id: int) -> QuerySet[Network]:
    """The networks the organisation is a member of, each with ``shown_memberships`` (members and invited)."""
    return (
        Network.objects.filter(memberships__organisation_id=organisation_id, memberships__state=MembershipState.MEMBER)
        .prefetch_related(_with_members())
        .order_by("name", "pk")
    )


def network_for(*, pk: int, organisation_id: int) -> Network | None:
    """The network, if the organisation is a member of it; None otherwise (its page is then a 404)."""
    return networks_of(organisation_id=organisation_id).filter(pk=pk).first()


def open_invitations(*, organisation_id: int) -> QuerySet[Membership]:
    """Invitations for the organisation to answer, newest first, with the network and who invited."""
    return (
        Membership.objects.filter(organisation_id=organisation_id, state=MembershipState.INVITED)
        .select_related("network", "invited_by_organisation")
        .order_by("-invited_at", "pk")
    )


def invitation_for(*, network_pk: int, organisation_id: int) -> Network | None:
    """The network the organisation has an open invitation to; None otherwise."""
    membership = open_invitations(organisation_id=organisation_id).filter(network_id=network_pk).first()
    return membership.network if membership else None


def invitable_organisations(*, network: Network, name_contains: str, limit: int = INVITABLE_SHOWN) -> list:
    """Active organisations whose name contains the words, that are neither members of the network nor invited."""
    taken = Membership.objects.filter(network=network, state__in=SHOWN_STATES).values_list(
        "organisation_id", flat=True
    )
    return organisations.find_active_organisations(name_contains=name_contains, exclude_ids=taken, limit=limit)


def partner_organisation_ids(*, organisation_id: int) -> set[int]:
    """Every other organisation that shares a network with this one (both members): who "our networks" reach."""
    networks = Membership.objects.filter(organisation_id=organisation_id, state=MembershipState.MEMBER).values(
        "network_id"
    )
    return set(
        Membership.objects.filter(network_id__in=networks, state=MembershipState.MEMBER)
        .exclude(organisation_id=organisation_id)
        .values_list("organisation_id", flat=True)
    )


def _partners(organisation_id: int) -> QuerySet[Membership]:
    """A subquery: the organisations (and this one) that are members of a network this organisation is in."""
    return Membership.objects.filter(
        network_id__in=Membership.objects.filter(organisation_id=organisation_id, state=MembershipState.MEMBER)
        .values("network_id"),
        state=MembershipState.MEMBER,
    ).values("organisation_id")


def _active_partner_ids(organisation_id: int) -> list[int]:
    """The active organisations, other than this one, that share a network with it now (one query)."""
    return list(
        _partners(organisation_id)
        .filter(organisation_id__in=organisations.active_organisations().values("pk"))
        .exclude(organisation_id=organisation_id)
        .order_by("organisation_id")
        .distinct()
        .values_list("organisation_id", flat=True)
    )


def offers_visible_to(*, organisation_id: int) -> QuerySet[Offer]:
    """Other organisations' offers that this organisation's staff may see: offered to everyone, or to the networks
    of an organisation it shares a network with now; never a suspended organisation's."""
    partners = _partners(organisation_id)
    return (
        Offer.objects.filter(organisation_id__in=organisations.active_organisations().values("pk"))
        .exclude(organisation_id=organisation_id)
        .filter(Q(reach=Offer.Reach.EVERYONE) | Q(reach=Offer.Reach.NETWORKS, organisation_id__in=partners))
        .select_related("organisation")
        .order_by("-published_at", "pk")
    )


def network_created_by(*, organisation_id: int, name: str) -> Network | None:
    """The network of this name that the organisation created, if any (the demo finds its own again)."""
    return Network.objects.filter(created_by_organisation_id=organisation_id, name=name).first()


def membership_states(*, network: Network) -> dict[int, str]:
    """Organisation id → membership state, for every organisation ever invited to the network."""
    return dict(Membership.objects.filter(network=network).values_list("organisation_id", "state"))


def search_offers(
    *,
    organisation_id: int,
    scope: str,
    query: str = "",
    category_keys: list[str] | None = None,
    offer_type: str = "",
    offering_organisation_id: int | None = None,
) -> search.OfferResults | QuerySet[Offer]:
    """Other organisations' offers this organisation's staff may see, matching every word of ``query``, best first
    (exchange/search.py); without words, newest first. ``scope`` "natverk": only offers of organisations it shares
    a network with; "alla": every offer it may see. ``category_keys``: platform keys, each with the keys under it.
    The organisation's own offers are never among them (they are its own listings, searched by catalog)."""
    # The partners are computed first (one query, a short list): the search's own queries then hold plain
    # organisation ids instead of nested subqueries.
    partners = _active_partner_ids(organisation_id)
    if scope == search.Scope.NETWORKS:
        # Every offer of a partner is for the networks or for everyone: visible.
        queryset = Offer.objects.filter(organisation_id__in=partners)
        parts = _per_partner(partners, reach=None)
    else:
        queryset = Offer.objects.filter(
            Q(reach=Offer.Reach.EVERYONE, organisation_id__in=organisations.active_organisations().values("pk"))
            | Q(organisation_id__in=partners)
        ).exclude(organisation_id=organisation_id)
        # The same offers in parts that do not overlap: everyone's, and each partner's for its networks.
        parts = [search.Part(everyone_but=organisation_id), *_per_partner(partners, reach=Offer.Reach.NETWORKS)]
    queryset = search.filtered(
        queryset, category_keys=category_keys, offer_type=offer_type, organisation_id=offering_organisation_id
    )
    filters = search.Filters(
        category_keys=category_keys, offer_type=offer_type, organisation_id=offering_organisation_id
    )
    return search.search(queryset, parts, filters, query)


# A word search asks each partner apart (decision 0041) up to this many partners; beyond, one part for them all.
PARTNERS_APART = 40


def _per_partner(partners: list[int], *, reach: str | None) -> list[search.Part]:
    """The parts of a word search for the partners' offers: one per partner, so that PostgreSQL walks each
    partner's offers newest first from its own index and merges them, stopping at the newest matches of them all;
    one for them all when there are too many to plan one part each; none without partners."""
    if not partners:
        return []
    if len(partners) > PARTNERS_APART:
        return [search.Part(organisation_ids=tuple(partners), reach=reach)]
    return [search.Part(organisation_id=partner, reach=reach) for partner in partners]


def offering_organisations(*, organisation_id: int, scope: str) -> list[tuple[int, str]]:
    """(id, name) of the organisations with offers this organisation may see in the scope, by name.

    One EXISTS per active organisation (a few hundred, each answered by an index on the offers' organisation)
    rather than a DISTINCT over every visible offer: the page asks on every request."""
    partners = _partners(organisation_id)
    offers = Offer.objects.filter(organisation_id=OuterRef("pk"))
    candidates = organisations.active_organisations().exclude(pk=organisation_id)
    if scope == search.Scope.NETWORKS:
        # Every offer of a partner is for the networks or for everyone: visible.
        candidates = candidates.filter(pk__in=partners).filter(Exists(offers))
    else:
        candidates = candidates.filter(
            Exists(offers.filter(reach=Offer.Reach.EVERYONE)) | (Q(pk__in=partners) & Exists(offers))
        )
    return list(candidates.order_by("name", "pk").values_list("pk", "name"))


def with_cover_photos(*, offers) -> list[Offer]:
    """The offers, each with ``cover_photo``: its first photo, or None. One query for them all (none for no offers);
    every page that shows offers with their photo calls this on what it shows."""
    offers = list(offers)
    covers = {}
    if offers:
        covers = {
            photo.offer_id: photo
            for photo in OfferPhoto.objects.filter(offer_id__in=[offer.pk for offer in offers])
            .order_by("offer_id", "position", "id")
            .distinct("offer_id")
            .only("pk", "offer_id", "width", "height")
        }
    for offer in offers:
        offer.cover_photo = covers.get(offer.pk)
    return offers


def with_photo_lists(*, offers) -> list[Offer]:
    """The offers, each with ``photo_list``: its photos in their order. One query for them all (none for none)."""
    offers = list(offers)
    photos: dict[int, list[OfferPhoto]] = {offer.pk: [] for offer in offers}
    if offers:
        for photo in (
            OfferPhoto.objects.filter(offer_id__in=list(photos)).order_by("offer_id", "position", "id")
            .only("pk", "offer_id", "width", "height", "position")
        ):
            photos[photo.offer_id].append(photo)
    for offer in offers:
        offer.photo_list = photos[offer.pk]
    return offers


def offer_photo_for(*, pk: int, organisation_id: int) -> OfferPhoto | None:
    """An offer's photo, if the organisation's staff may see the offer (offers_visible_to); None otherwise. One
    query."""
    return OfferPhoto.objects.filter(
        pk=pk, offer__in=offers_visible_to(organisation_id=organisation_id).values("pk")
    ).first()
