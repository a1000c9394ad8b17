"""The catalogue's writes (catalog.services): posting, editing, publishing, withdrawing, reserving, handing over and
cancelling, with their rules, their permissions and the errors a person is shown."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django_tenants.utils import schema_context

from accounts.models import Role
from bookings import permissions as booking_permissions
from bookings import services as booking_services
from bookings.lifecycle import BookingStatus as ReservationStatus
from bookings.models import Booking
from catalog import permissions, selectors, services
from catalog.defaults import CATEGORY_TREE
from catalog.errors import CatalogError
from catalog.lifecycle import ListingStatus
from catalog.models import Category, Listing, ListingPhoto
from tests.catalog_factories import actor_of, available, category, make_listing, party, photo_upload
from tests.conftest import user_in
from tests.factories import DepartmentFactory, UserFactory

# English keeps the assertions on messages independent of the Swedish catalogue.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]




@dataclass
class People:
    department: object  # the owning department of the listings below
    owner: object  # member of that department, posts the listings
    colleague: object  # member of another department, reserves
    stranger: object  # member of a third department, has nothing to do with it
    manager: object  # department manager of the owning department
    other_manager: object  # department manager of another department
    operator: object
    admin: object


@pytest.fixture
def people(ystad, media) -> People:
    with schema_context(ystad.schema_name):
        department = DepartmentFactory(name="Enheten för provning")
        yield People(
            department=department,
            owner=UserFactory(department=department, full_name="Olle Ägare"),
            colleague=UserFactory(full_name="Karin Kollega"),
            stranger=UserFactory(full_name="Sven Främling"),
            manager=UserFactory(department=department, role=Role.DEPARTMENT_MANAGER),
            other_manager=UserFactory(role=Role.DEPARTMENT_MANAGER),
            operator=user_in(ystad, "operator"),
            admin=user_in(ystad, "admin"),
        )


@contextmanager
def refused(code: str, http_status: int | None = None):
    """Expect a CatalogError with ``code`` whose message is a non-empty, translatable text."""
    with pytest.raises(CatalogError) as caught:
        yield caught
    error = caught.value
    assert error.code == code, f"{error.code}: {error.message}"
    if http_status is not None:
        assert error.http_status == http_status
    assert isinstance(error.message, str | Promise)
    assert str(error.message).strip()


def details_of(listing: Listing, **changes) -> services.ListingDetails:
    """The listing's current details, with ``changes``: what an edit form would send."""
    values = {
        "title": listing.title,
        "category": listing.category,
        "department": listing.department,
        "contact_person": listing.contact_person,
        "description": listing.description,
        "condition": listing.condition,
        "quantity": listing.quantity,
        "offer_type": listing.offer_type,
        "price": listing.price,
        "rent_period": listing.rent_period,
    }
    return services.ListingDetails(**{**values, **changes})


def new_details(author, **changes) -> services.ListingDetails:
    values = {
        "title": "Skrivbord, höj- och sänkbart",
        "category": category("Skrivbord"),
        "department": author.department,
        "contact_person": author,
    }
    return services.ListingDetails(**{**values, **changes})


def reload(instance):
    instance.refresh_from_db()
    return instance


def stored_files(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()} if root.exists() else set()


# --- create --------------------------------------------------------------------------------------------------------


def test_a_new_listing_is_a_draft_with_everything_available(people):
    # when
    listing = services.create_listing(
        author=people.owner,
        details=new_details(people.owner, title="  Skrivbord  ", quantity=4, room=" 204 ", building="Stadshuset"),
    )

    # then
    listing = reload(listing)
    assert listing.status == ListingStatus.DRAFT
    assert listing.published_at is None
    assert (listing.quantity, available(listing)) == (4, 4)
    assert listing.title == "Skrivbord"
    assert listing.location == "Stadshuset, 204"
    assert listing.created_by == people.owner
    assert listing.department == people.department


def test_a_listing_published_at_once_needs_a_photo(people):
    # given
    before = Listing.objects.count()

    # when / then
    with refused("photo_required", 400) as caught:
        services.create_listing(author=people.owner, details=new_details(people.owner), publish=True)
    assert str(caught.value.message) == "Add at least one photo before publishing."
    assert Listing.objects.count() == before


def test_a_listing_with_a_photo_can_be_published_at_once(people, media):
    # when
    listing = services.create_listing(
        author=people.owner,
        details=new_details(people.owner),
        photos=services.prepare_photos([photo_upload()]),
        publish=True,
    )

    # then
    listing = reload(listing)
    assert listing.status == ListingStatus.PUBLISHED
    assert listing.published_at is not None
    assert listing.photos.count() == 1
    assert (media / listing.photos.get().image.name).is_file()


