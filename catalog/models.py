"""An organisation's own listings and their photos. These tables live in each organisation's schema; the claims on
a listing (reservations, loans) are ``bookings``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Coalesce, Left
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .lifecycle import ListingStatus
from .limits import (
    ADDRESS_MAX_LENGTH,
    BUILDING_MAX_LENGTH,
    CATEGORY_MAX_DEPTH,
    CATEGORY_NAME_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    PLACE_NAME_MAX_LENGTH,
    REASON_MAX_LENGTH,
    ROOM_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)

SEARCH_CONFIG = "swedish"


class Category(models.Model):
    """A node of the category tree (Möbler → Kontorsstolar). Seeded in Swedish; organisation admins edit it through
    catalog.services (create_category, update_category).

    The database itself keeps the tree a tree, at most CATEGORY_MAX_DEPTH deep (decision 0018): ``depth`` is
    computed from ``parent_depth``, and a foreign key on (parent, parent_depth) → (id, depth), cascading on update,
    makes each row's depth its parent's plus one. Moving a category moves its descendants' depths with it, and a
    cycle has no consistent depths: it would climb past the limit and is refused.
    """

    name = models.CharField(_("name (Swedish)"), max_length=CATEGORY_NAME_MAX_LENGTH)
    name_en = models.CharField(_("name (English)"), max_length=CATEGORY_NAME_MAX_LENGTH, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # The parent's depth, set by the services with the parent; null for a top-level category.
    parent_depth = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    depth = models.GeneratedField(
        expression=Coalesce(models.F("parent_depth"), 0) + 1,
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    # The platform category this one is filed under (taxonomy: "furniture.office_chairs"), so that what is shared
    # between organisations is found under every organisation's own names. A key, not a foreign key: the platform's
    # list lives in the public schema, this table in the organisation's (decision 0025). Empty only for categories
    # made before the keys, until an admin maps them.
    platform_key = models.CharField(_("platform category"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint("parent", "name", name="category_unique_name_per_parent", nulls_distinct=False),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")),
                name="category_not_own_parent",
                violation_error_message=_("A category cannot be part of itself."),
            ),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True, parent_depth__isnull=True)
                | models.Q(parent__isnull=False, parent_depth__isnull=False),
                name="category_parent_depth_with_parent",
            ),
            models.CheckConstraint(
                condition=models.Q(depth__lte=CATEGORY_MAX_DEPTH), name="category_depth_limit"
            ),
            # What the foreign key on (parent_id, parent_depth) points at (migration 0007).
            models.UniqueConstraint(fields=["id", "depth"], name="category_id_depth"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and translation.get_language() == "en":
            return self.name_en
        return self.name


class Condition(models.TextChoices):
    NEW = "new", _("New")
    VERY_GOOD = "very_good", _("Very good")
    GOOD = "good", _("Good")
    WORN = "worn", _("Worn")
    NEEDS_REPAIR = "needs_repair", _("Needs repair")


class OfferType(models.TextChoices):
    GIVE_AWAY = "give_away", _("Give away internally")
    LEND = "lend", _("Lend")
    RENT = "rent", _("Rent out")
    SELL = "sell", _("Sell")


PRICED_OFFERS = {OfferType.RENT, OfferType.SELL}


class Reach(models.TextChoices):
    """How far a listing is shared (decision 0025): who outside the organisation may see it once published."""

    ORGANISATION = "organisation", _("Our organisation only")
    NETWORKS = "networks", _("Our networks")
    EVERYONE = "everyone", _("Every organisation on Delbar")


class RentPeriod(models.TextChoices):
    DAY = "day", _("per day")
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")


class Listing(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(
        _("description"), blank=True, validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)]
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="listings"
    )
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices, default=Condition.GOOD)
    # How many there are. What is free in a period is derived from the bookings (bookings.selectors), and a
    # listing's "quantity_available" in pages and the API is what is free now, annotated by the selectors.
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    offer_type = models.CharField(_("offer"), max_length=20, choices=OfferType.choices, default=OfferType.GIVE_AWAY)
    price = models.DecimalField(_("price (SEK)"), max_digits=10, decimal_places=2, null=True, blank=True)
    rent_period = models.CharField(_("rent period"), max_length=10, choices=RentPeriod.choices, blank=True)
    address = models.CharField(_("address"), max_length=ADDRESS_MAX_LENGTH, blank=True)
    building = models.CharField(_("building"), max_length=BUILDING_MAX_LENGTH, blank=True)
    room = models.CharField(_("room"), max_length=ROOM_MAX_LENGTH, blank=True)
    # The saved place it was posted at, if one was picked: its address and building are copied into the listing
    # (so a listing says where it stood even after the place is renamed or retired).
    place = models.ForeignKey(
        "catalog.Place", verbose_name=_("place"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="listings",
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="listings"
    )
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("contact person"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("posted by"), on_delete=models.PROTECT, related_name="listings"
    )
    status = models.CharField(_("status"), max_length=20, choices=ListingStatus.choices, default=ListingStatus.DRAFT)
    # Who beyond the organisation sees it once published; by default the organisation's own default
    # (SharingSettings), set when the listing is created.
    reach = models.CharField(_("visible to"), max_length=20, choices=Reach.choices, default=Reach.ORGANISATION)
    # Counts the changes of a listing that is or was shared beyond the organisation (catalog.publication): the
    # exchange never replaces its copy with one of a lower version.
    version = models.PositiveBigIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # When the details were last edited (not when a reservation changed the quantity): an edit started before this
    # would overwrite someone else's and is refused instead (services.update_listing, unchanged_since).
    edited_at = models.DateTimeField(_("edited"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason"), max_length=REASON_MAX_LENGTH, blank=True)
    # The code on its label (decision 0043): SHORT_CODE_LENGTH letters and digits that cannot be mistaken for one
    # another, unique in the organisation, given when it is registered into storage or a label is first printed.
    short_code = models.CharField(_("code"), max_length=8, null=True, blank=True, editable=False)
    # Stock-taking: when and by whom the thing was last seen where it stands.
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True, editable=False)
    last_seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("last seen by"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )
    # Listings stay current (decision 0044): a published listing expires after the organisation's limit counted from
    # when it was published or last renewed (renewed_at, else published_at); its contact person is reminded before
    # (expiry_reminded_at: once per period) and it expires as a withdrawal with expired_at set.
    renewed_at = models.DateTimeField(_("renewed"), null=True, blank=True)
    expiry_reminded_at = models.DateTimeField(_("reminded of expiry"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired"), null=True, blank=True)
    # The endings of the title's words (catalog.search_text.title_suffixes), set by the services with the title.
    search_suffixes = models.TextField(blank=True, editable=False)
    # Swedish full text of the title (weight A) and description (weight B), and the title words' endings unstemmed
    # (weight C) so that a word inside a compound is found; kept by PostgreSQL itself. The description is cut at
    # its limit here too, so that no row — not even one written before the limit — can make the vector fail.
    search_vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector(Left("description", DESCRIPTION_MAX_LENGTH), weight="B", config=SEARCH_CONFIG)
        + SearchVector("search_suffixes", weight="C", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        ordering = ["-published_at", "-created_at"]
        indexes = [
            GinIndex(fields=["search_vector"], name="listing_search_vector"),
            # Newest first, within a status and optionally a category or an offer type: search walks these and
            # stops early; counting a filtered browse reads only the index.
            models.Index(fields=["status", "-published_at"], name="listing_status_published"),
            models.Index(fields=["status", "category", "-published_at"], name="listing_status_category"),
            models.Index(fields=["status", "offer_type", "-published_at"], name="listing_status_offer"),
            models.Index(fields=["created_by", "-created_at"], name="listing_created_by"),
            models.Index(fields=["published_at"], name="listing_published_at"),  # statistics by year
            # The storage list and stock-taking walk what is on hand by status and place.
            models.Index(fields=["status", "place"], name="listing_status_place"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="listing_quantity_positive"
            ),
            models.UniqueConstraint(fields=["short_code"], name="listing_unique_short_code"),
            models.CheckConstraint(
                condition=models.Q(reach__in=["organisation", "networks", "everyone"]), name="listing_reach"
            ),
            models.CheckConstraint(
                condition=models.Q(offer_type__in=["rent", "sell"], price__isnull=False)
                | (~models.Q(offer_type__in=["rent", "sell"]) & models.Q(price__isnull=True)),
                name="listing_price_only_when_priced",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def from_db(cls, db, field_names, values):
        listing = super().from_db(db, field_names, values)
        # The reach as stored, so that a save narrowing it to the organisation still withdraws the shared copy.
        listing._stored_reach = listing.__dict__.get("reach")
        # The status as stored, so that a save that publishes it is told apart from one that keeps it published.
        listing._stored_status = listing.__dict__.get("status")
        return listing

    @property
    def location(self) -> str:
        return ", ".join(part for part in (self.address, self.building, self.room) if part)

    @property
    def is_priced(self) -> bool:
        return self.offer_type in PRICED_OFFERS


class SharingSettings(models.Model):
    """The organisation's own settings for sharing: one row, set by its admins (catalog.services.set_default_reach).
    In the organisation's schema, with the listings it is about."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    default_reach = models.CharField(
        _("new listings are visible to"), max_length=20, choices=Reach.choices, default=Reach.ORGANISATION
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("sharing settings")
        verbose_name_plural = _("sharing settings")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="sharing_settings_one_row")]

    def __str__(self) -> str:
        return str(self.get_default_reach_display())


