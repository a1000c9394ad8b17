"""What the exchange API accepts and returns. Input serializers check shape and types only; the rules live in
exchange.services (a deal request is checked there against the offer). Output serializers read only what the
selectors load, so answers cost no extra queries."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog import selectors as catalog
from platform_.api_docs import StatusField

from .. import selectors
from ..deal_lifecycle import DEAL
from ..deal_services import MESSAGE_MAX_LENGTH, THREAD_MESSAGE_MAX_LENGTH
from ..models import DealStatus, LegalBasis, Offer, Transport

_LABELS = catalog.offer_labels()
OFFER_TYPES = list(_LABELS["offer_type"].items())
CONDITIONS = list(_LABELS["condition"].items())
RENT_PERIODS = list(_LABELS["rent_period"].items())
SEARCH_QUERY_MAX_LENGTH = 200
INCOMING, OUTGOING = selectors.INCOMING, selectors.OUTGOING
DIRECTIONS = [(INCOMING, "Incoming: other organisations asking for ours"),
              (OUTGOING, "Outgoing: our requests to other organisations")]

# ------------------------------------------------------------------------------------------------ input


class OfferSearchInput(serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=[("networks", "Our networks"), ("all", "Every organisation")], default="networks",
        help_text="`networks`: offers of the organisations your organisation shares a network with; `all`: also "
        "what other organisations offer to every organisation on Delbar.",
    )
    q = serializers.CharField(required=False, allow_blank=True, max_length=SEARCH_QUERY_MAX_LENGTH,
                              help_text="Words to search for.")
    category = serializers.IntegerField(
        required=False, min_value=1,
        help_text="A category id of your own organisation's tree (`GET /api/categories/`): offers filed under its "
        "platform category, or one under it.",
    )
    offer_type = serializers.ChoiceField(choices=OFFER_TYPES, required=False)
    organisation = serializers.IntegerField(required=False, min_value=1, help_text="Only this organisation's offers.")

    def validate_category(self, value: int):
        category = catalog.category(pk=value)
        if category is None:
            raise serializers.ValidationError("No such category.")
        return category


class DealsInput(serializers.Serializer):
    direction = serializers.ChoiceField(choices=DIRECTIONS, required=False)
    status = StatusField(choices=DealStatus.choices, component="DealStatusEnum", required=False)


class DealRequestInput(serializers.Serializer):
    offer = serializers.IntegerField(min_value=1, help_text="The offer's id (`GET /api/exchange/offers/`).")
    quantity = serializers.IntegerField(min_value=1, max_value=10_000, default=1)
    transport = serializers.ChoiceField(choices=Transport.choices, help_text="Who moves the items.")
    buyer_reference = serializers.CharField(max_length=100, allow_blank=True, default="",
                                            help_text="Your reference for the invoice (e.g. a cost centre).")
    message = serializers.CharField(max_length=MESSAGE_MAX_LENGTH, allow_blank=True, default="",
                                    help_text="To the offer's contact person.")
    starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                          help_text="Pick-up: only, and then required, for what is lent or rented.")
    ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text="Return.")


class AcceptInput(serializers.Serializer):
    legal_basis = serializers.ChoiceField(
        choices=LegalBasis.choices, allow_blank=True, default="",
        help_text="Required when the deal has a price (`legal_basis_required`).",
    )
    legal_note = serializers.CharField(max_length=500, allow_blank=True, default="",
                                       help_text="Required with `other` (`legal_note_required`).")


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300, allow_blank=True, default="", help_text="Told to the other side.")


class MessageInput(serializers.Serializer):
    body = serializers.CharField(max_length=THREAD_MESSAGE_MAX_LENGTH, help_text="To the other side.")


# ------------------------------------------------------------------------------------------------ output


class OrganisationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DealPartyOutput(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="Null once the organisation has left Delbar.")
    name = serializers.CharField()


class OfferPhotoOutput(serializers.Serializer):
    """A photo of an offer: WebP, served (with a token, as the rest of the API) only to organisations that may see
    the offer, like the offer itself."""

    id = serializers.IntegerField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="The photo, at most 1,600 px on its longer side.")
    thumbnail_url = serializers.SerializerMethodField(help_text="A thumbnail for lists.")

    def _url(self, photo, size: str) -> str:
        path = reverse("api_exchange_photo", args=[photo.pk, size])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, photo) -> str:
        return self._url(photo, "full")

    def get_thumbnail_url(self, photo) -> str:
        return self._url(photo, "thumb")


class OfferOutput(serializers.Serializer):
    """Another organisation's offer, as the exchange holds it (the fields its owner chose to publish)."""

    id = serializers.IntegerField()
    organisation = OrganisationOutput()
    title = serializers.CharField()
    excerpt = serializers.CharField()
    category_key = serializers.CharField(help_text="The platform category, e.g. `furniture.office_chairs`.")
    condition = serializers.ChoiceField(choices=CONDITIONS)
    quantity_available = serializers.IntegerField()
    offer_type = serializers.ChoiceField(choices=OFFER_TYPES)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True, help_text="SEK, no VAT.")
    rent_period = serializers.ChoiceField(choices=RENT_PERIODS, allow_blank=True)
    reach = StatusField(choices=Offer.Reach.choices, component="OfferReachEnum",
                        help_text="To whom its organisation offers it.")
    contact_name = serializers.CharField()
    contact_email = serializers.EmailField()
    published_at = serializers.DateTimeField(allow_null=True)
    photos = OfferPhotoOutput(many=True, source="photo_list", help_text="In their order; the first is the cover.")


