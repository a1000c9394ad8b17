"""The demo's network: Ystad, Skurup and Trelleborg in "Sydöstra Skåne" (demo.world calls this once the
organisations exist). Through the services, as the admins would have done it: the first creates the network and
invites the others, who accept. No e-mail is sent. Running it again changes nothing."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from exchange import selectors, services

DEMO_NETWORK = "Sydöstra Skåne"


@transaction.atomic
def seed_demo_network(*, name: str = DEMO_NETWORK, members: Sequence[tuple[int, str, str]]):
    """``members``: (organisation id, admin's name, admin's e-mail) of each member, the creator first."""
    actors = [services.Actor(organisation_id=pk, name=full_name, email=email) for pk, full_name, email in members]
    creator = actors[0]
    network = selectors.network_created_by(organisation_id=creator.organisation_id, name=name)
    if network is None:
        network = services.create_network(name=name, by=creator)
    states = selectors.membership_states(network=network)
    for actor in actors[1:]:
        if states.get(actor.organisation_id) == selectors.MembershipState.MEMBER:
            continue
        if states.get(actor.organisation_id) != selectors.MembershipState.INVITED:
            services.invite_organisation(
                network=network, organisation_id=actor.organisation_id, by=creator, notify=False
            )
        services.accept_invitation(network=network, by=actor)
    return network
