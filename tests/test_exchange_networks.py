"""Networks of organisations (exchange.services and selectors, public schema): create, invite, answer, leave; the
invitation e-mail through the outbox in the public schema, then the invited organisation's own; the demo network."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django_tenants.utils import schema_context

from demo.network import DEMO_NETWORK, seed_demo_network
from exchange import selectors, services
from exchange.errors import ExchangeError
from exchange.models import Membership, MembershipChange, MembershipState, Network
from outbox.models import OutboxMessage
from tenants.models import OrganisationStatus
from tenants.services import set_status

from .exchange_support import admin_of, demo_network

pytestmark = pytest.mark.django_db


def _state(network, organisation) -> str | None:
    return Membership.objects.filter(network=network, organisation=organisation).values_list("state", flat=True).first()


def _code(call) -> str:
    with pytest.raises(ExchangeError) as refused:
        call()
    return refused.value.code


def test_the_demo_has_ystad_skurup_and_trelleborg_in_one_network_and_tomelilla_outside(
    ystad, skurup, trelleborg, tomelilla
):
    # given the demo world the suite was built with
    network = demo_network()
    # then the three are members and Tomelilla is not in it at all
    members = set(network.memberships.filter(state=MembershipState.MEMBER).values_list("organisation__slug", flat=True))
    assert members == {"ystad", "skurup", "trelleborg"}
    assert _state(network, tomelilla) is None
    assert network.created_by_organisation == ystad
    # and who acted is kept as a snapshot: Skurup's admin accepted
    accepted = MembershipChange.objects.get(membership__network=network, membership__organisation=skurup,
                                            action=MembershipChange.Action.ACCEPTED)
    assert (accepted.acting_organisation, accepted.person_email) == (skurup, "admin@skurup.example")


def test_seeding_the_demo_network_again_changes_nothing(ystad, skurup, trelleborg):
    # given
    before = (Network.objects.count(), Membership.objects.count(), MembershipChange.objects.count())
    members = [(o.pk, admin_of(o).name, admin_of(o).email) for o in (ystad, skurup, trelleborg)]
    # when
    again = seed_demo_network(members=members)
    # then
    assert again == demo_network()
    assert (Network.objects.count(), Membership.objects.count(), MembershipChange.objects.count()) == before


def test_an_admin_creates_a_network_with_her_organisation_as_its_first_member(tomelilla):
    # when
    network = services.create_network(name="  Österlen   runt ", by=admin_of(tomelilla))
    # then
    assert network.name == "Österlen runt"
    assert _state(network, tomelilla) == MembershipState.MEMBER
    assert (network.created_by_name, network.created_by_email) == ("Eva Mårtensson", "admin@tomelilla.example")
    assert list(selectors.networks_of(organisation_id=tomelilla.pk)) == [network]


def test_a_network_needs_a_name_not_taken_by_the_same_organisation(ystad, skurup):
    assert _code(lambda: services.create_network(name="   ", by=admin_of(ystad))) == "network_name_required"
    assert _code(lambda: services.create_network(name="x" * 101, by=admin_of(ystad))) == "too_long"
    assert _code(lambda: services.create_network(name="sydöstra skåne", by=admin_of(ystad))) == "network_name_taken"
    # another organisation may use the same name for a network of its own
    assert services.create_network(name=DEMO_NETWORK, by=admin_of(skurup)).name == DEMO_NETWORK


def test_an_invitation_is_a_message_in_public_that_becomes_an_email_to_the_invited_admins(
    ystad, tomelilla, django_capture_on_commit_callbacks
):
    # given
    network = demo_network()
    # when Ystad's admin invites Tomelilla, and the messages are relayed once it commits
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.invite_organisation(network=network, organisation_id=tomelilla.pk, by=admin_of(ystad))
    # then Tomelilla is invited, by Ystad's admin as she was then
    membership.refresh_from_db()
    assert membership.state == MembershipState.INVITED
    assert (membership.invited_by_organisation, membership.invited_by_email) == (ystad, "admin@ystad.example")
    # and the exchange's message was written in public, and delivered
    connection.set_schema_to_public()
    public = OutboxMessage.objects.get(kind=services.INVITATION_KIND, payload__membership=membership.pk)
    assert public.delivered_at is not None
    # and the e-mail itself was written in Tomelilla's schema (its admins' addresses stay there), and sent
    with schema_context(tomelilla.schema_name):
        email = OutboxMessage.objects.get(key__startswith=f"exchange.invitation:{membership.pk}:")
        assert email.delivered_at is not None
    with schema_context(ystad.schema_name):
        assert not OutboxMessage.objects.filter(key__startswith="exchange.invitation").exists()
    [sent] = [m for m in mail.outbox if DEMO_NETWORK in m.subject]
    assert sent.to == ["admin@tomelilla.example"]
    assert "Ystads kommun" in sent.subject and "Tomelilla kommun" in sent.subject
    assert "http://tomelilla.localhost:8000/natverk/" in sent.body
    assert "Anna Lindqvist" in sent.body


def test_no_email_when_the_invitation_was_answered_before_the_message_went_out(
    ystad, tomelilla, django_capture_on_commit_callbacks
):
    # given an invitation whose message has not been relayed yet
    network = demo_network()
    services.invite_organisation(network=network, organisation_id=tomelilla.pk, by=admin_of(ystad))
    services.decline_invitation(network=network, by=admin_of(tomelilla))
    # when the public relay runs
    from outbox.services import deliver_due

    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks(execute=True):
        deliver_due()
    # then the message is delivered and no e-mail was written or sent
    with schema_context(tomelilla.schema_name):
        assert not OutboxMessage.objects.filter(key__startswith="exchange.invitation:").exists()
    assert not [m for m in mail.outbox if DEMO_NETWORK in m.subject]


def test_only_members_invite_and_only_active_organisations_other_than_ones_own(ystad, skurup, tomelilla):
    network = demo_network()
    # given a network of Tomelilla's own
    own = services.create_network(name="Österlen", by=admin_of(tomelilla))
    # then Ystad cannot invite to it, and nobody invites their own organisation
    assert _code(lambda: services.invite_organisation(
        network=own, organisation_id=skurup.pk, by=admin_of(ystad))) == "not_a_member"
    assert _code(lambda: services.invite_organisation(
        network=network, organisation_id=ystad.pk, by=admin_of(ystad))) == "own_organisation"
    # nor a member again, nor an organisation invited and not answered yet
    assert _code(lambda: services.invite_organisation(
        network=network, organisation_id=skurup.pk, by=admin_of(ystad))) == "already_member"
    services.invite_organisation(network=network, organisation_id=tomelilla.pk, by=admin_of(ystad))
    assert _code(lambda: services.invite_organisation(
        network=network, organisation_id=tomelilla.pk, by=admin_of(skurup))) == "already_invited"
    # nor one that does not exist
    assert _code(lambda: services.invite_organisation(
        network=network, organisation_id=999_999, by=admin_of(ystad))) == "organisation_unavailable"


def test_a_suspended_organisation_cannot_be_invited(ystad, tomelilla):
    set_status(organisation=tomelilla, status=OrganisationStatus.SUSPENDED)
    assert _code(lambda: services.invite_organisation(
        network=demo_network(), organisation_id=tomelilla.pk, by=admin_of(ystad))) == "organisation_unavailable"


def test_an_invited_organisation_accepts_and_becomes_a_partner_of_every_member(ystad, skurup, trelleborg, tomelilla):
    # given
    network = demo_network()
    services.invite_organisation(network=network, organisation_id=tomelilla.pk, by=admin_of(skurup))
    assert [m.network for m in selectors.open_invitations(organisation_id=tomelilla.pk)] == [network]
    assert tomelilla.pk not in selectors.partner_organisation_ids(organisation_id=ystad.pk)
    # when
    services.accept_invitation(network=network, by=admin_of(tomelilla))
    # then
    assert _state(network, tomelilla) == MembershipState.MEMBER
    assert not selectors.open_invitations(organisation_id=tomelilla.pk).exists()
    assert selectors.partner_organisation_ids(organisation_id=tomelilla.pk) == {ystad.pk, skurup.pk, trelleborg.pk}
    assert tomelilla.pk in selectors.partner_organisation_ids(organisation_id=ystad.pk)
    # and an invitation cannot be answered twice
    assert _code(lambda: services.decline_invitation(network=network, by=admin_of(tomelilla))) == "no_invitation"


def test_a_declined_organisation_can_be_invited_again_and_every_step_is_recorded(ystad, tomelilla):
    network = demo_network()
    services.invite_organisation(network=network, organisation_id=tomelilla.pk, by=admin_of(ystad))
    services.decline_invitation(network=network, by=admin_of(tomelilla))
    assert _state(network, tomelilla) == MembershipState.DECLINED
    services.invite_organisation(network=network, organisation_id=tomelilla.pk, by=admin_of(ystad))
    services.accept_invitation(network=network, by=admin_of(tomelilla))
    actions = list(MembershipChange.objects.filter(membership__network=network, membership__organisation=tomelilla)
                   .values_list("action", "acting_organisation__slug"))
    assert actions == [("invited", "ystad"), ("declined", "tomelilla"), ("invited", "ystad"), ("accepted", "tomelilla")]


def test_an_organisation_that_leaves_is_no_longer_anyones_partner_there(ystad, skurup, trelleborg):
    # when
    services.leave_network(network=demo_network(), by=admin_of(trelleborg))
    # then
    assert _state(demo_network(), trelleborg) == MembershipState.LEFT
    assert selectors.partner_organisation_ids(organisation_id=ystad.pk) == {skurup.pk}
    assert selectors.partner_organisation_ids(organisation_id=trelleborg.pk) == set()
    assert selectors.network_for(pk=demo_network().pk, organisation_id=trelleborg.pk) is None
    # and it cannot leave twice
    assert _code(lambda: services.leave_network(network=demo_network(), by=admin_of(trelleborg))) == "not_a_member"


def test_members_see_only_their_own_networks(ystad, tomelilla):
    # given a network Ystad is not in
    other = services.create_network(name="Österlen", by=admin_of(tomelilla))
    # then
    assert other not in selectors.networks_of(organisation_id=ystad.pk)
    assert selectors.network_for(pk=other.pk, organisation_id=ystad.pk) is None
    assert selectors.network_for(pk=other.pk, organisation_id=tomelilla.pk) == other


def test_finding_organisations_to_invite_leaves_out_members_and_the_invited(ystad, skurup, tomelilla):
    network = demo_network()
    assert [o.slug for o in selectors.invitable_organisations(network=network, name_contains="kommun")] == [
        "tomelilla"
    ]
    assert selectors.invitable_organisations(network=network, name_contains="skurup") == []
    assert [o.slug for o in selectors.invitable_organisations(network=network, name_contains="TOMELILLA kom")] == [
        "tomelilla"
    ]
    services.invite_organisation(network=network, organisation_id=tomelilla.pk, by=admin_of(ystad), notify=False)
    assert selectors.invitable_organisations(network=network, name_contains="kommun") == []


def test_an_organisation_deleted_for_good_leaves_its_networks_to_their_members(ystad):
    from tenants.services import OrganisationDetails, delete_organisation, provision_organisation

    # given a new organisation that created a network and invited Ystad, who accepted
    newcomer = provision_organisation(details=OrganisationDetails(
        name="Sjöbo kommun", slug="sjobo", kind="municipality", organisation_number="212000-1157",
    ))
    founder = services.Actor(organisation_id=newcomer.pk, name="Admin", email="admin@sjobo.example")
    network = services.create_network(name="Sjöbo med vänner", by=founder)
    services.invite_organisation(network=network, organisation_id=ystad.pk, by=founder, notify=False)
    services.accept_invitation(network=network, by=admin_of(ystad))
    # when it is deleted
    delete_organisation(organisation=newcomer)
    # then the network and Ystad's membership stay, with who invited as a snapshot; its own membership is gone
    network.refresh_from_db()
    assert network.created_by_organisation is None and network.created_by_email == "admin@sjobo.example"
    assert _state(network, ystad) == MembershipState.MEMBER
    assert list(network.memberships.values_list("organisation_id", flat=True)) == [ystad.pk]
    invited = MembershipChange.objects.get(membership__organisation=ystad, membership__network=network,
                                           action=MembershipChange.Action.INVITED)
    assert (invited.acting_organisation, invited.person_email) == (None, "admin@sjobo.example")
