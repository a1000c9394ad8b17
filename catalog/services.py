"""Writes for listings and photos. One transaction per operation, in the current organisation's schema. Claims on a
listing (reservations, loans) are ``bookings.services``; they lock the listing through ``lock_listing`` and let its
status follow them through ``settle_status``.

Photos are decoded and re-encoded before the transaction starts, so a bad file refuses the whole operation before
anything is written; files written during a transaction that then rolls back are removed again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.text import capfirst

from bookings import selectors as bookings
from bookings import services as booking_services
from taxonomy import selectors as taxonomy

from . import errors, lifecycle, permissions, photo_quota, publication, selectors
from .errors import CatalogError
from .lifecycle import LISTING, ListingStatus, TransitionNotAllowed
from .limits import (
    ADDRESS_MAX_LENGTH,
    BUILDING_MAX_LENGTH,
    CATEGORY_MAX_DEPTH,
    CATEGORY_NAME_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    PLACE_NAME_MAX_LENGTH,
    REASON_MAX_LENGTH,
    ROOM_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)
from .models import (
    PRICED_OFFERS,
    Category,
    Condition,
    Listing,
    ListingPhoto,
    OfferType,
    PendingPhoto,
    Place,
    PostingDefaults,
    Reach,
    RentPeriod,
    SearchWord,
    SharingSettings,
)
from .photos import ProcessedPhoto, check_pixel_budget, process_photo
from .search_text import normalized, title_suffixes, words

if TYPE_CHECKING:
    from accounts.models import Department


@dataclass(frozen=True)
class ListingDetails:
    title: str
    category: Category
    department: Department
    contact_person: object  # accounts.User
    description: str = ""
    condition: str = "good"
    quantity: int = 1
    offer_type: str = OfferType.GIVE_AWAY
    price: Decimal | None = None
    rent_period: str = ""
    address: str = ""
    building: str = ""
    room: str = ""
    # Who beyond the organisation sees it (models.Reach); None: the organisation's default when creating, unchanged
    # when editing.
    reach: str | None = None
    # A saved place (models.Place): its address and building are the listing's, the room too unless one is given.
    place: Place | None = None


# The names of a listing's details, for forms and serializers that read or fill them all.
DETAIL_FIELDS: tuple[str, ...] = tuple(field.name for field in fields(ListingDetails))


def _step(machine: lifecycle.Lifecycle, state: str, transition: str) -> str:
    try:
        return machine.next_state(state, transition)
    except TransitionNotAllowed as refused:
        raise errors.from_transition(refused) from None


def _check_offer(details: ListingDetails) -> None:
    if (
        details.condition not in Condition.values
        or details.offer_type not in OfferType.values
        or (details.rent_period and details.rent_period not in RentPeriod.values)
    ):
        errors.raise_error(errors.INVALID_CHOICE)
    if details.reach is not None and details.reach not in Reach.values:
        errors.raise_error(errors.REACH_INVALID, field="reach")
    if details.quantity < 1:
        errors.raise_error(errors.QUANTITY_INVALID)
    if details.offer_type in PRICED_OFFERS:
        if details.price is None:
            errors.raise_error(errors.PRICE_REQUIRED)
        if details.price < 0:
            errors.raise_error(errors.PRICE_INVALID)
        if details.offer_type == OfferType.RENT and not details.rent_period:
            errors.raise_error(errors.RENT_PERIOD_REQUIRED)
    elif details.price is not None:
        errors.raise_error(errors.PRICE_NOT_ALLOWED)


# A listing's texts and their limits (catalog.limits), checked as they will be stored (normalised and trimmed).
LISTING_TEXT_LIMITS = {
    "title": TITLE_MAX_LENGTH,
    "description": DESCRIPTION_MAX_LENGTH,
    "address": ADDRESS_MAX_LENGTH,
    "building": BUILDING_MAX_LENGTH,
    "room": ROOM_MAX_LENGTH,
}


def _check_length(model, name: str, value: str, limit: int, *, field: str = "") -> None:
    """Refuse a text over its limit, naming the model field ``name`` (``field``: the input it came from)."""
    if len(value) > limit:
        errors.raise_error(
            errors.TOO_LONG, field=field or name, name=capfirst(model._meta.get_field(name).verbose_name),
            limit=number_format(limit, force_grouping=True), length=number_format(len(value), force_grouping=True),
        )


def _check_texts(listing: Listing) -> None:
    for field, limit in LISTING_TEXT_LIMITS.items():
        _check_length(Listing, field, getattr(listing, field), limit)


def _check_department(details: ListingDetails, *, author) -> None:
    if not permissions.can_post_for_any_department(author) and details.department.pk != author.department_id:
        errors.raise_error(errors.NOT_ALLOWED)


def _apply_details(listing: Listing, details: ListingDetails) -> None:
    # One line (it becomes an e-mail subject), composed Unicode, as the search expects (catalog.search_text).
    listing.title = " ".join(normalized(details.title).split())
    listing.search_suffixes = title_suffixes(listing.title)
    listing.description = normalized(details.description).strip()
    listing.category = details.category
    listing.condition = details.condition
    listing.offer_type = details.offer_type
    listing.price = details.price if details.offer_type in PRICED_OFFERS else None
    listing.rent_period = details.rent_period if details.offer_type == OfferType.RENT else ""
    place = details.place
    listing.place = place
    listing.address = place.address if place is not None else details.address.strip()
    listing.building = place.building if place is not None else details.building.strip()
    listing.room = details.room.strip() or (place.room if place is not None else "")
    listing.department = details.department
    listing.contact_person = details.contact_person
    if details.reach is not None:
        listing.reach = details.reach


def _remember_words(listing: Listing) -> None:
    """Add the title's words to the vocabulary that misspelt searches are corrected against, once colleagues can
    see the listing (never a draft's: a correction shows the word it searched)."""
    if listing.status in permissions.UNPUBLISHED:
        return
    new = [SearchWord(word=word) for word in set(words(listing.title)) if len(word) <= 100]
    SearchWord.objects.bulk_create(new, ignore_conflicts=True)


def prepare_photos(uploads: Iterable, *, by=None) -> list[ProcessedPhoto]:
    """Decode and re-encode one request's uploads, refusing the first bad one with a message that names it.

    Before anything is decoded, the photos are refused together when they have more pixels than
    PHOTO_MAX_PIXELS_PER_REQUEST, and counted against the hourly quota of ``by``, the person uploading (refused
    over PHOTO_UPLOADS_PER_HOUR). ``by`` is None only where no person uploads: seeding, commands.
    """
    uploads = list(uploads)
    check_pixel_budget(uploads)
    if by is not None and uploads:
        photo_quota.take(person_id=by.pk, count=len(uploads))
    return [process_photo(upload) for upload in uploads]


class _StoredFiles:
    """Remembers files written in a transaction and removes them if it rolls back."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def add(self, name: str) -> None:
        self.names.append(name)

    def remove_all(self) -> None:
        _delete_files(self.names)


def _store_photos(listing: Listing, photos: Sequence[ProcessedPhoto], stored: _StoredFiles) -> None:
    start = (listing.photos.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    for offset, photo in enumerate(photos):
        record = ListingPhoto(listing=listing, position=start + offset)
        # Each file is remembered as soon as it is written, so a failure between the two leaves neither behind.
        record.image.save(photo.image.name, photo.image, save=False)
        stored.add(record.image.name)
        record.thumbnail.save(photo.thumbnail.name, photo.thumbnail, save=False)
        stored.add(record.thumbnail.name)
        record.save()


def _check_place(details: ListingDetails, *, current_id: int | None = None) -> None:
    """A retired place may stay on a listing that has it, never be newly chosen."""
    place = details.place
    if place is not None and not place.is_active and current_id != place.pk:
        errors.raise_error(errors.PLACE_RETIRED, field="place")


def _take_pending(listing: Listing, *, owner, uuids: Sequence, start: int) -> None:
    """Move the owner's pending photos ``uuids`` into the listing, in that order, from position ``start``: their
    files stay where they are, their rows become the listing's photos. Refused (nothing taken) if one is gone."""
    wanted = [str(value) for value in uuids]
    rows = {str(row.uuid): row for row in
            PendingPhoto.objects.select_for_update().filter(owner=owner, uuid__in=wanted)}
    if len(rows) != len(set(wanted)):
        errors.raise_error(errors.PENDING_PHOTO_GONE, field="photos")
    ListingPhoto.objects.bulk_create([
        ListingPhoto(
            listing=listing, image=rows[key].image.name, thumbnail=rows[key].thumbnail.name,
            width=rows[key].width, height=rows[key].height, position=start + offset,
        )
        for offset, key in enumerate(dict.fromkeys(wanted))
    ])
    PendingPhoto.objects.filter(pk__in=[row.pk for row in rows.values()]).delete()


def _remember_defaults(author, listing: Listing) -> None:
    """What the author chose, offered on their next listing (selectors.posting_defaults). One statement."""
    PostingDefaults.objects.bulk_create(
        [PostingDefaults(
            user=author, department=listing.department, contact_person=listing.contact_person, place=listing.place,
            address=listing.address, building=listing.building, room=listing.room, updated_at=timezone.now(),
        )],
        update_conflicts=True, unique_fields=["user"],
        update_fields=["department", "contact_person", "place", "address", "building", "room", "updated_at"],
    )


def create_listing(
    *, author, details: ListingDetails, photos: Sequence[ProcessedPhoto] = (), publish: bool = False,
    pending_photos: Sequence = (), notify_contact: bool = True,
) -> Listing:
    """A new listing, as a draft or published at once. Posted with someone else as contact person (an operator
    posting for a department), that person is told by e-mail, by name (``notify_contact``: unless history is being
    written after the fact, as the demo's). ``photos`` come from ``prepare_photos``; ``pending_photos``
    are UUIDs of the author's pending photos (``add_pending_photos``), taken in that order after ``photos``.
    The author's department, contact person and place are remembered for their next listing."""
    _check_offer(details)
    _check_department(details, author=author)
    _check_place(details)
    pending_photos = selectors.uuid_strings(pending_photos)  # a value that is no id names no photo
    if len(photos) + len(pending_photos) > settings.PHOTOS_PER_LISTING:
        errors.raise_error(errors.TOO_MANY_PHOTOS, limit=settings.PHOTOS_PER_LISTING)
    if publish and not photos and not pending_photos:
        errors.raise_error(errors.PHOTO_REQUIRED)
    if publish:
        _check_not_read_only()
    stored = _StoredFiles()
    try:
        with transaction.atomic():
            listing = Listing(created_by=author, quantity=details.quantity, reach=selectors.default_reach())
            _apply_details(listing, details)
            _check_texts(listing)
            if publish:
                listing.status = _step(LISTING, ListingStatus.DRAFT, "publish")
                listing.published_at = timezone.now()
            listing.save()
            _remember_words(listing)
            _store_photos(listing, photos, stored)
            if pending_photos:
                _take_pending(listing, owner=author, uuids=pending_photos, start=len(photos) + 1)
            _remember_defaults(author, listing)
            if notify_contact:
                notify_posted_for(listing=listing, by=author)
    except BaseException:
        stored.remove_all()
        raise
    return listing


def _locked(listing: Listing) -> Listing:
    # With the poster and contact person, whom the permission rules compare the acting person with.
    return (
        Listing.objects.select_related("created_by", "contact_person")
        .select_for_update(of=("self",))
        .get(pk=listing.pk)
    )


def lock_listing(*, listing: Listing) -> Listing:
    """The listing's row, locked until the transaction ends. Every claim on a listing is decided under this lock
    (bookings.services), the listing first and then the booking, so that steps queue instead of deadlocking."""
    return _locked(listing)


def lock_listings(*, ids: Iterable[int]) -> dict[int, Listing]:
    """Many listings' rows, locked until the transaction ends, in the order of their ids (so that two callers
    locking overlapping sets queue instead of deadlocking), by id. For daily jobs that change many bookings at once
    (bookings.services.lapse_reservations); the listing first and then its bookings, as lock_listing."""
    locked = Listing.objects.select_for_update(of=("self",)).filter(pk__in=set(ids)).order_by("pk")
    return {listing.pk: listing for listing in locked}


def _settled(listing: Listing, claimed: int, still_open: int) -> str:
    """The status a listing's claims for good call for (see settle_status)."""
    status = listing.status
    if status == ListingStatus.RESERVED and claimed < listing.quantity:
        status = _step(LISTING, status, "reopen")
    elif status == ListingStatus.PUBLISHED and claimed >= listing.quantity:
        status = _step(LISTING, status, "fully_reserve")
    if status == ListingStatus.RESERVED and not still_open:
        status = _step(LISTING, status, "hand_over_all")
    return status


SETTLING = (ListingStatus.PUBLISHED, ListingStatus.RESERVED)


def _settled_now(listing: Listing) -> str:
    """The status a locked listing's claims for good call for now (its own when it does not follow its claims)."""
    if listing.status not in SETTLING:
        return listing.status
    return _settled(listing, *bookings.claims(listing=listing))


def settle_status(*, listing: Listing) -> Listing:
    """Let a locked listing's status follow its claims for good (reservations, reserved or handed over): reserved
    when nothing is left, published again when some came back, handed over when all of it changed hands. Loans
    come back, so they leave the status as it is."""
    if listing.status not in SETTLING:
        return listing
    status = _settled_now(listing)
    if status != listing.status:
        listing.status = status
        listing.save(update_fields=["status", "updated_at"])
    else:
        publication.claims_changed(listing)
    return listing


def settle_statuses(*, listings: Iterable[Listing]) -> list[Listing]:
    """settle_status for many locked listings (lock_listings) in two queries, however many: returns those whose
    status changed."""
    settling = [listing for listing in listings if listing.status in SETTLING]
    if not settling:
        return []
    claims = bookings.claims_by_listing(listing_ids=[listing.pk for listing in settling])
    now = timezone.now()
    changed = []
    for listing in settling:
        status = _settled(listing, *claims.get(listing.pk, (0, 0)))
        if status != listing.status:
            listing.status, listing.updated_at = status, now
            changed.append(listing)
    if changed:
        Listing.objects.bulk_update(changed, ["status", "updated_at"])
    return changed


def update_listing(
    *,
    listing: Listing,
    editor,
    details: ListingDetails,
    add_photos: Sequence[ProcessedPhoto] = (),
    remove_photo_ids: Iterable[int] = (),
    unchanged_since: datetime | None = None,
    pending_photos: Sequence = (),
) -> Listing:
    """Change a listing's details and photos. ``unchanged_since`` is the ``edited_at`` the editor started from:
    if someone else has edited the listing since, the change is refused rather than overwriting theirs.
    ``pending_photos``: UUIDs of the editor's pending photos to add, in that order, after ``add_photos``."""
    if not permissions.can_manage_listing(editor, listing):
        errors.raise_error(errors.NOT_ALLOWED)
    _check_offer(details)
    pending_photos = selectors.uuid_strings(pending_photos)  # a value that is no id names no photo
    # Moving a listing to another department follows the rule for posting; keeping its department needs nothing
    # more (the poster may have changed department since).
    if details.department.pk != listing.department_id:
        _check_department(details, author=editor)
    stored = _StoredFiles()
    removed_files: list[str] = []
    try:
        with transaction.atomic():
            current = _locked(listing)
            _step(LISTING, current.status, "edit")
            _check_place(details, current_id=current.place_id)
            if unchanged_since is not None and current.edited_at != unchanged_since:
                errors.raise_error(errors.EDITED_MEANWHILE)
            # What is booked at the busiest moment from now on: reserved, handed over, or lent in some period.
            claimed = bookings.booked_peak(listing=current, start=timezone.now())
            if details.quantity < claimed:
                errors.raise_error(errors.QUANTITY_BELOW_CLAIMED, claimed=claimed)
            quantity_changed = details.quantity != current.quantity
            _apply_details(current, details)
            _check_texts(current)
            current.quantity = details.quantity
            current.edited_at = timezone.now()
            # Raised: some is free again; lowered to what was already handed over: nothing is left to hand over.
            # Settled before the one save, so that one edit tells the exchange once (catalog.publication).
            current.status = _settled_now(current)
            current.save()
            if quantity_changed:
                booking_services.listing_quantity_changed(listing=current)
            _remember_words(current)
            to_remove = list(current.photos.filter(pk__in=list(remove_photo_ids)))
            for photo in to_remove:
                removed_files += [photo.image.name, photo.thumbnail.name]
                photo.delete()
            remaining = current.photos.count()
            added = len(add_photos) + len(pending_photos)
            if remaining + added > settings.PHOTOS_PER_LISTING:
                errors.raise_error(errors.TOO_MANY_PHOTOS, limit=settings.PHOTOS_PER_LISTING)
            if current.status not in (ListingStatus.DRAFT, ListingStatus.STORED) and remaining + added == 0:
                errors.raise_error(errors.PHOTO_REQUIRED)
            _store_photos(current, add_photos, stored)
            if pending_photos:
                last = current.photos.order_by("-position").values_list("position", flat=True).first() or 0
                _take_pending(current, owner=editor, uuids=pending_photos, start=last + 1)
            transaction.on_commit(lambda: _delete_files(removed_files))
    except BaseException:
        stored.remove_all()
        raise
    return current


def _delete_files(names: Iterable[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


def _check_not_read_only() -> None:
    """Nothing new is published while the organisation is in read-only mode for an overdue payment (billing sets it
    through tenants, decision 0052). Every publication passes here: a new listing published at once
    (create_listing) and a draft, stored or withdrawn listing published (publish_listing, publish_stored)."""
    from tenants.selectors import is_billing_read_only

    if is_billing_read_only():
        errors.raise_error(errors.READ_ONLY)


@transaction.atomic
def publish_listing(*, listing: Listing, by) -> Listing:
    if not permissions.can_manage_listing(by, listing):
        errors.raise_error(errors.NOT_ALLOWED)
    _check_not_read_only()
    current = _locked(listing)
    current.status = _step(LISTING, current.status, "publish")
    if not current.photos.exists():
        errors.raise_error(errors.PHOTO_REQUIRED)
    if bookings.claims(listing=current)[0] >= current.quantity:
        # Everything was handed over before it was withdrawn: there is nothing left to offer.
        errors.raise_error(errors.NOTHING_LEFT)
    current.published_at = current.published_at or timezone.now()
    current.withdrawn_at = None
    current.withdrawn_reason = ""
    current.save(update_fields=["status", "published_at", "withdrawn_at", "withdrawn_reason", "updated_at"])
    _remember_words(current)
    return current


@transaction.atomic
def withdraw_listing(*, listing: Listing, by, reason: str = "", notify: bool = True) -> Listing:
    """Take a listing down. Open bookings (reservations, loans not picked up) are cancelled with the same reason, and
    those who made them told; loans that are out stay out until they are returned."""
    if not permissions.can_manage_listing(by, listing):
        errors.raise_error(errors.NOT_ALLOWED)
    _check_length(Listing, "withdrawn_reason", reason.strip(), REASON_MAX_LENGTH, field="reason")
    current = _locked(listing)
    current.status = _step(LISTING, current.status, "withdraw")
    now = timezone.now()
    # Stored text, read by colleagues whatever language the person withdrawing uses: the organisation's.
    with translation.override(settings.LANGUAGE_CODE):
        cancel_reason = reason.strip() or str(errors.WITHDRAWN_REASON)
    booking_services.cancel_open_bookings(listing=current, by=by, reason=cancel_reason, at=now, notify=notify)
    current.withdrawn_at = now
    current.withdrawn_reason = reason.strip()
    current.save(update_fields=["status", "withdrawn_at", "withdrawn_reason", "updated_at"])
    return current


def backdate_listing(*, listing: Listing, created_at: datetime | None = None, published_at: datetime | None = None,
                     updated_at: datetime | None = None, withdrawn_at: datetime | None = None,
                     renewed_at: datetime | None = None) -> None:
    """Move a listing's times into the past: history made after the fact, as the demo's (the statistics page needs
    months to show). QuerySet.update on purpose: ``created_at`` is set by auto_now_add and the steps stamp now(),
    and nothing else about the row changes. Never for what a person does."""
    times = {
        name: value for name, value in {
            "created_at": created_at, "published_at": published_at, "updated_at": updated_at,
            "withdrawn_at": withdrawn_at, "renewed_at": renewed_at,
        }.items() if value is not None
    }
    if times:
        Listing.objects.filter(pk=listing.pk).update(**times)


@transaction.atomic
def set_default_reach(*, by, reach: str) -> str:
    """How far the organisation's new listings are shared unless their poster chooses otherwise; set by its admins.
    Listings already posted keep their own reach."""
    if not permissions.can_manage_sharing(by):
        errors.raise_error(errors.NOT_ALLOWED_SHARING)
    if reach not in Reach.values:
        errors.raise_error(errors.REACH_INVALID, field="default_reach")
    SharingSettings.objects.update_or_create(pk=1, defaults={"default_reach": reach})
    return reach


# ------------------------------------------------------------------------------------ photos not yet in a listing

# A pending photo nobody saved a listing with is removed by the daily job after this long (catalog.jobs).
PENDING_PHOTO_LIFETIME = timedelta(hours=24)


def add_pending_photos(*, owner, uploads: Iterable) -> list[PendingPhoto]:
    """Photos picked for a listing not yet saved, kept for ``owner`` so that nothing chosen is lost when the form
    comes back with an error. Validated, re-encoded and counted against the hourly quota as any listing photo
    (``prepare_photos``); a bad one refuses the request's photos together, before anything is stored."""
    processed = prepare_photos(uploads, by=owner)
    stored = _StoredFiles()
    records = []
    try:
        with transaction.atomic():
            for photo in processed:
                record = PendingPhoto(owner=owner)
                record.image.save(photo.image.name, photo.image, save=False)
                stored.add(record.image.name)
                record.thumbnail.save(photo.thumbnail.name, photo.thumbnail, save=False)
                stored.add(record.thumbnail.name)
                record.save()
                records.append(record)
    except BaseException:
        stored.remove_all()
        raise
    return records


def remove_pending_photo(*, owner, uuid) -> bool:
    """Remove one of the owner's pending photos with its files; False if they have no such photo."""
    with transaction.atomic():
        record = PendingPhoto.objects.select_for_update().filter(owner=owner, uuid=uuid).first()
        if record is None:
            return False
        names = [record.image.name, record.thumbnail.name]
        record.delete()
        transaction.on_commit(lambda: _delete_files(names))
    return True


def remove_abandoned_pending_photos(*, now: datetime | None = None) -> int:
    """Remove the pending photos older than PENDING_PHOTO_LIFETIME, with their files: their listing was never
    saved. Returns how many. Two statements whatever their number (the daily job, catalog.jobs)."""
    cutoff = (now or timezone.now()) - PENDING_PHOTO_LIFETIME
    with transaction.atomic():
        rows = list(
            PendingPhoto.objects.select_for_update(skip_locked=True).filter(created_at__lt=cutoff)
            .values_list("pk", "image", "thumbnail")
        )
        if not rows:
            return 0
        PendingPhoto.objects.filter(pk__in=[pk for pk, _image, _thumb in rows]).delete()
        names = [name for _pk, image, thumbnail in rows for name in (image, thumbnail) if name]
        transaction.on_commit(lambda: _delete_files(names))
    return len(rows)


# ------------------------------------------------------------------------------------------------ saved places


@dataclass(frozen=True)
class PlaceDetails:
    name: str
    address: str = ""
    building: str = ""
    room: str = ""


PLACE_TEXT_LIMITS = {
    "name": PLACE_NAME_MAX_LENGTH,
    "address": ADDRESS_MAX_LENGTH,
    "building": BUILDING_MAX_LENGTH,
    "room": ROOM_MAX_LENGTH,
}


def _save_place(place: Place, details: PlaceDetails) -> Place:
    for field, limit in PLACE_TEXT_LIMITS.items():
        value = " ".join(normalized(getattr(details, field)).split())
        _check_length(Place, field, value, limit)
        setattr(place, field, value)
    if not place.name:
        errors.raise_error(errors.PLACE_NAME_REQUIRED, field="name")
    if Place.objects.filter(name__iexact=place.name).exclude(pk=place.pk).exists():
        errors.raise_error(errors.PLACE_NAME_TAKEN, field="name")
    try:
        with transaction.atomic():
            place.save()
    except IntegrityError:  # the same name saved by someone else meanwhile
        errors.raise_error(errors.PLACE_NAME_TAKEN, field="name")
    return place


def _check_places_admin(by) -> None:
    if not permissions.can_manage_places(by):
        errors.raise_error(errors.NOT_ALLOWED_PLACES)


@transaction.atomic
def create_place(*, by, details: PlaceDetails) -> Place:
    """A saved place the organisation's people pick when they post, added by an organisation admin."""
    _check_places_admin(by)
    return _save_place(Place(), details)


@transaction.atomic
def update_place(*, place: Place, by, details: PlaceDetails) -> Place:
    """Rename a saved place or change its address. Listings posted there keep the address they were posted with."""
    _check_places_admin(by)
    return _save_place(Place.objects.select_for_update().get(pk=place.pk), details)


@transaction.atomic
def set_place_in_use(*, place: Place, by, in_use: bool) -> Place:
    """Retire a place (no longer offered in the form; listings keep it) or take it into use again."""
    _check_places_admin(by)
    current = Place.objects.select_for_update().get(pk=place.pk)
    current.is_active = in_use
    current.save(update_fields=["is_active"])
    return current


@transaction.atomic
def ensure_places(*, places: Iterable[PlaceDetails]) -> list[Place]:
    """Create the places that do not exist yet (by name), for seeding: no person acts, nothing else changes."""
    result = []
    for details in places:
        existing = Place.objects.filter(name=details.name).first()
        result.append(existing or _save_place(Place(), details))
    return result


@transaction.atomic
def remember_posting_defaults(*, user, department=None, contact_person=None, place: Place | None = None) -> None:
    """Set what a person's next listing form offers, as if they had just posted with these (seeding; the form
    remembers by itself through create_listing)."""
    PostingDefaults.objects.update_or_create(user=user, defaults={
        "department": department, "contact_person": contact_person, "place": place,
        "address": place.address if place else "", "building": place.building if place else "",
        "room": place.room if place else "",
    })


@dataclass(frozen=True)
class CategoryDetails:
    name: str
    name_en: str = ""
    parent: Category | None = None
    position: int = 0
    platform_key: str = ""  # a key of the platform's categories (taxonomy); required for a new category


def _category_names(details: CategoryDetails) -> tuple[str, str]:
    name, name_en = (" ".join(normalized(text).split()) for text in (details.name, details.name_en))
    if not name:
        errors.raise_error(errors.CATEGORY_NAME_REQUIRED, field="name")
    for field, value in (("name", name), ("name_en", name_en)):
        _check_length(Category, field, value, CATEGORY_NAME_MAX_LENGTH)
    return name, name_en


def _placement(category: Category | None, parent: Category | None) -> int | None:
    """The depth of ``parent`` as stored now, after refusing a cycle or a tree deeper than CATEGORY_MAX_DEPTH."""
    if parent is None:
        return None
    if category is not None and category.pk is not None and category.pk == parent.pk:
        errors.raise_error(errors.CATEGORY_CYCLE, field="parent")
    ancestry = selectors.category_ancestry(parent)
    if category is not None and category.pk is not None and category.pk in ancestry:
        errors.raise_error(errors.CATEGORY_CYCLE, field="parent")
    height = selectors.category_height(category) if category is not None and category.pk is not None else 1
    if len(ancestry) + height > CATEGORY_MAX_DEPTH:
        errors.raise_error(errors.CATEGORY_TOO_DEEP, field="parent", limit=CATEGORY_MAX_DEPTH)
    return len(ancestry)


def _check_platform_key(details: CategoryDetails, *, required: bool) -> None:
    if not details.platform_key:
        if required:
            errors.raise_error(errors.PLATFORM_KEY_REQUIRED, field="platform_key")
    elif not taxonomy.is_key(details.platform_key):
        errors.raise_error(errors.PLATFORM_KEY_UNKNOWN, field="platform_key")


def check_category(*, category: Category | None, details: CategoryDetails) -> None:
    """Refuse, with the field it is about, details that create_category or update_category would refuse. For a form
    that shows the reason next to the field before saving; the services check again when they save."""
    _category_names(details)
    _placement(category, details.parent)
    _check_platform_key(details, required=category is None)


# What the database says when a change meant to be refused was not (two admins at once): the same refusals.
_CATEGORY_CONSTRAINTS = {
    "category_not_own_parent": errors.CATEGORY_CYCLE,
    "category_parent_depth_fk": errors.CATEGORY_CYCLE,
    "category_depth_limit": errors.CATEGORY_TOO_DEEP,
    "category_unique_name_per_parent": errors.CATEGORY_NAME_TAKEN,
}


def _save_category(category: Category, details: CategoryDetails) -> Category:
    category.name, category.name_en = _category_names(details)
    category.parent = details.parent
    category.parent_depth = _placement(category, details.parent)
    category.position = details.position
    _check_platform_key(details, required=False)
    category.platform_key = details.platform_key
    if Category.objects.filter(parent=details.parent, name=category.name).exclude(pk=category.pk).exists():
        errors.raise_error(errors.CATEGORY_NAME_TAKEN, field="name")
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError as refused:
        constraint = getattr(getattr(refused.__cause__, "diag", None), "constraint_name", None)
        if constraint not in _CATEGORY_CONSTRAINTS:
            raise
        errors.raise_error(
            _CATEGORY_CONSTRAINTS[constraint], field="name" if "name" in constraint else "parent",
            limit=CATEGORY_MAX_DEPTH,
        )
    return Category.objects.get(pk=category.pk)


def _check_category_admin(by) -> None:
    if not permissions.can_manage_categories(by):
        errors.raise_error(errors.NOT_ALLOWED_CATEGORIES)


@transaction.atomic
def create_category(*, by, details: CategoryDetails) -> Category:
    """A new category, top-level or under ``details.parent``, by an organisation admin, who maps it to one of the
    platform's categories (``details.platform_key``)."""
    _check_category_admin(by)
    _check_platform_key(details, required=True)
    return _save_category(Category(), details)


@transaction.atomic
def update_category(*, category: Category, by, details: CategoryDetails) -> Category:
    """Rename, reorder or move a category (with everything under it). Refused if it would be placed under itself
    or one of its own subcategories, or make the tree deeper than CATEGORY_MAX_DEPTH."""
    _check_category_admin(by)
    current = Category.objects.select_for_update().get(pk=category.pk)
    return _save_category(current, details)


@transaction.atomic
def ensure_categories(*, tree, platform_keys: Mapping[tuple[str, ...], str] | None = None) -> list[Category]:
    """Create the categories of ``tree`` that do not exist yet (matched by name under the same parent).

    ``platform_keys`` maps a category's path of names (``("Möbler", "Kontorsstolar")``) to its platform key; a
    category found without a key gets it, one that has a key keeps it (its admin may have chosen another)."""
    platform_keys = platform_keys or {}
    result = []

    def ensure(parent: Category | None, path: tuple[str, ...], name_en: str, position: int) -> Category:
        key = platform_keys.get(path, "")
        node = Category.objects.filter(parent=parent, name=path[-1]).first()
        if node is None:
            node = _save_category(Category(), CategoryDetails(
                name=path[-1], name_en=name_en, parent=parent, position=position, platform_key=key,
            ))
        elif key and not node.platform_key:
            node.platform_key = key
            node.save(update_fields=["platform_key"])
        result.append(node)
        return node

    for position, (name, name_en, children) in enumerate(tree):
        parent = ensure(None, (name,), name_en, position)
        for child_position, (child, child_en) in enumerate(children):
            ensure(parent, (name, child), child_en, child_position)
    return result


# ------------------------------------------------------------------------------ the operator's workspace (0044)
# Bulk actions over many listings, each in one transaction: the listings are locked in id order, each is checked
# under its lock, and if some may not be changed either nothing is (BulkRefused names them) or, when the caller
# chose ``skip_refused``, the rest are and the result names those left as they were.


@dataclass(frozen=True)
class Refusal:
    listing: Listing
    message: str


@dataclass(frozen=True)
class BulkResult:
    changed: list[Listing]
    refused: list[Refusal]


class BulkRefused(CatalogError):
    """Some of the chosen listings may not be changed; none was (all or nothing)."""

    def __init__(self, refused: list[Refusal]) -> None:
        super().__init__("bulk_refused", errors.BULK_REFUSED[1] % {"count": len(refused)}, 409)
        self.refused = refused


BULK_LIMIT = 1000


def _bulk(uuids: Iterable, *, by, check, apply, skip_refused: bool) -> BulkResult:
    """Lock the listings named by ``uuids`` (in id order), ask ``check(listing)`` for a refusal message (or None)
    under the lock, then ``apply(listings)`` to those allowed: all of them, or — with ``skip_refused`` — the rest.
    A UUID that names no listing of the organisation (another's, or one deleted) counts as refused."""
    wanted = sorted(set(selectors.uuid_strings(uuids)))
    if not wanted:
        errors.raise_error(errors.BULK_EMPTY)
    if len(wanted) > BULK_LIMIT:
        errors.raise_error(errors.BULK_TOO_MANY, limit=BULK_LIMIT)
    with transaction.atomic():
        locked = list(
            Listing.objects.select_related("created_by", "contact_person")
            .select_for_update(of=("self",)).filter(uuid__in=wanted).order_by("pk")
        )
        refused, allowed = [], []
        for listing in locked:
            message = None if permissions.can_manage_listing(by, listing) else str(errors.NOT_ALLOWED[1])
            if message is None:
                try:
                    message = check(listing)
                except CatalogError as error:
                    message = str(error.message)
            if message is None:
                allowed.append(listing)
            else:
                refused.append(Refusal(listing=listing, message=str(message)))
        missing = len(wanted) - len(locked)
        if missing and not skip_refused:
            errors.raise_error(errors.BULK_GONE, count=missing)
        if refused and not skip_refused:
            raise BulkRefused(refused)
        if allowed:
            apply(allowed)
    return BulkResult(changed=allowed, refused=refused)


def _start_of(day, zone) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=zone)


def _renew_one(listing: Listing, now: datetime) -> None:
    """Under the listing's lock: a current listing's period starts again; an expired one is published again."""
    listing.renewed_at, listing.expiry_reminded_at = now, None
    fields_ = ["renewed_at", "expiry_reminded_at", "updated_at"]
    if listing.status == ListingStatus.WITHDRAWN:
        _check_not_read_only()
        listing.status = _step(LISTING, listing.status, "publish")
        listing.withdrawn_at, listing.withdrawn_reason, listing.expired_at = None, "", None
        fields_ += ["status", "withdrawn_at", "withdrawn_reason", "expired_at"]
    listing.save(update_fields=fields_)


def _renewal_refusal(listing: Listing) -> str | None:
    if listing.status in (ListingStatus.PUBLISHED, ListingStatus.RESERVED):
        return None
    if listing.status == ListingStatus.WITHDRAWN and listing.expired_at is not None:
        if not listing.photos.exists():
            return str(errors.PHOTO_REQUIRED[1])
        if bookings.claims(listing=listing)[0] >= listing.quantity:
            return str(errors.NOTHING_LEFT[1])
        return None
    return str(errors.NOT_RENEWABLE[1])


def renew_listings(*, uuids: Iterable, by, skip_refused: bool = False) -> BulkResult:
    """Renew listings: a published or reserved one stays current for another period from now; an expired one is
    published again for a period. A draft, or a listing withdrawn by someone, is not renewed."""
    now = timezone.now()

    def apply(listings: list[Listing]) -> None:
        for listing in listings:
            _renew_one(listing, now)

    return _bulk(uuids, by=by, check=_renewal_refusal, apply=apply, skip_refused=skip_refused)


def renew_listing(*, listing: Listing, by) -> Listing:
    """Renew one listing (the link in the reminder e-mail): as renew_listings, refused with its reason."""
    try:
        return renew_listings(uuids=[listing.uuid], by=by).changed[0]
    except BulkRefused as refused:
        raise CatalogError("not_renewable", refused.refused[0].message, 409) from None


def withdraw_listings(*, uuids: Iterable, by, reason: str, skip_refused: bool = False) -> BulkResult:
    """Withdraw listings with one reason (required), as withdraw_listing each: open bookings are cancelled and those
    who made them told."""
    reason = reason.strip()
    if not reason:
        errors.raise_error(errors.REASON_REQUIRED, field="reason")
    _check_length(Listing, "withdrawn_reason", reason, REASON_MAX_LENGTH, field="reason")

    def check(listing: Listing) -> str | None:
        return None if LISTING.can(listing.status, "withdraw") else str(LISTING.transitions["withdraw"].refusal)

    def apply(listings: list[Listing]) -> None:
        for listing in listings:
            withdraw_listing(listing=listing, by=by, reason=reason)

    return _bulk(uuids, by=by, check=check, apply=apply, skip_refused=skip_refused)


def _check_editable(listing: Listing) -> str | None:
    return None if LISTING.can(listing.status, "edit") else str(LISTING.transitions["edit"].refusal)


def move_listings(*, uuids: Iterable, by, department: Department | None = None, place: Place | None = None,
                  skip_refused: bool = False) -> BulkResult:
    """Move listings to another department and/or a saved place (its address and building become theirs)."""
    if department is None and place is None:
        errors.raise_error(errors.BULK_NOTHING_CHOSEN)
    if place is not None and not place.is_active:
        errors.raise_error(errors.PLACE_RETIRED, field="place")

    def check(listing: Listing) -> str | None:
        if department is not None and department.pk != listing.department_id and not (
            permissions.can_post_for_any_department(by) or department.pk == by.department_id
        ):
            return str(errors.NOT_ALLOWED[1])
        return _check_editable(listing)

    def apply(listings: list[Listing]) -> None:
        now = timezone.now()
        for listing in listings:
            if department is not None:
                listing.department = department
            if place is not None:
                listing.place, listing.address, listing.building = place, place.address, place.building
                listing.room = place.room or listing.room
            listing.edited_at = now
            listing.save(update_fields=["department", "place", "address", "building", "room", "edited_at",
                                        "updated_at"])

    return _bulk(uuids, by=by, check=check, apply=apply, skip_refused=skip_refused)


def change_contact(*, uuids: Iterable, by, contact_person, skip_refused: bool = False) -> BulkResult:
    """Make ``contact_person`` (an active person of the organisation) the contact of listings."""
    if contact_person is None or not contact_person.is_active:
        errors.raise_error(errors.CONTACT_INVALID, field="contact_person")

    def apply(listings: list[Listing]) -> None:
        now = timezone.now()
        for listing in listings:
            listing.contact_person, listing.edited_at = contact_person, now
            listing.save(update_fields=["contact_person", "edited_at", "updated_at"])

    return _bulk(uuids, by=by, check=_check_editable, apply=apply, skip_refused=skip_refused)


def duplicate_listing(*, listing: Listing, by) -> Listing:
    """A draft copy of a listing, its photos copied as files of its own, for the same thing once more."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    if not permissions.can_manage_listing(by, listing):
        errors.raise_error(errors.NOT_ALLOWED)
    stored = _StoredFiles()
    try:
        with transaction.atomic():
            source = _locked(listing)
            copy = Listing(created_by=by, status=ListingStatus.DRAFT)
            for name in ("title", "search_suffixes", "description", "category_id", "condition", "quantity",
                         "offer_type", "price", "rent_period", "address", "building", "room", "place_id",
                         "department_id", "contact_person_id", "reach"):
                setattr(copy, name, getattr(source, name))
            copy.save()
            for photo in source.photos.all():
                names = []
                for field_name in ("image", "thumbnail"):
                    original = getattr(photo, field_name)
                    with original.open("rb") as handle:
                        names.append(default_storage.save(original.name, ContentFile(handle.read())))
                stored.names.extend(names)
                ListingPhoto.objects.create(listing=copy, image=names[0], thumbnail=names[1], width=photo.width,
                                            height=photo.height, position=photo.position)
    except BaseException:
        stored.remove_all()
        raise
    return copy


def notify_posted_for(*, listing: Listing, by) -> bool:
    """Tell a listing's contact person that ``by`` posted it in their name (posting for a department): an e-mail
    through the outbox, naming them. Nothing when they posted it themselves."""
    from django.template.loader import render_to_string
    from django.urls import reverse

    from notifications import services as notifications
    from outbox import services as outbox
    from tenants.selectors import current_organisation, organisation_base_url

    person = listing.contact_person
    organisation = current_organisation()
    if person.pk == by.pk or not person.email or organisation is None:
        return False
    base_url = organisation_base_url(organisation=organisation)
    context = {"listing": listing, "person": person, "poster": by, "organisation_name": organisation.name,
               "listing_url": base_url + reverse("listing_detail", args=[listing.uuid])}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("catalog/email/posted_for_subject.txt", context)
        body = render_to_string("catalog/email/posted_for_body.txt", context)
    key = f"catalog.posted_for:{listing.uuid}"
    with transaction.atomic():
        # The bell tells the same, under the e-mail's key (decision 0047).
        notifications.notify(recipient=person, kind="catalog.posted_for", text=subject,
                             link=reverse("listing_detail", args=[listing.uuid]), key=key)
        return outbox.enqueue_email(key=key, to=[person.email], subject=subject, body=body)


# ----------------------------------------------------------------------------- listings stay current (0044)

RENEWAL_SALT = "catalog.renew"
RENEWAL_MAX_AGE = timedelta(days=30)


def renewal_token(*, listing: Listing) -> str:
    """A signed token for the reminder's one-click renewal: names the listing; valid for RENEWAL_MAX_AGE."""
    from django.core import signing

    return signing.dumps({"listing": str(listing.uuid)}, salt=RENEWAL_SALT, compress=True)


def listing_for_renewal(*, token: str) -> Listing | None:
    """The listing a renewal token names, if the token is ours and not too old; None otherwise."""
    from django.core import signing

    try:
        data = signing.loads(token, salt=RENEWAL_SALT, max_age=RENEWAL_MAX_AGE)
    except signing.BadSignature:
        return None
    return selectors.listing_by_uuid(uuid=data.get("listing"))


def _current_since():
    from django.db.models.functions import Coalesce as _Coalesce

    return _Coalesce("renewed_at", "published_at")


REMIND_DAYS_BEFORE = 7


def expire_listings(*, today, days: int, zone) -> list[Listing]:
    """Published listings whose period (from publishing or the last renewal, on local day P) ended — P + ``days`` is
    before ``today`` — expire: withdrawn with ``expired_at`` and the reason "expired". One transaction; the rows are
    locked in id order and checked again under the lock, so a reservation made meanwhile wins (the listing is then
    reserved, or has an open reservation, and does not expire) or finds the listing expired — never both. A listing
    with open bookings waits for them."""
    cutoff = _start_of(today - timedelta(days=days), zone)
    with transaction.atomic():
        candidates = list(
            Listing.objects.annotate(current_since=_current_since())
            .filter(status=ListingStatus.PUBLISHED, current_since__lt=cutoff).values_list("pk", flat=True)
        )
        if not candidates:
            return []
        locked = list(
            Listing.objects.annotate(current_since=_current_since()).select_for_update(of=("self",))
            .filter(pk__in=candidates, status=ListingStatus.PUBLISHED, current_since__lt=cutoff).order_by("pk")
        )
        busy = set(
            Listing.objects.filter(pk__in=[listing.pk for listing in locked])
            .annotate(waiting=bookings.open_bookings_expression()).filter(waiting__gt=0).values_list("pk", flat=True)
        )
        now = timezone.now()
        with translation.override(settings.LANGUAGE_CODE):
            reason = str(errors.EXPIRED_REASON)
        expired = []
        for listing in locked:
            if listing.pk in busy:
                continue
            listing.status = _step(LISTING, listing.status, "withdraw")
            listing.withdrawn_at, listing.withdrawn_reason, listing.expired_at = now, reason, now
            # Saved one by one: the exchange's copy of a shared listing follows each save (catalog.publication).
            listing.save(update_fields=["status", "withdrawn_at", "withdrawn_reason", "expired_at", "updated_at"])
            expired.append(listing)
    return expired


def remind_expiring_listings(*, today, days: int, zone, renew_url) -> int:
    """The contact person of each published or reserved listing that expires within REMIND_DAYS_BEFORE days and has
    not been reminded in its current period: an e-mail through the outbox with a one-click renewal link
    (``renew_url(token)`` makes its address). Once per period: ``expiry_reminded_at`` and the e-mail's key."""
    from django.template.loader import render_to_string
    from django.urls import reverse

    from notifications import services as notifications
    from outbox import services as outbox
    from tenants.selectors import current_organisation, organisation_base_url

    cutoff = _start_of(today - timedelta(days=days - REMIND_DAYS_BEFORE), zone)
    organisation = current_organisation()
    with transaction.atomic():
        due = list(
            Listing.objects.annotate(current_since=_current_since())
            .select_related("contact_person").select_for_update(of=("self",), skip_locked=True)
            .filter(status=ListingStatus.PUBLISHED, current_since__lt=cutoff, expiry_reminded_at__isnull=True)
            .order_by("pk")
        )
        if not due:
            return 0
        base_url = organisation_base_url(organisation=organisation) if organisation is not None else ""
        emails, notices = [], []
        for listing in due:
            person = listing.contact_person
            if not person.email:
                continue
            expires_on = listing.current_since.astimezone(zone).date() + timedelta(days=days + 1)
            context = {
                "listing": listing, "person": person, "expires_on": expires_on,
                "organisation_name": organisation.name if organisation is not None else "",
                "listing_url": base_url + reverse("listing_detail", args=[listing.uuid]),
                "renew_url": base_url + renew_url(renewal_token(listing=listing)),
            }
            with translation.override(settings.LANGUAGE_CODE):
                subject = render_to_string("catalog/email/expiry_reminder_subject.txt", context)
                body = render_to_string("catalog/email/expiry_reminder_body.txt", context)
            key = f"catalog.expiry_reminder:{listing.uuid}:{listing.current_since.timestamp():.0f}"
            emails.append(outbox.Email(key=key, to=[person.email], subject=subject, body=body))
            # The bell tells the same, under the e-mail's key (decision 0047).
            notices.append(notifications.Notice(recipient_id=person.pk, kind="catalog.expiry_reminder", text=subject,
                                                link=reverse("listing_detail", args=[listing.uuid]), key=key))
        Listing.objects.filter(pk__in=[listing.pk for listing in due]).update(expiry_reminded_at=timezone.now())
        notifications.notify_many(notices=notices)
        return outbox.enqueue_emails(emails=emails)


__all__ = [
    "BulkRefused",
    "BulkResult",
    "change_contact",
    "duplicate_listing",
    "expire_listings",
    "listing_for_renewal",
    "move_listings",
    "notify_posted_for",
    "remind_expiring_listings",
    "renew_listing",
    "renew_listings",
    "renewal_token",
    "withdraw_listings",
    "CatalogError",
    "CategoryDetails",
    "ListingDetails",
    "PlaceDetails",
    "add_pending_photos",
    "create_place",
    "ensure_places",
    "remember_posting_defaults",
    "remove_abandoned_pending_photos",
    "remove_pending_photo",
    "set_place_in_use",
    "update_place",
    "check_category",
    "create_category",
    "create_listing",
    "ensure_categories",
    "lock_listing",
    "prepare_photos",
    "publish_listing",
    "set_default_reach",
    "settle_status",
    "update_category",
    "update_listing",
    "withdraw_listing",
]


# ------------------------------------------------------------------------------- storage, labels, stock-taking


def _check_storage(by) -> None:
    if not permissions.can_manage_storage(by):
        errors.raise_error(errors.NOT_ALLOWED_STORAGE)


def _give_codes(listings: Sequence[Listing]) -> None:
    """Give each of ``listings`` without a short code a new one (short_codes), unique in the organisation: the
    candidates already taken are drawn again (one query per round, almost always one), then written in one
    statement. Runs inside the caller's transaction; a code taken meanwhile by another transaction fails the unique
    constraint and so the whole operation, which the caller may simply repeat."""
    from .short_codes import new_code

    missing = [listing for listing in listings if not listing.short_code]
    if not missing:
        return
    chosen: dict[int, str] = {}
    remaining = list(missing)
    while remaining:
        candidates = [new_code() for _ in remaining]
        taken = set(Listing.objects.filter(short_code__in=candidates).values_list("short_code", flat=True))
        again = []
        for listing, code in zip(remaining, candidates, strict=True):
            if code in taken:
                again.append(listing)
            else:
                taken.add(code)  # not twice in this round either
                chosen[listing.pk] = code
        remaining = again
    for listing in missing:
        listing.short_code = chosen[listing.pk]
    Listing.objects.bulk_update(missing, ["short_code"])


def register_in_storage(
    *, by, details: ListingDetails, pending_photos: Sequence = (), photos: Sequence[ProcessedPhoto] = (),
) -> Listing:
    """A thing put in storage: a listing in the state ``stored`` at a place (a saved one, or an address, building
    or room), with its short code for the label, not offered until it is published. Operators and admins."""
    _check_storage(by)
    if details.place is None and not any(
        value.strip() for value in (details.address, details.building, details.room)
    ):
        errors.raise_error(errors.STORAGE_PLACE_REQUIRED, field="place")
    with transaction.atomic():
        listing = create_listing(author=by, details=details, photos=photos, pending_photos=pending_photos)
        listing.status = _step(LISTING, listing.status, "store")
        _give_codes([listing])
        listing.save(update_fields=["status", "short_code", "updated_at"])
    return listing


LABELS_AT_A_TIME = 500
# What has left the organisation's hands gets no new label.
NO_LABEL = (ListingStatus.WITHDRAWN, ListingStatus.HANDED_OVER)


def listings_for_labels(*, by, uuids: Sequence) -> list[Listing]:
    """The chosen listings, each with its short code (given now to those without one), in the order chosen: for a
    sheet of labels (catalog.labels). All or nothing: refused if one is not the organisation's (``not_ours``, 404)
    or is withdrawn or handed over (``no_label``). Four queries whatever their number."""
    _check_storage(by)
    chosen = list(dict.fromkeys(str(value) for value in uuids))
    wanted = selectors.uuid_strings(chosen)
    if not chosen:
        errors.raise_error(errors.NOTHING_CHOSEN)
    if len(wanted) != len(chosen):
        errors.raise_error(errors.NOT_OURS, count=len(chosen) - len(wanted))
    if len(wanted) > LABELS_AT_A_TIME:
        errors.raise_error(errors.TOO_MANY_LABELS, limit=LABELS_AT_A_TIME)
    with transaction.atomic():
        rows = {
            str(listing.uuid): listing
            for listing in Listing.objects.select_for_update(of=("self",)).select_related("place")
            .filter(uuid__in=wanted).defer("search_vector", "search_suffixes", "description")
        }
        if len(rows) != len(wanted):
            errors.raise_error(errors.NOT_OURS, count=len(wanted) - len(rows))
        listings = [rows[key] for key in wanted]
        refused = [listing.title for listing in listings if listing.status in NO_LABEL]
        if refused:
            errors.raise_error(errors.NO_LABEL_FOR, titles=", ".join(f"“{title}”" for title in refused))
        _give_codes(listings)
    return listings


def publish_stored(*, by, listings: Sequence[Listing]) -> list[Listing]:
    """Publish several stored listings together, or none: if one cannot be published (no photo yet, not stored),
    nothing is, and the refusal names each and why."""
    _check_storage(by)
    if not listings:
        errors.raise_error(errors.NOTHING_CHOSEN)
    reasons = []
    published = []
    with transaction.atomic():
        for listing in listings:
            try:
                with transaction.atomic():
                    published.append(publish_listing(listing=listing, by=by))
            except CatalogError as error:
                reasons.append(f"“{listing.title}”: {error.message}")
        if reasons:
            raise CatalogError(*_not_publishable(reasons))
    return published


def _not_publishable(reasons: list[str]) -> tuple[str, str, int]:
    code, message, status = errors.NOT_PUBLISHABLE
    return code, message % {"reasons": " ".join(reasons)}, status


def mark_seen(*, by, listings: Sequence[Listing]) -> int:
    """Stock-taking: ``listings`` were seen where they stand, now, by ``by``. One statement; how many."""
    _check_storage(by)
    if not listings:
        errors.raise_error(errors.NOTHING_CHOSEN)
    return Listing.objects.filter(pk__in=[listing.pk for listing in listings]).update(
        last_seen_at=timezone.now(), last_seen_by=by
    )


# ---------------------------------------------------------------------------------------------- in bulk, for admins
# When a department is merged or wound up, or a person leaves, their listings follow (orgadmin, decision 0039).
# Each listing is saved by itself, so a listing shared beyond the organisation tells the exchange (publication).

OPEN_STATUSES = (ListingStatus.DRAFT, ListingStatus.STORED, ListingStatus.PUBLISHED, ListingStatus.RESERVED)


def _check_runs_organisation(by) -> None:
    if not permissions.can_run_organisation(by):
        errors.raise_error(errors.NOT_ALLOWED_ORGANISATION)


@transaction.atomic
def move_department_listings(*, by, from_department: Department, to_department: Department) -> int:
    """Every listing of ``from_department`` (whatever its status: its history stays with the bookings, which keep
    the giving and receiving department they had) now belongs to ``to_department``. Returns how many."""
    _check_runs_organisation(by)
    moved = 0
    for listing in Listing.objects.select_for_update().filter(department=from_department).order_by("pk"):
        listing.department = to_department
        listing.save(update_fields=["department", "updated_at"])
        moved += 1
    return moved


@transaction.atomic
def withdraw_department_listings(*, by, department: Department, reason: str) -> int:
    """Withdraw every open listing (draft, stored, published, reserved) of ``department``, cancelling their open
    bookings with ``reason`` as ``withdraw_listing`` does. Returns how many."""
    _check_runs_organisation(by)
    withdrawn = 0
    for listing in Listing.objects.filter(department=department, status__in=OPEN_STATUSES).order_by("pk"):
        withdraw_listing(listing=listing, by=by, reason=reason)
        withdrawn += 1
    return withdrawn


@transaction.atomic
def hand_over_listings(*, by, from_person, to_person) -> int:
    """``to_person`` becomes the contact person of every listing ``from_person`` is the contact person of, and of
    the open listings they posted (who posted a listing stays as history). Returns how many."""
    _check_runs_organisation(by)
    handed = 0
    queryset = Listing.objects.select_for_update().filter(
        models.Q(contact_person=from_person) | models.Q(created_by=from_person, status__in=OPEN_STATUSES)
    ).exclude(contact_person=to_person)
    for listing in queryset.order_by("pk"):
        listing.contact_person = to_person
        listing.save(update_fields=["contact_person", "updated_at"])
        handed += 1
    return handed
