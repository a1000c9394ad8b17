"""The networks pages on an organisation's host: for its admins only, showing only the organisation's own networks;
another organisation's admin gets 404 for a network it is not in; queries do not grow with the data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from exchange import services
from exchange.models import MembershipState
from tenants.services import OrganisationDetails, provision_organisation

from .conftest import client_for, host_of, user_in
from .exchange_support import admin_of, demo_network

pytestmark = pytest.mark.django_db


def _admin(organisation) -> Client:
    return client_for(organisation, user_in(organisation, "admin"))


def _state(network, organisation) -> str | None:
    connection.set_schema_to_public()
    return network.memberships.filter(organisation=organisation).values_list("state", flat=True).first()


def test_an_admin_sees_her_networks_and_their_members(ystad):
    # when
    response = _admin(ystad).get("/natverk/")
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nätverk" in page and "Sydöstra Skåne" in page
    assert "Skurups kommun" in page and "Trelleborgs kommun" in page
    assert "Tomelilla kommun" not in page
    assert 'href="/natverk/"' in page  # in the menu, for admins


def test_the_pages_are_in_english_too(ystad):
    client = _admin(ystad)
    client.cookies["delbar_language"] = "en"
    page = client.get(f"/natverk/{demo_network().pk}/").content.decode()
    assert "Invite an organisation" in page and "Members" in page


@pytest.mark.parametrize("local", ["personal", "chef", "operator"])
def test_staff_who_are_not_admins_may_not_use_them(ystad, local):
    client = client_for(ystad, user_in(ystad, local))
    assert client.get("/natverk/").status_code == 403
    assert client.get(f"/natverk/{demo_network().pk}/").status_code == 403
    assert 'href="/natverk/"' not in client.get("/").content.decode()


def test_anonymous_visitors_are_sent_to_log_in(ystad):
    response = Client(HTTP_HOST=host_of(ystad)).get("/natverk/")
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_an_admin_creates_a_network(tomelilla):
    # when
    response = _admin(tomelilla).post("/natverk/", {"name": "Österlen"})
    # then
    assert response.status_code == 302
    page = _admin(tomelilla).get(response["Location"]).content.decode()
    assert "Österlen" in page and "Tomelilla kommun" in page


def test_a_name_already_used_is_shown_next_to_the_field(ystad):
    response = _admin(ystad).post("/natverk/", {"name": "Sydöstra Skåne"})
    assert response.status_code == 400
    assert "redan ett nätverk med det här namnet" in response.content.decode()


def test_ystad_finds_tomelilla_invites_it_and_tomelilla_accepts(ystad, tomelilla):
    network = demo_network()
    ystad_admin = _admin(ystad)
    # when Ystad's admin searches among organisations
    page = ystad_admin.get(f"/natverk/{network.pk}/", {"q": "tomelilla"}).content.decode()
    # then Tomelilla is found, and members are not offered
    assert "Bjud in Tomelilla kommun" in page
    assert "Bjud in Skurups kommun" not in ystad_admin.get(f"/natverk/{network.pk}/", {"q": "skurup"}).content.decode()
    # when she invites it
    response = ystad_admin.post(f"/natverk/{network.pk}/bjud-in/", {"organisation": tomelilla.pk}, follow=True)
    # then
    assert "Tomelilla kommun är inbjuden" in response.content.decode()
    assert _state(network, tomelilla) == MembershipState.INVITED
    # when Tomelilla's admin opens her networks page and accepts
    tomelilla_admin = _admin(tomelilla)
    assert "Gå med i ”Sydöstra Skåne”" in tomelilla_admin.get("/natverk/").content.decode()
    response = tomelilla_admin.post(f"/natverk/{network.pk}/svara/", {"answer": "accept"})
    # then she is a member and sees the network's page
    assert response.status_code == 302 and response["Location"] == f"/natverk/{network.pk}/"
    assert _state(network, tomelilla) == MembershipState.MEMBER
    assert "Ystads kommun" in tomelilla_admin.get(f"/natverk/{network.pk}/").content.decode()


def test_an_invitation_can_be_declined(ystad, tomelilla):
    network = demo_network()
    services.invite_organisation(network=network, organisation_id=tomelilla.pk, by=admin_of(ystad), notify=False)
    response = _admin(tomelilla).post(f"/natverk/{network.pk}/svara/", {"answer": "decline"}, follow=True)
    assert "Du har tackat nej" in response.content.decode()
    assert _state(network, tomelilla) == MembershipState.DECLINED


def test_an_admin_leaves_after_confirming(trelleborg):
    network = demo_network()
    client = _admin(trelleborg)
    assert "Lämna nätverket" in client.get(f"/natverk/{network.pk}/lamna/").content.decode()
    assert _state(network, trelleborg) == MembershipState.MEMBER
    response = client.post(f"/natverk/{network.pk}/lamna/")
    assert response.status_code == 302
    assert _state(network, trelleborg) == MembershipState.LEFT
    assert client.get(f"/natverk/{network.pk}/").status_code == 404


# Every page about one network, for an organisation that is not in it.
NETWORK_PAGES = [
    ("get", "/natverk/{pk}/"),
    ("get", "/natverk/{pk}/?q=kommun"),
    ("post", "/natverk/{pk}/bjud-in/"),
    ("get", "/natverk/{pk}/lamna/"),
    ("post", "/natverk/{pk}/lamna/"),
    ("post", "/natverk/{pk}/svara/"),
]


@pytest.mark.parametrize(("method", "path"), NETWORK_PAGES)
def test_an_admin_of_an_organisation_outside_the_network_gets_404(ystad, tomelilla, method, path):
    # given Tomelilla's admin, whose organisation is not in Sydöstra Skåne, and one of Tomelilla's networks
    network = demo_network()
    own = services.create_network(name="Österlen", by=admin_of(tomelilla))
    client = _admin(tomelilla)
    # when she asks for a page of Sydöstra Skåne
    response = getattr(client, method)(path.format(pk=network.pk), {"organisation": tomelilla.pk,
                                                                     "answer": "accept"})
    # then there is no such page, and nothing changed
    assert response.status_code == 404
    assert _state(network, tomelilla) is None
    # and Ystad's admin, likewise, finds nothing of Tomelilla's network
    response = getattr(_admin(ystad), method)(path.format(pk=own.pk), {"organisation": ystad.pk, "answer": "accept"})
    assert response.status_code == 404
    assert _state(own, ystad) is None


def test_a_ystad_session_replayed_at_tomelillas_host_is_anonymous(ystad, tomelilla):
    ystad_admin = _admin(ystad)
    cookie = ystad_admin.cookies["delbar_session"].value
    stranger = Client(HTTP_HOST=host_of(tomelilla))
    stranger.cookies["delbar_session"] = cookie
    assert stranger.get("/natverk/").status_code == 302


def _count(client, path) -> int:
    client.get(path)  # warm caches (host routing, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def _more_organisations(ystad, first: int, n: int) -> None:
    """n more organisations, each invited to the demo network and to a network of its own that Ystad joins."""
    numbers = ["212000-1108", "212000-1116", "212000-1124", "212000-1207", "212000-1223", "212000-1231"]
    for i in range(first, first + n):
        organisation = provision_organisation(details=OrganisationDetails(
            name=f"Mätkommun {i}", slug=f"matkommun-{i}", kind="municipality", organisation_number=numbers[i],
        ))
        services.invite_organisation(network=demo_network(), organisation_id=organisation.pk, by=admin_of(ystad),
                                     notify=False)
        actor = services.Actor(organisation_id=organisation.pk, name="Admin", email=f"admin@{i}.example")
        own = services.create_network(name=f"Nätverk {i}", by=actor)
        services.invite_organisation(network=own, organisation_id=ystad.pk, by=actor, notify=False)
        services.accept_invitation(network=own, by=admin_of(ystad))


@pytest.mark.parametrize("path", ["/natverk/", "/natverk/{pk}/", "/natverk/{pk}/?q=kommun"])
def test_the_pages_do_not_grow_with_networks_and_members(ystad, path):
    client = _admin(ystad)
    path = path.format(pk=demo_network().pk)
    _more_organisations(ystad, 0, 1)
    few = _count(client, path)
    _more_organisations(ystad, 1, 4)
    assert _count(client, path) == few


def test_the_page_fits_a_phone_and_has_no_inline_script_or_style(ystad):
    page = _admin(ystad).get(f"/natverk/{demo_network().pk}/").content.decode()
    assert 'name="viewport"' in page
    assert "<script>" not in page and "style=" not in page and "<style" not in page
