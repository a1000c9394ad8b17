"""The API's edit conflict: a listing's ETag, and If-Match on PUT/PATCH, so that a stale edit is refused (412)
instead of overwriting someone else's. The same rule as the edit page's ``unchanged_since`` (``edited_at``)."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command
from django_tenants.utils import schema_context

from bookings import services as booking_services
from catalog import selectors, services
from catalog.models import Listing
from tests.api_support import api_client, error_code
from tests.catalog_factories import make_listing
from tests.conftest import user_in

pytestmark = pytest.mark.django_db


def _listing(organisation, **kwargs) -> Listing:
    with schema_context(organisation.schema_name):
        return make_listing(author=user_in(organisation, "chef"), title="Kontorsstol", quantity=3, **kwargs)


def _title(organisation, listing: Listing) -> str:
    with schema_context(organisation.schema_name):
        return Listing.objects.get(pk=listing.pk).title


def test_a_stale_patch_is_refused_with_412_and_overwrites_nothing(ystad):
    # given: two people who manage the listing, each with their own client
    listing = _listing(ystad)
    url = f"/api/listings/{listing.uuid}/"
    first = api_client(ystad, user_in(ystad, "chef"))
    second = api_client(ystad, user_in(ystad, "operator"))
    read_by_first = first.get(url)
    read_by_second = second.get(url)
    edited = second.patch(url, {"title": "Kontorsstol, grå"}, format="json", HTTP_IF_MATCH=read_by_second["ETag"])
    # when: the first PATCHes from what it read before the second's edit
    stale = first.patch(url, {"title": "Kontorsstol, svart"}, format="json", HTTP_IF_MATCH=read_by_first["ETag"])
    # then
    assert read_by_first["ETag"] == read_by_second["ETag"]
    assert edited.status_code == 200, edited.json()
    assert edited["ETag"] != read_by_second["ETag"]
    assert stale.status_code == 412
    assert error_code(stale) == "edited_meanwhile"
    assert stale.json()["error"]["message"]
    assert _title(ystad, listing) == "Kontorsstol, grå"


def test_a_stale_put_is_refused_too_and_a_fresh_read_lets_the_change_through(ystad):
    # given
    listing = _listing(ystad)
    url = f"/api/listings/{listing.uuid}/"
    client = api_client(ystad, user_in(ystad, "chef"))
    stale_tag = client.get(url)["ETag"]
    client.patch(url, {"description": "Ändrad av någon annan."}, format="json")
    body = {"title": "Ny titel", "category": listing.category_id}
    # when
    refused = client.put(url, body, format="json", HTTP_IF_MATCH=stale_tag)
    fresh_tag = client.get(url)["ETag"]
    accepted = client.put(url, body, format="json", HTTP_IF_MATCH=fresh_tag)
    # then
    assert refused.status_code == 412 and error_code(refused) == "edited_meanwhile"
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["title"] == "Ny titel"
    assert accepted["ETag"] == client.get(url)["ETag"] != fresh_tag


@pytest.mark.parametrize(
    ("if_match", "expected"),
    [
        (None, 200),  # If-Match is optional: without it, the change is made
        ("*", 200),  # any version
        ("{tag}", 200),
        ('"1", {tag}', 200),  # one of a list
        ("W/{tag}", 412),  # If-Match compares strongly, so a weak tag never matches
        ("not an entity tag", 412),
    ],
)
def test_which_if_match_values_let_a_change_through(ystad, if_match, expected):
    # given
    listing = _listing(ystad)
    url = f"/api/listings/{listing.uuid}/"
    client = api_client(ystad, user_in(ystad, "chef"))
    tag = client.get(url)["ETag"]
    headers = {} if if_match is None else {"HTTP_IF_MATCH": if_match.format(tag=tag)}
    # when
    response = client.patch(url, {"title": "Kontorsstol, svart"}, format="json", **headers)
    # then
    assert response.status_code == expected, response.json()


def test_an_edit_between_the_read_and_the_lock_is_refused_with_412(ystad, monkeypatch):
    # given: the If-Match matches the listing as the request reads it, and someone edits it right after that read
    listing = _listing(ystad)
    url = f"/api/listings/{listing.uuid}/"
    client = api_client(ystad, user_in(ystad, "chef"))
    tag = client.get(url)["ETag"]
    read = selectors.listing_for
    operator = user_in(ystad, "operator")

    def read_then_someone_edits(**kwargs):
        found = read(**kwargs)
        fields = {name: getattr(found, name) for name in services.DETAIL_FIELDS}
        services.update_listing(
            listing=found, editor=operator, details=services.ListingDetails(**{**fields, "title": "Operatörens"})
        )
        return found

    monkeypatch.setattr(selectors, "listing_for", read_then_someone_edits)
    # when
    response = client.patch(url, {"description": "Min ändring."}, format="json", HTTP_IF_MATCH=tag)
    # then
    assert response.status_code == 412 and error_code(response) == "edited_meanwhile"
    assert _title(ystad, listing) == "Operatörens"


def test_a_reservation_does_not_change_the_version(ystad):
    # given: as on the edit page, a version is the listing's details; a reservation changes only what is left
    listing = _listing(ystad)
    url = f"/api/listings/{listing.uuid}/"
    client = api_client(ystad, user_in(ystad, "chef"))
    before = client.get(url)["ETag"]
    with schema_context(ystad.schema_name):
        booking_services.reserve_listing(listing=listing, by=user_in(ystad, "personal"), notify=False)
    # when
    after = client.patch(url, {"title": "Kontorsstol, svart"}, format="json", HTTP_IF_MATCH=before)
    # then
    assert after.status_code == 200, after.json()
    assert after.json()["quantity_available"] == 2


def test_every_answer_with_a_listing_carries_its_etag(ystad):
    # given
    client = api_client(ystad, user_in(ystad, "chef"))
    # when
    created = client.post("/api/listings/", {"title": "Bord", "category": _listing(ystad).category_id},
                          format="json")
    url = f"/api/listings/{created.json()['uuid']}/"
    read = client.get(url)
    # then
    assert created.status_code == 201
    assert created["ETag"] == read["ETag"] and read["ETag"].startswith('"')


def test_the_schema_declares_if_match_the_etag_and_412(tmp_path):
    # given
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    item = yaml.safe_load(out.read_text())["paths"]["/api/listings/{uuid}/"]
    # then
    for method in ("put", "patch"):
        assert any(p["name"] == "If-Match" and p["in"] == "header" for p in item[method]["parameters"])
        assert "412" in item[method]["responses"]
        assert "ETag" in item[method]["responses"]["200"]["headers"]
    assert "ETag" in item["get"]["responses"]["200"]["headers"]
