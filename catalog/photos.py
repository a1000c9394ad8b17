"""Uploaded photos: decoded and re-encoded with Pillow before anything is stored.

Re-encoding means that what we store is always an image we made ourselves: a file that is not an image, or is
a different format than its name says, fails to decode; a decompression bomb is refused by its pixel count before
it is decoded; EXIF (with a phone's GPS position) and any other metadata are dropped because only pixels are
copied. Photos are stored as WebP, at most 1600 px on the long side, with a 480 px thumbnail.
"""

from __future__ import annotations

import io
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


def process_photo(upload) -> ProcessedPhoto:
    """Validate an uploaded file and return the re-encoded photo and thumbnail, or raise PhotoRejected."""
    name = getattr(upload, "name", "") or "photo"
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
    too_many_pixels = PhotoRejected(
        "photo_too_many_pixels",
        _("%(name)s has too many pixels. Take a smaller photo or scale it down.") % {"name": name},
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise not_an_image
                if image.width * image.height > settings.PHOTO_MAX_PIXELS:
                    raise too_many_pixels
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
