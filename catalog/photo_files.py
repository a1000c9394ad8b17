"""Answering with a stored photo file: shared by the web page and the API."""

from __future__ import annotations

from django.http import FileResponse, Http404

from .models import ListingPhoto


def photo_response(record: ListingPhoto | None, size: str) -> FileResponse:
    """Stream the full photo or its thumbnail (the web page and the API both answer with this)."""
    if record is None or size not in ("full", "thumb"):
        raise Http404
    return file_response(record.image if size == "full" else record.thumbnail)


def file_response(field) -> FileResponse:
    """Stream a stored WebP (a photo's image or thumbnail field), privately cached; 404 if the file is gone."""
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/webp")
    response["Cache-Control"] = "private, max-age=86400"
    return response
