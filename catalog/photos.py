"""Uploaded photos: decoded and re-encoded with Pillow before anything is stored.

Re-encoding means that what we store is always an image we made ourselves: a file that is not an image, or is
a different format than its name says, fails to decode; a decompression bomb is refused by its pixel count before
it is decoded; EXIF (with a phone's GPS position) and any other metadata are dropped because only pixels are
copied. Photos are stored as WebP, at most 1600 px on the long side, with a 480 px thumbnail.

Decoding is the expensive part (about a second of CPU for a 40-megapixel JPEG). So a request's photos are first
measured from their headers only (``pixel_count``: Pillow reads the size without decoding) and refused together
when they exceed PHOTO_MAX_PIXELS_PER_REQUEST; a JPEG is decoded at the smallest scale that still gives 1600 px
(Pillow's ``draft``), a quarter of the work for a large photo (decision 0018).
"""

from __future__ import annotations

import io
import math
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import PhotoRejected

# MPO is how Pillow names a JPEG that carries a second picture (many phone cameras write them): still a JPEG.
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
FULL_SIZE = 1600
THUMBNAIL_SIZE = 480


@dataclass(frozen=True)
class ProcessedPhoto:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def _encode(image: Image.Image, size: int) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, format="WEBP", quality=82, method=4)
    return out.getvalue(), copy.width, copy.height


def _name(upload) -> str:
    return getattr(upload, "name", "") or "photo"


def _too_many_pixels(name: str) -> PhotoRejected:
    return PhotoRejected(
        "photo_too_many_pixels",
        _("%(name)s has too many pixels. Take a smaller photo or scale it down.") % {"name": name},
    )


def pixel_count(upload) -> int:
    """Width × height as the file's header says, without decoding it; 0 when that cannot be told cheaply (a file
    too large, or of unknown size, or not an image: ``process_photo`` refuses those with the reason). A photo over
    PHOTO_MAX_PIXELS is refused here already."""
    size = getattr(upload, "size", None)
    if size is None or size > settings.PHOTO_MAX_BYTES or not hasattr(upload, "seek"):
        return 0
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                pixels = image.width * image.height
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(_name(upload)) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return 0
    finally:
        upload.seek(0)
    if pixels > settings.PHOTO_MAX_PIXELS:
        raise _too_many_pixels(_name(upload))
    return pixels


def check_pixel_budget(uploads) -> None:
    """Refuse a request's photos, before any is decoded, when together they have more pixels than
    PHOTO_MAX_PIXELS_PER_REQUEST."""
    total = sum(pixel_count(upload) for upload in uploads)
    if total > settings.PHOTO_MAX_PIXELS_PER_REQUEST:
        raise PhotoRejected(
            "photos_too_many_pixels",
            _(
                "Together these photos have %(total)s megapixels; at most %(limit)s can be added at a time. "
                "Add fewer photos at a time or scale them down."
            ) % {"total": math.ceil(total / 1_000_000), "limit": settings.PHOTO_MAX_PIXELS_PER_REQUEST // 1_000_000},
        )


def process_photo(upload) -> ProcessedPhoto:
    """Validate an uploaded file and return the re-encoded photo and thumbnail, or raise PhotoRejected."""
    name = _name(upload)
    too_large = PhotoRejected(
        "photo_too_large",
        _("%(name)s is too large. A photo may be at most %(limit)s.")
        % {"name": name, "limit": filesizeformat(settings.PHOTO_MAX_BYTES)},
    )
    size = getattr(upload, "size", None)
    if size is not None and size > settings.PHOTO_MAX_BYTES:
        raise too_large
    if hasattr(upload, "seek"):
        upload.seek(0)  # a form may have read it already
    # Read one byte more than allowed, so a file without a known size cannot fill the memory.
    data = upload.read(settings.PHOTO_MAX_BYTES + 1)
    if len(data) > settings.PHOTO_MAX_BYTES:
        raise too_large
    not_an_image = PhotoRejected(
        "photo_unreadable", _("%(name)s is not a photo we can read. Use JPEG, PNG or WebP.") % {"name": name}
    )
    too_many_pixels = _too_many_pixels(name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise not_an_image
                if image.width * image.height > settings.PHOTO_MAX_PIXELS:
                    raise too_many_pixels
                scale = FULL_SIZE / max(image.size)
                if scale < 1:
                    # A JPEG decodes at 1/2, 1/4 or 1/8 scale, at least this large; other formats ignore it.
                    image.draft(None, (math.ceil(image.width * scale), math.ceil(image.height * scale)))
                image.load()
                image = ImageOps.exif_transpose(image)
                image = image.convert("RGBA" if image.mode in {"RGBA", "LA", "P"} else "RGB")
    except PhotoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise not_an_image from None
    full, width, height = _encode(image, FULL_SIZE)
    thumbnail, _w, _h = _encode(image, THUMBNAIL_SIZE)
    key = uuid.uuid4().hex
    return ProcessedPhoto(
        image=ContentFile(full, name=f"{key}.webp"),
        thumbnail=ContentFile(thumbnail, name=f"{key}-thumb.webp"),
        width=width,
        height=height,
    )
