"""The photos of offers (decision 0029), from the exchange's own folder, only to staff of an organisation that may
see the offer (exchange.selectors.offers_visible_to): a partner in a network it is offered to, or any organisation
when it is offered to everyone. Anyone else — the offering organisation's own staff too, who see the listing's own
photos in catalog, and every photo of a suspended organisation — gets 404, as for an offer that does not exist;
anonymous visitors are sent to log in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from . import selectors

SIZES = ("full", "thumb")
# Private: only this person's browser may keep it, and not for long, since who may see an offer changes with the
# networks. A photo's address never shows other bytes: a changed photo is a new row.
CACHE_CONTROL = "private, max-age=3600"


def photo_file_response(photo, size: str) -> FileResponse:
    """The photo's file in ``size``; Http404 for no photo, an unknown size, or a file not (yet) copied."""
    if photo is None or size not in SIZES:
        raise Http404
    field = photo.image if size == "full" else photo.thumbnail
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None  # the reconciliation copies it again
    response = FileResponse(handle, content_type="image/webp")
    response["Cache-Control"] = CACHE_CONTROL
    return response


@login_required
@require_GET
def offer_photo(request, pk: int, size: str):
    if size not in SIZES:
        raise Http404
    return photo_file_response(selectors.offer_photo_for(pk=pk, organisation_id=request.tenant.pk), size)