@pytest.mark.parametrize(
    ("offer", "price", "period", "code"),
    [
        ("give_away", Decimal("10"), "", "price_not_allowed"),
        ("lend", Decimal("5"), "", "price_not_allowed"),
        ("sell", None, "", "price_required"),
        ("rent", None, "month", "price_required"),
        ("rent", Decimal("100"), "", "rent_period_required"),
        ("sell", Decimal("-1"), "", "price_invalid"),
    ],
)
def test_price_rules_refuse(people, offer, price, period, code):
    # when / then
    with refused(code, 400):
        services.create_listing(
            author=people.owner,
            details=new_details(people.owner, offer_type=offer, price=price, rent_period=period),
        )


@pytest.mark.parametrize(
    ("offer", "price", "period", "stored_period"),
    [
        ("give_away", None, "", ""),
        ("lend", None, "", ""),
        ("sell", Decimal("250.00"), "", ""),
        ("sell", Decimal("0"), "week", ""),  # a rent period means nothing for a sale
        ("rent", Decimal("100.00"), "month", "month"),
    ],
)
def test_price_rules_accept(people, offer, price, period, stored_period):
    # when
    listing = services.create_listing(
        author=people.owner, details=new_details(people.owner, offer_type=offer, price=price, rent_period=period)
    )

    # then
    listing = reload(listing)
    assert (listing.offer_type, listing.price, listing.rent_period) == (offer, price, stored_period)


@pytest.mark.parametrize("quantity", [0, -1])
def test_the_quantity_must_be_at_least_one(people, quantity):
    with refused("quantity_invalid", 400):
        services.create_listing(author=people.owner, details=new_details(people.owner, quantity=quantity))


def test_a_member_may_post_only_for_their_own_department(people):
    # when / then
    with refused("not_allowed", 403):
        services.create_listing(
            author=people.owner, details=new_details(people.owner, department=people.colleague.department)
        )
    with refused("not_allowed", 403):
        services.create_listing(
            author=people.other_manager, details=new_details(people.other_manager, department=people.department)
        )


@pytest.mark.parametrize("who", ["operator", "admin"])
def test_operators_and_admins_may_post_for_any_department(people, who):
    # given
    poster = getattr(people, who)

    # when
    listing = services.create_listing(
        author=poster, details=new_details(poster, department=people.department, contact_person=people.owner)
    )

    # then
    assert reload(listing).department == people.department
    assert listing.created_by == poster


def test_a_listing_has_at_most_eight_photos(people, media):
    # given
    nine = services.prepare_photos([photo_upload(size=(8, 8)) for _ in range(9)])

    # when / then
    with refused("too_many_photos", 400) as caught:
        services.create_listing(author=people.owner, details=new_details(people.owner), photos=nine)
    assert str(caught.value.message) == "A listing can have at most 8 photos."
    assert stored_files(media) == set()

    listing = services.create_listing(author=people.owner, details=new_details(people.owner), photos=nine[:8])
    assert [photo.position for photo in listing.photos.all()] == [1, 2, 3, 4, 5, 6, 7, 8]


# --- update --------------------------------------------------------------------------------------------------------


def test_the_quantity_cannot_go_below_what_is_claimed(people):
    # given 3, of which 2 are reserved
    listing = make_listing(author=people.owner, quantity=3)
    booking_services.reserve_listing(listing=listing, by=people.colleague, quantity=2)

    # when / then
    with refused("quantity_below_claimed", 400) as caught:
        services.update_listing(listing=listing, editor=people.owner, details=details_of(listing, quantity=1))
    assert str(caught.value.message) == (
        "The quantity cannot be lower than what is already reserved or handed over (2)."
    )
    with refused("quantity_invalid", 400):
        services.update_listing(listing=listing, editor=people.owner, details=details_of(listing, quantity=0))
    assert (reload(listing).quantity, available(listing)) == (3, 1)


def test_the_status_follows_the_available_quantity(people):
    # given one item, reserved
    listing = make_listing(author=people.owner, quantity=1)
    booking_services.reserve_listing(listing=listing, by=people.colleague)
    assert reload(listing).status == ListingStatus.RESERVED

    # when the owner finds two more
    services.update_listing(listing=listing, editor=people.owner, details=details_of(listing, quantity=3))

    # then they can be reserved again
    listing = reload(listing)
    assert (listing.status, listing.quantity, available(listing)) == (ListingStatus.PUBLISHED, 3, 2)

    # when they turn out not to exist after all
    services.update_listing(listing=listing, editor=people.owner, details=details_of(listing, quantity=1))

    # then
    listing = reload(listing)
    assert (listing.status, listing.quantity, available(listing)) == (ListingStatus.RESERVED, 1, 0)


