"""Finding 8 of issue 13: eight 40-megapixel photos in one request cost 8–12 s of server CPU, with nothing limiting
repeats.

A request's photos are measured from their headers and refused together, before any is decoded, over
PHOTO_MAX_PIXELS_PER_REQUEST; and each person may add PHOTO_UPLOADS_PER_HOUR photos an hour, counted in the cache
(Redis here as in production) per organisation and person: over it, the page says so and the API answers 429 with
Retry-After (decision 0018).
"""

from __future__ import annotations

import os
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from PIL import ImageFile

from catalog import services
from catalog.models import Listing
from tests.api_support import category_id, error_code, token_client
from tests.catalog_factories import category, photo_upload
from tests.conftest import client_for, user_in
from tests.test_photos import png_claiming

pytestmark = pytest.mark.django_db


@pytest.fixture
def decoding(monkeypatch):
    """Records every photo decoded: the service's per-photo decoding, and Pillow's pixel loading under it."""
    calls: list[str] = []
    process_photo, load = services.process_photo, ImageFile.ImageFile.load

    def processing(upload):
        calls.append(f"process {upload.name}")
        return process_photo(upload)

    def loading(image):
        calls.append("load")
        return load(image)

    monkeypatch.setattr(services, "process_photo", processing)
    monkeypatch.setattr(ImageFile.ImageFile, "load", loading)
    return calls


def forty_megapixels(n: int) -> SimpleUploadedFile:
    """A real PNG of 7300 × 5470 pixels (just under PHOTO_MAX_PIXELS), a few kilobytes on disk."""
    return SimpleUploadedFile(f"stor-{n}.png", png_claiming(7300, 5470), content_type="image/png")


# ------------------------------------------------------------------------------------------------ pixel budget


def test_eight_forty_megapixel_photos_are_refused_before_any_is_decoded(ystad, decoding, media):
    # given the attack: eight photos of 40 megapixels each, with the default settings
    client = token_client(ystad, user_in(ystad, "personal"), HTTP_ACCEPT_LANGUAGE="en")
    photos = [forty_megapixels(n) for n in range(8)]

    # when they are posted in one request
    response = client.post(
        "/api/listings/",
        {"title": "Stora bilder", "category": category_id(ystad), "photos": photos, "publish": True},
        format="multipart",
    )

    # then they are refused together, and not one was decoded
    assert response.status_code == 400
    assert error_code(response) == "photos_too_many_pixels"
    assert response.json()["error"]["message"] == (
        "Together these photos have 320 megapixels; at most 120 can be added at a time. "
        "Add fewer photos at a time or scale them down."
    )
    assert decoding == []


def test_the_budget_is_for_the_request_together(ystad, settings, decoding, media):
    # given a budget of three small photos
    settings.PHOTO_MAX_PIXELS_PER_REQUEST = 3 * 64 * 48
    owner = user_in(ystad, "personal")

    with schema_context(ystad.schema_name):
        # when three are prepared, then four
        three = services.prepare_photos([photo_upload(size=(64, 48)) for _ in range(3)], by=owner)
        decoded = len(decoding)
        with pytest.raises(services.CatalogError) as refused:
            services.prepare_photos([photo_upload(size=(64, 48)) for _ in range(4)], by=owner)

    # then three are decoded, and the four refused before decoding
    assert len(three) == 3 and decoded > 0
    assert refused.value.code == "photos_too_many_pixels" and refused.value.field == "photos"
    assert len(decoding) == decoded


def test_the_page_says_the_photos_have_too_many_pixels(ystad, decoding, media):
    # given
    owner = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        chairs = category().pk

    # when the form is posted with four 40-megapixel photos
    response = client_for(ystad, owner).post("/annonser/ny/", {
        "title": "Stora bilder", "category": chairs, "condition": "good", "quantity": 1, "offer_type": "give_away",
        "department": owner.department_id, "contact_person": owner.pk,
        "photos": [forty_megapixels(n) for n in range(4)],
    })

    # then, in Swedish, by the photos
    assert response.status_code == 200
    assert "Bilderna har tillsammans 160 megapixlar; högst 120 kan läggas till åt gången." in response.content.decode()
    assert decoding == []


