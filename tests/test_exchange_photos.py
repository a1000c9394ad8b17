"""Photos of offers (issue 8 part 5, decision 0029): copied to the exchange's own folder when a listing is published
to it, brought up to date with the offer, removed with it (files only after the commit), served only to staff of an
organisation that may see the offer, shown on the search cards, and repaired by the nightly reconciliation."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from catalog import services as catalog
from catalog.models import Listing, Reach
from exchange import offer_photos, publication, services
from exchange.models import Offer, OfferPhoto
from outbox.services import deliver_due
from tenants.models import OrganisationStatus
from tenants.services import set_status

from .catalog_factories import make_listing
from .conftest import client_for, user_in
from .exchange_support import admin_of, demo_network

pytestmark = pytest.mark.django_db


def _deliver(organisation) -> None:
    """What the relay does once the organisation's transaction has committed."""
    with schema_context(organisation.schema_name):
        deliver_due()
    connection.set_schema_to_public()


def _share(organisation, *, photos: int = 2, reach: str = Reach.NETWORKS, title: str = "Kontorsstol Fotad") -> Listing:
    poster = user_in(organisation, "personal")
    with schema_context(organisation.schema_name):
        listing = make_listing(author=poster, title=title, photos=photos, reach=reach)
    _deliver(organisation)
    return listing


def _listing_photos(organisation, listing) -> list:
    with schema_context(organisation.schema_name):
        return list(Listing.objects.get(pk=listing.pk).photos.all())


def _offer_photos(organisation, listing) -> list[OfferPhoto]:
    connection.set_schema_to_public()
    return list(OfferPhoto.objects.filter(offer__organisation=organisation, offer__listing=listing.uuid))


