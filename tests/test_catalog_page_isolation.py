"""Ystad's listings, reservations and photos are worth nothing at Skurup's host, for every catalogue page.

(a) A Skurup user at skurup.localhost asking for Ystad's ids gets 404 (and Skurup's own pages show nothing of
Ystad's); (b) Ystad's session cookie replayed at skurup.localhost gets the login page; (c) anonymous visitors get
the login page. Never data.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django_tenants.utils import schema_context

from bookings import services as booking_services
from bookings.lifecycle import BookingStatus as ReservationStatus
from catalog.lifecycle import ListingStatus
from catalog.models import Category, Listing, ListingPhoto

from .catalog_factories import available, make_listing, photo_upload
from .conftest import client_for, host_of, user_in

pytestmark = pytest.mark.django_db

TITLE = "Ystadstol X9Q"

# Every catalogue page: (method, path); {listing}, {reservation} and {photo} are filled with Ystad's ids.
LISTING_PAGES = [
    ("get", "/annonser/{listing}/"),
    ("get", "/annonser/{listing}/andra/"),
    ("post", "/annonser/{listing}/andra/"),
    ("post", "/annonser/{listing}/publicera/"),
    ("get", "/annonser/{listing}/ta-ned/"),
    ("post", "/annonser/{listing}/ta-ned/"),
    ("post", "/annonser/{listing}/reservera/"),
]
RESERVATION_PAGES = [
    ("post", "/reservationer/{reservation}/overlamnad/"),
    ("get", "/reservationer/{reservation}/avboka/"),
    ("post", "/reservationer/{reservation}/avboka/"),
]
PHOTO_PAGES = [
    ("get", "/bilder/{photo}/full/"),
    ("get", "/bilder/{photo}/thumb/"),
]
PLAIN_PAGES = [
    ("get", "/"),
    ("get", "/?q=ystadstol"),
    ("get", "/annonser/ny/"),
    ("post", "/annonser/ny/"),
    ("get", "/mina-annonser/"),
    ("get", "/mina-reservationer/"),
    ("get", "/statistik/"),
    ("get", "/mitt-konto/"),
]
# The organisation admin's category pages (Administrera); Django admin's, which only platform staff may use, send an
# organisation admin there (decision 0039) and anyone logged out to its login.
ADMIN_PAGES = [
    ("get", "/administrera/kategorier/"),
    ("get", "/administrera/e-post/"),
]
ADMIN_WRITES = [("post", "/administrera/kategorier/")]
DJANGO_ADMIN_PAGES = [
    ("get", "/admin/catalog/category/"),
    ("get", "/admin/catalog/category/add/"),
]
ID_PAGES = LISTING_PAGES + RESERVATION_PAGES + PHOTO_PAGES
EVERY_PAGE = ID_PAGES + PLAIN_PAGES + ADMIN_PAGES + ADMIN_WRITES + DJANGO_ADMIN_PAGES

# What a POST carries: enough to do harm if it reached a view that did not check.
POST_DATA = {"title": "Kapad", "name": "Kapad", "platform_key": "other", "quantity": "1", "reason": "Kapad",
             "message": "Kapad", "next": "/"}


@pytest.fixture(autouse=True)
def _own_media_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def in_ystad(ystad):
    """A published Ystad listing with a photo and a colleague's open reservation, plus a Ystad-only category."""
    with schema_context(ystad.schema_name):
        listing = make_listing(author=user_in(ystad, "personal"), title=TITLE, quantity=2)
        reservation = booking_services.reserve_listing(
            listing=listing, by=user_in(ystad, "chef"), message="Ystad hämtar"
        )
        Category.objects.create(name="Ystadkategori X9Q", position=99)
        return {"listing": listing, "reservation": reservation, "photo": listing.photos.get()}


def _url(path: str, data: dict) -> str:
    return path.format(
        listing=data["listing"].uuid, reservation=data["reservation"].uuid, photo=data["photo"].pk
    )


def _request(client: Client, method: str, url: str):
    response = client.post(url, POST_DATA) if method == "post" else client.get(url)
    if response.streaming:
        response.content = b"".join(response.streaming_content)  # read and closed, as a browser would
    return response


def _ystad_unchanged(ystad, data) -> None:
    with schema_context(ystad.schema_name):
        listing = Listing.objects.get(pk=data["listing"].pk)
        reservation = listing.bookings.get()
        assert (listing.title, listing.status, available(listing)) == (TITLE, ListingStatus.PUBLISHED, 1)
        assert reservation.status == ReservationStatus.RESERVED
        assert listing.photos.count() == 1
        assert not Category.objects.filter(name="Kapad").exists()


def _skurup_photo_with_pk(skurup, pk: int) -> ListingPhoto:
    """A photo of a Skurup listing that has the primary key ``pk`` (ids are counted per schema, so they can meet)."""
    with schema_context(skurup.schema_name):
        photo = make_listing(author=user_in(skurup, "personal"), title="Skurupstol").photos.get()
        ListingPhoto.objects.filter(pk=pk).delete()
        ListingPhoto.objects.filter(pk=photo.pk).update(id=pk)
        return ListingPhoto.objects.get(pk=pk)


# ---------------------------------------------------------------------------- (a) a Skurup user at Skurup's host


