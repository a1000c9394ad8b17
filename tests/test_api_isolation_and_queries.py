"""Organisations are sealed off from each other in the API, and API answers cost the same number of queries
however many listings, photos, reservations or categories there are."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from catalog import services
from catalog.models import Category
from tests.api_support import api_client, new_token, newcomer, token_client
from tests.catalog_factories import make_listing
from tests.conftest import user_in

pytestmark = pytest.mark.django_db

# Every endpoint that names a listing ({listing}) or a reservation ({reservation}), with a body that would be
# accepted at the right host.
BY_UUID = [
    ("get", "/api/listings/{listing}/", None),
    ("put", "/api/listings/{listing}/", {"title": "Skurups nu", "category": 1}),
    ("patch", "/api/listings/{listing}/", {"title": "Skurups nu"}),
    ("post", "/api/listings/{listing}/publish/", None),
    ("post", "/api/listings/{listing}/withdraw/", {"reason": "Min nu"}),
    ("post", "/api/listings/{listing}/reservations/", {"quantity": 1}),
    ("get", "/api/reservations/{reservation}/", None),
    ("post", "/api/reservations/{reservation}/confirm/", None),
    ("post", "/api/reservations/{reservation}/cancel/", {"reason": "Min nu"}),
]
COLLECTIONS = [
    ("get", "/api/listings/", None),
    ("post", "/api/listings/", {"title": "Stol", "category": 1}),
    ("get", "/api/reservations/", None),
    ("get", "/api/categories/", None),
]
EVERY_ENDPOINT = BY_UUID + COLLECTIONS


@pytest.fixture
def ystad_world(ystad):
    """A Ystad listing (draft-free: published, quantity 2) with an open reservation by personal@ystad."""
    with schema_context(ystad.schema_name):
        listing = make_listing(author=user_in(ystad, "chef"), title="Ystads hemliga soffa", quantity=2)
    client = api_client(ystad, user_in(ystad, "personal"))
    reservation = client.post(f"/api/listings/{listing.uuid}/reservations/", {}, format="json").json()
    return {"listing": listing.uuid, "reservation": reservation["uuid"], "client": client}


def _call(client, method: str, path: str, body, ids: dict):
    return getattr(client, method)(path.format(**ids), body, format="json")


def _ystad_unchanged(ystad, world) -> None:
    client = world["client"]
    listing = client.get(f"/api/listings/{world['listing']}/").json()
    assert listing["title"] == "Ystads hemliga soffa" and listing["status"] == "published"
    assert listing["quantity_available"] == 1
    assert client.get(f"/api/reservations/{world['reservation']}/").json()["status"] == "reserved"


def test_a_skurup_operator_asking_for_ystads_uuids_gets_404_everywhere(ystad, skurup, ystad_world):
    # given: an operator may manage every listing and reservation of their own organisation
    client = api_client(skurup, user_in(skurup, "operator"))
    for method, path, body in BY_UUID:
        # when
        response = _call(client, method, path, body, ystad_world)
        # then
        assert response.status_code == 404, (method, path, response.content)
        assert response.json()["error"]["code"] == "not_found"
    _ystad_unchanged(ystad, ystad_world)


def test_skurups_lists_hold_nothing_of_ystads(ystad, skurup, ystad_world):
    client = api_client(skurup, user_in(skurup, "personal"))
    found = client.get("/api/listings/", {"q": "hemliga soffa"}).json()
    assert found["count"] == 0
    mine = client.get("/api/reservations/").json()
    assert ystad_world["reservation"] not in {item["uuid"] for item in mine["results"]}


def test_a_ystad_token_replayed_at_skurup_is_401_everywhere(ystad, skurup, ystad_world):
    # given: the token works at Ystad
    person = user_in(ystad, "personal")
    key = new_token(ystad, person)
    assert token_client(ystad, person, key).get("/api/reservations/").status_code == 200
    replayed = token_client(skurup, person, key)
    for method, path, body in EVERY_ENDPOINT:
        # when
        response = _call(replayed, method, path, body, ystad_world)
        # then
        assert response.status_code == 401, (method, path, response.content)
        assert set(response.json()) == {"error"} and response.json()["error"]["code"] == "not_authenticated"
    _ystad_unchanged(ystad, ystad_world)


def test_a_ystad_session_cookie_replayed_at_skurup_is_401_everywhere(ystad, skurup, ystad_world):
    # given
    cookie = ystad_world["client"].cookies[settings.SESSION_COOKIE_NAME].value
    replayed = api_client(skurup)
    replayed.cookies[settings.SESSION_COOKIE_NAME] = cookie
    for method, path, body in EVERY_ENDPOINT:
        # when
        response = _call(replayed, method, path, body, ystad_world)
        # then
        assert response.status_code == 401, (method, path, response.content)
        assert response.json()["error"]["code"] == "not_authenticated"
    _ystad_unchanged(ystad, ystad_world)


# ---------------------------------------------------------------------------------------------- query counts


def _count(client, path: str, params: dict | None = None) -> int:
    client.get(path, params)  # warm caches (host routing, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200, response.content
    return len(queries)


def _post_listings(organisation, author, n: int, photos: int = 1) -> list:
    with schema_context(organisation.schema_name):
        return [make_listing(author=author, title=f"Kontorsstol {i}", photos=photos) for i in range(n)]


@pytest.mark.parametrize("params", [{}, {"q": "kontorsstol"}, {"category": "category"}])
def test_search_does_not_grow_with_the_number_of_listings(ystad, params):
    # given
    poster = newcomer(ystad)
    client = api_client(ystad, user_in(ystad, "personal"))
    with schema_context(ystad.schema_name):
        chairs = Category.objects.get(name="Kontorsstolar").pk
    query = {"department": poster.department_id, **{k: chairs if v == "category" else v for k, v in params.items()}}
    _post_listings(ystad, poster, 2)
    few = _count(client, "/api/listings/", query)
    # when
    _post_listings(ystad, poster, 6, photos=2)
    many = _count(client, "/api/listings/", query)
    # then
    assert many == few


def test_retrieve_does_not_grow_with_photos_or_listings(ystad):
    poster = newcomer(ystad)
    client = api_client(ystad, user_in(ystad, "personal"))
    one_photo = _post_listings(ystad, poster, 1)[0]
    few = _count(client, f"/api/listings/{one_photo.uuid}/")
    _post_listings(ystad, poster, 5)
    many_photos = _post_listings(ystad, poster, 1, photos=4)[0]
    assert _count(client, f"/api/listings/{many_photos.uuid}/") == few


@pytest.mark.parametrize("auth", ["session", "token"])
def test_my_reservations_do_not_grow_with_the_number_of_reservations(ystad, auth):
    # given
    poster, me = newcomer(ystad), newcomer(ystad)
    client = api_client(ystad, me) if auth == "session" else token_client(ystad, me)

    def reserve(n: int) -> None:
        for listing in _post_listings(ystad, poster, n):
            assert client.post(f"/api/listings/{listing.uuid}/reservations/", {}, format="json").status_code == 201

    reserve(2)
    few = _count(client, "/api/reservations/")
    # when
    reserve(5)
    many = _count(client, "/api/reservations/")
    # then
    assert many == few


def test_categories_do_not_grow_with_categories_or_listings(ystad):
    client = api_client(ystad, user_in(ystad, "personal"))
    few = _count(client, "/api/categories/")
    admin = user_in(ystad, "admin")
    with schema_context(ystad.schema_name):
        furniture = Category.objects.get(name="Möbler", parent=None)
        for n in range(8):
            services.create_category(
                by=admin, details=services.CategoryDetails(
                    name=f"Ny kategori {n}", parent=furniture, position=50 + n, platform_key="furniture.other"
                )
            )
        deeper = services.create_category(
            by=admin, details=services.CategoryDetails(name="Ny", parent=furniture, platform_key="furniture.other")
        )
        services.create_category(
            by=admin,
            details=services.CategoryDetails(name="Ny under ny", parent=deeper, platform_key="furniture.other"),
        )
    _post_listings(ystad, newcomer(ystad), 5)
    assert _count(client, "/api/categories/") == few
