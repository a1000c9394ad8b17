"""Listings for tests, made through the real services (with a real, re-encoded photo).

Use inside ``schema_context(organisation.schema_name)``.
"""

from __future__ import annotations

import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog import services
from catalog.models import Category, Listing

_colours = itertools.cycle([(180, 60, 40), (40, 120, 180), (60, 150, 80), (200, 170, 40)])


def photo_upload(name: str = "foto.jpg", size: tuple[int, int] = (64, 48), fmt: str = "JPEG", exif=None):
    """An uploaded file holding a real image (optionally with EXIF bytes)."""
    buffer = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, next(_colours)).save(buffer, format=fmt, **kwargs)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def category(name: str = "Kontorsstolar") -> Category:
    return Category.objects.get(name=name)


def make_listing(
    *,
    author,
    title: str = "Kontorsstol med armstöd",
    description: str = "Svart kontorsstol i gott skick.",
    category_name: str = "Kontorsstolar",
    quantity: int = 1,
    publish: bool = True,
    photos: int = 1,
    **details,
) -> Listing:
    """A listing posted by ``author`` for their own department, published unless ``publish=False``."""
    prepared = services.prepare_photos([photo_upload() for _ in range(photos)])
    return services.create_listing(
        author=author,
        details=services.ListingDetails(
            title=title,
            description=description,
            category=category(category_name),
            department=details.pop("department", None) or author.department,
            contact_person=details.pop("contact_person", None) or author,
            quantity=quantity,
            **details,
        ),
        photos=prepared,
        publish=publish,
    )


def available(listing) -> int:
    """How many of ``listing`` are free now: what the pages and the API show as ``quantity_available``."""
    from datetime import timedelta

    from django.utils import timezone

    from bookings.selectors import free_quantity

    listing.refresh_from_db()
    now = timezone.now()
    return free_quantity(listing=listing, start=now, end=now + timedelta(seconds=1))


def party(user):
    """``user`` of the current organisation as a booking names them (organisation, UUID, name, e-mail)."""
    from accounts.selectors import party_of

    return party_of(user=user)


def actor_of(booking, step: str):
    """Who took ``step`` of a booking ("handed_over", "cancelled", ...), as a Party."""
    return booking.events.get(step=step).actor
