"""The photos of offers: copies in the exchange's own folder (decision 0029).

When an offer is published, the listing's photos — the re-encoded WebP and its thumbnail that catalog stored, with
no EXIF — are copied to ``MEDIA_ROOT/exchange/<organisation id>/<listing UUID>/<key>.webp`` and ``<key>-thumb.webp``
and recorded as ``OfferPhoto`` rows, in the same step as the offer's row (``sync``, called by
exchange.services.publish_offer). Serving them then reads only the public schema and the exchange's folder, never
an organisation's.

Files are not transactional, so:

- a copy is written before its row; if the transaction rolls back, the file stays behind unreferenced, and the
  daily reconciliation's ``sweep`` removes it once it is older than ``ORPHAN_AGE``;
- a removed row's files are deleted only after the transaction commits (``photo_deleted``, a post_delete receiver,
  so the cascade from a removed offer or organisation is covered too), and only if no row names them by then.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import OfferPhoto

log = logging.getLogger(__name__)

ROOT = "exchange"
# A file in the exchange's folder that no row names is removed by the sweep once it is this old: younger, it may be
# the copy of a delivery whose transaction has not committed yet.
ORPHAN_AGE = timedelta(hours=1)


@dataclass(frozen=True)
class PhotoSnapshot:
    """One photo of a listing as published: its key (never reused) and its files in the default storage."""

    key: str
    image: str
    thumbnail: str
    width: int
    height: int


def folder(*, organisation_id: int, listing: uuid.UUID | str) -> str:
    return f"{ROOT}/{organisation_id}/{listing}"


def _names(base: str, key: str) -> tuple[str, str]:
    return f"{base}/{key}.webp", f"{base}/{key}-thumb.webp"


def _present(*names: str) -> bool:
    return all(default_storage.exists(name) for name in names)


def _copy(source: str, target: str) -> str:
    """Copy a stored file to ``target``, replacing what is there (a copy no row names: an earlier attempt's)."""
    default_storage.delete(target)
    with default_storage.open(source, "rb") as handle:
        return default_storage.save(target, handle)


def sync(*, offer_id: int, organisation_id: int, listing: uuid.UUID | str, photos: Sequence[PhotoSnapshot]) -> bool:
    """Make the offer's photos exactly ``photos``, in their order: copy what is new or whose files are missing, drop
    the rows of photos no longer there (their files go after the commit). True if anything changed.

    Runs in the transaction that wrote the offer, with its row locked. One query when nothing changed."""
    held = {photo.source: photo for photo in OfferPhoto.objects.filter(offer_id=offer_id)}
    wanted = {photo.key for photo in photos}
    gone = [photo.pk for source, photo in held.items() if source not in wanted]
    changed = bool(gone)
    if gone:
        OfferPhoto.objects.filter(pk__in=gone).delete()  # each one's files after the commit (photo_deleted)
    base = folder(organisation_id=organisation_id, listing=listing)
    missing = []
    for position, photo in enumerate(photos):
        current = held.get(photo.key)
        values = {"position": position, "width": photo.width, "height": photo.height}
        if current is not None and _present(current.image.name, current.thumbnail.name):
            if any(getattr(current, name) != value for name, value in values.items()):
                OfferPhoto.objects.filter(pk=current.pk).update(**values)
                changed = True
            continue
        image, thumbnail = _names(base, photo.key)
        try:
            image = _copy(photo.image, image)
            thumbnail = _copy(photo.thumbnail, thumbnail)
        except FileNotFoundError:
            # The listing's own file is missing: the offer is shown without this photo until it is back.
            missing.append(photo.key)
            continue
        OfferPhoto.objects.update_or_create(
            offer_id=offer_id, source=photo.key, defaults={"image": image, "thumbnail": thumbnail, **values}
        )
        changed = True
    if missing:
        log.warning("Listing %s: %d photo(s) without their files, not copied to the exchange", listing, len(missing))
    return changed


def remove(*, offer_id: int) -> None:
    """Remove the offer's photos (their files after the commit, photo_deleted)."""
    OfferPhoto.objects.filter(offer_id=offer_id).delete()


def photo_deleted(sender, instance: OfferPhoto, **kwargs) -> None:
    """post_delete: the photo's files go once the transaction commits — not before, so that a rollback loses none."""
    names = [instance.image.name, instance.thumbnail.name]
    transaction.on_commit(lambda: delete_unreferenced(names))


def delete_unreferenced(names: Iterable[str]) -> None:
    """Delete the files that no row names (a row may have been written again for the same photo meanwhile), and
    their folder if that leaves it empty."""
    names = [name for name in names if name]
    named = set(
        OfferPhoto.objects.filter(Q(image__in=names) | Q(thumbnail__in=names)).values_list("image", "thumbnail")
    )
    still = {name for pair in named for name in pair}
    folders = set()
    for name in names:
        if name not in still:
            default_storage.delete(name)
            folders.add(name.rsplit("/", 1)[0])
    for path in folders:
        _remove_folder_if_empty(path)


def _remove_folder_if_empty(path: str) -> None:
    try:
        directories, files = default_storage.listdir(path)
    except FileNotFoundError:
        return
    if directories or files:
        return
    try:
        local = default_storage.path(path)
    except NotImplementedError:
        return  # a storage without folders
    try:
        os.rmdir(local)
    except OSError:
        pass  # something was written meanwhile


def held_photos(*, organisation_id: int) -> dict[str, list[OfferPhoto]]:
    """The exchange's photos of the organisation's offers, by listing UUID, in order. One query."""
    photos: dict[str, list[OfferPhoto]] = {}
    rows = (
        OfferPhoto.objects.filter(offer__organisation_id=organisation_id)
        .order_by("offer_id", "position", "id")
        .values_list("offer__listing", "pk", "source", "image", "thumbnail")
    )
    for listing, pk, source, image, thumbnail in rows:
        photos.setdefault(str(listing), []).append(OfferPhoto(pk=pk, source=source, image=image, thumbnail=thumbnail))
    return photos


def drifted(
    *, wanted: dict[str, tuple[str, ...]], held: dict[str, list[OfferPhoto]], listings: Iterable[str]
) -> list[str]:
    """Of ``listings`` (offers the exchange holds at their current version), those whose photos are not the
    listing's, in the same order, each with both files present."""
    return [
        listing for listing in listings
        if tuple(photo.source for photo in held.get(listing, ())) != wanted.get(listing, ())
        or not all(_present(photo.image.name, photo.thumbnail.name) for photo in held.get(listing, ()))
    ]


def sweep(*, organisation_id: int, keep: set[str], now: datetime | None = None) -> int:
    """Delete the files under the organisation's folder that no row names (``keep``) and that are older than
    ORPHAN_AGE — copies of a delivery that rolled back, or of an offer whose removal did not get to its files — and
    the folders that leaves empty. How many files were deleted. No query."""
    cutoff = (now or timezone.now()) - ORPHAN_AGE
    root = f"{ROOT}/{organisation_id}"
    try:
        listings, _files = default_storage.listdir(root)
    except FileNotFoundError:
        return 0
    removed = 0
    for listing in listings:
        base = f"{root}/{listing}"
        _directories, files = default_storage.listdir(base)
        for file in files:
            name = f"{base}/{file}"
            if name not in keep and default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
                removed += 1
        _remove_folder_if_empty(base)
    _remove_folder_if_empty(root)
    return removed


def remove_organisation_folder(*, organisation_id: int) -> None:
    """Remove what is left of an organisation's folder of offer photos (after forget_organisation has committed)."""
    import shutil
    from pathlib import Path

    from django.conf import settings

    shutil.rmtree(Path(settings.MEDIA_ROOT) / "exchange" / str(organisation_id), ignore_errors=True)