def photo_path(instance: ListingPhoto, filename: str) -> str:
    # Every organisation's files live under its own folder; the schema name is the organisation's stable key.
    from django.db import connection

    return f"{connection.schema_name}/listings/{filename}"


class ListingPhoto(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=photo_path, width_field="width", height_field="height")
    thumbnail = models.ImageField(upload_to=photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.image.name


class SearchWord(models.Model):
    """A word that occurs in some listing's title: the vocabulary near misses are corrected against ("skrivbort" →
    "skrivbord"), with a trigram index. Words are added by the services and never removed; a word no longer in any
    title only makes a suggestion that finds nothing."""

    word = models.CharField(max_length=100, unique=True)

    class Meta:
        indexes = [GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="search_word_trgm")]

    def __str__(self) -> str:
        return self.word


class Place(models.Model):
    """A place the organisation's things stand at (a storage room, a building): picked in the listing form instead of
    typing the address again. Kept by the organisation's admins (/installningar/platser/); retired, never deleted,
    since listings name it."""

    name = models.CharField(_("name"), max_length=PLACE_NAME_MAX_LENGTH)
    address = models.CharField(_("address"), max_length=ADDRESS_MAX_LENGTH, blank=True)
    building = models.CharField(_("building"), max_length=BUILDING_MAX_LENGTH, blank=True)
    room = models.CharField(_("room"), max_length=ROOM_MAX_LENGTH, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name"]
        constraints = [models.UniqueConstraint("name", name="place_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def location(self) -> str:
        return ", ".join(part for part in (self.address, self.building, self.room) if part)


class PostingDefaults(models.Model):
    """What a person chose on their last listing (department, contact person, where), offered on their next one.
    Written by catalog.services.create_listing; one row per person."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="posting_defaults"
    )
    department = models.ForeignKey("accounts.Department", null=True, on_delete=models.SET_NULL, related_name="+")
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    place = models.ForeignKey(Place, null=True, on_delete=models.SET_NULL, related_name="+")
    address = models.CharField(max_length=ADDRESS_MAX_LENGTH, blank=True)
    building = models.CharField(max_length=BUILDING_MAX_LENGTH, blank=True)
    room = models.CharField(max_length=ROOM_MAX_LENGTH, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("posting defaults")
        verbose_name_plural = _("posting defaults")

    def __str__(self) -> str:
        return str(self.user_id)


def pending_photo_path(instance: PendingPhoto, filename: str) -> str:
    # Beside the listings' photos: a pending photo taken into a listing keeps its files, only its row moves.
    from django.db import connection

    return f"{connection.schema_name}/listings/{filename}"


class PendingPhoto(models.Model):
    """A photo uploaded while a listing is being written, before it is saved: validated and re-encoded as any
    listing photo (catalog.photos), kept for its uploader only, taken into the listing when it is saved (its files
    stay, its row becomes a ListingPhoto) and removed by a daily job when abandoned (catalog.jobs)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    image = models.ImageField(upload_to=pending_photo_path, width_field="width", height_field="height")
    thumbnail = models.ImageField(upload_to=pending_photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo not yet in a listing")
        verbose_name_plural = _("photos not yet in a listing")
        indexes = [models.Index(fields=["created_at"], name="pending_photo_created")]

    def __str__(self) -> str:
        return self.image.name

# The history of every change (decision 0042) registers its triggers on the models above.
from catalog import history as _history  # noqa: E402, F401