class _SideMixin:
    def _organisation_id(self) -> int:
        return self.context["organisation_id"]


class DealSummaryOutput(_SideMixin, serializers.Serializer):
    """A deal in a list: who, what, how many, where it stands."""

    uuid = serializers.UUIDField()
    status = StatusField(choices=DealStatus.choices, component="DealStatusEnum")
    direction = serializers.SerializerMethodField(
        help_text="`incoming`: another organisation asks for yours; `outgoing`: your organisation asks."
    )
    title = serializers.CharField()
    offer_type = serializers.ChoiceField(choices=OFFER_TYPES)
    quantity = serializers.IntegerField()
    owner = serializers.SerializerMethodField(help_text="The offering organisation (as it was named then).")
    requester = serializers.SerializerMethodField(help_text="The asking organisation (as it was named then).")
    person_name = serializers.CharField(help_text="Who asked.")
    starts_at = serializers.DateTimeField(allow_null=True, help_text="A loan's or rental's pick-up.")
    ends_at = serializers.DateTimeField(allow_null=True, help_text="... and return.")
    total = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="SEK, VAT included.")
    requested_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.ChoiceField(choices=DIRECTIONS))
    def get_direction(self, deal) -> str:
        return INCOMING if deal.owner_id == self._organisation_id() else OUTGOING

    @extend_schema_field(DealPartyOutput)
    def get_owner(self, deal) -> dict:
        return {"id": deal.owner_id, "name": deal.owner_name}

    @extend_schema_field(DealPartyOutput)
    def get_requester(self, deal) -> dict:
        return {"id": deal.requester_id, "name": deal.requester_name}


class DealEventOutput(serializers.Serializer):
    step = serializers.CharField(help_text="`requested`, `approval_asked`, `approved`, `not_approved`, `accepted`, "
                                 "`declined`, `withdrawn`, `cancel_asked`, ...")
    side = serializers.SerializerMethodField(help_text="Which organisation took the step; null for the system.")
    person_name = serializers.CharField()
    note = serializers.CharField()
    at = serializers.DateTimeField()

    @extend_schema_field(serializers.ChoiceField(choices=["owner", "requester"], allow_null=True))
    def get_side(self, event) -> str | None:
        deal = self.context["deal"]
        if event.organisation_id is None:
            return None
        return "owner" if event.organisation_id == deal.owner_id else "requester"


class DealMessageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    organisation_name = serializers.CharField()
    person_name = serializers.CharField()
    body = serializers.CharField()
    at = serializers.DateTimeField()