def test_lowering_the_quantity_to_what_was_handed_over_hands_the_listing_over(people):
    # given 3 chairs, 1 handed over
    listing = make_listing(author=people.owner, quantity=3)
    reservation = booking_services.reserve_listing(listing=listing, by=people.colleague)
    booking_services.confirm_handover(booking=reservation, by=people.owner)

    # when the owner notices the other 2 are gone
    services.update_listing(listing=listing, editor=people.owner, details=details_of(listing, quantity=1))

    # then nothing is left to reserve or to hand over: the listing is done, not stuck as "reserved"
    listing = reload(listing)
    assert (listing.status, available(listing)) == (ListingStatus.HANDED_OVER, 0)


def test_a_handed_over_listing_can_no_longer_be_edited(people):
    # given
    listing = make_listing(author=people.owner)
    booking_services.confirm_handover(
        booking=booking_services.reserve_listing(listing=listing, by=people.colleague), by=people.owner
    )

    # when / then
    with refused("not_possible_now", 409) as caught:
        services.update_listing(listing=listing, editor=people.owner, details=details_of(listing, title="Nytt"))
    assert str(caught.value.message) == "A listing that has been handed over can no longer be changed."


def test_who_may_edit(people):
    # given
    listing = make_listing(author=people.owner)

    # when / then
    for editor in (people.colleague, people.stranger, people.other_manager):
        with refused("not_allowed", 403):
            services.update_listing(listing=listing, editor=editor, details=details_of(listing, title="Kapad"))
    for number, editor in enumerate((people.owner, people.manager, people.operator, people.admin)):
        services.update_listing(listing=listing, editor=editor, details=details_of(listing, title=f"Stol {number}"))
    assert reload(listing).title == "Stol 3"


def test_moving_a_listing_to_another_department_follows_the_posting_rule(people):
    # given
    listing = make_listing(author=people.owner)
    elsewhere = people.colleague.department

    # when / then: the owner may not move it to another department, an operator may
    with refused("not_allowed", 403):
        services.update_listing(listing=listing, editor=people.owner, details=details_of(listing, department=elsewhere))
    services.update_listing(listing=listing, editor=people.operator, details=details_of(listing, department=elsewhere))
    assert reload(listing).department == elsewhere


def test_a_listing_stays_editable_after_its_poster_changed_department(people):
    # given a listing whose poster has since moved to another department
    listing = make_listing(author=people.owner)
    people.owner.department = DepartmentFactory(name="Ny enhet")
    people.owner.save()

    # when the manager of the owning department edits it, keeping its department
    services.update_listing(
        listing=Listing.objects.get(pk=listing.pk), editor=people.manager, details=details_of(listing, title="Ny titel")
    )

    # then
    assert reload(listing).title == "Ny titel"


def test_removed_photos_are_deleted_from_disk_only_after_the_commit(people, media, django_capture_on_commit_callbacks):
    # given a listing with two photos
    listing = make_listing(author=people.owner, photos=2)
    first, second = listing.photos.all()
    first_files = [media / first.image.name, media / first.thumbnail.name]

    # when the first is removed
    with django_capture_on_commit_callbacks(execute=True):
        services.update_listing(
            listing=listing, editor=people.owner, details=details_of(listing), remove_photo_ids=[first.pk]
        )
        # then, until the transaction commits, the files are still there (a rollback would still need them)
        assert all(path.is_file() for path in first_files)

    # and after it they are gone, the other photo untouched
    assert not any(path.exists() for path in first_files)
    assert list(listing.photos.all()) == [second]
    assert (media / second.image.name).is_file()


def test_a_published_listing_keeps_at_least_one_photo_a_draft_need_not(people, media):
    # given
    published = make_listing(author=people.owner, photos=1)
    draft = make_listing(author=people.owner, photos=1, publish=False)

    # when / then
    with refused("photo_required", 400):
        services.update_listing(
            listing=published, editor=people.owner, details=details_of(published),
            remove_photo_ids=[published.photos.get().pk],
        )
    assert published.photos.count() == 1
    services.update_listing(
        listing=draft, editor=people.owner, details=details_of(draft), remove_photo_ids=[draft.photos.get().pk]
    )
    assert draft.photos.count() == 0