# ------------------------------------------------------------------------------------------------ uploads per hour


@pytest.fixture
def redis_cache(settings):
    """The cache on the test Redis, as in production, under a prefix of this test's own (never flushed)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15"),
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }
    settings.PHOTO_UPLOADS_PER_HOUR = 3


def _post(client, *photos, title: str = "Stol med bild"):
    data = {"title": title, "category": client.category, "photos": list(photos)}
    return client.post("/api/listings/", data, format="multipart")


def _client(organisation, person):
    client = token_client(organisation, person, HTTP_ACCEPT_LANGUAGE="en")
    client.category = category_id(organisation)
    return client


def test_a_person_over_the_hourly_photos_gets_429_with_retry_after(ystad, redis_cache, media):
    # given a limit of three photos an hour
    client = _client(ystad, user_in(ystad, "personal"))

    # when they add two, then two more, then one, then one more
    first = _post(client, photo_upload(), photo_upload())
    over = _post(client, photo_upload(), photo_upload())
    third = _post(client, photo_upload())
    fourth = _post(client, photo_upload())

    # then the two that would go over are refused and not counted, so one more fits; the next is refused
    assert (first.status_code, over.status_code, third.status_code, fourth.status_code) == (201, 429, 201, 429)
    assert error_code(over) == "too_many_uploads"
    assert 1 <= int(over["Retry-After"]) <= 3600
    minutes = -(-int(fourth["Retry-After"]) // 60)
    assert fourth.json()["error"]["message"] == (
        f"You can add at most 3 photos an hour. Try again in {minutes} minutes."
    )


def test_a_refused_request_stores_nothing_and_decodes_nothing(ystad, redis_cache, decoding, media):
    # given someone who has used the hour's photos
    owner = user_in(ystad, "personal")
    client = _client(ystad, owner)
    assert _post(client, photo_upload(), photo_upload(), photo_upload()).status_code == 201
    with schema_context(ystad.schema_name):
        before = Listing.objects.filter(created_by=owner).count()
    decoding.clear()

    # when
    response = _post(client, photo_upload(), title="En för mycket")

    # then
    assert response.status_code == 429
    assert decoding == []
    with schema_context(ystad.schema_name):
        assert Listing.objects.filter(created_by=owner).count() == before


def test_the_limit_is_per_person_and_per_organisation(ystad, skurup, redis_cache, media):
    # given Ystad's person has used the hour's photos
    ystad_person, skurup_person = user_in(ystad, "personal"), user_in(skurup, "personal")
    assert ystad_person.pk == skurup_person.pk  # the same user id in two organisations
    assert _post(_client(ystad, ystad_person), photo_upload(), photo_upload(), photo_upload()).status_code == 201

    # then a colleague, and the person with the same id at Skurup, still can
    assert _post(_client(ystad, user_in(ystad, "chef")), photo_upload()).status_code == 201
    assert _post(_client(skurup, skurup_person), photo_upload()).status_code == 201
    assert _post(_client(ystad, ystad_person), photo_upload()).status_code == 429


def test_the_page_says_to_wait_in_swedish(ystad, redis_cache, media):
    # given someone who has used the hour's photos on the page
    owner = user_in(ystad, "personal")
    client = client_for(ystad, owner)
    with schema_context(ystad.schema_name):
        chairs = category().pk
    form = {
        "title": "Stol", "category": chairs, "condition": "good", "quantity": 1, "offer_type": "give_away",
        "department": owner.department_id, "contact_person": owner.pk,
    }
    assert client.post("/annonser/ny/", {**form, "photos": [photo_upload() for _ in range(3)]}).status_code == 302

    # when they add one more
    response = client.post("/annonser/ny/", {**form, "photos": [photo_upload()]})

    # then the form says so by the photos, and when to try again
    assert response.status_code == 200
    assert "Du kan lägga till högst 3 bilder i timmen. Försök igen om" in response.content.decode()
