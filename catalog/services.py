"""Writes for listings and photos. One transaction per operation, in the current organisation's schema. Claims on a
listing (reservations, loans) are ``bookings.services``; they lock the listing through ``lock_listing`` and let its
status follow them through ``settle_status``.

Photos are decoded and re-encoded before the transaction starts, so a bad file refuses the whole operation before
anything is written; files written during a transaction that then rolls back are removed again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from bookings import selectors as bookings
from bookings import services as booking_services

from . import errors, lifecycle, permissions
from .errors import CatalogError
from .lifecycle import LISTING, ListingStatus, TransitionNotAllowed
from .models import PRICED_OFFERS, Category, Condition, Listing, ListingPhoto, OfferType, RentPeriod, SearchWord
from .photos import ProcessedPhoto, process_photo
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
    listing.address = details.address.strip()
    listing.building = details.building.strip()
    listing.room = details.room.strip()
    listing.department = details.department
    listing.contact_person = details.contact_person


def _remember_words(listing: Listing) -> None:
    """Add the title's words to the vocabulary that misspelt searches are corrected against, once colleagues can
    see the listing (never a draft's: a correction shows the word it searched)."""
    if listing.status in (ListingStatus.DRAFT, ListingStatus.WITHDRAWN):
        return
    new = [SearchWord(word=word) for word in set(words(listing.title)) if len(word) <= 100]
    SearchWord.objects.bulk_create(new, ignore_conflicts=True)


def prepare_photos(uploads: Iterable) -> list[ProcessedPhoto]:
    """Decode and re-encode uploads, refusing the first bad one with a message that names it."""
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


def create_listing(
    *, author, details: ListingDetails, photos: Sequence[ProcessedPhoto] = (), publish: bool = False
) -> Listing:
    """A new listing, as a draft or published at once. ``photos`` come from ``prepare_photos``."""
    _check_offer(details)
    _check_department(details, author=author)
    if len(photos) > settings.PHOTOS_PER_LISTING:
        errors.raise_error(errors.TOO_MANY_PHOTOS, limit=settings.PHOTOS_PER_LISTING)
    if publish and not photos:
        errors.raise_error(errors.PHOTO_REQUIRED)
    stored = _StoredFiles()
    try:
        with transaction.atomic():
            listing = Listing(created_by=author, quantity=details.quantity)
            _apply_details(listing, details)
            if publish:
                listing.status = _step(LISTING, ListingStatus.DRAFT, "publish")
                listing.published_at = timezone.now()
            listing.save()
            _remember_words(listing)
            _store_photos(listing, photos, stored)
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


def settle_status(*, listing: Listing) -> Listing:
    """Let a locked listing's status follow its claims for good (reservations, reserved or handed over): reserved
    when nothing is left, published again when some came back, handed over when all of it changed hands. Loans
    come back, so they leave the status as it is."""
    if listing.status not in (ListingStatus.PUBLISHED, ListingStatus.RESERVED):
        return listing
    claimed, still_open = bookings.claims(listing=listing)
    status = listing.status
    if status == ListingStatus.RESERVED and claimed < listing.quantity:
        status = _step(LISTING, status, "reopen")
    elif status == ListingStatus.PUBLISHED and claimed >= listing.quantity:
        status = _step(LISTING, status, "fully_reserve")
    if status == ListingStatus.RESERVED and not still_open:
        status = _step(LISTING, status, "hand_over_all")
    if status != listing.status:
        listing.status = status
        listing.save(update_fields=["status", "updated_at"])
    return listing


def update_listing(
    *,
    listing: Listing,
    editor,
    details: ListingDetails,
    add_photos: Sequence[ProcessedPhoto] = (),
    remove_photo_ids: Iterable[int] = (),
    unchanged_since: datetime | None = None,
) -> Listing:
    """Change a listing's details and photos. ``unchanged_since`` is the ``edited_at`` the editor started from:
    if someone else has edited the listing since, the change is refused rather than overwriting theirs."""
    if not permissions.can_manage_listing(editor, listing):
        errors.raise_error(errors.NOT_ALLOWED)
    _check_offer(details)
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
            if unchanged_since is not None and current.edited_at != unchanged_since:
                errors.raise_error(errors.EDITED_MEANWHILE)
            # What is booked at the busiest moment from now on: reserved, handed over, or lent in some period.
            claimed = bookings.booked_peak(listing=current, start=timezone.now())
            if details.quantity < claimed:
                errors.raise_error(errors.QUANTITY_BELOW_CLAIMED, claimed=claimed)
            quantity_changed = details.quantity != current.quantity
            _apply_details(current, details)
            current.quantity = details.quantity
            current.edited_at = timezone.now()
            current.save()
            if quantity_changed:
                booking_services.listing_quantity_changed(listing=current)
            # Raised: some is free again; lowered to what was already handed over: nothing is left to hand over.
            settle_status(listing=current)
            _remember_words(current)
            to_remove = list(current.photos.filter(pk__in=list(remove_photo_ids)))
            for photo in to_remove:
                removed_files += [photo.image.name, photo.thumbnail.name]
                photo.delete()
            remaining = current.photos.count()
            if remaining + len(add_photos) > settings.PHOTOS_PER_LISTING:
                errors.raise_error(errors.TOO_MANY_PHOTOS, limit=settings.PHOTOS_PER_LISTING)
            if current.status != ListingStatus.DRAFT and remaining + len(add_photos) == 0:
                errors.raise_error(errors.PHOTO_REQUIRED)
            _store_photos(current, add_photos, stored)
            transaction.on_commit(lambda: _delete_files(removed_files))
    except BaseException:
        stored.remove_all()
        raise
    return current


def _delete_files(names: Iterable[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


@transaction.atomic
def publish_listing(*, listing: Listing, by) -> Listing:
    if not permissions.can_manage_listing(by, listing):
        errors.raise_error(errors.NOT_ALLOWED)
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


@transaction.atomic
def ensure_categories(*, tree) -> list[Category]:
    """Create the categories of ``tree`` that do not exist yet (matched by name under the same parent)."""
    result = []
    for position, (name, name_en, children) in enumerate(tree):
        parent, _ = Category.objects.get_or_create(
            parent=None, name=name, defaults={"name_en": name_en, "position": position}
        )
        result.append(parent)
        for child_position, (child, child_en) in enumerate(children):
            node, _ = Category.objects.get_or_create(
                parent=parent, name=child, defaults={"name_en": child_en, "position": child_position}
            )
            result.append(node)
    return result


__all__ = [
    "CatalogError",
    "ListingDetails",
    "create_listing",
    "ensure_categories",
    "lock_listing",
    "prepare_photos",
    "publish_listing",
    "settle_status",
    "update_listing",
    "withdraw_listing",
]
