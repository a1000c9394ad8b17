"""What the catalogue API accepts and returns. Input serializers check shape and types only; the rules live in
catalog.services. Output serializers read only what the selectors load, so responses cost no extra queries.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.text import Truncator
from rest_framework import serializers

from accounts import selectors as people
from platform_.api_docs import StatusField

from ..lifecycle import ListingStatus
from ..limits import (
    ADDRESS_MAX_LENGTH,
    BUILDING_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    EXCERPT_LENGTH,
    REASON_MAX_LENGTH,
    ROOM_MAX_LENGTH,
    SEARCH_QUERY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)
from ..models import Category, Condition, OfferType, Reach, RentPeriod

# ------------------------------------------------------------------------------------------------ input


class ListingSearchInput(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=SEARCH_QUERY_MAX_LENGTH, help_text="Words to search for."
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, help_text="A category id; its subcategories are included."
    )
    offer_type = serializers.ChoiceField(choices=OfferType.choices, required=False)
    condition = serializers.ChoiceField(choices=Condition.choices, required=False)
    department = serializers.PrimaryKeyRelatedField(queryset=people.departments(), required=False)


class ListingInput(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=DESCRIPTION_MAX_LENGTH
    )
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all())
    condition = serializers.ChoiceField(choices=Condition.choices, default=Condition.GOOD)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000, default=1)
    offer_type = serializers.ChoiceField(choices=OfferType.choices, default=OfferType.GIVE_AWAY)
    price = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True, default=None,
        help_text="In SEK; only when renting out or selling.",
    )
    rent_period = serializers.ChoiceField(choices=RentPeriod.choices, allow_blank=True, default="")
    address = serializers.CharField(max_length=ADDRESS_MAX_LENGTH, allow_blank=True, default="")
    building = serializers.CharField(max_length=BUILDING_MAX_LENGTH, allow_blank=True, default="")
    room = serializers.CharField(max_length=ROOM_MAX_LENGTH, allow_blank=True, default="")
    department = serializers.PrimaryKeyRelatedField(
        queryset=people.departments(), required=False, help_text="Default: your own department."
    )
    contact_person = serializers.PrimaryKeyRelatedField(
        queryset=people.active_people(), required=False, help_text="A user id. Default: you."
    )
    reach = serializers.ChoiceField(
        choices=Reach.choices, required=False,
        help_text="Who beyond your organisation sees it once published: `organisation` (no one), `networks` (the "
        "organisations of your networks) or `everyone` (every organisation on Delbar). Default when posting: your "
        "organisation's default; kept when changing.",
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
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, allow_blank=True, default="")


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
    """A listing in search results (always published), with the start of its description: the whole text is in the
    listing itself (GET /api/listings/{uuid}/)."""

    uuid = serializers.UUIDField()
    title = serializers.CharField()
    excerpt = serializers.SerializerMethodField(
        help_text=f"The description's first {EXCERPT_LENGTH} characters or fewer, ending in … when it goes on."
    )
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

    def get_excerpt(self, listing) -> str:
        return Truncator(listing.description).chars(EXCERPT_LENGTH)


class ListingOutput(ListingSummaryOutput):
    """One listing with everything about it."""

    excerpt = None
    description = serializers.CharField()
    status = StatusField(choices=ListingStatus.choices, component="ListingStatusEnum")
    reach = serializers.ChoiceField(choices=Reach.choices, help_text="Who beyond your organisation sees it.")
    contact_person = PersonOutput()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_reason = serializers.CharField()


class ListingRefOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()


class CategoryOutput(serializers.Serializer):
    """A category with its subcategories, each with theirs (the tree is at most four levels deep);
    ``name`` is in the language asked for."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    platform_key = serializers.CharField(
        help_text="The platform category it is filed under (e.g. `furniture.office_chairs`), the same in every "
        "organisation; empty if not mapped yet."
    )


# Declared after the class, which cannot name itself in its own body; drf-spectacular gives it one component.
CategoryOutput._declared_fields["children"] = CategoryOutput(many=True)
