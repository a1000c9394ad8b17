"""The listings API: search, create (JSON draft or multipart with photos), retrieve, update, publish, withdraw."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from catalog.models import Listing
from tests.api_support import api_client, category_id, error_code, newcomer
from tests.catalog_factories import make_listing, photo_upload
from tests.conftest import user_in

pytestmark = pytest.mark.django_db


def _listing(organisation, local: str = "chef", **kwargs) -> Listing:
    with schema_context(organisation.schema_name):
        return make_listing(author=user_in(organisation, local), **kwargs)


def test_search_finds_published_listings_by_a_swedish_word_and_filters(ystad):
    # given: a new department's listings (the demo world has listings of its own)
    poster = newcomer(ystad)
    with schema_context(ystad.schema_name):
        chair = make_listing(author=poster, title="Kontorsstol med armstöd")
        make_listing(author=poster, title="Skrivbord i ek", category_name="Skrivbord")
        make_listing(author=poster, title="Kontorsstol utkast", publish=False)
    client = api_client(ystad, user_in(ystad, "personal"))
    mine = {"department": poster.department_id}
    # when
    found = client.get("/api/listings/", {"q": "stol", **mine})
    by_category = client.get("/api/listings/", {"category": category_id(ystad, "Skrivbord"), **mine})
    everything = client.get("/api/listings/", {"q": "stol"})
    # then
    assert found.status_code == 200
    assert [item["uuid"] for item in found.json()["results"]] == [str(chair.uuid)]
    assert found.json()["count"] == 1
    assert [item["title"] for item in by_category.json()["results"]] == ["Skrivbord i ek"]
    assert str(chair.uuid) in {item["uuid"] for item in everything.json()["results"]}


def test_search_results_carry_category_department_and_absolute_photo_urls(ystad):
    # given
    poster = newcomer(ystad)
    with schema_context(ystad.schema_name):
        listing = make_listing(author=poster, photos=2)
    client = api_client(ystad, user_in(ystad, "personal"))
    # when
    item = client.get("/api/listings/", {"department": poster.department_id}).json()["results"][0]
    # then
    assert item["uuid"] == str(listing.uuid)
    assert item["category"] == {"id": listing.category_id, "name": "Kontorsstolar"}
    assert item["department"]["id"] == listing.department_id
    assert len(item["photos"]) == 2
    photo = item["photos"][0]
    assert photo["url"] == f"http://ystad.localhost/api/photos/{photo['id']}/full/"
    assert photo["thumbnail_url"] == f"http://ystad.localhost/api/photos/{photo['id']}/thumb/"


def test_search_is_paginated_by_24(ystad):
    # given
    poster = newcomer(ystad)
    with schema_context(ystad.schema_name):
        for n in range(25):
            make_listing(author=poster, title=f"Stol {n}", photos=1)
    client = api_client(ystad, user_in(ystad, "personal"))
    mine = {"department": poster.department_id}
    # when
    first = client.get("/api/listings/", mine).json()
    second = client.get("/api/listings/", {"page": 2, **mine}).json()
    # then
    assert first["count"] == 25 and len(first["results"]) == 24 and "page=2" in first["next"]
    assert len(second["results"]) == 1 and second["next"] is None


def test_an_unknown_filter_value_is_invalid_input(ystad):
    response = api_client(ystad, user_in(ystad, "personal")).get("/api/listings/", {"offer_type": "swap"})
    assert response.status_code == 400
    assert error_code(response) == "invalid"
    assert "offer_type" in response.json()["error"]["fields"]


def test_create_as_json_saves_a_draft_for_the_posters_department(ystad):
    # given
    person = user_in(ystad, "personal")
    client = api_client(ystad, person)
    # when
    response = client.post(
        "/api/listings/",
        {"title": "Whiteboard", "category": category_id(ystad, "Kontorsstolar"), "quantity": 2},
        format="json",
    )
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["quantity"] == body["quantity_available"] == 2
    assert body["department"]["id"] == person.department_id
    assert body["contact_person"] == {"name": person.get_full_name(), "email": person.email}
    assert body["photos"] == []


def test_create_multipart_with_photos_publishes(ystad):
    # given
    client = api_client(ystad, user_in(ystad, "personal"))
    # when
    response = client.post(
        "/api/listings/",
        {
            "title": "Skrivbordslampa",
            "category": category_id(ystad),
            "offer_type": "sell",
            "price": "150.00",
            "publish": "true",
            "photos": [photo_upload("a.jpg"), photo_upload("b.png", fmt="PNG")],
        },
        format="multipart",
    )
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "published" and body["price"] == "150.00" and len(body["photos"]) == 2


def test_create_refuses_a_file_that_is_not_a_photo_with_the_photo_error(ystad):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # given
    client = api_client(ystad, user_in(ystad, "personal"), HTTP_ACCEPT_LANGUAGE="en")
    fake = SimpleUploadedFile("virus.jpg", b"MZ not a picture", content_type="image/jpeg")
    # when
    response = client.post(
        "/api/listings/", {"title": "Stol", "category": category_id(ystad), "photos": [fake]}, format="multipart"
    )
    # then
    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "photo_unreadable", "message": "virus.jpg is not a photo we can read. Use JPEG, PNG or WebP."}
    }
    with schema_context(ystad.schema_name):
        assert not Listing.objects.filter(title="Stol").exists()


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"publish": True}, "photo_required"),
        ({"offer_type": "sell"}, "price_required"),
        ({"price": "10.00"}, "price_not_allowed"),
    ],
)
def test_create_refusals_from_the_services(ystad, payload, code):
    client = api_client(ystad, user_in(ystad, "personal"))
    response = client.post(
        "/api/listings/", {"title": "Stol", "category": category_id(ystad), **payload}, format="json"
    )
    assert response.status_code == 400
    assert error_code(response) == code


def test_a_member_cannot_post_for_another_department(ystad):
    # given
    chef = user_in(ystad, "chef")
    client = api_client(ystad, user_in(ystad, "personal"))
    # when
    response = client.post(
        "/api/listings/",
        {"title": "Stol", "category": category_id(ystad), "department": chef.department_id},
        format="json",
    )
    # then
    assert response.status_code == 403
    assert error_code(response) == "not_allowed"


def test_create_with_missing_fields_names_them(ystad):
    response = api_client(ystad, user_in(ystad, "personal")).post("/api/listings/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"title", "category"}


def test_retrieve_a_published_listing(ystad):
    # given
    listing = _listing(ystad)
    client = api_client(ystad, user_in(ystad, "personal"))
    # when
    response = client.get(f"/api/listings/{listing.uuid}/")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == listing.title and body["status"] == "published"
    assert body["contact_person"]["email"] == "chef@ystad.example"


def test_a_draft_is_visible_to_its_owner_and_operators_only(ystad):
    # given
    draft = _listing(ystad, publish=False)
    path = f"/api/listings/{draft.uuid}/"
    # then
    assert api_client(ystad, user_in(ystad, "chef")).get(path).status_code == 200
    assert api_client(ystad, user_in(ystad, "operator")).get(path).status_code == 200
    refused = api_client(ystad, user_in(ystad, "personal")).get(path)
    assert refused.status_code == 404
    assert error_code(refused) == "not_found"


def test_patch_changes_only_what_is_sent(ystad):
    # given
    listing = _listing(ystad, description="Svart.", quantity=3)
    client = api_client(ystad, user_in(ystad, "chef"))
    # when
    response = client.patch(f"/api/listings/{listing.uuid}/", {"title": "Kontorsstol, svart"}, format="json")
    # then
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["title"] == "Kontorsstol, svart"
    assert body["description"] == "Svart." and body["quantity"] == 3


def test_patch_from_selling_to_giving_away_drops_the_price(ystad):
    # given
    listing = _listing(ystad, offer_type="sell", price=Decimal("100.00"))
    client = api_client(ystad, user_in(ystad, "chef"))
    # when
    response = client.patch(f"/api/listings/{listing.uuid}/", {"offer_type": "give_away"}, format="json")
    # then
    assert response.status_code == 200, response.json()
    assert response.json()["price"] is None


def test_put_replaces_details_and_multipart_adds_and_removes_photos(ystad):
    # given
    listing = _listing(ystad, description="Svart.")
    client = api_client(ystad, user_in(ystad, "chef"))
    old_photo = client.get(f"/api/listings/{listing.uuid}/").json()["photos"][0]["id"]
    # when
    response = client.put(
        f"/api/listings/{listing.uuid}/",
        {"title": "Ny titel", "category": category_id(ystad), "photos": [photo_upload()], "remove_photos": [old_photo]},
        format="multipart",
    )
    # then
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["title"] == "Ny titel" and body["description"] == ""
    assert [photo["id"] for photo in body["photos"]] != [old_photo] and len(body["photos"]) == 1


def test_only_the_owner_side_may_update(ystad):
    listing = _listing(ystad)
    response = api_client(ystad, user_in(ystad, "personal")).patch(
        f"/api/listings/{listing.uuid}/", {"title": "Min nu"}, format="json"
    )
    assert response.status_code == 403
    assert error_code(response) == "not_allowed"


def test_quantity_cannot_go_below_what_is_reserved(ystad):
    # given
    listing = _listing(ystad, quantity=3)
    api_client(ystad, user_in(ystad, "personal")).post(
        f"/api/listings/{listing.uuid}/reservations/", {"quantity": 2}, format="json"
    )
    # when
    response = api_client(ystad, user_in(ystad, "chef")).patch(
        f"/api/listings/{listing.uuid}/", {"quantity": 1}, format="json"
    )
    # then
    assert response.status_code == 400
    assert error_code(response) == "quantity_below_claimed"


def test_publish_a_draft_and_not_twice(ystad):
    # given
    draft = _listing(ystad, publish=False)
    client = api_client(ystad, user_in(ystad, "chef"))
    # when
    first = client.post(f"/api/listings/{draft.uuid}/publish/")
    again = client.post(f"/api/listings/{draft.uuid}/publish/")
    # then
    assert first.status_code == 200 and first.json()["status"] == "published"
    assert first.json()["published_at"] is not None
    assert again.status_code == 409 and error_code(again) == "not_possible_now"


def test_a_draft_without_photos_cannot_be_published(ystad):
    draft = _listing(ystad, publish=False, photos=0)
    response = api_client(ystad, user_in(ystad, "chef")).post(f"/api/listings/{draft.uuid}/publish/")
    assert response.status_code == 400 and error_code(response) == "photo_required"


def test_withdraw_with_a_reason_cancels_open_reservations(ystad):
    # given
    listing = _listing(ystad, quantity=2)
    reserved = api_client(ystad, user_in(ystad, "personal")).post(
        f"/api/listings/{listing.uuid}/reservations/", {}, format="json"
    ).json()
    client = api_client(ystad, user_in(ystad, "chef"))
    # when
    response = client.post(f"/api/listings/{listing.uuid}/withdraw/", {"reason": "Trasig"}, format="json")
    # then
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn" and response.json()["withdrawn_reason"] == "Trasig"
    reservation = client.get(f"/api/reservations/{reserved['uuid']}/").json()
    assert reservation["status"] == "cancelled" and reservation["cancel_reason"] == "Trasig"


def test_a_withdrawn_listing_disappears_for_others_and_cannot_be_withdrawn_again(ystad):
    # given
    listing = _listing(ystad)
    owner = api_client(ystad, user_in(ystad, "chef"))
    owner.post(f"/api/listings/{listing.uuid}/withdraw/", {}, format="json")
    # then
    assert api_client(ystad, user_in(ystad, "personal")).get(f"/api/listings/{listing.uuid}/").status_code == 404
    again = owner.post(f"/api/listings/{listing.uuid}/withdraw/", {}, format="json")
    assert again.status_code == 409 and error_code(again) == "not_possible_now"


def test_a_member_cannot_withdraw_someone_elses_listing(ystad):
    listing = _listing(ystad)
    response = api_client(ystad, user_in(ystad, "personal")).post(f"/api/listings/{listing.uuid}/withdraw/")
    assert response.status_code == 403 and error_code(response) == "not_allowed"


def test_categories_are_a_tree_in_the_asked_language(ystad):
    client = api_client(ystad, user_in(ystad, "personal"))
    swedish = client.get("/api/categories/", HTTP_ACCEPT_LANGUAGE="sv").json()
    english = client.get("/api/categories/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [root["name"] for root in swedish][:2] == ["Möbler", "IT och teknik"]
    assert "Kontorsstolar" in [child["name"] for child in swedish[0]["children"]]
    assert english[0]["name"] == "Furniture"


def test_a_search_says_which_words_it_searched_when_it_corrected_a_misspelling(ystad):
    # given a listing with a word no other title has
    from django_tenants.utils import schema_context

    from tests.api_support import api_client
    from tests.catalog_factories import make_listing
    from tests.conftest import user_in

    with schema_context(ystad.schema_name):
        make_listing(author=user_in(ystad, "personal"), title="Plywoodskiva Qvarnbjörk")
    client = api_client(ystad, user_in(ystad, "chef"))

    # when a colleague misspells it
    body = client.get("/api/listings/", {"q": "qvarnbjörc"}).json()

    # then the answer says what was searched instead, and that nothing more matched than it shows
    assert [item["title"] for item in body["results"]] == ["Plywoodskiva Qvarnbjörk"]
    assert body["searched_for"] == "qvarnbjörk"
    assert body["more_than_count"] is False
    assert client.get("/api/listings/", {"q": "qvarnbjörk"}).json()["searched_for"] is None
