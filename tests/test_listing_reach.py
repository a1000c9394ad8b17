"""Each listing's reach (decision 0025): our organisation only, our networks, or every organisation on Delbar; by
default the organisation's own setting, which its admins set on the networks page."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from catalog import selectors, services
from catalog.errors import CatalogError
from catalog.models import Listing, Reach

from .api_support import api_client, category_id, error_code
from .catalog_factories import make_listing, photo_upload
from .conftest import client_for, user_in

pytestmark = pytest.mark.django_db


def _set_default(organisation, reach: str) -> None:
    with schema_context(organisation.schema_name):
        services.set_default_reach(by=user_in(organisation, "admin"), reach=reach)


def test_a_new_listing_has_the_organisations_default_unless_its_poster_chooses(ystad):
    poster = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        # given the default as it comes: the organisation only
        assert selectors.default_reach() == Reach.ORGANISATION
        assert make_listing(author=poster, title="Stol A").reach == Reach.ORGANISATION
        # when the admin sets the default to the networks
        services.set_default_reach(by=user_in(ystad, "admin"), reach=Reach.NETWORKS)
        # then new listings reach the networks, unless their poster chooses otherwise
        assert make_listing(author=poster, title="Stol B").reach == Reach.NETWORKS
        assert make_listing(author=poster, title="Stol C", reach=Reach.EVERYONE).reach == Reach.EVERYONE
        # and listings already posted keep theirs
        assert Listing.objects.get(title="Stol A").reach == Reach.ORGANISATION


def test_the_default_is_each_organisations_own(ystad, skurup):
    _set_default(ystad, Reach.EVERYONE)
    with schema_context(skurup.schema_name):
        assert selectors.default_reach() == Reach.ORGANISATION


def test_an_edit_keeps_the_reach_unless_it_changes_it(ystad):
    poster = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        listing = make_listing(author=poster, reach=Reach.NETWORKS)
        details = services.ListingDetails(title="Ny rubrik", category=listing.category, department=listing.department,
                                          contact_person=poster)
        assert services.update_listing(listing=listing, editor=poster, details=details).reach == Reach.NETWORKS
        narrowed = services.update_listing(listing=listing, editor=poster,
                                           details=services.ListingDetails(**{**details.__dict__,
                                                                              "reach": Reach.ORGANISATION}))
        assert narrowed.reach == Reach.ORGANISATION


def test_a_reach_that_is_not_a_choice_is_refused(ystad):
    poster = user_in(ystad, "personal")
    with schema_context(ystad.schema_name), pytest.raises(CatalogError) as refused:
        make_listing(author=poster, reach="world")
    assert (refused.value.code, refused.value.field) == ("invalid_choice", "reach")


@pytest.mark.parametrize("local", ["personal", "chef", "operator"])
def test_only_admins_set_the_default(ystad, local):
    with schema_context(ystad.schema_name), pytest.raises(CatalogError) as refused:
        services.set_default_reach(by=user_in(ystad, local), reach=Reach.EVERYONE)
    assert (refused.value.code, refused.value.http_status) == ("not_allowed", 403)


def test_the_listing_form_offers_the_default_and_saves_the_choice(ystad):
    # given the default is the networks
    _set_default(ystad, Reach.NETWORKS)
    poster = user_in(ystad, "personal")
    client = client_for(ystad, poster)
    # then the form has it chosen
    form = client.get("/annonser/ny/").content.decode()
    assert 'value="networks" id="id_reach_1" checked' in form
    assert "Vilka som ser den" in form and "Alla organisationer i Delbar" in form
    # when the poster chooses every organisation
    with schema_context(ystad.schema_name):
        chairs = category_id(ystad)
    response = client.post("/annonser/ny/", {
        "title": "Konferensstolar", "category": chairs, "condition": "good", "quantity": "4",
        "offer_type": "give_away", "department": poster.department_id, "contact_person": poster.pk,
        "reach": "everyone", "photos": [photo_upload()], "publish": "1",
    })
    # then it is saved so, and the detail page tells the poster
    assert response.status_code == 302
    with schema_context(ystad.schema_name):
        listing = Listing.objects.get(title="Konferensstolar")
    assert listing.reach == Reach.EVERYONE
    assert "Alla organisationer i Delbar" in client.get(f"/annonser/{listing.uuid}/").content.decode()


def test_the_api_reads_and_writes_the_reach(ystad, in_english):
    poster = user_in(ystad, "personal")
    client = api_client(ystad, poster)
    created = client.post("/api/listings/", {"title": "Bord", "category": category_id(ystad, "Bord")}, format="json")
    assert created.status_code == 201 and created.json()["reach"] == "organisation"
    uuid = created.json()["uuid"]
    changed = client.patch(f"/api/listings/{uuid}/", {"reach": "networks"}, format="json")
    assert changed.status_code == 200 and changed.json()["reach"] == "networks"
    kept = client.patch(f"/api/listings/{uuid}/", {"title": "Runt bord"}, format="json")
    assert kept.json()["reach"] == "networks"
    refused = client.patch(f"/api/listings/{uuid}/", {"reach": "world"}, format="json")
    assert refused.status_code == 400 and error_code(refused) == "invalid"


def test_the_admin_sets_the_default_on_the_networks_page(ystad):
    admin = client_for(ystad, user_in(ystad, "admin"))
    page = admin.get("/natverk/").content.decode()
    assert "Delning av nya annonser" in page
    response = admin.post("/natverk/synlighet/", {"default_reach": "networks"}, follow=True)
    assert "Sparat: nya annonser syns för ”Våra nätverk”" in response.content.decode()
    with schema_context(ystad.schema_name):
        assert selectors.default_reach() == Reach.NETWORKS
    # and staff who are not admins may not
    staff = client_for(ystad, user_in(ystad, "operator"))
    assert staff.post("/natverk/synlighet/", {"default_reach": "everyone"}).status_code == 403
    with schema_context(ystad.schema_name):
        assert selectors.default_reach() == Reach.NETWORKS
