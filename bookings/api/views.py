"""The bookings API: reserve and hand over (give away, sell), book, pick up, return and extend (lend, rent out),
availability for a period, the waiting list. Thin views over bookings.services and bookings.selectors.

Something the person may not see is answered like something that does not exist (404). Refusals become
``{"error": {"code", "message"}}`` with their HTTP status (platform_.api_errors).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from catalog import selectors as listings
from platform_.api_docs import BODY, PAGE_NOT_FOUND
from platform_.api_docs import errors_for as _errors
from platform_.api_docs import paginated as _paginated

from .. import errors, selectors, services
from . import serializers as s


def _listing_or_404(request, uuid):
    listing = listings.listing_for(uuid=uuid, user=request.user)
    if listing is None:
        raise NotFound()
    return listing


def _booking_or_404(request, uuid):
    booking = selectors.booking_for(uuid=uuid, user=request.user)
    if booking is None:
        raise NotFound()
    return booking


def _booking_response(request, uuid, status_code: int = status.HTTP_200_OK) -> Response:
    # Read back through the selector, so every answer about a booking has the same shape and query cost.
    return Response(s.ReservationOutput(_booking_or_404(request, uuid)).data, status=status_code)


# ------------------------------------------------------------------------------------------------ reservations


class ListingReserveApi(APIView):
    @extend_schema(
        operation_id="listing_reserve",
        tags=["reservations"],
        summary="Reserve (part of) a listing given away or sold",
        description="Of two people reserving the last item at the same moment one succeeds; the other gets 409 "
        "`sold_out`. A listing lent or rented out is booked for a period instead (`needs_period`).",
        request=s.ReserveInput,
        responses={201: s.ReservationOutput, **_errors(*BODY, 404, 409)},
    )
    def post(self, request, uuid):
        listing = _listing_or_404(request, uuid)
        form = s.ReserveInput(data=request.data)
        form.is_valid(raise_exception=True)
        booking = services.reserve_listing(listing=listing, by=request.user, **form.validated_data)
        return _booking_response(request, booking.uuid, status.HTTP_201_CREATED)


class MyReservationsApi(APIView):
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    @extend_schema(
        operation_id="my_reservations",
        tags=["reservations"],
        summary="My reservations and loans, newest first",
        responses={200: s.ReservationOutput(many=True), **_errors(), **PAGE_NOT_FOUND},
    )
    def get(self, request):
        return _paginated(self, request, selectors.my_bookings(user=request.user), s.ReservationOutput)


class ReservationApi(APIView):
    @extend_schema(
        operation_id="reservation_retrieve",
        tags=["reservations"],
        summary="One reservation or loan",
        description="Visible to the borrower and to the listing's owner side.",
        responses={200: s.ReservationOutput, **_errors(404)},
    )
    def get(self, request, uuid):
        return _booking_response(request, uuid)


class ReservationConfirmApi(APIView):
    @extend_schema(
        operation_id="reservation_confirm",
        tags=["reservations"],
        summary="Confirm the handover of a reservation",
        description="By the listing's owner side (poster, contact person, department manager or operator). A loan "
        "is picked up and returned instead (`not_a_reservation`). A reservation not handed over within the "
        "organisation's limit has lapsed (409 `lapsed`).",
        request=None,
        responses={200: s.ReservationOutput, **_errors(403, 404, 409)},
    )
    def post(self, request, uuid):
        services.confirm_handover(booking=_booking_or_404(request, uuid), by=request.user)
        return _booking_response(request, uuid)


class ReservationCancelApi(APIView):
    @extend_schema(
        operation_id="reservation_cancel",
        tags=["reservations"],
        summary="Cancel a reservation, or a loan not picked up yet",
        description="The borrower may cancel their own without a reason; the owner side and operators give one "
        "(`reason_required`). A reservation that has lapsed cannot be cancelled (`lapsed`).",
        request=s.CancelInput,
        responses={200: s.ReservationOutput, **_errors(*BODY, 403, 404, 409)},
    )
    def post(self, request, uuid):
        booking = _booking_or_404(request, uuid)
        form = s.CancelInput(data=request.data)
        form.is_valid(raise_exception=True)
        services.cancel_booking(booking=booking, by=request.user, reason=form.validated_data["reason"])
        return _booking_response(request, uuid)


# ------------------------------------------------------------------------------------------------ loans


class ListingLoansApi(APIView):
    @extend_schema(
        operation_id="listing_book",
        tags=["loans"],
        summary="Book a listing lent or rented out, from a pick-up to a return",
        description="Refused when any moment of the period has too few free: `period_taken` (nothing free) or "
        "`not_enough` (409); `return_before_pickup`, `in_the_past`, `period_too_long` (400). A rental's fee is "
        "recorded on the booking.",
        request=s.LoanInput,
        responses={201: s.ReservationOutput, **_errors(*BODY, 404, 409)},
    )
    def post(self, request, uuid):
        listing = _listing_or_404(request, uuid)
        form = s.LoanInput(data=request.data)
        form.is_valid(raise_exception=True)
        booking = services.book_loan(listing=listing, by=request.user, **form.validated_data)
        return _booking_response(request, booking.uuid, status.HTTP_201_CREATED)


class ListingAvailabilityApi(APIView):
    @extend_schema(
        operation_id="listing_availability",
        tags=["loans"],
        summary="How many are free: now, for a period, and day by day",
        parameters=[s.AvailabilityInput],
        responses={200: s.AvailabilityOutput, **_errors(400, 404)},
    )
    def get(self, request, uuid):
        listing = _listing_or_404(request, uuid)
        form = s.AvailabilityInput(data=request.query_params)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        first = data.get("first") or timezone.localdate()
        last = data.get("last") or first + timedelta(days=30)
        in_period = None
        if "start" in data:
            if data["end"] <= data["start"]:
                errors.raise_error(errors.RETURN_BEFORE_PICKUP)
            in_period = selectors.free_quantity(listing=listing, start=data["start"], end=data["end"])
        days = selectors.daily_availability(listing=listing, first=first, last=last)
        return Response(s.AvailabilityOutput({
            "quantity": listing.quantity,
            "free_now": max(listing.quantity_available, 0),
            "free_in_period": in_period,
            "days": [{"date": day, "free": free} for day, free in days],
        }).data)


class ListingWaitlistApi(APIView):
    @extend_schema(
        operation_id="waitlist_join",
        tags=["loans"],
        summary="Join the waiting list of a listing that is out",
        description="When it comes back, the first in line is e-mailed. `not_out` (409) when it is free now.",
        request=None,
        responses={201: s.WaitlistOutput, **_errors(404, 409)},
    )
    def post(self, request, uuid):
        entry = services.join_waitlist(listing=_listing_or_404(request, uuid), by=request.user)
        return Response(s.WaitlistOutput({"waiting": True, "joined_at": entry.joined_at}).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="waitlist_leave",
        tags=["loans"],
        summary="Leave the waiting list",
        responses={204: None, **_errors(404, 409)},
    )
    def delete(self, request, uuid):
        services.leave_waitlist(listing=_listing_or_404(request, uuid), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _owner_step(operation_id: str, summary: str, step):
    @extend_schema(
        operation_id=operation_id, tags=["loans"], summary=summary,
        description="By the listing's owner side, never the borrower (`own_loan`).",
        request=None, responses={200: s.ReservationOutput, **_errors(403, 404, 409)},
    )
    def post(self, request, uuid):
        step(booking=_booking_or_404(request, uuid), by=request.user)
        return _booking_response(request, uuid)

    return type(operation_id, (APIView,), {"post": post})


LoanPickUpApi = _owner_step("loan_pick_up", "Confirm that the borrower picked the loan up", services.confirm_pick_up)
LoanReturnApi = _owner_step("loan_return", "Confirm that the loan is back", services.confirm_return)
LoanExtensionAcceptApi = _owner_step(
    "loan_extension_accept", "Accept the extension asked for",
    lambda booking, by: services.answer_extension(booking=booking, by=by, accept=True),
)
LoanExtensionRefuseApi = _owner_step(
    "loan_extension_refuse", "Refuse the extension asked for",
    lambda booking, by: services.answer_extension(booking=booking, by=by, accept=False),
)


class LoanExtensionApi(APIView):
    @extend_schema(
        operation_id="loan_extension_request",
        tags=["loans"],
        summary="Ask to keep the loan longer",
        description="By the borrower. `extension_taken` (409) when someone else has booked it in between.",
        request=s.ExtensionInput,
        responses={200: s.ReservationOutput, **_errors(*BODY, 403, 404, 409)},
    )
    def post(self, request, uuid):
        booking = _booking_or_404(request, uuid)
        form = s.ExtensionInput(data=request.data)
        form.is_valid(raise_exception=True)
        services.request_extension(booking=booking, by=request.user, until=form.validated_data["until"])
        return _booking_response(request, uuid)