def test_adding_photos_beyond_eight_is_refused_and_writes_nothing(people, media):
    # given
    listing = make_listing(author=people.owner, photos=7)
    files_before = stored_files(media)

    # when / then
    with refused("too_many_photos", 400):
        services.update_listing(
            listing=listing, editor=people.owner, details=details_of(listing),
            add_photos=services.prepare_photos([photo_upload(size=(8, 8)) for _ in range(2)]),
        )
    assert stored_files(media) == files_before
    assert listing.photos.count() == 7


def test_a_failed_update_leaves_no_new_files_on_disk(people, media, monkeypatch):
    # given a listing, and a database that fails while the second new photo is being saved
    listing = make_listing(author=people.owner, photos=1)
    files_before = stored_files(media)
    real_save = ListingPhoto.save
    saves = []

    def failing_save(self, *args, **kwargs):
        saves.append(self.image.name)
        if len(saves) == 2:
            raise RuntimeError("the database went away")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(ListingPhoto, "save", failing_save)

    # when
    with pytest.raises(RuntimeError):
        services.update_listing(
            listing=listing, editor=people.owner, details=details_of(listing, title="Ändrad"),
            add_photos=services.prepare_photos([photo_upload(), photo_upload()]),
        )

    # then the files written for both new photos are gone again, the old one is untouched, nothing changed
    assert len(saves) == 2, "the files of both photos were written before the failure"
    assert stored_files(media) == files_before
    listing = reload(listing)
    assert listing.title != "Ändrad"
    assert listing.photos.count() == 1


def test_a_failure_between_a_photo_and_its_thumbnail_leaves_neither_behind(people, media, monkeypatch):
    # given a disk that fills up just as the first thumbnail is written
    from django.core.files.storage import FileSystemStorage

    real_save = FileSystemStorage._save

    def full_disk(self, name, content):
        if name.endswith("-thumb.webp"):
            raise OSError(28, "No space left on device")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", full_disk)
    before = Listing.objects.count()

    # when
    with pytest.raises(OSError):
        services.create_listing(
            author=people.owner,
            details=new_details(people.owner),
            photos=services.prepare_photos([photo_upload()]),
            publish=True,
        )

    # then the full-size photo already written is removed again, and no listing was created
    assert stored_files(media) == set()
    assert Listing.objects.count() == before


# --- publish and withdraw ------------------------------------------------------------------------------------------


def test_publishing_a_draft(people):
    # given
    without_photo = make_listing(author=people.owner, photos=0, publish=False)
    with_photo = make_listing(author=people.owner, photos=1, publish=False)

    # when / then
    with refused("photo_required", 400):
        services.publish_listing(listing=without_photo, by=people.owner)
    assert reload(without_photo).status == ListingStatus.DRAFT
    with refused("not_allowed", 403):
        services.publish_listing(listing=with_photo, by=people.colleague)

    services.publish_listing(listing=with_photo, by=people.manager)
    assert reload(with_photo).status == ListingStatus.PUBLISHED
    assert with_photo.published_at is not None

    with refused("not_possible_now", 409) as caught:
        services.publish_listing(listing=with_photo, by=people.owner)
    assert str(caught.value.message) == "Only a draft, a stored or a withdrawn listing can be published."


def test_withdrawing_cancels_open_reservations_with_the_reason_and_gives_the_quantity_back(people):
    # given 5 chairs: 1 handed over, 2 + 1 reserved
    listing = make_listing(author=people.owner, quantity=5)
    handed = booking_services.reserve_listing(listing=listing, by=people.colleague)
    booking_services.confirm_handover(booking=handed, by=people.owner)
    open_ones = [
        booking_services.reserve_listing(listing=listing, by=people.colleague, quantity=2),
        booking_services.reserve_listing(listing=listing, by=people.stranger, quantity=1),
    ]
    assert available(listing) == 1

    # when
    services.withdraw_listing(listing=listing, by=people.owner, reason="  Trasig vid närmare koll  ")

    # then
    listing = reload(listing)
    assert listing.status == ListingStatus.WITHDRAWN
    assert listing.withdrawn_reason == "Trasig vid närmare koll"
    assert listing.withdrawn_at is not None
    assert available(listing) == 4, "all but the handed-over one is back"
    for reservation in open_ones:
        reservation = reload(reservation)
        assert reservation.status == ReservationStatus.CANCELLED
        assert reservation.cancel_reason == "Trasig vid närmare koll"
        assert actor_of(reservation, "cancelled") == party(people.owner)
        assert reservation.cancelled_at == listing.withdrawn_at
    assert reload(handed).status == ReservationStatus.HANDED_OVER


