"""The catalogue's web pages end to end, through the test client at ystad.localhost: post, find, edit, withdraw,
reserve, hand over, cancel, count; who may see and change what; htmx, photos, the category admin and English.

Messages are compared with the active language's translation of their msgid, so these tests hold before and after
the Swedish catalogue is filled in.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.html import escape
from django_tenants.utils import schema_context

from bookings import errors as booking_errors
from bookings import services as booking_services
from bookings.lifecycle import BookingStatus as ReservationStatus
from bookings.models import Booking
from catalog import errors, services
from catalog.lifecycle import ListingStatus
from catalog.models import Category, Listing

from .catalog_factories import actor_of, available, make_listing, party, photo_upload
from .conftest import client_for, user_in
from .factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_folder(settings, tmp_path):
    # Each test writes its photos into a folder of its own, so "nothing was stored" can be checked exactly.
    settings.MEDIA_ROOT = tmp_path


def _sv(message, **params) -> str:
    """A message (msgid or lazy) as a Swedish page shows it: translated when the catalogue has it, escaped."""
    with translation.override("sv"):
        text = translation.gettext(message) if isinstance(message, str) else str(message)
    return escape(text % params if params else text)


def _form_data(user, **overrides) -> dict:
    """The listing form filled in for a Ystad member, as the browser sends it."""
    with schema_context("org_ystad"):
        chairs = Category.objects.get(name="Kontorsstolar")
    data = {
        "title": "Gungstol i ek",
        "description": "Gungstol från personalrummet, lite sliten på armstöden.",
        "category": chairs.pk,
        "condition": "good",
        "quantity": 1,
        "offer_type": "give_away",
        "price": "",
        "rent_period": "",
        "address": "Stortorget 3",
        "building": "Rådhuset",
        "room": "Plan 2",
        "department": user.department_id,
        "contact_person": user.pk,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _placeholder() -> str:
    with translation.override("sv"):
        return translation.gettext("e.g. office chair, desk, monitor")


def _stored_files() -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def _mediated(client) -> int:
    body = client.get("/statistik/").content.decode()
    return int(re.search(r'id="figure-mediated">(\d+)<', body).group(1))


@pytest.fixture
def owner(ystad):
    return user_in(ystad, "personal")


@pytest.fixture
def colleague(ystad):
    """A member of another department: neither owner nor operator of anything here."""
    with schema_context(ystad.schema_name):
        return UserFactory(department=DepartmentFactory(name="Gymnasieskolan Ystad"))


@pytest.fixture
def listing(ystad, owner):
    with schema_context(ystad.schema_name):
        return make_listing(author=owner, title="Gungstol i ek", description="Gungstol från personalrummet.")


# ---------------------------------------------------------------------------------- post and find


def test_a_listing_posted_with_a_photo_is_found_by_a_swedish_word(ystad, owner, colleague):
    # given the owner's filled-in form with one photo
    client = client_for(ystad, owner)
    data = _form_data(owner, photos=[photo_upload("gungstol.jpg")], publish="1")

    # when they publish it
    response = client.post("/annonser/ny/", data, follow=True)

    # then it is published with its photo, stored under Ystad's own folder
    assert response.status_code == 200
    body = response.content.decode()
    assert _sv("Your listing “%(title)s” is published.", title="Gungstol i ek") in body
    with schema_context(ystad.schema_name):
        listing = Listing.objects.get(title="Gungstol i ek")
        assert listing.status == ListingStatus.PUBLISHED
        assert listing.photos.count() == 1
        assert listing.photos.get().image.name.startswith("org_ystad/")
    assert response.redirect_chain[-1][0] == f"/annonser/{listing.uuid}/"
    assert f"/bilder/{listing.photos.get().pk}/full/" in body

    # and a colleague finds it by the plural of a Swedish word in its title
    found = client_for(ystad, colleague).get("/", {"q": "gungstolar"})
    assert found.status_code == 200
    assert f"/annonser/{listing.uuid}/" in found.content.decode()


def test_browse_filters_by_category_offer_condition_and_department(ystad, owner, colleague):
    # given a chair to give away and a desk for sale, from different departments
    with schema_context(ystad.schema_name):
        make_listing(author=owner, title="Pallstol Q7", condition="worn")
        make_listing(
            author=colleague, title="Skrivbord Q7", category_name="Skrivbord", offer_type="sell", price=250
        )
        furniture = Category.objects.get(name="Möbler")
        chairs = Category.objects.get(name="Kontorsstolar")
    client = client_for(ystad, owner)

    def found(**params) -> set[str]:
        body = client.get("/", {"q": "Q7", **params}).content.decode()
        return {title for title in ("Pallstol Q7", "Skrivbord Q7") if title in body}

    # then every filter narrows the results, and a parent category includes its children
    assert found() == {"Pallstol Q7", "Skrivbord Q7"}
    assert found(category=furniture.pk) == {"Pallstol Q7", "Skrivbord Q7"}
    assert found(category=chairs.pk) == {"Pallstol Q7"}
    assert found(offer_type="sell") == {"Skrivbord Q7"}
    assert found(condition="worn") == {"Pallstol Q7"}
    assert found(department=colleague.department_id) == {"Skrivbord Q7"}
    assert found(offer_type="lend") == set()


def test_a_draft_is_saved_without_photos_and_shown_only_to_its_owner(ystad, owner, colleague):
    # given the form without photos
    client = client_for(ystad, owner)

    # when the owner saves it as a draft
    response = client.post("/annonser/ny/", _form_data(owner, title="Gungstol utkast", draft="1"), follow=True)

    # then it is a draft the owner sees
    assert response.status_code == 200
    assert _sv("Your listing “%(title)s” is saved.", title="Gungstol utkast") in response.content.decode()
    with schema_context(ystad.schema_name):
        draft = Listing.objects.get(title="Gungstol utkast")
    assert draft.status == ListingStatus.DRAFT
    assert client.get(f"/annonser/{draft.uuid}/").status_code == 200
    # and nobody finds it
    assert "Gungstol utkast" not in client_for(ystad, colleague).get("/", {"q": "gungstol"}).content.decode()


@pytest.mark.parametrize("pending", ["", "not-a-photo", "00000000-0000-0000-0000-000000000000"])
def test_a_pending_photo_field_that_names_no_photo_of_the_author_is_ignored(ystad, owner, pending):
    # given the form as a tampering or broken client posts it: a pending photo that is empty, not an id, or nobody's
    client = client_for(ystad, owner)
    data = _form_data(owner, title="Gungstol fel foto", publish="1")
    data["pending_photos"] = pending

    # when it is published
    response = client.post("/annonser/ny/", data)

    # then the form comes back saying a photo is needed (not a server error), and nothing is posted
    assert response.status_code == 200
    assert "photos" in response.context["form"].errors or response.context["form"].non_field_errors()
    with schema_context(ystad.schema_name):
        assert not Listing.objects.filter(title="Gungstol fel foto").exists()


def test_publishing_a_draft_without_a_photo_is_refused_and_with_one_it_is_published(ystad, owner):
    # given a draft without photos
    client = client_for(ystad, owner)
    with schema_context(ystad.schema_name):
        draft = make_listing(author=owner, title="Gungstol utan foto", photos=0, publish=False)

    # when the owner publishes it from the detail page, it is refused with the reason
    response = client.post(f"/annonser/{draft.uuid}/publicera/", follow=True)
    assert _sv(errors.PHOTO_REQUIRED[1]) in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ListingStatus.DRAFT

    # and when a photo is added through the edit form with the publish button, it is published
    response = client.post(
        f"/annonser/{draft.uuid}/andra/", _form_data(owner, title="Gungstol utan foto", photos=[photo_upload()],
                                                     publish="1"),
    )
    assert response.status_code == 302
    with schema_context(ystad.schema_name):
        draft.refresh_from_db()
    assert draft.status == ListingStatus.PUBLISHED


def test_publishing_refused_after_an_edit_keeps_the_changes_and_shows_the_form_as_it_now_is(ystad, owner):
    # given a draft with one photo
    client = client_for(ystad, owner)
    with schema_context(ystad.schema_name):
        draft = make_listing(author=owner, title="Gungstol ett foto", publish=False)
        photo = draft.photos.get()

    # when the owner renames it, removes its only photo and presses "publish"
    response = client.post(
        f"/annonser/{draft.uuid}/andra/",
        _form_data(owner, title="Gungstol inget foto", remove_photos=[str(photo.pk)], publish="1"),
        follow=True,
    )

    # then the changes are kept, publishing is refused with the reason, and the form shows no removed photo
    with schema_context(ystad.schema_name):
        draft.refresh_from_db()
        assert not draft.photos.exists()
    assert (draft.title, draft.status) == ("Gungstol inget foto", ListingStatus.DRAFT)
    assert response.redirect_chain == [(f"/annonser/{draft.uuid}/andra/", 302)]
    body = response.content.decode()
    assert _sv(errors.PHOTO_REQUIRED[1]) in body
    assert _sv("Your listing “%(title)s” is saved.", title="Gungstol inget foto") in body
    assert f"/bilder/{photo.pk}/" not in body
    assert response.context["form"]["title"].value() == "Gungstol inget foto"


def test_a_file_that_is_not_a_photo_is_refused_on_the_form_and_nothing_is_stored(ystad, owner):
    # given a text file named like a photo
    client = client_for(ystad, owner)
    fake = SimpleUploadedFile("semester.jpg", b"this is not a picture at all", content_type="image/jpeg")

    # when it is posted with a good photo
    response = client.post(
        "/annonser/ny/", _form_data(owner, title="Gungstol falsk", photos=[photo_upload(), fake], publish="1")
    )

    # then the form comes back with the reason on the photo field, and nothing is stored
    assert response.status_code == 200
    form = response.context["form"]
    with translation.override("sv"):
        expected = translation.gettext("%(name)s is not a photo we can read. Use JPEG, PNG or WebP.") % {
            "name": "semester.jpg"
        }
    assert form.errors["photos"] == [expected]
    assert escape(expected) in response.content.decode()
    with schema_context(ystad.schema_name):
        assert not Listing.objects.filter(title="Gungstol falsk").exists()
    assert _stored_files() == []


def test_missing_required_fields_are_shown_on_the_form(ystad, owner):
    client = client_for(ystad, owner)
    with schema_context(ystad.schema_name):
        before = Listing.objects.count()

    response = client.post("/annonser/ny/", {"publish": "1"})

    assert response.status_code == 200
    form = response.context["form"]
    assert {"title", "category", "quantity", "department", "contact_person"} <= set(form.errors)
    body = response.content.decode()
    # the message is what the field's aria-describedby points at
    assert 'id="id_title_error"' in body and 'aria-describedby="id_title_error"' in body and "field-error" in body
    with schema_context(ystad.schema_name):
        assert Listing.objects.count() == before


@pytest.mark.parametrize("offer_type", ["rent", "sell"])
def test_renting_out_or_selling_needs_a_price(ystad, owner, offer_type):
    client = client_for(ystad, owner)

    response = client.post(
        "/annonser/ny/",
        _form_data(owner, title="Gungstol pris", offer_type=offer_type, photos=[photo_upload()], publish="1"),
    )

    assert response.status_code == 200
    assert "price" in response.context["form"].errors
    assert _sv(errors.PRICE_REQUIRED[1]) in response.content.decode()
    if offer_type == "rent":
        assert "rent_period" in response.context["form"].errors
    with schema_context(ystad.schema_name):
        assert not Listing.objects.filter(title="Gungstol pris").exists()

    # and with a price (and a period for rent) it is published
    priced = _form_data(
        owner, title="Gungstol pris", offer_type=offer_type, price="150", photos=[photo_upload()], publish="1",
        rent_period="week" if offer_type == "rent" else "",
    )
    assert client.post("/annonser/ny/", priced).status_code == 302
    with schema_context(ystad.schema_name):
        assert Listing.objects.get(title="Gungstol pris").price == 150


def test_a_member_cannot_post_for_another_department(ystad, owner, colleague):
    client = client_for(ystad, owner)

    response = client.post(
        "/annonser/ny/",
        _form_data(owner, title="Gungstol annan", department=colleague.department_id, photos=[photo_upload()],
                   publish="1"),
    )

    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    with schema_context(ystad.schema_name):
        assert not Listing.objects.filter(title="Gungstol annan").exists()


# ---------------------------------------------------------------------------------- edit and withdraw


def test_the_owner_changes_the_quantity_and_swaps_a_photo(
    ystad, owner, listing, django_capture_on_commit_callbacks
):
    # given a published listing with two photos
    with schema_context(ystad.schema_name):
        services.update_listing(
            listing=listing, editor=owner,
            details=services.ListingDetails(
                title=listing.title, category=listing.category, department=listing.department,
                contact_person=owner, description=listing.description,
            ),
            add_photos=services.prepare_photos([photo_upload()]),
        )
        first, second = listing.photos.order_by("position")
    first_file = Path(settings.MEDIA_ROOT) / first.image.name
    assert first_file.exists()
    client = client_for(ystad, owner)

    # when the owner opens the edit form
    form_page = client.get(f"/annonser/{listing.uuid}/andra/")
    assert form_page.status_code == 200
    assert f"/bilder/{first.pk}/thumb/" in form_page.content.decode()

    # and saves a new quantity, removing the first photo and adding another
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/annonser/{listing.uuid}/andra/",
            _form_data(owner, title="Gungstol i ek", quantity=3, remove_photos=[str(first.pk)],
                       photos=[photo_upload("ny.png", fmt="PNG")]),
        )

    # then the listing has the new quantity and photos, and the removed photo's file is gone
    assert response.status_code == 302
    assert response["Location"] == f"/annonser/{listing.uuid}/"
    with schema_context(ystad.schema_name):
        listing.refresh_from_db()
        photos = list(listing.photos.order_by("position"))
        assert (listing.quantity, available(listing)) == (3, 3)
    assert listing.status == ListingStatus.PUBLISHED
    assert photos[0].pk == second.pk and len(photos) == 2
    assert not first_file.exists()
    assert client.get(f"/bilder/{first.pk}/full/").status_code == 404


def test_the_quantity_cannot_go_below_what_is_reserved(ystad, owner, colleague):
    with schema_context(ystad.schema_name):
        listing = make_listing(author=owner, title="Gungstol tre", quantity=3)
        booking_services.reserve_listing(listing=listing, by=colleague, quantity=2)
    client = client_for(ystad, owner)

    response = client.post(f"/annonser/{listing.uuid}/andra/", _form_data(owner, title="Gungstol tre", quantity=1))

    assert response.status_code == 200
    assert "quantity" in response.context["form"].errors
    with schema_context(ystad.schema_name):
        listing.refresh_from_db()
    assert listing.quantity == 3


def test_the_contact_person_from_another_department_edits_the_listing(ystad, owner, colleague):
    # given a listing of the owner's department whose contact person works elsewhere (or moved since posting)
    with schema_context(ystad.schema_name):
        listing = make_listing(author=owner, title="Gungstol kontakt", contact_person=colleague)
    client = client_for(ystad, colleague)
    assert client.get(f"/annonser/{listing.uuid}/andra/").status_code == 200

    # when the contact person changes the quantity, keeping the listing's department
    response = client.post(
        f"/annonser/{listing.uuid}/andra/",
        _form_data(owner, title="Gungstol kontakt", quantity=4, contact_person=colleague.pk),
    )

    # then it is saved, and the department stays the owner's
    assert response.status_code == 302, response.context["form"].errors
    with schema_context(ystad.schema_name):
        listing.refresh_from_db()
    assert (listing.quantity, listing.department_id) == (4, owner.department_id)
    # and they may not move it to a third department
    moved = client.post(
        f"/annonser/{listing.uuid}/andra/",
        _form_data(owner, title="Gungstol kontakt", quantity=4, contact_person=colleague.pk,
                   department=user_in(ystad, "chef").department_id),
    )
    assert moved.status_code == 200 and "department" in moved.context["form"].errors


def test_the_owner_withdraws_a_listing_with_a_reason(ystad, owner, colleague, listing):
    # given a colleague's open reservation
    with schema_context(ystad.schema_name):
        reservation = booking_services.reserve_listing(listing=listing, by=colleague)
    client = client_for(ystad, owner)

    # when the owner opens the withdraw page and gives a reason
    assert client.get(f"/annonser/{listing.uuid}/ta-ned/").status_code == 200
    response = client.post(f"/annonser/{listing.uuid}/ta-ned/", {"reason": "Trasig vid närmare kontroll"}, follow=True)

    # then the listing is withdrawn with that reason, the reservation is cancelled, and colleagues no longer see it
    assert response.status_code == 200
    assert _sv("“%(title)s” has been withdrawn.", title="Gungstol i ek") in response.content.decode()
    with schema_context(ystad.schema_name):
        listing.refresh_from_db()
        reservation.refresh_from_db()
    assert listing.status == ListingStatus.WITHDRAWN
    assert listing.withdrawn_reason == "Trasig vid närmare kontroll"
    assert reservation.status == ReservationStatus.CANCELLED
    assert reservation.cancel_reason == "Trasig vid närmare kontroll"
    colleague_client = client_for(ystad, colleague)
    assert colleague_client.get(f"/annonser/{listing.uuid}/").status_code == 404
    assert "Gungstol i ek" not in colleague_client.get("/", {"q": "gungstol"}).content.decode()


# ---------------------------------------------------------------------------------- reserve, hand over, cancel


def test_a_colleague_reserves_and_sees_it_is_reserved_by_them(ystad, owner, colleague):
    with schema_context(ystad.schema_name):
        listing = make_listing(author=owner, title="Gungstol två", quantity=2)
    client = client_for(ystad, colleague)
    detail = client.get(f"/annonser/{listing.uuid}/")
    assert f'action="/annonser/{listing.uuid}/reservera/"' in detail.content.decode()

    response = client.post(
        f"/annonser/{listing.uuid}/reservera/", {"quantity": 1, "message": "Hämtar på fredag"}, follow=True
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert _sv(
        "You have reserved “%(title)s”. The contact person confirms when you have collected it.", title="Gungstol två"
    ) in body
    with schema_context(ystad.schema_name):
        reservation = Booking.objects.get(listing=listing)
        assert (reservation.borrower, reservation.quantity, reservation.message) == (
            party(colleague), 1, "Hämtar på fredag"
        )
    # the page says the reservation is theirs and offers to cancel it
    assert [r.pk for r in response.context["my_reservations"]] == [reservation.pk]
    assert _sv("You have reserved %(n)s. Collect it and the contact person confirms the handover.", n=1) in body
    assert f"/reservationer/{reservation.uuid}/avboka/" in body
    # one is left, so they may reserve again; the owner sees the reservation in the table
    assert response.context["can_reserve"]
    owner_page = client_for(ystad, owner).get(f"/annonser/{listing.uuid}/").content.decode()
    assert "Hämtar på fredag" in owner_page
    assert f"/reservationer/{reservation.uuid}/overlamnad/" in owner_page


def test_reserving_the_last_one_someone_else_took_says_it_is_sold_out(ystad, owner, colleague):
    # given the detail page a colleague opened while the last item was still there
    with schema_context(ystad.schema_name):
        listing = make_listing(author=owner, title="Gungstol sista")
        quicker = UserFactory(department=colleague.department)
    client = client_for(ystad, colleague)
    assert client.get(f"/annonser/{listing.uuid}/").context["can_reserve"]

    # and someone else reserves it first
    with schema_context(ystad.schema_name):
        booking_services.reserve_listing(listing=listing, by=quicker)

    # when the colleague presses "reserve"
    response = client.post(f"/annonser/{listing.uuid}/reservera/", {"quantity": 1})

    # then they are told it is gone, with 409 Conflict, and nothing is reserved for them
    assert response.status_code == 409
    assert _sv(booking_errors.SOLD_OUT[1]) in response.content.decode()
    with schema_context(ystad.schema_name):
        assert not Booking.objects.filter(listing=listing, borrower_uuid=colleague.uuid).exists()


def test_the_owner_cannot_reserve_their_own_listing(ystad, owner, listing):
    client = client_for(ystad, owner)
    assert not client.get(f"/annonser/{listing.uuid}/").context["can_reserve"]

    response = client.post(f"/annonser/{listing.uuid}/reservera/", {"quantity": 1})

    assert response.status_code == 400
    assert _sv(booking_errors.OWN_LISTING[1]) in response.content.decode()


def test_the_owner_confirms_the_handover_from_my_listings_and_the_statistics_count_it(ystad, owner, colleague, listing):
    # given a colleague's reservation
    with schema_context(ystad.schema_name):
        reservation = booking_services.reserve_listing(listing=listing, by=colleague)
    client = client_for(ystad, owner)
    before = _mediated(client)

    # when the owner follows "Confirm handover" on "my listings" to its confirmation step, whose form sends them
    # back there
    page = client.get("/mina-annonser/").content.decode()
    link = f'href="/reservationer/{reservation.uuid}/overlamnad/?next=/mina-annonser/"'
    assert link in page
    step = client.get(f"/reservationer/{reservation.uuid}/overlamnad/?next=/mina-annonser/").content.decode()
    action = f'action="/reservationer/{reservation.uuid}/overlamnad/"'
    assert action in step
    form = step[step.index(action):]
    next_value = re.search(r'name="next" value="([^"]*)"', form).group(1)
    assert next_value == "/mina-annonser/"
    response = client.post(f"/reservationer/{reservation.uuid}/overlamnad/", {"next": next_value}, follow=True)

    # then they are back on the page, the handover is recorded, and one more item counts as mediated
    assert response.redirect_chain == [("/mina-annonser/", 302)]
    with schema_context(ystad.schema_name):
        reservation.refresh_from_db()
        listing.refresh_from_db()
        assert actor_of(reservation, "handed_over") == party(owner)
    assert reservation.status == ReservationStatus.HANDED_OVER
    assert listing.status == ListingStatus.HANDED_OVER
    assert _mediated(client) == before + 1
    # and the receiver sees what they received
    assert client_for(ystad, colleague).get(f"/annonser/{listing.uuid}/").context["my_reservations"][0].status == (
        ReservationStatus.HANDED_OVER
    )


def test_a_handover_cannot_be_confirmed_by_the_receiver(ystad, colleague, listing):
    with schema_context(ystad.schema_name):
        reservation = booking_services.reserve_listing(listing=listing, by=colleague)

    response = client_for(ystad, colleague).post(f"/reservationer/{reservation.uuid}/overlamnad/", follow=True)

    assert _sv(booking_errors.NOT_ALLOWED[1]) in response.content.decode()
    with schema_context(ystad.schema_name):
        reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.RESERVED


def test_an_unsafe_next_address_is_not_followed(ystad, owner, colleague, listing):
    with schema_context(ystad.schema_name):
        reservation = booking_services.reserve_listing(listing=listing, by=colleague)

    response = client_for(ystad, owner).post(
        f"/reservationer/{reservation.uuid}/overlamnad/", {"next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/mina-annonser/"


@pytest.mark.parametrize("side", ["reserver", "owner"])
def test_either_side_cancels_a_reservation_with_a_reason(ystad, owner, colleague, listing, side):
    # given a colleague's reservation of the only item
    with schema_context(ystad.schema_name):
        reservation = booking_services.reserve_listing(listing=listing, by=colleague)
    person, back = (colleague, "/mina-reservationer/") if side == "reserver" else (owner, "/mina-annonser/")
    client = client_for(ystad, person)
    assert f"/reservationer/{reservation.uuid}/avboka/" in client.get(back).content.decode()

    # when they open the cancel page (the owner side, who must give a reason, sends it without one first)
    url = f"/reservationer/{reservation.uuid}/avboka/"
    page = client.get(url, {"next": back})
    assert page.status_code == 200
    assert f'name="next" value="{back}"' in page.content.decode()
    if side == "owner":
        assert "reason" in client.post(url, {"reason": " ", "next": back}).context["form"].errors

    # and with a reason the reservation is cancelled and they are sent back where they came from
    response = client.post(url, {"reason": "Behövs inte längre", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    with schema_context(ystad.schema_name):
        reservation.refresh_from_db()
        assert (reservation.cancel_reason, actor_of(reservation, "cancelled")) == ("Behövs inte längre", party(person))
        assert (listing.status, available(listing)) == (ListingStatus.PUBLISHED, 1)
    assert reservation.status == ReservationStatus.CANCELLED


def test_a_person_cancels_their_own_reservation_without_a_reason(ystad, owner, colleague, listing):
    # given a colleague's reservation, and the cancel page as they see it: the reason is optional
    with schema_context(ystad.schema_name):
        reservation = booking_services.reserve_listing(listing=listing, by=colleague)
    client = client_for(ystad, colleague)
    url = f"/reservationer/{reservation.uuid}/avboka/"
    assert "Skäl (frivilligt)" in client.get(url).content.decode()

    # when they send it without one
    response = client.post(url, {"reason": "", "next": "/mina-reservationer/"})

    # then it is cancelled
    assert response.status_code == 302 and response["Location"] == "/mina-reservationer/"
    with schema_context(ystad.schema_name):
        reservation.refresh_from_db()
    assert (reservation.status, reservation.cancel_reason) == (ReservationStatus.CANCELLED, "")


def test_my_reservations_lists_what_i_reserved(ystad, owner, colleague, listing):
    with schema_context(ystad.schema_name):
        booking_services.reserve_listing(listing=listing, by=colleague)

    body = client_for(ystad, colleague).get("/mina-reservationer/").content.decode()

    assert f"/annonser/{listing.uuid}/" in body
    assert owner.email in body
    assert "Gungstol i ek" not in client_for(ystad, owner).get("/mina-reservationer/").content.decode()


# ---------------------------------------------------------------------------------- who may do what


def test_a_member_cannot_edit_or_withdraw_someone_elses_listing(ystad, colleague, listing):
    client = client_for(ystad, colleague)
    assert not client.get(f"/annonser/{listing.uuid}/").context["can_edit"]

    for url in (f"/annonser/{listing.uuid}/andra/", f"/annonser/{listing.uuid}/ta-ned/"):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"title": "Kapad", "reason": "Kapad"}).status_code == 404, url
    with schema_context(ystad.schema_name):
        listing.refresh_from_db()
    assert (listing.title, listing.status) == ("Gungstol i ek", ListingStatus.PUBLISHED)


def test_the_manager_of_the_owning_department_and_an_operator_may_edit(ystad, listing):
    # The demo manager runs Östervångsskolan; the listing belongs to Äldreomsorgen: no. An operator: yes.
    assert client_for(ystad, user_in(ystad, "chef")).get(f"/annonser/{listing.uuid}/andra/").status_code == 404
    assert client_for(ystad, user_in(ystad, "operator")).get(f"/annonser/{listing.uuid}/andra/").status_code == 200


def test_a_member_cannot_see_someone_elses_draft(ystad, owner, colleague):
    with schema_context(ystad.schema_name):
        draft = make_listing(author=owner, title="Gungstol hemlig", publish=False)
        photo = draft.photos.get()
    client = client_for(ystad, colleague)

    assert client.get(f"/annonser/{draft.uuid}/").status_code == 404
    assert client.get(f"/annonser/{draft.uuid}/andra/").status_code == 404
    assert client.get(f"/annonser/{draft.uuid}/ta-ned/").status_code == 404
    assert client.post(f"/annonser/{draft.uuid}/publicera/").status_code == 404
    assert client.post(f"/annonser/{draft.uuid}/reservera/", {"quantity": 1}).status_code == 404
    assert client.get(f"/bilder/{photo.pk}/full/").status_code == 404
    assert "Gungstol hemlig" not in client.get("/", {"q": "gungstol"}).content.decode()
    with schema_context(ystad.schema_name):
        draft.refresh_from_db()
    assert draft.status == ListingStatus.DRAFT


def test_a_stranger_cannot_see_or_act_on_a_reservation(ystad, owner, colleague, listing):
    with schema_context(ystad.schema_name):
        reservation = booking_services.reserve_listing(listing=listing, by=colleague)
        stranger = UserFactory(department=colleague.department)
    client = client_for(ystad, stranger)

    assert client.get(f"/reservationer/{reservation.uuid}/avboka/").status_code == 404
    assert client.post(f"/reservationer/{reservation.uuid}/avboka/", {"reason": "x"}).status_code == 404
    assert client.post(f"/reservationer/{reservation.uuid}/overlamnad/").status_code == 404
    with schema_context(ystad.schema_name):
        reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.RESERVED


# ---------------------------------------------------------------------------------- photos, htmx, admin, English


def test_photos_are_served_as_webp_to_those_who_may_see_the_listing(ystad, owner, colleague, listing):
    with schema_context(ystad.schema_name):
        photo = listing.photos.get()
        draft_photo = make_listing(author=owner, title="Gungstol utkast", publish=False).photos.get()
    client = client_for(ystad, colleague)

    for size in ("full", "thumb"):
        response = client.get(f"/bilder/{photo.pk}/{size}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/webp"
        content = b"".join(response.streaming_content)
        assert content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    assert client.get(f"/bilder/{photo.pk}/huge/").status_code == 404
    assert client.get(f"/bilder/{draft_photo.pk}/full/").status_code == 404
    assert client.get("/bilder/999999999/full/").status_code == 404
    # the owner sees their own draft's photo
    own = client_for(ystad, owner).get(f"/bilder/{draft_photo.pk}/thumb/")
    assert own.status_code == 200 and b"".join(own.streaming_content)


def test_an_htmx_search_gets_only_the_results(ystad, owner, listing):
    client = client_for(ystad, owner)

    response = client.get("/", {"q": "gungstol"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and "<form" not in body
    assert 'id="results-heading"' in body
    assert f"/annonser/{listing.uuid}/" in body
    # a plain request gets the whole page, with one search box
    page = client.get("/", {"q": "gungstol"}).content.decode()
    assert "<html" in page
    assert re.findall(r'<input[^>]*name="q"[^>]*>', page) == [
        '<input type="search" name="q" value="gungstol" maxlength="200" '
        'placeholder="' + escape(_placeholder()) + '" id="id_q">'
    ]


def test_the_pages_link_to_each_other_in_a_plain_request(ystad, owner):
    client = client_for(ystad, owner)
    for path in ("/", "/annonser/ny/", "/mina-annonser/", "/mina-reservationer/", "/statistik/", "/mitt-konto/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "<html" in response.content.decode()


def test_the_statistics_page_takes_a_year(ystad, owner):
    client = client_for(ystad, owner)
    this_year = client.get("/statistik/").context["figures"].year

    assert client.get("/statistik/", {"ar": "1999"}).context["figures"].year == this_year
    assert client.get("/statistik/", {"ar": "inte ett år"}).context["figures"].year == this_year
    assert client.get("/statistik/", {"ar": str(this_year)}).status_code == 200


def test_an_organisation_admin_edits_the_categories_and_a_member_may_not(ystad, owner):
    admin_client = client_for(ystad, user_in(ystad, "admin"))

    listing_page = admin_client.get("/administrera/kategorier/")
    assert listing_page.status_code == 200
    assert "Kontorsstolar" in listing_page.content.decode()
    with schema_context(ystad.schema_name):
        furniture = Category.objects.get(name="Möbler", parent=None)
    response = admin_client.post(
        "/administrera/kategorier/",
        {"name": "Whiteboardtavlor", "name_en": "Whiteboards", "parent": furniture.pk, "position": 20,
         "platform_key": "furniture.other"},
    )
    assert response.status_code == 302
    with schema_context(ystad.schema_name):
        assert Category.objects.filter(name="Whiteboardtavlor", parent=furniture).exists()
    # the new category is offered on the form at once
    assert "Whiteboardtavlor" in client_for(ystad, owner).get("/annonser/ny/").content.decode()

    # a member may not, here or in Django admin (platform staff only)
    for path in ("/administrera/kategorier/", "/admin/catalog/category/"):
        refused = client_for(ystad, owner).get(path)
        assert refused.status_code == 403, path
        assert "Kontorsstolar" not in refused.content.decode()
    with schema_context(ystad.schema_name):
        chairs = Category.objects.get(name="Kontorsstolar")
    attempt = client_for(ystad, owner).post(f"/administrera/kategorier/{chairs.pk}/", {
        "name": "Kapad", "parent": "", "position": 0, "platform_key": chairs.platform_key})
    assert attempt.status_code == 403
    with schema_context(ystad.schema_name):
        assert Category.objects.get(pk=chairs.pk).name == "Kontorsstolar"


def test_english_pages_by_the_language_cookie(ystad, owner, listing):
    client = client_for(ystad, owner)

    swedish = client.get(f"/annonser/{listing.uuid}/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(f"/annonser/{listing.uuid}/").content.decode()
    english_browse = client.get("/").content.decode()

    assert '<html lang="sv">' in swedish and "Kontorsstolar" in swedish
    assert '<html lang="en">' in english and "Office chairs" in english and "Kontorsstolar" not in english
    assert "På svenska" in english
    assert "Find before you buy" in english_browse and ">Furniture › Office chairs<" in english_browse


def test_an_unknown_filter_value_does_not_drop_the_search_words(ystad, owner, listing):
    # A bookmarked address may name a category an admin has since removed: the words still count.
    client = client_for(ystad, owner)

    response = client.get("/", {"q": "gungstol", "category": "999999"})

    assert response.status_code == 200
    assert f"/annonser/{listing.uuid}/" in response.content.decode()
    assert response.context["query"] == "gungstol"
    matching = client.get("/", {"q": "gungstol"}).context["page"].paginator.count
    assert response.context["page"].paginator.count == matching


def test_an_htmx_history_restore_gets_the_whole_page(ystad, owner):
    # htmx asks again for a page it pushed to the history but no longer has cached: it needs the whole page.
    client = client_for(ystad, owner)

    response = client.get("/", {"q": "gungstol"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")

    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_a_title_with_markup_is_shown_as_text(ystad, owner, colleague):
    with schema_context(ystad.schema_name):
        listing = make_listing(
            author=owner, title="<script>alert(1)</script> gungstol", description="<b>fet</b>\nrad två"
        )
        booking_services.reserve_listing(listing=listing, by=colleague, message="<img src=x onerror=alert(2)>")
    owner_client = client_for(ystad, owner)

    pages = [
        client_for(ystad, colleague).get("/", {"q": "gungstol"}),
        owner_client.get(f"/annonser/{listing.uuid}/"),
        owner_client.get("/mina-annonser/"),
        client_for(ystad, colleague).get("/mina-reservationer/"),
        owner_client.get(f"/annonser/{listing.uuid}/andra/"),
    ]

    for response in pages:
        body = response.content.decode()
        assert "<script>alert(1)" not in body and "<img src=x" not in body and "<b>fet" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; gungstol" in pages[1].content.decode()
    assert "&lt;b&gt;fet&lt;/b&gt;<br>rad två" in pages[1].content.decode()


def test_my_listings_and_reservations_are_paginated(ystad, owner, monkeypatch):
    from exchange import mine_views  # the page is composed above catalog and bookings

    monkeypatch.setattr(mine_views, "MY_PAGE_SIZE", 2)
    with schema_context(ystad.schema_name):
        for n in range(3):
            make_listing(author=owner, title=f"Sidindelning {n}")
    client = client_for(ystad, owner)
    first = client.get("/mina-annonser/").content.decode()
    assert "Sida 1 av" in first and "sida=2" in first
    assert client.get("/mina-annonser/?sida=2").status_code == 200
