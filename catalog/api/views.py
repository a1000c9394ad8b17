"""The catalogue API: thin views that parse input, call catalog.services / catalog.selectors and render output.

Listings are addressed by their uuid; reservations and loans are ``bookings.api``. Something the person may not
see is answered like something that does not exist (404). Refusals from the services become
``{"error": {"code", "message"}}`` with their HTTP status in platform_.api_errors.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.fields import Field
from rest_framework.response import Response
from rest_framework.views import APIView

from platform_.api_docs import BODY, PAGE_NOT_FOUND, errors_for, paginated

from .. import errors, selectors, services
from ..models import PRICED_OFFERS, Listing
from ..photo_files import photo_response
from . import serializers as s
from . import versions
from .pagination import SearchPagination

# The API's shared declarations (platform_.api_docs), under the names this module and bookings.api use.
_errors = errors_for
_paginated = paginated


def _etag(*statuses: int) -> OpenApiParameter:
    return OpenApiParameter(
        "ETag", str, OpenApiParameter.HEADER, response=list(statuses),
        description="The listing's version. Send it back in `If-Match` with a `PUT` or `PATCH`.",
    )


IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER,
    description="The `ETag` of the listing as you read it. If someone has edited the listing since, the change is "
    "refused with 412 `edited_meanwhile` instead of overwriting theirs. Optional; without it your change is made "
    "whatever was edited meanwhile.",
)


DETAIL_FIELDS = services.DETAIL_FIELDS


def _listing_or_404(request, uuid) -> Listing:
    listing = selectors.listing_for(uuid=uuid, user=request.user)
    if listing is None:
        raise NotFound()
    return listing


def _listing_response(request, uuid, status_code: int = status.HTTP_200_OK) -> Response:
    # Read back through the selector, so every answer about a listing has the same shape and query cost.
    listing = _listing_or_404(request, uuid)
    response = Response(s.ListingOutput(listing, context={"request": request}).data, status=status_code)
    response["ETag"] = versions.etag(listing)
    return response


def _details(data: dict, *, user, listing: Listing | None = None) -> services.ListingDetails:
    """ListingDetails from validated input; what the input leaves out is kept from ``listing`` (or defaulted)."""
    if listing is None:
        current = {"department": user.department, "contact_person": user}
    else:
        current = {name: getattr(listing, name) for name in DETAIL_FIELDS}
    values = {**current, **{key: value for key, value in data.items() if key in DETAIL_FIELDS}}
    if "price" not in data and values.get("offer_type") not in PRICED_OFFERS:
        values["price"] = None  # switching to giving away drops the old price instead of refusing it
    if values.get("department") is None:
        raise ValidationError({"department": [Field.default_error_messages["required"]]})
    return services.ListingDetails(**values)




# ------------------------------------------------------------------------------------------------ listings


class ListingsApi(APIView):
    # GET searches published listings; POST creates one.

    pagination_class = SearchPagination

    @extend_schema(
        operation_id="listings_search",
        tags=["listings"],
        summary="Search and browse published listings",
        parameters=[s.ListingSearchInput],
        responses={200: s.ListingSummaryOutput(many=True), **_errors(400), **PAGE_NOT_FOUND},
    )
    def get(self, request):
        search = s.ListingSearchInput(data=request.query_params)
        search.is_valid(raise_exception=True)
        filters = search.validated_data
        listings = selectors.search_listings(
            query=filters.get("q", ""),
            category=filters.get("category"),
            offer_type=filters.get("offer_type", ""),
            condition=filters.get("condition", ""),
            department=filters.get("department"),
        )
        return _paginated(self, request, listings, s.ListingSummaryOutput)

    @extend_schema(
        operation_id="listing_create",
        tags=["listings"],
        summary="Post a listing",
        description="As JSON (saved as a draft) or as multipart/form-data with `photos` (and `publish`: true to "
        "publish at once). Photos are decoded and re-encoded; a file that is not a JPEG, PNG or WebP photo is "
        "refused with `photo_unreadable`, a too large one with `photo_too_large` or `photo_too_many_pixels`; photos "
        "with more pixels together than the server decodes in one request with `photos_too_many_pixels`. Each "
        "person may add a limited number of photos an hour: over it, 429 `too_many_uploads` with `Retry-After`.",
        request={"multipart/form-data": s.ListingCreateWithPhotosInput, "application/json": s.ListingCreateInput},
        parameters=[_etag(201)],
        responses={201: s.ListingOutput, **_errors(*BODY, 403)},
    )
    def post(self, request):
        form = s.ListingCreateWithPhotosInput(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        photos = services.prepare_photos(data["photos"], by=request.user)
        listing = services.create_listing(
            author=request.user, details=_details(data, user=request.user), photos=photos, publish=data["publish"]
        )
        return _listing_response(request, listing.uuid, status.HTTP_201_CREATED)


class ListingApi(APIView):
    # GET reads one listing; PUT replaces its details, PATCH changes some of them.

    @extend_schema(
        operation_id="listing_retrieve",
        tags=["listings"],
        summary="One listing",
        description="Drafts and withdrawn listings are visible only to those who manage them. The `ETag` header is "
        "the version of the listing's details, for `If-Match` when you change them.",
        parameters=[_etag(200)],
        responses={200: s.ListingOutput, **_errors(404)},
    )
    def get(self, request, uuid):
        return _listing_response(request, uuid)

    def _update(self, request, uuid, *, partial: bool) -> Response:
        listing = _listing_or_404(request, uuid)
        expected = versions.if_match(request)
        if expected is not None and not versions.matches(listing, expected):
            errors.raise_error(errors.EDITED_MEANWHILE_PRECONDITION)
        form = s.ListingUpdateWithPhotosInput(data=request.data, partial=partial)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        photos = services.prepare_photos(data.get("photos", []), by=request.user)
        try:
            services.update_listing(
                listing=listing,
                editor=request.user,
                details=_details(data, user=request.user, listing=listing),
                add_photos=photos,
                remove_photo_ids=data.get("remove_photos", []),
                # The fields a PATCH leaves out come from this copy: refuse if someone edits it before the lock.
                unchanged_since=listing.edited_at,
            )
        except errors.CatalogError as refused:
            if expected is not None and refused.code == errors.EDITED_MEANWHILE[0]:
                errors.raise_error(errors.EDITED_MEANWHILE_PRECONDITION)  # edited between our read and the lock
            raise
        return _listing_response(request, uuid)

    @extend_schema(
        operation_id="listing_update",
        tags=["listings"],
        summary="Replace a listing's details",
        description="Fields left out get their defaults; `department` and `contact_person` are kept. Send the "
        "`ETag` you read in `If-Match`, so that an edit made meanwhile is not overwritten.",
        request={"multipart/form-data": s.ListingUpdateWithPhotosInput, "application/json": s.ListingUpdateInput},
        parameters=[IF_MATCH, _etag(200)],
        responses={200: s.ListingOutput, **_errors(*BODY, 403, 404, 409, 412)},
    )
    def put(self, request, uuid):
        return self._update(request, uuid, partial=False)

    @extend_schema(
        operation_id="listing_partial_update",
        tags=["listings"],
        summary="Change some of a listing's details",
        description="Send the `ETag` you read in `If-Match`, so that an edit made meanwhile is not overwritten.",
        request={"multipart/form-data": s.ListingUpdateWithPhotosInput, "application/json": s.ListingUpdateInput},
        parameters=[IF_MATCH, _etag(200)],
        responses={200: s.ListingOutput, **_errors(*BODY, 403, 404, 409, 412)},
    )
    def patch(self, request, uuid):
        return self._update(request, uuid, partial=True)


class ListingPublishApi(APIView):
    @extend_schema(
        operation_id="listing_publish",
        tags=["listings"],
        summary="Publish a draft or withdrawn listing",
        request=None,
        parameters=[_etag(200)],
        responses={200: s.ListingOutput, **_errors(400, 403, 404, 409)},
    )
    def post(self, request, uuid):
        services.publish_listing(listing=_listing_or_404(request, uuid), by=request.user)
        return _listing_response(request, uuid)


class ListingWithdrawApi(APIView):
    @extend_schema(
        operation_id="listing_withdraw",
        tags=["listings"],
        summary="Withdraw a listing",
        description="Open bookings (reservations, loans not picked up) are cancelled with the same reason.",
        request=s.WithdrawInput,
        parameters=[_etag(200)],
        responses={200: s.ListingOutput, **_errors(*BODY, 403, 404, 409)},
    )
    def post(self, request, uuid):
        listing = _listing_or_404(request, uuid)
        form = s.WithdrawInput(data=request.data)
        form.is_valid(raise_exception=True)
        services.withdraw_listing(listing=listing, by=request.user, reason=form.validated_data["reason"])
        return _listing_response(request, uuid)


# ------------------------------------------------------------------------------------------------ categories


class CategoriesApi(APIView):
    @extend_schema(
        operation_id="categories",
        tags=["categories"],
        summary="The category tree",
        responses={200: s.CategoryOutput(many=True), **_errors()},
    )
    def get(self, request):
        # selectors.categories() lists each category after its parent, so every parent is placed before its children.
        roots: list[dict] = []
        by_id: dict[int, dict] = {}
        for node in selectors.categories():
            item = by_id[node.pk] = {"id": node.pk, "display_name": node.display_name,
                                     "platform_key": node.platform_key, "children": []}
            (by_id[node.parent_id]["children"] if node.parent_id is not None else roots).append(item)
        return Response(s.CategoryOutput(roots, many=True).data)



# ------------------------------------------------------------------------------------------------ photos


class PhotoFileApi(APIView):
    """The photo file itself, so that a program with a token can fetch what the listing's ``photos`` point to."""

    @extend_schema(
        operation_id="photo_file",
        tags=["listings"],
        summary="A listing's photo (size `full` or `thumb`), as WebP",
        responses={(200, "image/webp"): OpenApiTypes.BINARY, **_errors(404)},
    )
    def get(self, request, pk: int, size: str):
        try:
            return photo_response(selectors.photo_for(pk=pk, user=request.user), size)
        except Http404:
            raise NotFound() from None