def test_withdrawing_without_a_reason_tells_the_reserver_it_was_withdrawn(people):
    # given
    listing = make_listing(author=people.owner)
    reservation = booking_services.reserve_listing(listing=listing, by=people.colleague)

    # when
    services.withdraw_listing(listing=listing, by=people.operator)

    # then
    # stored in the organisation's language (Swedish), whatever language the operator uses
    assert reload(reservation).cancel_reason == "Annonsen har tagits ned."
    assert reload(listing).withdrawn_reason == ""


def test_a_withdrawn_listing_can_be_published_again_keeping_when_it_was_first_published(people):
    # given
    listing = make_listing(author=people.owner)
    first_published = reload(listing).published_at
    services.withdraw_listing(listing=listing, by=people.owner, reason="Paus")

    # when
    services.publish_listing(listing=listing, by=people.owner)

    # then
    listing = reload(listing)
    assert listing.status == ListingStatus.PUBLISHED
    assert listing.published_at == first_published
    assert (listing.withdrawn_at, listing.withdrawn_reason) == (None, "")


def test_withdrawing_is_refused_when_done_or_not_allowed(people):
    # given
    listing = make_listing(author=people.owner)

    # when / then
    with refused("not_allowed", 403):
        services.withdraw_listing(listing=listing, by=people.colleague)
    services.withdraw_listing(listing=listing, by=people.owner)
    with refused("not_possible_now", 409):
        services.withdraw_listing(listing=listing, by=people.owner)


# --- reserve -------------------------------------------------------------------------------------------------------


def test_nobody_reserves_their_own_listing(people):
    # given a listing posted by an operator with the owner as contact person
    listing = make_listing(author=people.operator, department=people.department, contact_person=people.owner)

    # when / then
    for own in (people.operator, people.owner):
        with refused("own_listing", 400) as caught:
            booking_services.reserve_listing(listing=listing, by=own)
        assert str(caught.value.message) == "You cannot reserve your own listing."
    assert available(listing) == 1


def test_part_of_the_quantity_can_be_reserved(people):
    # given
    listing = make_listing(author=people.owner, quantity=5)

    # when
    reservation = booking_services.reserve_listing(
        listing=listing, by=people.colleague, quantity=2, message="  Hämtar fredag "
    )

    # then
    listing = reload(listing)
    assert (listing.status, available(listing)) == (ListingStatus.PUBLISHED, 3)
    reservation = reload(reservation)
    assert reservation.status == ReservationStatus.RESERVED
    assert reservation.quantity == 2
    assert reservation.borrower == party(people.colleague)
    assert reservation.contact == party(people.owner)
    assert reservation.receiving_department == people.colleague.department
    assert reservation.message == "Hämtar fredag"


def test_reserving_the_last_items_reserves_the_listing(people):
    # given
    listing = make_listing(author=people.owner, quantity=3)
    booking_services.reserve_listing(listing=listing, by=people.colleague, quantity=1)

    # when
    booking_services.reserve_listing(listing=listing, by=people.stranger, quantity=2)

    # then
    listing = reload(listing)
    assert (listing.status, available(listing)) == (ListingStatus.RESERVED, 0)


def test_reserving_more_than_is_left_is_refused_with_what_is_left(people):
    # given
    listing = make_listing(author=people.owner, quantity=4)
    booking_services.reserve_listing(listing=listing, by=people.colleague, quantity=1)

    # when / then
    with refused("not_enough", 409) as caught:
        booking_services.reserve_listing(listing=listing, by=people.stranger, quantity=4)
    assert str(caught.value.message) == "Only 3 left to reserve."
    assert available(listing) == 3


def test_reserving_what_someone_else_already_reserved_is_sold_out(people):
    # given
    listing = make_listing(author=people.owner)
    booking_services.reserve_listing(listing=listing, by=people.colleague)

    # when / then
    with refused("sold_out", 409) as caught:
        booking_services.reserve_listing(listing=listing, by=people.stranger)
    assert str(caught.value.message) == "Someone else reserved the last one just before you. It is no longer available."
    assert Booking.objects.filter(listing=listing).count() == 1


@pytest.mark.parametrize("quantity", [0, -2])
def test_reserving_nothing_is_refused(people, quantity):
    listing = make_listing(author=people.owner)
    with refused("quantity_invalid", 400):
        booking_services.reserve_listing(listing=listing, by=people.colleague, quantity=quantity)


