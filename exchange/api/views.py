"""The exchange API: other organisations' offers, and deals between organisations (decision 0030). Thin views that
parse input, call exchange.services / exchange.selectors and render output.

Everything is seen from the organisation of the host and the person of the token or session: an offer that
organisation may not see, or a deal the person may not see, is answered like one that does not exist (404), on every
operation, before anything is written. Refusals from the services become ``{"error": {"code", "message"}}`` with
their HTTP status (platform_.api_errors).
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts import selectors as people
from catalog import selectors as catalog
from catalog.api.pagination import SearchPagination
from platform_.api_docs import BODY, PAGE_NOT_FOUND
from platform_.api_docs import errors_for as _errors

from .. import selectors, services
from ..photo_views import photo_file_response
from ..search import BROWSE_COUNT_LIMIT, Scope, count_capped
from . import serializers as s

SCOPES = {"networks": Scope.NETWORKS, "all": Scope.EVERYONE}
OFFER_ETAG = OpenApiParameter(
    "ETag", str, OpenApiParameter.HEADER, response=[200],
    description="The offer's version: it changes when its organisation changes what it publishes.",
)


def _organisation_id(request) -> int:
    return request.tenant.pk


def _offer_or_404(request, pk: int):
    offer = selectors.offers_visible_to(organisation_id=_organisation_id(request)).filter(pk=pk).first()
    if offer is None:
        raise NotFound()
    return offer


def _deal_or_404(request, uuid):
    deal = selectors.deal_for(uuid=uuid, user=request.user, organisation_id=_organisation_id(request))
    if deal is None:
        raise NotFound()
    return deal


def _deal_response(request, uuid, status_code: int = status.HTTP_200_OK) -> Response:
    # Read back through the selector, so every answer about a deal has the same shape and query cost.
    deal = _deal_or_404(request, uuid)
    events, messages = selectors.deal_thread(deal=deal)
    context = {"organisation_id": _organisation_id(request), "events": events, "messages": messages,
               "approves": (deal.status == "awaiting_approval" and request.user.uuid != deal.person
                            and selectors.approves_deal(user=request.user, deal=deal))}
    return Response(s.DealOutput(deal, context=context).data, status=status_code)


# ------------------------------------------------------------------------------------------------ offers


class OffersApi(APIView):
    pagination_class = SearchPagination

    @extend_schema(
        operation_id="exchange_offers_search",
        tags=["exchange"],
        summary="Search other organisations' offers",
        description="What partner organisations share with yours: `scope=networks` the offers of the organisations "
        "your organisation shares a network with; `scope=all` also what any organisation offers to everyone. Your "
        "own organisation's listings are never among them (`GET /api/listings/`). Words are searched as in the "
        "listings search; without words, newest first.",
        parameters=[s.OfferSearchInput],
        responses={200: s.OfferOutput(many=True), **_errors(400), **PAGE_NOT_FOUND},
    )
    def get(self, request):
        search = s.OfferSearchInput(data=request.query_params)
        search.is_valid(raise_exception=True)
        filters = search.validated_data
        category = filters.get("category")
        offers = selectors.search_offers(
            organisation_id=_organisation_id(request),
            scope=SCOPES[filters["scope"]],
            query=filters.get("q", ""),
            category_keys=catalog.platform_keys_under(category=category) if category is not None else None,
            offer_type=filters.get("offer_type", ""),
            offering_organisation_id=filters.get("organisation"),
        )
        # Without words, counted up to a limit, as the page counts: every visible offer would be a scan of them all.
        offers = count_capped(offers, limit=BROWSE_COUNT_LIMIT)
        paginator = self.pagination_class()
        page = selectors.with_photo_lists(offers=paginator.paginate_queryset(offers, request, view=self))
        return paginator.get_paginated_response(s.OfferOutput(page, many=True, context={"request": request}).data)


class OfferApi(APIView):
    @extend_schema(
        operation_id="exchange_offer_retrieve",
        tags=["exchange"],
        summary="One offer of another organisation",
        description="404 when your organisation may not see it (not offered to it, its organisation left your "
        "networks or is suspended, or it was withdrawn).",
        parameters=[OFFER_ETAG],
        responses={200: s.OfferOutput, **_errors(404)},
    )
    def get(self, request, pk: int):
        [offer] = selectors.with_photo_lists(offers=[_offer_or_404(request, pk)])
        response = Response(s.OfferOutput(offer, context={"request": request}).data)
        response["ETag"] = f'"{offer.pk}-{offer.version}"'
        return response


class OfferPhotoFileApi(APIView):
    """An offer's photo file, so that a program with a token can fetch what an offer's ``photos`` point to."""

    @extend_schema(
        operation_id="exchange_photo_file",
        tags=["exchange"],
        summary="An offer's photo (size `full` or `thumb`), as WebP",
        description="404 when your organisation may not see the offer, as for the offer itself.",
        responses={(200, "image/webp"): OpenApiTypes.BINARY, **_errors(404)},
    )
    def get(self, request, pk: int, size: str):
        try:
            return photo_file_response(
                selectors.offer_photo_for(pk=pk, organisation_id=_organisation_id(request)), size
            )
        except Http404:
            raise NotFound() from None


# ------------------------------------------------------------------------------------------------ deals


class DealsApi(APIView):
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    @extend_schema(
        operation_id="exchange_deals",
        tags=["exchange"],
        summary="Deals with other organisations you may see, newest first",
        description="Operators and admins see every deal of the organisation; anyone else their own requests and "
        "the requests for listings they posted or are the contact person for.",
        parameters=[s.DealsInput],
        responses={200: s.DealSummaryOutput(many=True), **_errors(400), **PAGE_NOT_FOUND},
    )
    def get(self, request):
        form = s.DealsInput(data=request.query_params)
        form.is_valid(raise_exception=True)
        filters = form.validated_data
        organisation_id = _organisation_id(request)
        deals = selectors.visible_deals(user=request.user, organisation_id=organisation_id,
                                        status=filters.get("status") or "", direction=filters.get("direction") or "")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(deals, request, view=self)
        context = {"organisation_id": organisation_id}
        return paginator.get_paginated_response(s.DealSummaryOutput(page, many=True, context=context).data)

    @extend_schema(
        operation_id="exchange_deal_request",
        tags=["exchange"],
        summary="Ask another organisation for (part of) its offer",
        description="Checked against the offer as the exchange holds it: `offer_gone` (409) when it was withdrawn "
        "or taken, `own_organisation` for your own, `not_enough` (409), `needs_period` / `no_period` (a loan or "
        "rental needs `starts_at` and `ends_at`, nothing else may have them), `period_taken` (409). The receiving "
        "department is yours. The offer's contact person is e-mailed.",
        request=s.DealRequestInput,
        responses={201: s.DealOutput, **_errors(*BODY, 403, 409)},
    )
    def post(self, request):
        form = s.DealRequestInput(data=request.data)
        form.is_valid(raise_exception=True)
        department = request.user.department
        asker = services.Asker(
            party=people.party_of(user=request.user),
            department_id=department.pk if department is not None else None,
            department_name=department.name if department is not None else "",
        )
        deal = services.request_deal(request=services.DealRequest(**form.validated_data), by=asker)
        return _deal_response(request, deal.uuid, status.HTTP_201_CREATED)


class DealApi(APIView):
    @extend_schema(
        operation_id="exchange_deal_retrieve",
        tags=["exchange"],
        summary="One deal, with its steps, messages and agreement",
        description="Seen by its two organisations only: on the asking side by the person who asked, operators and "
        "admins; on the owning side by whoever manages the listing.",
        responses={200: s.DealOutput, **_errors(404)},
    )
    def get(self, request, uuid):
        return _deal_response(request, uuid)


class DealAcceptApi(APIView):
    @extend_schema(
        operation_id="exchange_deal_accept",
        tags=["exchange"],
        summary="Accept a request (the owner side)",
        description="Books the items for the other organisation's person in your organisation, with the same rules "
        "as inside it, and writes the agreement. A deal with a price needs its `legal_basis`. `already_answered` "
        "(409) when someone answered first; `not_enough` / `period_taken` (409) when the items went meanwhile.",
        request=s.AcceptInput,
        responses={200: s.DealOutput, **_errors(*BODY, 403, 404, 409)},
    )
    def post(self, request, uuid):
        deal = _deal_or_404(request, uuid)
        form = s.AcceptInput(data=request.data)
        form.is_valid(raise_exception=True)
        services.accept_deal(deal_uuid=deal.uuid, by=request.user, **form.validated_data)
        return _deal_response(request, uuid)


class DealDeclineApi(APIView):
    @extend_schema(
        operation_id="exchange_deal_decline",
        tags=["exchange"],
        summary="Decline a request (the owner side)",
        description="The person who asked is e-mailed, with the reason if given.",
        request=s.ReasonInput,
        responses={200: s.DealOutput, **_errors(*BODY, 403, 404, 409)},
    )
    def post(self, request, uuid):
        deal = _deal_or_404(request, uuid)
        form = s.ReasonInput(data=request.data)
        form.is_valid(raise_exception=True)
        services.decline_deal(deal_uuid=deal.uuid, by=request.user, reason=form.validated_data["reason"])
        return _deal_response(request, uuid)


class DealCancelApi(APIView):
    @extend_schema(
        operation_id="exchange_deal_cancel",
        tags=["exchange"],
        summary="Withdraw a request, or cancel an accepted deal (the asking side)",
        description="A request not answered yet is withdrawn at once. An accepted deal is cancelled in the owner's "
        "booking within seconds (the step `cancel_asked` shows it is on its way). `cannot_cancel` (409) once it "
        "has changed hands.",
        request=s.ReasonInput,
        responses={200: s.DealOutput, **_errors(*BODY, 403, 404, 409)},
    )
    def post(self, request, uuid):
        deal = _deal_or_404(request, uuid)
        form = s.ReasonInput(data=request.data)
        form.is_valid(raise_exception=True)
        services.cancel_deal(deal_uuid=deal.uuid, by=request.user, reason=form.validated_data["reason"])
        return _deal_response(request, uuid)


class DealApproveApi(APIView):
    @extend_schema(
        operation_id="exchange_deal_approve",
        tags=["exchange"],
        summary="Approve a request of one of your people before it is sent (a department manager)",
        description="When your organisation's rule asks a department manager to approve first, a request waits as "
        "`awaiting_approval` and the other organisation is not asked yet. Approving sends it (status `requested`, "
        "the offer's contact person is e-mailed) and tells the person who asked. `own_approval` (403) for your own "
        "request, `not_allowed` (403) unless you manage the department of the person who asked, "
        "`already_answered` (409) when someone answered first. Another organisation's deal is 404.",
        request=None,
        responses={200: s.DealOutput, **_errors(403, 404, 409)},
    )
    def post(self, request, uuid):
        deal = _deal_or_404(request, uuid)
        services.approve_deal(deal_uuid=deal.uuid, by=request.user)
        return _deal_response(request, uuid)


class DealRefuseApi(APIView):
    @extend_schema(
        operation_id="exchange_deal_refuse",
        tags=["exchange"],
        summary="Refuse a request of one of your people before it is sent (a department manager)",
        description="The request becomes `not_approved`, the other organisation never hears of it, and the person "
        "who asked is e-mailed the reason, which is required (`reason_required`). Otherwise as approving.",
        request=s.ReasonInput,
        responses={200: s.DealOutput, **_errors(*BODY, 403, 404, 409)},
    )
    def post(self, request, uuid):
        deal = _deal_or_404(request, uuid)
        form = s.ReasonInput(data=request.data)
        form.is_valid(raise_exception=True)
        services.refuse_deal(deal_uuid=deal.uuid, by=request.user, reason=form.validated_data["reason"])
        return _deal_response(request, uuid)


class DealMessagesApi(APIView):
    @extend_schema(
        operation_id="exchange_deal_message",
        tags=["exchange"],
        summary="Write to the other side of a deal",
        description="The other side is e-mailed. `not_sent` (409) while the request awaits approval on your side, or "
        "was refused there: the other organisation has not been asked (decision 0048).",
        request=s.MessageInput,
        responses={201: s.DealMessageOutput, **_errors(*BODY, 404, 409)},
    )
    def post(self, request, uuid):
        deal = _deal_or_404(request, uuid)
        form = s.MessageInput(data=request.data)
        form.is_valid(raise_exception=True)
        message = services.post_message(deal_uuid=deal.uuid, by=request.user, body=form.validated_data["body"])
        return Response(s.DealMessageOutput(message).data, status=status.HTTP_201_CREATED)
