"""Finding 7 of issue 13: a description of about 1 MB of distinct words answered 500 (PostgreSQL's limit on a
tsvector), and 2.4 MB descriptions were accepted and returned whole in every API search page.

A listing's texts have limits (catalog.limits, one source for the model, the form, the API and the service), over
which the answer is a clear 400 or form error; the search vector reads at most the description's limit, so no row
can make it fail; and search answers carry an excerpt, the listing itself the whole text (decision 0018).
"""

from __future__ import annotations

import random
import string

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from catalog import services
from catalog.errors import CatalogError
from catalog.limits import DESCRIPTION_MAX_LENGTH, EXCERPT_LENGTH, REASON_MAX_LENGTH
from catalog.models import Listing
from tests.api_support import category_id, error_code, token_client
from tests.catalog_factories import category, make_listing
from tests.conftest import client_for, user_in

pytestmark = pytest.mark.django_db


def distinct_words(length: int, seed: int = 13) -> str:
    """``length`` characters of different eight-letter words: the worst case for a tsvector's size."""
    rng = random.Random(seed)
    count = length // 9 + 1
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=8)) for _ in range(count))[:length]


MEGABYTE = 1024 * 1024


def _count_listings(ystad) -> int:
    with schema_context(ystad.schema_name):
        return Listing.objects.count()


def test_a_megabyte_of_distinct_words_is_a_clear_400_in_the_api(ystad):
    # given
    client = token_client(ystad, user_in(ystad, "personal"), HTTP_ACCEPT_LANGUAGE="en")
    before = _count_listings(ystad)

    # when a program posts a description of 1 MB of distinct words
    response = client.post(
        "/api/listings/",
        {"title": "Bokhylla", "category": category_id(ystad), "description": distinct_words(MEGABYTE)},
        format="json",
    )

    # then it is told which field is too long, and nothing is saved
    assert response.status_code == 400
    assert error_code(response) == "invalid"
    assert response.json()["error"]["fields"]["description"] == ["Ensure this field has no more than 5000 characters."]
    assert _count_listings(ystad) == before


def test_a_megabyte_of_distinct_words_is_a_form_error_on_the_page(ystad):
    # given
    owner = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        chairs = category().pk
    before = _count_listings(ystad)

    # when someone posts it on the page
    response = client_for(ystad, owner).post("/annonser/ny/", {
        "title": "Bokhylla", "description": distinct_words(MEGABYTE), "category": chairs, "condition": "good",
        "quantity": 1, "offer_type": "give_away", "department": owner.department_id, "contact_person": owner.pk,
    })

    # then the form says so, in Swedish, next to the description
    assert response.status_code == 200
    assert "Säkerställ att detta värde har som mest 5000 tecken (den har 1048576)." in response.content.decode()
    assert _count_listings(ystad) == before


def test_a_description_at_the_limit_is_accepted_and_searched_to_its_end(ystad):
    # given a description exactly at the limit, ending in a word found nowhere else
    description = distinct_words(DESCRIPTION_MAX_LENGTH - 11) + " slutordet1"
    assert len(description) == DESCRIPTION_MAX_LENGTH
    client = token_client(ystad, user_in(ystad, "personal"))

    # when it is posted through the API (a draft), and published with a photo through the service
    created = client.post("/api/listings/", {
        "title": "Bokhylla", "category": category_id(ystad), "description": description,
    }, format="json")
    with schema_context(ystad.schema_name):
        listing = make_listing(author=user_in(ystad, "personal"), title="Bokhylla i ek", description=description)

    # then both are stored whole, and the published one is found by its last word
    assert created.status_code == 201
    assert client.get(f"/api/listings/{created.json()['uuid']}/").json()["description"] == description
    found = client.get("/api/listings/?q=slutordet1").json()["results"]
    assert [item["uuid"] for item in found] == [str(listing.uuid)]


def test_the_service_refuses_a_description_over_the_limit_with_a_message(ystad, in_english):
    # given
    owner = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        # when
        with pytest.raises(CatalogError) as refused:
            make_listing(author=owner, description="x" * (DESCRIPTION_MAX_LENGTH + 1), publish=False)

    # then
    assert (refused.value.code, refused.value.field) == ("too_long", "description")
    assert str(refused.value.message) == "Description can be at most 5,000 characters (it has 5,001)."


def test_a_title_that_grows_when_normalised_is_a_form_error_not_a_500(ystad):
    # given a title of 120 characters that NFKC makes 240 ("ﬁ" is "fi")
    owner = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        chairs = category().pk

    # when
    response = client_for(ystad, owner).post("/annonser/ny/", {
        "title": "ﬁ" * 120, "category": chairs, "condition": "good", "quantity": 1, "offer_type": "give_away",
        "department": owner.department_id, "contact_person": owner.pk,
    })

    # then
    assert response.status_code == 200
    assert "Titel får vara högst 120 tecken (nu 240)." in response.content.decode()


def test_a_withdrawal_reason_over_the_limit_is_refused_by_the_service(ystad):
    owner = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        listing = make_listing(author=owner, title="Skåp")
        with pytest.raises(CatalogError) as refused:
            services.withdraw_listing(listing=listing, by=owner, reason="x" * (REASON_MAX_LENGTH + 1))
    assert (refused.value.code, refused.value.field) == ("too_long", "reason")


def test_a_description_stored_before_the_limit_cannot_break_the_search_vector(ystad):
    # given a listing
    owner = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        listing = make_listing(author=owner, title="Plåtskåp textgränsprov")

        # when a description of 2 MB of distinct words is written to it directly, as it could be before the limit
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE catalog_listing SET description = %s WHERE id = %s", [distinct_words(2 * MEGABYTE), listing.pk]
            )

    # then the row was written, and the listing is still found by its title
    found = token_client(ystad, owner).get("/api/listings/?q=textgränsprov").json()["results"]
    assert [item["uuid"] for item in found] == [str(listing.uuid)]


def test_api_search_answers_carry_an_excerpt_and_stay_small(ystad):
    # given a listing with a description at the limit, and one with 2.4 MB stored before there was a limit
    owner = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        at_limit = make_listing(
            author=owner, title="Arkivskåp sidstorleksprov ett", description=distinct_words(DESCRIPTION_MAX_LENGTH)
        )
        huge = make_listing(author=owner, title="Arkivskåp sidstorleksprov två")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE catalog_listing SET description = %s WHERE id = %s",
                ["Stort arkivskåp. " * 150_000, huge.pk],
            )
    client = token_client(ystad, owner)

    # when a program searches
    response = client.get("/api/listings/?q=sidstorleksprov")

    # then each result has a short excerpt, no description, and the page is small
    results = {item["uuid"]: item for item in response.json()["results"]}
    assert set(results) == {str(at_limit.uuid), str(huge.uuid)}
    for item in results.values():
        assert "description" not in item
        assert len(item["excerpt"]) <= EXCERPT_LENGTH and item["excerpt"].endswith("…")
    assert results[str(huge.uuid)]["excerpt"].startswith("Stort arkivskåp. Stort arkivskåp.")
    assert len(response.content) < 20_000

    # and the listing itself has the whole text
    assert len(client.get(f"/api/listings/{at_limit.uuid}/").json()["description"]) == DESCRIPTION_MAX_LENGTH
