"""Posting from a phone (issue 9, part 1): photos kept as they are picked (pending photos), the category suggested
from the title and never preselected, the fields of the offer only, defaults remembered per person, and the
organisation's saved places with their admin page. The journey on a phone is tests/browser/test_phone_posting.py.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from catalog import errors, selectors, services
from catalog.lifecycle import ListingStatus
from catalog.models import Category, Listing, PendingPhoto, Place, PostingDefaults

from .catalog_factories import make_listing, photo_upload
from .conftest import client_for, user_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _stored_files() -> set[str]:
    return {str(path.relative_to(settings.MEDIA_ROOT)) for path in Path(settings.MEDIA_ROOT).rglob("*")
            if path.is_file()}


def _count(client, method: str, path: str, data=None) -> int:
    getattr(client, method)(path, data or {})  # warm: the session and the person are loaded once per client
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, data or {})
    assert response.status_code in (200, 201, 302), (path, response.status_code)
    return len(queries)


@pytest.fixture
def poster(ystad):
    return user_in(ystad, "personal")


@pytest.fixture
def admin(ystad):
    return user_in(ystad, "admin")


def _category(name: str) -> Category:
    return Category.objects.get(name=name)


# ------------------------------------------------------------------------------------ the category suggested


@pytest.mark.parametrize(("title", "expected"), [
    ("Dell skärm 24 tum", "Skärmar"),
    ("Kontorsstol svart med armstöd", "Kontorsstolar"),
    ("Skrivbord höj och sänkbart", "Skrivbord"),
    ("Bildskärm HP", "Skärmar"),  # "skärm" inside the compound; not HP's printers
    ("Soffa grå", "Soffor och fåtöljer"),  # a word of the title in the category's name
    ("Office chair", "Kontorsstolar"),  # the English names count too
])
def test_the_category_is_suggested_from_the_title(ystad, title, expected):
    # given Ystad's categories and its earlier listings (the demo's)
    with schema_context(ystad.schema_name):
        # when a title is typed
        suggestions = selectors.suggest_categories(title=title)

    # then the best suggestion is the category such things are filed under, named by its path
    assert suggestions, title
    assert suggestions[0].label.endswith(expected)
    assert len(suggestions) <= selectors.SUGGESTIONS


def test_a_title_without_grounds_gets_no_suggestion(ystad):
    with schema_context(ystad.schema_name):
        assert selectors.suggest_categories(title="Qzxv Wqpt") == []
        assert selectors.suggest_categories(title="  24 ") == []


def test_earlier_listings_of_the_organisation_teach_the_suggestion(ystad, poster):
    # given a word no category is named after, used in titles filed under "Läromedel"
    with schema_context(ystad.schema_name):
        assert selectors.suggest_categories(title="Glosbok Zeta") == []
        for n in range(3):
            make_listing(author=poster, title=f"Glosbok Zeta {n}", category_name="Läromedel")
        # then a new title with that word is suggested "Läromedel"
        suggestions = selectors.suggest_categories(title="Glosböcker zeta")
    assert suggestions[0].label.endswith("Läromedel")


def test_suggestions_cost_the_same_queries_whatever_the_listings(ystad, poster):
    client = client_for(ystad, poster)
    path = "/annonser/kategoriforslag/?titel=Kontorsstol+svart"
    before = _count(client, "get", path)
    with schema_context(ystad.schema_name):
        for n in range(5):
            make_listing(author=poster, title=f"Kontorsstol svart {n}")
    assert _count(client, "get", path) == before
    body = client.get(path).content.decode()
    assert 'data-category="' in body and "Kontorsstolar" in body


def test_the_form_preselects_no_category(ystad, poster):
    body = client_for(ystad, poster).get("/annonser/ny/").content.decode()
    select = re.search(r'<select name="category".*?</select>', body, re.S).group(0)
    assert '<option value="" selected>Välj kategori</option>' in select
    assert select.count("selected") == 1


# ------------------------------------------------------------------------------ photos survive a form's error


def _form(user, **overrides) -> dict:
    data = {
        "title": "Telefonstol Q1", "condition": "good", "quantity": 1, "offer_type": "give_away",
        "department": user.department_id, "contact_person": user.pk,
    }
    data.update(overrides)
    return data


def test_without_javascript_a_validation_error_keeps_both_photos(ystad, poster):
    # given a person who posts two photos and a title but no category
    client = client_for(ystad, poster)
    first = client.post("/annonser/ny/", _form(poster, photos=[photo_upload("a.jpg"), photo_upload("b.jpg")],
                                               publish="1"))

    # then the form comes back with the category's error, and both photos are kept and shown
    assert first.status_code == 200
    assert "category" in first.context["form"].errors
    pending = first.context["pending"]
    assert len(pending) == 2
    body = first.content.decode()
    for photo in pending:
        assert f'name="pending_photos" value="{photo.uuid}"' in body
        assert f"/annonser/foton/{photo.uuid}/" in body
    assert "Dina 2 bilder finns kvar." in body
    # and, for those without JavaScript, the categories suggested for the title come first in the list
    suggested = re.search(r'<optgroup label="Förslag utifrån titeln">(.*?)</optgroup>', body, re.S)
    assert suggested and "Möbler › Kontorsstolar" in suggested.group(1)

    # when they choose the category and publish, sending the kept photos in the other order
    with schema_context(ystad.schema_name):
        chairs = _category("Kontorsstolar").pk
    order = [str(pending[1].uuid), str(pending[0].uuid)]
    second = client.post("/annonser/ny/", _form(poster, category=chairs, pending_photos=order, publish="1"))

    # then it is published with both photos, in that order, their files reused and nothing left pending
    assert second.status_code == 302
    with schema_context(ystad.schema_name):
        listing = Listing.objects.get(title="Telefonstol Q1")
        assert listing.status == ListingStatus.PUBLISHED
        names = [photo.image.name for photo in listing.photos.order_by("position")]
        assert not PendingPhoto.objects.filter(owner=poster).exists()
    assert names == [pending[1].image.name, pending[0].image.name]
    assert set(names) <= _stored_files()


def test_a_photo_ticked_for_removal_is_removed_with_its_files(ystad, poster, django_capture_on_commit_callbacks):
    client = client_for(ystad, poster)
    first = client.post("/annonser/ny/", _form(poster, photos=[photo_upload(), photo_upload()]))
    keep, drop = first.context["pending"]
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post("/annonser/ny/", _form(
            poster, pending_photos=[str(keep.uuid), str(drop.uuid)], remove_pending=[str(drop.uuid)],
        ))
    assert [photo.uuid for photo in second.context["pending"]] == [keep.uuid]
    assert drop.image.name not in _stored_files() and keep.image.name in _stored_files()


def test_photos_are_uploaded_as_they_are_picked_and_removed_by_their_owner_only(ystad, poster):
    # given a person who picks a photo (the form's script posts it at once)
    client = client_for(ystad, poster)
    answer = client.post("/annonser/foton/", {"photos": [photo_upload()]})
    assert answer.status_code == 201
    photo = answer.json()["photos"][0]
    assert photo["thumbnail"] == f"/annonser/foton/{photo['id']}/"

    # then they see its thumbnail, a colleague does not
    assert client.get(photo["thumbnail"]).status_code == 200
    colleague = client_for(ystad, user_in(ystad, "chef"))
    assert colleague.get(photo["thumbnail"]).status_code == 404
    assert colleague.post(f"/annonser/foton/{photo['id']}/ta-bort/").status_code == 404

    # and the owner removes it
    assert client.post(f"/annonser/foton/{photo['id']}/ta-bort/").status_code == 204
    assert client.get(photo["thumbnail"]).status_code == 404


def test_a_bad_file_is_refused_on_its_own_with_the_reason(ystad, poster):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(ystad, poster)
    fake = SimpleUploadedFile("semester.jpg", b"not a picture", content_type="image/jpeg")
    answer = client.post("/annonser/foton/", {"photos": [fake]})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "photo_unreadable"
    assert "semester.jpg" in answer.json()["error"]["message"]
    with schema_context(ystad.schema_name):
        assert not PendingPhoto.objects.filter(owner=poster).exists()


def test_someone_elses_pending_photo_cannot_be_taken_into_a_listing(ystad, poster):
    with schema_context(ystad.schema_name):
        other = user_in(ystad, "chef")
        [theirs] = services.add_pending_photos(owner=other, uploads=[photo_upload()])
        details = services.ListingDetails(
            title="Lånad bild", category=_category("Bord"), department=poster.department, contact_person=poster,
        )
        with pytest.raises(errors.CatalogError) as refused:
            services.create_listing(author=poster, details=details, pending_photos=[theirs.uuid], publish=True)
        assert (refused.value.code, refused.value.field) == ("pending_photo_gone", "photos")
        assert PendingPhoto.objects.filter(pk=theirs.pk).exists()
        assert not Listing.objects.filter(title="Lånad bild").exists()


def test_pending_photos_are_added_to_a_listing_being_edited(ystad, poster):
    with schema_context(ystad.schema_name):
        listing = make_listing(author=poster, title="Redigerad stol Q3")
        [added] = services.add_pending_photos(owner=poster, uploads=[photo_upload()])
    client = client_for(ystad, poster)
    response = client.post(f"/annonser/{listing.uuid}/andra/", _form(
        poster, title="Redigerad stol Q3", category=listing.category_id, pending_photos=[str(added.uuid)],
        edited_at=listing.edited_at.isoformat(),
    ))
    assert response.status_code == 302
    with schema_context(ystad.schema_name):
        assert [photo.image.name for photo in listing.photos.order_by("position")][-1] == added.image.name
        assert listing.photos.count() == 2


def test_the_daily_job_removes_abandoned_pending_photos_and_their_files(ystad, poster):
    from catalog import jobs

    with schema_context(ystad.schema_name):
        old, young = services.add_pending_photos(owner=poster, uploads=[photo_upload(), photo_upload()])
        PendingPhoto.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
        with CaptureQueriesContext(connection):
            jobs.pending_photos(organisation=ystad, local_date=timezone.localdate())
        assert list(PendingPhoto.objects.filter(owner=poster)) == [young]
    # the files go after the commit; in the test's transaction, remove them as the commit would
    files = _stored_files()
    assert young.image.name in files


def test_the_job_deletes_the_files_once_committed(ystad, poster, django_capture_on_commit_callbacks):
    with schema_context(ystad.schema_name):
        [old] = services.add_pending_photos(owner=poster, uploads=[photo_upload()])
        PendingPhoto.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
        with django_capture_on_commit_callbacks(execute=True):
            assert services.remove_abandoned_pending_photos() == 1
    assert old.image.name not in _stored_files() and old.thumbnail.name not in _stored_files()


# ------------------------------------------------------------------------------------ only what the offer needs


def test_price_fields_are_marked_for_priced_offers_only(ystad, poster):
    body = client_for(ystad, poster).get("/annonser/ny/").content.decode()
    assert re.search(r'<div class="priced-only">\s*<div class="field">\s*<label for="id_price">', body)
    assert re.search(r'<div class="rent-only">\s*<div class="field">\s*<label for="id_rent_period">', body)
    css = (Path(settings.BASE_DIR) / "static/css/listing-form.css").read_text()
    assert 'input[value="give_away"]:checked) .priced-only' in css


# ------------------------------------------------------------------------------------- defaults and places


def test_the_next_form_starts_with_what_the_person_chose_last(ystad, poster):
    # given a person who posted with a colleague as contact at a saved place
    with schema_context(ystad.schema_name):
        contact = user_in(ystad, "chef")
        place = Place.objects.create(name="Testförrådet Q5", address="Gatan 1", building="Hus Q")
        details = services.ListingDetails(
            title="Bokhylla Q5", category=_category("Hyllor"), department=poster.department,
            contact_person=contact, place=place, room="Hylla 3",
        )
        listing = services.create_listing(author=poster, details=details, photos=services.prepare_photos(
            [photo_upload()]), publish=True)
        # then the listing says where, from the place
        assert (listing.address, listing.building, listing.room) == ("Gatan 1", "Hus Q", "Hylla 3")
        # and the next form starts with the same choices
        initial = selectors.posting_defaults(user=poster)
    assert initial == {"department": poster.department_id, "contact_person": contact.pk, "place": place.pk,
                       "room": "Hylla 3"}
    body = client_for(ystad, poster).get("/annonser/ny/").content.decode()
    assert f'<option value="{place.pk}" selected>Testförrådet Q5</option>' in body
    assert f'<option value="{contact.pk}" selected>' in body


def test_demo_people_have_remembered_defaults_and_places(ystad, skurup, trelleborg):
    for organisation in (ystad, skurup, trelleborg):
        with schema_context(organisation.schema_name):
            assert Place.objects.filter(is_active=True).count() >= 8
            for local in ("admin", "operator", "chef", "personal"):
                person = user_in(organisation, local)
                remembered = PostingDefaults.objects.get(user=person)
                assert remembered.place is not None and remembered.department_id == person.department_id


def test_a_retired_place_is_not_offered_nor_accepted(ystad, poster, admin):
    with schema_context(ystad.schema_name):
        place = services.create_place(by=admin, details=services.PlaceDetails(name="Gamla förrådet Q6"))
        place = services.set_place_in_use(place=place, by=admin, in_use=False)
        details = services.ListingDetails(
            title="Stol Q6", category=_category("Stolar"), department=poster.department, contact_person=poster,
            place=place,
        )
        with pytest.raises(errors.CatalogError) as refused:
            services.create_listing(author=poster, details=details)
    assert (refused.value.code, refused.value.field) == ("place_retired", "place")
    assert "Gamla förrådet Q6" not in client_for(ystad, poster).get("/annonser/ny/").content.decode()


def test_the_admin_adds_renames_and_retires_places(ystad, admin):
    client = client_for(ystad, admin)
    # the settings page links to the page
    assert 'href="/installningar/platser/"' in client.get("/installningar/").content.decode()
    # add
    response = client.post("/installningar/platser/", {"name": "Nya lagret Q7", "address": "Väg 7"}, follow=True)
    assert "”Nya lagret Q7” är tillagd." in response.content.decode()
    with schema_context(ystad.schema_name):
        place = Place.objects.get(name="Nya lagret Q7")
    # the same name again is refused by the field, in Swedish
    again = client.post("/installningar/platser/", {"name": "nya lagret q7"})
    assert again.status_code == 400 and "Det finns redan en plats med det namnet." in again.content.decode()
    # rename
    client.post(f"/installningar/platser/{place.pk}/", {"name": "Stora lagret Q7", "address": "Väg 7"})
    # retire, then offer again
    client.post(f"/installningar/platser/{place.pk}/", {"in_use": "0"})
    with schema_context(ystad.schema_name):
        place.refresh_from_db()
    assert (place.name, place.is_active) == ("Stora lagret Q7", False)
    client.post(f"/installningar/platser/{place.pk}/", {"in_use": "1"})
    with schema_context(ystad.schema_name):
        place.refresh_from_db()
    assert place.is_active


@pytest.mark.parametrize("local", ["personal", "chef", "operator"])
def test_only_organisation_admins_manage_places(ystad, local):
    client = client_for(ystad, user_in(ystad, local))
    with schema_context(ystad.schema_name):
        place = Place.objects.first()
    assert client.get("/installningar/platser/").status_code == 403
    assert client.post("/installningar/platser/", {"name": "Smyg Q8"}).status_code == 403
    assert client.post(f"/installningar/platser/{place.pk}/", {"in_use": "0"}).status_code == 403
    with schema_context(ystad.schema_name):
        assert not Place.objects.filter(name="Smyg Q8").exists()


def test_another_organisations_places_and_photos_are_404(ystad, skurup, poster):
    # given a place and a pending photo of Ystad's, with ids Skurup has not
    with schema_context(ystad.schema_name):
        place = Place.objects.create(name="Ystads hemliga förråd Q9")
        for _ in range(200):
            Place.objects.create(name=f"Fyllnad Q9 {_}")
        place = Place.objects.order_by("-pk").first()
        [photo] = services.add_pending_photos(owner=poster, uploads=[photo_upload()])
    with schema_context(skurup.schema_name):
        assert not Place.objects.filter(pk=place.pk).exists()
    skurup_admin = client_for(skurup, user_in(skurup, "admin"))
    skurup_person = client_for(skurup, user_in(skurup, "personal"))
    # then Skurup's admin and Skurup's person (the same user id as Ystad's poster) find nothing
    assert skurup_admin.get(f"/installningar/platser/{place.pk}/").status_code == 404
    assert skurup_admin.post(f"/installningar/platser/{place.pk}/", {"in_use": "0"}).status_code == 404
    assert skurup_person.get(f"/annonser/foton/{photo.uuid}/").status_code == 404
    assert skurup_person.post(f"/annonser/foton/{photo.uuid}/ta-bort/").status_code == 404
    assert "Ystads hemliga förråd" not in skurup_admin.get("/installningar/platser/").content.decode()


def test_the_pages_cost_the_same_queries_whatever_the_data(ystad, poster, admin):
    client, admin_client = client_for(ystad, poster), client_for(ystad, admin)
    form_before = _count(client, "get", "/annonser/ny/")
    places_before = _count(admin_client, "get", "/installningar/platser/")
    with schema_context(ystad.schema_name):
        pending = services.add_pending_photos(owner=poster, uploads=[photo_upload()])
    refill = {**_form(poster), "pending_photos": [str(p.uuid) for p in pending]}
    refill_before = _count(client, "post", "/annonser/ny/", refill)
    with schema_context(ystad.schema_name):
        for n in range(12):
            Place.objects.create(name=f"Plats Q10 {n}")
        pending += services.add_pending_photos(owner=poster, uploads=[photo_upload() for _ in range(4)])
    refill = {**_form(poster), "pending_photos": [str(p.uuid) for p in pending]}
    assert _count(client, "get", "/annonser/ny/") == form_before
    assert _count(admin_client, "get", "/installningar/platser/") == places_before
    assert _count(client, "post", "/annonser/ny/", refill) == refill_before