def test_drafts_and_withdrawn_listings_cannot_be_reserved(people):
    # given
    draft = make_listing(author=people.owner, publish=False)
    withdrawn = make_listing(author=people.owner)
    services.withdraw_listing(listing=withdrawn, by=people.owner)

    # when / then
    for listing in (draft, withdrawn):
        with refused("not_possible_now", 409) as caught:
            booking_services.reserve_listing(listing=listing, by=people.colleague)
        assert str(caught.value.message) == "This listing is not open for reservations."


# --- confirm handover ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "contact", "manager", "operator", "admin"])
def test_the_owner_side_confirms_the_handover(people, who):
    # given a listing posted by the operator, with the owner as contact person, in the owner's department
    poster = people.operator if who == "contact" else people.owner
    listing = make_listing(author=poster, department=people.department, contact_person=people.owner)
    reservation = booking_services.reserve_listing(listing=listing, by=people.colleague)
    confirmer = people.owner if who in ("owner", "contact") else getattr(people, who)

    # when
    booking_services.confirm_handover(booking=reservation, by=confirmer)

    # then
    reservation = reload(reservation)
    assert reservation.status == ReservationStatus.HANDED_OVER
    assert actor_of(reservation, "handed_over") == party(confirmer)
    assert reservation.handed_over_at is not None
    assert reload(listing).status == ListingStatus.HANDED_OVER


@pytest.mark.parametrize("who", ["colleague", "stranger", "other_manager"])
def test_the_receiving_side_and_outsiders_cannot_confirm(people, who):
    # given
    listing = make_listing(author=people.owner)
    reservation = booking_services.reserve_listing(listing=listing, by=people.colleague)

    # when / then
    with refused("not_allowed", 403) as caught:
        booking_services.confirm_handover(booking=reservation, by=getattr(people, who))
    assert str(caught.value.message) == (
        "Only the person who reserved, the listing's owner or an operator can do this."
    )
    assert reload(reservation).status == ReservationStatus.RESERVED


def test_the_listing_is_handed_over_when_everything_is(people):
    # given 3 items: 1 and 2 reserved by two colleagues
    listing = make_listing(author=people.owner, quantity=3)
    first = booking_services.reserve_listing(listing=listing, by=people.colleague, quantity=1)
    second = booking_services.reserve_listing(listing=listing, by=people.stranger, quantity=2)

    # when the first is handed over
    booking_services.confirm_handover(booking=first, by=people.owner)

    # then the listing waits for the second
    assert reload(listing).status == ListingStatus.RESERVED

    # when the second is handed over too
    booking_services.confirm_handover(booking=second, by=people.owner)

    # then
    assert reload(listing).status == ListingStatus.HANDED_OVER


def test_a_partial_handover_keeps_the_rest_on_offer(people):
    # given
    listing = make_listing(author=people.owner, quantity=3)
    reservation = booking_services.reserve_listing(listing=listing, by=people.colleague, quantity=1)

    # when
    booking_services.confirm_handover(booking=reservation, by=people.owner)

    # then
    listing = reload(listing)
    assert (listing.status, available(listing)) == (ListingStatus.PUBLISHED, 2)


def test_a_handover_counts_as_mediated_for_the_owning_department(people):
    # given
    year = timezone.localdate().year
    before = selectors.statistics(year=year)
    listing = make_listing(author=people.owner, quantity=5)
    reservation = booking_services.reserve_listing(listing=listing, by=people.colleague, quantity=3)

    # when
    booking_services.confirm_handover(booking=reservation, by=people.owner)

    # then
    after = selectors.statistics(year=year)
    assert after.mediated == before.mediated + 3
    assert after.handovers == before.handovers + 1
    ours = next(row for row in after.departments if row.department == people.department.name)
    assert (ours.posted, ours.mediated) == (1, 3)


def test_a_cancelled_reservation_cannot_be_handed_over(people):
    # given
    listing = make_listing(author=people.owner)
    reservation = booking_services.reserve_listing(listing=listing, by=people.colleague)
    booking_services.cancel_booking(booking=reservation, by=people.colleague, reason="Behövs inte")

    # when / then
    with refused("not_possible_now", 409) as caught:
        booking_services.confirm_handover(booking=reservation, by=people.owner)
    assert str(caught.value.message) == "Only an active reservation can be handed over."