@pytest.mark.parametrize("role", ["personal", "admin"])
def test_a_skurup_user_gets_404_for_ystads_ids_on_every_page(ystad, skurup, in_ystad, role):
    # given a Skurup person (the admin may manage every Skurup listing) and no photo in Skurup with Ystad's photo id
    client = client_for(skurup, user_in(skurup, role))
    with schema_context(skurup.schema_name):
        ListingPhoto.objects.filter(pk=in_ystad["photo"].pk).delete()

    # when they ask Skurup's host for Ystad's listing, reservation and photo
    for method, path in ID_PAGES:
        response = _request(client, method, _url(path, in_ystad))

        # then nothing is found
        assert response.status_code == 404, (method, path)
        assert TITLE not in response.content.decode()
    _ystad_unchanged(ystad, in_ystad)


@pytest.mark.parametrize("role", ["personal", "admin"])
def test_skurups_own_pages_show_nothing_of_ystads(ystad, skurup, in_ystad, role):
    client = client_for(skurup, user_in(skurup, role))

    for method, path in PLAIN_PAGES + (ADMIN_PAGES + DJANGO_ADMIN_PAGES if role == "admin" else []):
        response = _request(client, method, _url(path, in_ystad))

        assert response.status_code in (200, 302), (method, path)
        body = response.content.decode()
        for ystad_only in (TITLE, "Ystad hämtar", "Ystadkategori X9Q", "Östervångsskolan", "Äldreomsorgen"):
            assert ystad_only not in body, (method, path, ystad_only)
    _ystad_unchanged(ystad, in_ystad)


def test_a_listing_posted_at_skurup_lands_in_skurups_schema(ystad, skurup):
    person = user_in(skurup, "personal")
    with schema_context(skurup.schema_name):
        chairs = Category.objects.get(name="Kontorsstolar")
    data = {
        "title": "Skurupstol X9Q", "category": chairs.pk, "condition": "good", "quantity": 1,
        "offer_type": "give_away", "department": person.department_id, "contact_person": person.pk,
        "photos": [photo_upload()], "publish": "1",
    }

    response = client_for(skurup, person).post("/annonser/ny/", data)

    assert response.status_code == 302
    with schema_context(skurup.schema_name):
        photo = Listing.objects.get(title="Skurupstol X9Q").photos.get()
    assert photo.image.name.startswith("org_skurup/")
    with schema_context(ystad.schema_name):
        assert not Listing.objects.filter(title="Skurupstol X9Q").exists()


def test_a_photo_id_both_organisations_have_serves_skurups_own_file_at_skurup(ystad, skurup, in_ystad):
    # given a Skurup photo with the same id as Ystad's
    ystad_photo = in_ystad["photo"]
    skurup_photo = _skurup_photo_with_pk(skurup, ystad_photo.pk)
    assert ystad_photo.image.name.startswith("org_ystad/")
    assert skurup_photo.image.name.startswith("org_skurup/")

    for size, field in (("full", "image"), ("thumb", "thumbnail")):
        # when a Skurup member asks Skurup's host for that id
        response = client_for(skurup, user_in(skurup, "admin")).get(f"/bilder/{ystad_photo.pk}/{size}/")

        # then they get Skurup's file from Skurup's folder (its name is unique: a random key), never Ystad's
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        skurup_file = getattr(skurup_photo, field).name
        assert skurup_file.startswith("org_skurup/listings/")
        assert f'filename="{Path(skurup_file).name}"' in response["Content-Disposition"]
        assert content == (Path(settings.MEDIA_ROOT) / skurup_file).read_bytes()
        assert content != (Path(settings.MEDIA_ROOT) / getattr(ystad_photo, field).name).read_bytes()


# ---------------------------------------------------------------------------- (b) Ystad's cookie replayed at Skurup


def test_ystads_session_cookie_replayed_at_skurup_gets_the_login_page_on_every_page(ystad, skurup, in_ystad):
    # given a logged-in Ystad organisation admin (who may do anything in Ystad) whose session works at Ystad
    ystad_client = client_for(ystad, user_in(ystad, "admin"))
    assert ystad_client.get(_url("/annonser/{listing}/", in_ystad)).status_code == 200
    cookie = ystad_client.cookies[settings.SESSION_COOKIE_NAME].value

    # when the cookie is replayed at Skurup's host
    replay = Client(HTTP_HOST=host_of(skurup))
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    for method, path in EVERY_PAGE:
        response = _request(replay, method, _url(path, in_ystad))

        # then Skurup knows no such session: the login page, never data
        _assert_login_page(response, path)
    _ystad_unchanged(ystad, in_ystad)


# ---------------------------------------------------------------------------- (c) anonymous


@pytest.mark.parametrize("organisation_slug", ["ystad", "skurup"])
def test_anonymous_visitors_get_the_login_page_on_every_page(ystad, skurup, in_ystad, organisation_slug):
    client = Client(HTTP_HOST=host_of(ystad if organisation_slug == "ystad" else skurup))

    for method, path in EVERY_PAGE:
        _assert_login_page(_request(client, method, _url(path, in_ystad)), path)
    _ystad_unchanged(ystad, in_ystad)


def _assert_login_page(response, path: str) -> None:
    assert response.status_code == 302, path
    login = "/admin/login/" if path.startswith("/admin/") else "/konto/login/"
    assert response["Location"].startswith(login), (path, response["Location"])
    assert TITLE not in response.content.decode()
