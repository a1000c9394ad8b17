"""Photo files through the API: a program with a token can fetch what a listing's ``photos`` point to."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from .api_support import api_client, error_code, newcomer, token_client
from .catalog_factories import make_listing
from .conftest import user_in

pytestmark = pytest.mark.django_db


def _streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_token_fetches_the_photo_urls_the_listing_gives(ystad):
    # given a published listing with a photo, read with a token
    owner = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        listing = make_listing(author=owner, title="Skrivbord fotoapi")
    client = token_client(ystad, user_in(ystad, "chef"))
    photo = client.get(f"/api/listings/{listing.uuid}/").json()["photos"][0]

    # when the program follows the photo's URLs
    full = client.get(photo["url"])
    thumb = client.get(photo["thumbnail_url"])

    # then it gets the WebP files
    assert full.status_code == 200 and full["Content-Type"] == "image/webp"
    assert _streamed(full)[8:12] == b"WEBP"
    assert thumb.status_code == 200 and _streamed(thumb)[8:12] == b"WEBP"


def test_a_draft_photo_is_not_found_for_a_colleague(ystad):
    # given a draft with a photo
    owner = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        pk = make_listing(author=owner, title="Utkast fotoapi", publish=False).photos.get().pk

    # then a colleague who does not manage it gets 404 and the owner gets the file
    assert error_code(token_client(ystad, newcomer(ystad)).get(f"/api/photos/{pk}/full/")) == "not_found"
    assert api_client(ystad, owner).get(f"/api/photos/{pk}/thumb/").status_code == 200


def test_skurup_never_gets_a_ystad_photo_file(ystad, skurup):
    # given a Ystad photo
    with schema_context(ystad.schema_name):
        ystad_photo = make_listing(author=user_in(ystad, "personal"), title="Ystadfoto fotoapi").photos.get()
        ystad_bytes = ystad_photo.image.read()
    skurup_client = token_client(skurup, user_in(skurup, "admin"))

    # when Skurup's staff ask their own host for that photo number
    reply = skurup_client.get(f"/api/photos/{ystad_photo.pk}/full/")

    # then they get 404, or — if Skurup has a photo with the same number — Skurup's own file, never Ystad's
    assert reply.status_code in (200, 404)
    if reply.status_code == 200:
        with schema_context(skurup.schema_name):
            from catalog.models import ListingPhoto

            own = ListingPhoto.objects.get(pk=ystad_photo.pk)
            assert own.image.name.startswith("org_skurup/")
            assert _streamed(reply) == own.image.read() != ystad_bytes
    # and a Ystad token is not accepted at Skurup's host at all
    ystad_key_client = token_client(ystad, user_in(ystad, "personal"))
    key = ystad_key_client._credentials["HTTP_AUTHORIZATION"]
    replay = token_client(skurup, None, key=key.removeprefix("Token ")).get(f"/api/photos/{ystad_photo.pk}/full/")
    assert replay.status_code == 401


def test_a_wrong_size_is_not_found(ystad):
    owner = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        pk = make_listing(author=owner, title="Storlek fotoapi").photos.get().pk
    assert api_client(ystad, owner).get(f"/api/photos/{pk}/huge/").status_code == 404