def _file(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def _details(listing, **changes) -> catalog.ListingDetails:
    values = {name: getattr(listing, name) for name in catalog.DETAIL_FIELDS}
    return catalog.ListingDetails(**{**values, **changes})


def _get(organisation, local: str | None, photo: OfferPhoto, size: str = "thumb"):
    user = user_in(organisation, local) if local else None
    response = client_for(organisation, user).get(f"/natverk/bilder/{photo.pk}/{size}/")
    connection.set_schema_to_public()  # as between requests
    return response


# ------------------------------------------------------------------------------------------------ publication


def test_publication_copies_the_listings_photos_to_the_exchanges_own_folder(ystad):
    # given a listing of Ystad's with two photos, shared with its networks
    listing = _share(ystad, photos=2)
    # when the relay has run, then the offer has both photos, in the listing's order
    originals = _listing_photos(ystad, listing)
    copies = _offer_photos(ystad, listing)
    assert [photo.source for photo in copies] == [Path(photo.image.name).stem for photo in originals]
    assert [photo.position for photo in copies] == [0, 1]
    folder = f"exchange/{ystad.pk}/{listing.uuid}/"
    for original, copy in zip(originals, copies, strict=True):
        # and each file is a copy of catalog's re-encoded WebP and thumbnail, in the exchange's folder, not Ystad's
        assert copy.image.name.startswith(folder) and copy.thumbnail.name.startswith(folder)
        assert _file(copy.image.name).read_bytes() == _file(original.image.name).read_bytes()
        assert _file(copy.thumbnail.name).read_bytes() == _file(original.thumbnail.name).read_bytes()
        assert (copy.width, copy.height) == (original.width, original.height)
        assert ystad.schema_name not in copy.image.name


def test_editing_the_photos_republishes_them_and_the_removed_ones_files_go_after_the_commit(
    ystad, django_capture_on_commit_callbacks
):
    # given a shared listing with two photos in the exchange
    listing = _share(ystad, photos=2)
    first, second = _offer_photos(ystad, listing)
    poster = user_in(ystad, "personal")
    # when the poster removes the first photo and adds one, and the relay runs after the commit
    with django_capture_on_commit_callbacks(execute=True):
        with schema_context(ystad.schema_name):
            removed = _listing_photos(ystad, listing)[0]
            current = catalog.update_listing(
                listing=listing, editor=poster, details=_details(listing),
                add_photos=catalog.prepare_photos([_upload()]), remove_photo_ids=[removed.pk],
            )
        _deliver(ystad)
    # then the offer, at the listing's new version, shows the listing's photos as they are now
    offer = Offer.objects.get(organisation=ystad, listing=listing.uuid)
    assert offer.version == current.version
    now = _offer_photos(ystad, listing)
    assert [photo.source for photo in now] == [Path(p.image.name).stem for p in _listing_photos(ystad, listing)]
    assert second.source == now[0].source and second.pk == now[0].pk  # kept, not copied again
    # and the removed photo's copies are gone from the exchange's folder
    assert not _file(first.image.name).exists() and not _file(first.thumbnail.name).exists()
    assert _file(now[1].image.name).exists()


def _upload():
    from .catalog_factories import photo_upload

    return photo_upload()


@pytest.mark.parametrize("how", ["withdraw", "narrow", "taken"])
def test_withdrawing_narrowing_or_taking_it_removes_the_photos_rows_and_files(
    ystad, how, django_capture_on_commit_callbacks
):
    # given a shared listing with its photos in the exchange
    listing = _share(ystad, photos=2)
    copies = _offer_photos(ystad, listing)
    names = [name for photo in copies for name in (photo.image.name, photo.thumbnail.name)]
    assert all(_file(name).exists() for name in names)
    poster, colleague = user_in(ystad, "personal"), user_in(ystad, "chef")
    # when it is withdrawn, narrowed to the organisation, or all of it reserved, and the relay runs
    with django_capture_on_commit_callbacks(execute=True):
        with schema_context(ystad.schema_name):
            if how == "withdraw":
                catalog.withdraw_listing(listing=listing, by=poster, notify=False)
            elif how == "narrow":
                catalog.update_listing(listing=listing, editor=poster,
                                       details=_details(listing, reach=Reach.ORGANISATION))
            else:
                from bookings import services as bookings

                bookings.reserve_listing(listing=listing, by=colleague, notify=False)
        _deliver(ystad)
    # then neither the offer nor its photos are left, and the files are deleted, and their folder
    assert not Offer.objects.filter(organisation=ystad, listing=listing.uuid).exists()
    assert not OfferPhoto.objects.filter(pk__in=[photo.pk for photo in copies]).exists()
    assert not any(_file(name).exists() for name in names)
    assert not _file(f"exchange/{ystad.pk}/{listing.uuid}").exists()


def test_a_removal_that_rolls_back_loses_no_file(ystad, django_capture_on_commit_callbacks):
    # given an offer with its photos
    listing = _share(ystad, photos=1)
    (copy,) = _offer_photos(ystad, listing)
    offer = Offer.objects.get(organisation=ystad, listing=listing.uuid)
    # when its removal is rolled back
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            assert services.withdraw_offer(organisation_id=ystad.pk, listing=listing.uuid, version=offer.version)
            raise RuntimeError("something after it failed")
    # then the photo, its row and its files are all still there
    assert callbacks == []
    assert OfferPhoto.objects.filter(pk=copy.pk).exists()
    assert _file(copy.image.name).exists() and _file(copy.thumbnail.name).exists()


def test_an_older_version_never_replaces_the_photos_of_a_newer_one(ystad):
    # given the offer at the listing's version, with its photo
    listing = _share(ystad, photos=1)
    offer = Offer.objects.get(organisation=ystad, listing=listing.uuid)
    (held,) = _offer_photos(ystad, listing)
    # when a snapshot of an older version arrives, with other photos
    with schema_context(ystad.schema_name):
        other = make_listing(author=user_in(ystad, "personal"), photos=1, reach=Reach.ORGANISATION)
        (stranger,) = _listing_photos(ystad, other)
    older = services.OfferSnapshot(
        organisation_id=ystad.pk, listing=listing.uuid, version=offer.version - 1, reach="networks", title="Gammal",
        excerpt="", category_key="", condition="good", quantity_available=1, offer_type="give_away", price=None,
        rent_period="", contact_name="", contact_email="x@ystad.example", published_at=None,
        photos=(offer_photos.PhotoSnapshot(key="a" * 32, image=stranger.image.name,
                                           thumbnail=stranger.thumbnail.name, width=1, height=1),),
    )
    # then nothing is written
    assert not services.publish_offer(offer=older)
    assert [photo.pk for photo in _offer_photos(ystad, listing)] == [held.pk]
    assert Offer.objects.get(pk=offer.pk).title == listing.title


# ------------------------------------------------------------------------------------------------ who sees them


def test_a_partner_gets_the_photo_as_webp_with_private_caching(ystad, skurup):
    # given Ystad's listing shared with its networks (Skurup is in "Sydöstra Skåne")
    listing = _share(ystad, photos=1)
    (copy,) = _offer_photos(ystad, listing)
    for size, field in (("thumb", copy.thumbnail), ("full", copy.image)):
        # when a Skurup employee asks for it
        response = _get(skurup, "personal", copy, size)
        # then they get the WebP, which only their browser may keep
        assert response.status_code == 200
        assert response["Content-Type"] == "image/webp"
        assert response["Cache-Control"].startswith("private")
        assert b"".join(response.streaming_content) == _file(field.name).read_bytes()


def test_an_organisation_outside_the_network_ours_and_an_unknown_photo_get_404(ystad, tomelilla):
    # given Ystad's listing shared with its networks only
    listing = _share(ystad, photos=1)
    (copy,) = _offer_photos(ystad, listing)
    # then Tomelilla, outside the network, gets 404, as for a photo that does not exist
    assert _get(tomelilla, "personal", copy).status_code == 404
    assert _get(tomelilla, "admin", copy, "full").status_code == 404
    # and so does Ystad's own staff at the exchange's address (they see the listing's own photos in catalog)
    assert _get(ystad, "personal", copy).status_code == 404
    # and an unknown size or photo
    assert _get(tomelilla, "personal", OfferPhoto(pk=copy.pk + 10_000)).status_code == 404
    response = client_for(ystad, user_in(ystad, "personal")).get(f"/natverk/bilder/{copy.pk}/original/")
    assert response.status_code == 404


def test_a_photo_offered_to_everyone_is_served_to_an_organisation_outside_the_network(ystad, tomelilla):
    listing = _share(ystad, photos=1, reach=Reach.EVERYONE)
    (copy,) = _offer_photos(ystad, listing)
    assert _get(tomelilla, "personal", copy).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in_and_get_no_photo(ystad, skurup):
    listing = _share(ystad, photos=1, reach=Reach.EVERYONE)
    (copy,) = _offer_photos(ystad, listing)
    response = _get(skurup, None, copy)
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_leaving_the_network_or_the_offerer_being_suspended_hides_the_photo(ystad, skurup, trelleborg):
    # given Ystad's network photo, which Skurup and Trelleborg may see
    listing = _share(ystad, photos=1)
    (copy,) = _offer_photos(ystad, listing)
    assert _get(skurup, "personal", copy).status_code == 200
    # when Skurup leaves the network, then it gets 404
    services.leave_network(network=demo_network(), by=admin_of(skurup))
    assert _get(skurup, "personal", copy).status_code == 404
    # when Ystad is suspended, then nobody gets it (its offers stay, hidden, until it is active again)
    assert _get(trelleborg, "personal", copy).status_code == 200
    set_status(organisation=ystad, status=OrganisationStatus.SUSPENDED)
    assert _get(trelleborg, "personal", copy).status_code == 404
    set_status(organisation=ystad, status=OrganisationStatus.ACTIVE)
    assert _get(trelleborg, "personal", copy).status_code == 200


def test_the_photo_address_costs_the_same_queries_for_any_offer(ystad, skurup):
    small = _share(ystad, photos=1, title="Liten")
    large = _share(ystad, photos=8, title="Stor")

    def count(photo) -> int:
        client = client_for(skurup, user_in(skurup, "personal"))
        connection.set_schema_to_public()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/natverk/bilder/{photo.pk}/thumb/").status_code == 200
        return len(queries)

    count(_offer_photos(ystad, small)[0])  # the host's routing is read once per process
    assert count(_offer_photos(ystad, small)[0]) == count(_offer_photos(ystad, large)[7])


# ------------------------------------------------------------------------------------------------ search cards


def test_the_search_cards_show_each_offers_thumbnail_with_its_title_as_text(ystad, skurup):
    # given one of Ystad's offers with photos and one without (published before photos were copied)
    listing = _share(ystad, photos=2, title="Kontorsstol Bildad Zq")
    services.publish_offer(offer=services.OfferSnapshot(
        organisation_id=ystad.pk, listing=uuid.uuid4(), version=1, reach="networks", title="Kontorsstol Bildlös Zq",
        excerpt="", category_key="furniture.office_chairs", condition="good", quantity_available=1,
        offer_type="give_away", price=None, rent_period="", contact_name="", contact_email="a@ystad.example",
        published_at=None,
    ))
    cover = _offer_photos(ystad, listing)[0]
    # when a Skurup employee searches
    page = client_for(skurup, user_in(skurup, "personal")).get(
        "/natverk/sok/", {"omfang": "natverk", "q": "zq"}).content.decode()
    # then the first photo's thumbnail is on its card, named by the offer's title; the other card has none
    assert f'<img src="/natverk/bilder/{cover.pk}/thumb/" alt="Kontorsstol Bildad Zq"' in page
    assert page.count("/natverk/bilder/") == 1
    assert '<div class="no-photo" aria-hidden="true"></div>' in page


@pytest.mark.parametrize(("searcher", "params", "reach"), [
    ("tomelilla", {"omfang": "alla"}, Reach.EVERYONE),  # newest first (a queryset)
    ("skurup", {"omfang": "natverk", "q": "zqfoto"}, Reach.NETWORKS),  # ranked (a list)
])
def test_the_search_page_does_not_grow_in_queries_with_offers_with_photos(
    ystad, trelleborg, request, searcher, params, reach
):
    searching = request.getfixturevalue(searcher)

    def count() -> tuple[int, int]:
        client = client_for(searching, user_in(searching, "personal"))
        connection.set_schema_to_public()
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/natverk/sok/", params)
        assert response.status_code == 200
        return len(queries), response.content.decode().count("/natverk/bilder/")

    _share(ystad, photos=2, title="Stol Zqfoto 0", reach=reach)
    count()  # the host's routing is read once per process
    before, shown = count()
    # when many more offers with photos are published
    for number in range(1, 13):
        organisation = ystad if number % 2 else trelleborg
        _share(organisation, photos=1 + number % 3, title=f"Stol Zqfoto {number}", reach=reach)
    after, shown_after = count()
    # then the page shows more cards with their photo, in the same number of queries
    assert shown_after > shown
    assert after == before


# ------------------------------------------------------------------------------------------------ reconciliation


def test_the_reconciliation_repairs_missing_photos_and_then_finds_nothing(ystad):
    # given three shared listings in the exchange
    rows_lost = _share(ystad, photos=2, title="Rader borta")
    file_lost = _share(ystad, photos=1, title="Fil borta")
    intact = _share(ystad, photos=1, title="Hel")
    kept = _offer_photos(ystad, intact)
    # given drift: one offer's photo rows deleted by hand, another's file deleted from the folder
    OfferPhoto.objects.filter(offer__listing=rows_lost.uuid).delete()
    (lost,) = _offer_photos(ystad, file_lost)
    os.remove(_file(lost.thumbnail.name))
    # when the daily job runs in Ystad's schema
    with schema_context(ystad.schema_name):
        repaired = publication.reconcile(organisation=ystad)
    # then both have their photos again, with their files, and the intact one is untouched
    assert repaired["published"] == 2 and repaired["removed"] == 0
    assert len(_offer_photos(ystad, rows_lost)) == 2
    (again,) = _offer_photos(ystad, file_lost)
    assert _file(again.thumbnail.name).exists()
    assert [photo.pk for photo in _offer_photos(ystad, intact)] == [photo.pk for photo in kept]
    with schema_context(ystad.schema_name):
        assert publication.reconcile(organisation=ystad)["published"] == 0


def test_the_reconciliation_sweeps_old_files_no_photo_names_and_keeps_the_rest(ystad):
    # given an offer with its photo, and two files in its folder that no photo names: one an hour and more old (a
    # copy whose transaction rolled back), one just written (a delivery that has not committed yet)
    listing = _share(ystad, photos=1)
    (copy,) = _offer_photos(ystad, listing)
    folder = f"exchange/{ystad.pk}/{listing.uuid}"
    old = default_storage.save(f"{folder}/{'b' * 32}.webp", _upload())
    young = default_storage.save(f"{folder}/{'c' * 32}.webp", _upload())
    gone_listing = default_storage.save(f"exchange/{ystad.pk}/{uuid.uuid4()}/{'d' * 32}.webp", _upload())
    long_ago = time.time() - offer_photos.ORPHAN_AGE.total_seconds() - 60
    for name in (old, gone_listing, copy.image.name, copy.thumbnail.name):
        os.utime(_file(name), (long_ago, long_ago))
    # when the daily job runs
    with schema_context(ystad.schema_name):
        swept = publication.reconcile(organisation=ystad)["swept"]
    # then the old orphans are gone, with the folder left empty; the young one and the photo's own files stay
    assert swept >= 2
    assert not _file(old).exists() and not _file(gone_listing).exists()
    assert not _file(gone_listing).parent.exists()
    assert _file(young).exists()
    assert _file(copy.image.name).exists() and _file(copy.thumbnail.name).exists()


def test_the_demo_offers_have_their_photos(ystad, skurup, trelleborg):
    for organisation in (ystad, skurup, trelleborg):
        offers = Offer.objects.filter(organisation=organisation)
        assert offers.exists()
        assert not offers.filter(photos__isnull=True).exists()


# ------------------------------------------------------------------------------------------------ the offer's page


def test_the_offer_page_shows_every_photo_full_size_with_text_alternatives(ystad, skurup):
    # given Ystad's offer with three photos
    listing = _share(ystad, photos=3, title="Bokhylla Ek")
    offer = Offer.objects.get(organisation=ystad, listing=listing.uuid)
    photos = _offer_photos(ystad, listing)
    # when a Skurup employee opens it
    page = client_for(skurup, user_in(skurup, "personal")).get(f"/natverk/erbjudanden/{offer.pk}/").content.decode()
    # then each photo is there full size, linked to itself, the first named by the title, the others numbered
    for photo in photos:
        assert f'<a href="/natverk/bilder/{photo.pk}/full/"><img src="/natverk/bilder/{photo.pk}/full/"' in page
    assert 'alt="Bokhylla Ek"' in page and 'alt="Bokhylla Ek, bild 2"' in page and 'alt="Bokhylla Ek, bild 3"' in page


def test_the_offer_page_costs_the_same_queries_with_one_photo_or_eight(ystad, skurup):
    one = Offer.objects.get(organisation=ystad, listing=_share(ystad, photos=1, title="En").uuid)
    eight = Offer.objects.get(organisation=ystad, listing=_share(ystad, photos=8, title="Åtta").uuid)

    def count(offer) -> int:
        client = client_for(skurup, user_in(skurup, "personal"))
        connection.set_schema_to_public()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/natverk/erbjudanden/{offer.pk}/").status_code == 200
        return len(queries)

    count(one)  # the host's routing is read once per process
    assert count(one) == count(eight)
