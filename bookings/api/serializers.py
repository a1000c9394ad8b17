"""What the bookings API accepts and returns. Input serializers check shape and types only; the rules live in
bookings.services. Output serializers read only what the selectors load."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.api.serializers import ListingRefOutput, NamedOutput
from platform_.api_docs import StatusField

from ..lifecycle import BookingKind, BookingStatus
from ..models import FeeUnit

# ------------------------------------------------------------------------------------------------ input


class ReserveInput(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, default=1)
    message = serializers.CharField(max_length=500, allow_blank=True, default="", help_text="To the contact person.")


class CancelInput(serializers.Serializer):
    # Whether a reason is needed depends on who cancels (the service decides: `reason_required`).
    reason = serializers.CharField(
        max_length=300, allow_blank=True, default="",
        help_text="Why the booking is cancelled; told to the borrower. Optional when you cancel your own "
        "reservation or booking; required when you cancel someone else's (`reason_required`).",
    )


class LoanInput(serializers.Serializer):
    start = serializers.DateTimeField(help_text="Pick-up, e.g. `2026-03-10T09:00:00+01:00` (no offset: Swedish time).")
    end = serializers.DateTimeField(help_text="Return, after the pick-up.")
    quantity = serializers.IntegerField(min_value=1, default=1)
    message = serializers.CharField(max_length=500, allow_blank=True, default="", help_text="To the contact person.")


class ExtensionInput(serializers.Serializer):
    until = serializers.DateTimeField(help_text="The new return, after the current one.")


class AvailabilityInput(serializers.Serializer):
    start = serializers.DateTimeField(required=False, help_text="With `end`: is the whole period free?")
    end = serializers.DateTimeField(required=False)
    first = serializers.DateField(required=False, help_text="Days to list, from (default: today) ...")
    last = serializers.DateField(required=False, help_text="... to (default: 30 days on; at most a year).")

    def validate(self, data):
        if ("start" in data) != ("end" in data):
            raise serializers.ValidationError({"end" if "start" in data else "start": ["Give both start and end."]})
        return data


# ------------------------------------------------------------------------------------------------ output


class PartyOutput(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.EmailField()


class FeeOutput(serializers.Serializer):
    unit_price = serializers.DecimalField(max_digits=10, decimal_places=2, source="fee_unit_price")
    unit = serializers.ChoiceField(choices=FeeUnit.choices, source="fee_unit")
    units = serializers.IntegerField(source="fee_units")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, source="fee_amount", help_text="SEK, no VAT.")
    cost_centre = serializers.CharField(help_text="The receiving department when booked, to charge.")


class ReservationOutput(serializers.Serializer):
    """One booking (a reservation or a loan), as the borrower or the listing's owner side sees it."""

    uuid = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=BookingKind.choices)
    listing = ListingRefOutput()
    quantity = serializers.IntegerField()
    status = StatusField(choices=BookingStatus.choices, component="BookingStatusEnum")
    message = serializers.CharField()
    reserved_by = PartyOutput(source="borrower", help_text="The borrower: who reserved or booked.")
    contact_person = PartyOutput(source="contact", help_text="The listing's contact person when it was booked.")
    receiving_department = NamedOutput(allow_null=True)
    reserved_at = serializers.DateTimeField()
    starts_at = serializers.DateTimeField(help_text="A loan's pick-up; a reservation's start is when it was made.")
    ends_at = serializers.DateTimeField(allow_null=True, help_text="A loan's return; null for a reservation.")
    handed_over_at = serializers.DateTimeField(allow_null=True, help_text="Handed over, or a loan picked up.")
    returned_at = serializers.DateTimeField(allow_null=True)
    extension_until = serializers.DateTimeField(allow_null=True, help_text="An extension waiting for an answer.")
    fee = serializers.SerializerMethodField(help_text="A rental's fee as agreed; null for anything else.")
    cancelled_at = serializers.DateTimeField(allow_null=True)
    cancel_reason = serializers.CharField()
    lapsed_at = serializers.DateTimeField(
        allow_null=True, help_text="A reservation not handed over within the organisation's limit lapses (`lapsed`)."
    )

    @extend_schema_field(FeeOutput(allow_null=True))
    def get_fee(self, booking) -> dict | None:
        return FeeOutput(booking).data if booking.fee_amount is not None else None


class DayOutput(serializers.Serializer):
    date = serializers.DateField()
    free = serializers.IntegerField(help_text="How many are free all that day.")


class AvailabilityOutput(serializers.Serializer):
    quantity = serializers.IntegerField()
    free_now = serializers.IntegerField()
    free_in_period = serializers.IntegerField(allow_null=True, help_text="Free for the whole of start–end, if given.")
    days = DayOutput(many=True)


class WaitlistOutput(serializers.Serializer):
    waiting = serializers.BooleanField()
    joined_at = serializers.DateTimeField(allow_null=True)
