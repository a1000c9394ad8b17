"""What the catalogue API accepts and returns. Input serializers check shape and types only; the rules live in
catalog.services. Output serializers read only what the selectors load, so responses cost no extra queries.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from accounts import selectors as people

from ..lifecycle import ListingStatus
from ..models import Category, Condition, OfferType, RentPeriod
from .schema import StatusField

# ------------------------------------------------------------------------------------------------ input


class ListingSearchInput(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="Words to search for.")
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, help_text="A category id; its subcategories are included."
    )
    offer_type = serializers.ChoiceField(choices=OfferType.choices, required=False)
    condition = serializers.ChoiceField(choices=Condition.choices, required=False)
    department = serializers.PrimaryKeyRelatedField(queryset=people.departments(), required=False)


class ListingInput(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all())
    condition = serializers.ChoiceField(choices=Condition.choices, default=Condition.GOOD)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000, default=1)
    offer_type = serializers.ChoiceField(choices=OfferType.choices, default=OfferType.GIVE_AWAY)
    price = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True, default=None,
        help_text="In SEK; only when renting out or selling.",
    )
    rent_period = serializers.ChoiceField(choices=RentPeriod.choices, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, allow_blank=True, default="")
    building = serializers.CharField(max_length=100, allow_blank=True, default="")
    room = serializers.CharField(max_length=100, allow_blank=True, default="")
    department = serializers.PrimaryKeyRelatedField(
        queryset=people.departments(), required=False, help_text="Default: your own department."
    )
    contact_person = serializers.PrimaryKeyRelatedField(
        queryset=people.active_people(), required=False, help_text="A user id. Default: you."
    )


class ListingCreateInput(ListingInput):
    publish = serializers.BooleanField(
        default=False, help_text="Publish at once (needs a photo, so multipart); otherwise a draft is saved."
    )


def _photos_field(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=settings.PHOTOS_PER_LISTING,
        help_text=help_text,
    )


class ListingCreateWithPhotosInput(ListingCreateInput):
    photos = _photos_field("JPEG, PNG or WebP files, 1–8. EXIF data is removed.")


class ListingUpdateInput(ListingInput):
    remove_photos = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, help_text="Ids of photos to remove."
    )


class ListingUpdateWithPhotosInput(ListingUpdateInput):
    photos = _photos_field("Photos to add: JPEG, PNG or WebP.")


class WithdrawInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300, allow_blank=True, default="")


# ------------------------------------------------------------------------------------------------ output


class NamedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CategoryRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class PersonOutput(serializers.Serializer):
    name = serializers.CharField(source="get_full_name")
    email = serializers.EmailField()


class PhotoOutput(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    def _url(self, photo, size: str) -> str:
        path = reverse("api_photo", args=[photo.pk, size])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_url(self, photo) -> str:
        return self._url(photo, "full")

    def get_thumbnail_url(self, photo) -> str:
        return self._url(photo, "thumb")


class ListingSummaryOutput(serializers.Serializer):
    """A listing in search results (always published)."""

    uuid = serializers.UUIDField()
    title = serializers.CharField()
    description = serializers.CharField()
    category = CategoryRefOutput()
    condition = serializers.ChoiceField(choices=Condition.choices)
    quantity = serializers.IntegerField()
    quantity_available = serializers.IntegerField(help_text="How many are free now (not reserved, handed over or out).")
    offer_type = serializers.ChoiceField(choices=OfferType.choices)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    rent_period = serializers.ChoiceField(choices=RentPeriod.choices, allow_blank=True)
    address = serializers.CharField()
    building = serializers.CharField()
    room = serializers.CharField()
    department = NamedOutput()
    published_at = serializers.DateTimeField(allow_null=True)
    photos = PhotoOutput(many=True, source="photos.all")


class ListingOutput(ListingSummaryOutput):
    """One listing with everything about it."""

    status = StatusField(choices=ListingStatus.choices, component="ListingStatusEnum")
    contact_person = PersonOutput()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_reason = serializers.CharField()


class ListingRefOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()


class CategoryOutput(serializers.Serializer):
    """A top-level category with its subcategories; ``name`` is in the language asked for."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    children = CategoryRefOutput(many=True)


class ErrorDetailOutput(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: e.g. `sold_out`, `not_found`, `invalid`.")
    message = serializers.CharField(help_text="For people, in the language of Accept-Language (sv or en).")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text="Only for `invalid`: messages per input field.",
    )


class ErrorOutput(serializers.Serializer):
    """The shape of every error answer (platform_.api_errors)."""

    error = ErrorDetailOutput()