# --- cancel --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["colleague", "owner", "manager", "operator"])
def test_either_side_cancels_with_a_reason_and_the_listing_reopens(people, who):
    # given the last item, reserved
    listing = make_listing(author=people.owner, quantity=2)
    reservation = booking_services.reserve_listing(listing=listing, by=people.colleague, quantity=2)
    assert reload(listing).status == ListingStatus.RESERVED
    canceller = getattr(people, who)

    # when
    booking_services.cancel_booking(booking=reservation, by=canceller, reason="  Fel modell  ")

    # then
    reservation = reload(reservation)
    assert reservation.status == ReservationStatus.CANCELLED
    assert reservation.cancel_reason == "Fel modell"
    assert actor_of(reservation, "cancelled") == party(canceller)
    assert reservation.cancelled_at is not None
    listing = reload(listing)
    assert (listing.status, available(listing)) == (ListingStatus.PUBLISHED, 2)


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_someone_elses_reservation_needs_a_reason(people, reason):
    # given
    listing = make_listing(author=people.owner)
    reservation = booking_services.reserve_listing(listing=listing, by=people.colleague)

    # when / then the owner side must say why
    with refused("reason_required", 400) as caught:
        booking_services.cancel_booking(booking=reservation, by=people.owner, reason=reason)
    assert str(caught.value.message) == "Give a reason."
    assert reload(reservation).status == ReservationStatus.RESERVED


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_person_cancels_their_own_reservation_without_a_reason(people, reason):
    # given
    listing = make_listing(author=people.owner)
    reservation = booking_services.reserve_listing(listing=listing, by=people.colleague)

    # when
    booking_services.cancel_booking(booking=reservation, by=people.colleague, reason=reason)

    # then
    reservation = reload(reservation)
    assert (reservation.status, reservation.cancel_reason) == (ReservationStatus.CANCELLED, "")
    assert (reload(listing).status, available(reload(listing))) == (ListingStatus.PUBLISHED, listing.quantity)


@pytest.mark.parametrize("who", ["stranger", "other_manager"])
def test_outsiders_cannot_cancel(people, who):
    # given
    listing = make_listing(author=people.owner)
    reservation = booking_services.reserve_listing(listing=listing, by=people.colleague)

    # when / then
    with refused("not_allowed", 403):
        booking_services.cancel_booking(booking=reservation, by=getattr(people, who), reason="Bara för att")
    assert reload(reservation).status == ReservationStatus.RESERVED
    assert available(listing) == 0


def test_a_reservation_is_cancelled_or_handed_over_only_once(people):
    # given
    listing = make_listing(author=people.owner, quantity=2)
    cancelled = booking_services.reserve_listing(listing=listing, by=people.colleague)
    handed = booking_services.reserve_listing(listing=listing, by=people.stranger)
    booking_services.cancel_booking(booking=cancelled, by=people.colleague, reason="Ångrade mig")
    booking_services.confirm_handover(booking=handed, by=people.owner)

    # when / then
    with refused("not_possible_now", 409):
        booking_services.cancel_booking(booking=cancelled, by=people.colleague, reason="Igen")
    with refused("not_possible_now", 409):
        booking_services.cancel_booking(booking=handed, by=people.stranger, reason="För sent")
    assert available(listing) == 1, "the quantity came back once"


# --- permissions ---------------------------------------------------------------------------------------------------


def test_who_manages_a_listing(people):
    # given
    listing = make_listing(author=people.owner)
    inactive_operator = UserFactory(role=Role.OPERATOR, is_active=False)

    # when / then
    managers = {people.owner, people.manager, people.operator, people.admin}
    for person in (*managers, people.colleague, people.stranger, people.other_manager, inactive_operator):
        assert permissions.can_manage_listing(person, listing) is (person in managers), person
    assert not permissions.can_manage_listing(AnonymousUser(), listing)


def test_a_department_manager_without_a_department_manages_nothing(people):
    # given a listing of a department, and a manager not (yet) placed in any department
    listing = make_listing(author=people.owner)
    unplaced = UserFactory(role=Role.DEPARTMENT_MANAGER, department=None)

    # when / then
    assert not permissions.can_manage_listing(unplaced, listing)


def test_who_may_cancel_a_reservation(people):
    # given
    listing = make_listing(author=people.owner)
    reservation = booking_services.reserve_listing(listing=listing, by=people.colleague)

    # when / then
    assert booking_permissions.can_cancel(people.colleague, reservation)
    assert booking_permissions.can_cancel(people.owner, reservation)
    assert not booking_permissions.can_cancel(people.stranger, reservation)
    assert not booking_permissions.can_cancel(AnonymousUser(), reservation)
    assert not booking_permissions.acts_for_owner(people.colleague, reservation)

    people.colleague.is_active = False
    assert not booking_permissions.can_cancel(people.colleague, reservation), "a deactivated account may not"