class AgreementOutput(serializers.Serializer):
    """What the two organisations agreed when the deal was accepted; never changed afterwards."""

    number = serializers.CharField()
    owner_name = serializers.CharField()
    owner_number = serializers.CharField(help_text="Organisation number.")
    owner_person_name = serializers.CharField(help_text="Who accepted.")
    owner_person_email = serializers.EmailField()
    requester_name = serializers.CharField()
    requester_number = serializers.CharField()
    requester_person_name = serializers.CharField()
    requester_person_email = serializers.EmailField()
    receiving_department_name = serializers.CharField()
    buyer_reference = serializers.CharField()
    title = serializers.CharField()
    offer_type = serializers.ChoiceField(choices=OFFER_TYPES)
    quantity = serializers.IntegerField()
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    transport = serializers.ChoiceField(choices=Transport.choices)
    unit_price = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    rent_period = serializers.ChoiceField(choices=RENT_PERIODS, allow_blank=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="SEK, no VAT.")
    vat_rate = serializers.DecimalField(max_digits=4, decimal_places=2)
    vat_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices, allow_blank=True)
    legal_note = serializers.CharField()
    requested_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField()


class DealOutput(DealSummaryOutput):
    """One deal with its terms, its steps, its messages and, once accepted, its agreement."""

    contact_name = serializers.CharField(help_text="The offer's contact person.")
    contact_email = serializers.EmailField()
    person_email = serializers.EmailField()
    receiving_department_name = serializers.CharField()
    buyer_reference = serializers.CharField()
    transport = serializers.ChoiceField(choices=Transport.choices)
    message = serializers.CharField()
    unit_price = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    rent_period = serializers.ChoiceField(choices=RENT_PERIODS, allow_blank=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="SEK, no VAT.")
    vat_rate = serializers.DecimalField(max_digits=4, decimal_places=2)
    vat_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices, allow_blank=True)
    legal_note = serializers.CharField()
    decided_by_name = serializers.CharField()
    decline_reason = serializers.CharField()
    handed_over_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    approval_by_name = serializers.CharField(
        help_text="The department manager of the asking side who approved or refused it first (decision 0048); "
        "empty when no approval was needed."
    )
    approved_at = serializers.DateTimeField(allow_null=True)
    actions = serializers.SerializerMethodField(
        help_text="What you may do now: `accept` and `decline` (the owner side, while requested), `approve` and "
        "`refuse` (a manager of the asking side, while awaiting approval), `cancel` (the asking side, until it has "
        "changed hands), `message`. The service decides at the time."
    )
    events = serializers.SerializerMethodField()
    messages = serializers.SerializerMethodField()
    agreement = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(
        choices=["accept", "decline", "approve", "refuse", "cancel", "message"])))
    def get_actions(self, deal) -> list[str]:
        if deal.owner_id == self._organisation_id():
            answer = ["accept", "decline"] if DEAL.can(deal.status, "accept") else []
            return [*answer, "message"]
        approve = ["approve", "refuse"] if self.context.get("approves") else []
        cancel = ["cancel"] if deal.status in (DealStatus.AWAITING_APPROVAL, DealStatus.REQUESTED,
                                               DealStatus.ACCEPTED) else []
        # Not sent yet (awaiting approval, or refused): there is no other side to write to (decision 0048).
        message = ["message"] if selectors.was_asked(deal) else []
        return [*approve, *cancel, *message]

    @extend_schema_field(DealEventOutput(many=True))
    def get_events(self, deal) -> list:
        return DealEventOutput(self.context["events"], many=True, context={"deal": deal}).data

    @extend_schema_field(DealMessageOutput(many=True))
    def get_messages(self, deal) -> list:
        return DealMessageOutput(self.context["messages"], many=True).data

    @extend_schema_field(AgreementOutput(allow_null=True))
    def get_agreement(self, deal) -> dict | None:
        agreement = getattr(deal, "agreement", None)
        return AgreementOutput(agreement).data if agreement is not None else None