def test_only_the_service_runners_post_for_any_department(people):
    assert permissions.can_post_for_any_department(people.operator)
    assert permissions.can_post_for_any_department(people.admin)
    assert not permissions.can_post_for_any_department(people.manager)
    assert not permissions.can_post_for_any_department(people.owner)


# --- categories ----------------------------------------------------------------------------------------------------


def test_ensure_categories_is_idempotent(ystad):
    with schema_context(ystad.schema_name):
        # given the organisation's seeded tree
        before = list(Category.objects.order_by("pk").values_list("pk", "parent_id", "name"))
        assert len(before) == sum(1 + len(children) for _name, _en, children in CATEGORY_TREE)

        # when it is ensured again
        again = services.ensure_categories(tree=CATEGORY_TREE)

        # then nothing is added or changed, and the existing nodes are returned
        assert list(Category.objects.order_by("pk").values_list("pk", "parent_id", "name")) == before
        assert sorted(node.pk for node in again) == [pk for pk, _parent, _name in before]


def test_ensure_categories_adds_only_what_is_missing(ystad):
    with schema_context(ystad.schema_name):
        # given
        count = Category.objects.count()
        grown = [*CATEGORY_TREE, ("Fordon", "Vehicles", [("Cyklar", "Bicycles")])]
        grown[0] = (grown[0][0], grown[0][1], [*grown[0][2], ("Whiteboards", "Whiteboards")])

        # when
        services.ensure_categories(tree=grown)
        services.ensure_categories(tree=grown)

        # then
        assert Category.objects.count() == count + 3
        assert Category.objects.get(name="Cyklar").parent.name == "Fordon"
        assert Category.objects.get(name="Whiteboards").parent.name == "Möbler"


# --- messages ------------------------------------------------------------------------------------------------------


def test_messages_follow_the_active_language(people):
    # given
    listing = make_listing(author=people.owner, quantity=2)
    booking_services.reserve_listing(listing=listing, by=people.colleague)

    # when refused while Swedish is active
    with translation.override("sv"), pytest.raises(CatalogError) as not_enough:
        booking_services.reserve_listing(listing=listing, by=people.stranger, quantity=2)
    booking_services.reserve_listing(listing=listing, by=people.stranger)
    with pytest.raises(CatalogError) as sold_out:
        booking_services.reserve_listing(listing=listing, by=people.manager)

    # then the message is the catalogue's text in that language (a lazy text is rendered in the reader's)
    with translation.override("sv"):
        assert not_enough.value.message == gettext("Only %(available)s left to reserve.") % {"available": 1}
        assert isinstance(sold_out.value.message, Promise)
        assert str(sold_out.value.message) == gettext(
            "Someone else reserved the last one just before you. It is no longer available."
        )


@pytest.mark.parametrize("change", [{"condition": "fine"}, {"offer_type": "swap"}, {"rent_period": "year"}])
def test_values_outside_the_choices_are_refused(people, change):
    with schema_context("org_ystad"):
        # given details with a value no form offers (a program calling the service directly)
        details = new_details(people.owner, **change)

        # then nothing is stored
        with refused("invalid_choice", 400):
            services.create_listing(author=people.owner, details=details)
        assert not Listing.objects.filter(title=details.title, created_by=people.owner).exists()


def test_a_withdrawn_listing_with_nothing_left_cannot_be_published_again(people):
    with schema_context("org_ystad"):
        # given a listing whose every item was handed over, then withdrawn after its quantity was lowered to that
        listing = make_listing(author=people.owner, title="Hyllor slutförmedlade", quantity=3)
        reservation = booking_services.reserve_listing(listing=listing, by=people.colleague, quantity=2, notify=False)
        booking_services.confirm_handover(booking=reservation, by=people.owner)
        services.withdraw_listing(listing=reload(listing), by=people.owner, reason="Sista hyllan trasig")
        services.update_listing(listing=reload(listing), editor=people.owner, details=details_of(listing, quantity=2))

        # when the owner tries to publish it again
        with refused("nothing_left", 409):
            services.publish_listing(listing=reload(listing), by=people.owner)

        # then it stays withdrawn
        assert reload(listing).status == ListingStatus.WITHDRAWN


def test_a_title_adds_its_words_to_the_vocabulary_and_its_endings_to_the_search_text(people):
    with schema_context("org_ystad"):
        from catalog.models import SearchWord

        listing = make_listing(author=people.owner, title="Konferensstolar Zyxbord")
        assert {"konferensstolar", "zyxbord"} <= set(SearchWord.objects.values_list("word", flat=True))
        assert "stolar" in reload(listing).search_suffixes.split()
