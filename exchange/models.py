"""The exchange between organisations: networks of organisations (public schema only).

Rows hold organisation ids (foreign keys to tenants.Organisation, which lives in public too) and snapshots of what
was shared and of who acted — never a foreign key into an organisation's schema, where its staff live.
"""

from __future__ import annotations

import uuid

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Func
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

NETWORK_NAME_MAX_LENGTH = 100
# As catalog's listings are searched (catalog.models.SEARCH_CONFIG, decision 0013).
SEARCH_CONFIG = "swedish"


def _person() -> tuple[models.Field, models.Field, models.Field]:
    """Who acted, as they were when they acted: their UUID (when their organisation's staff have one), name and
    work e-mail. A snapshot, not a link: the person lives in their organisation's schema."""
    return (
        models.UUIDField(null=True, blank=True),
        models.CharField(max_length=200, blank=True),
        models.EmailField(blank=True),
    )


class Network(models.Model):
    """Organisations that share with each other, e.g. "Sydöstra Skåne"."""

    name = models.CharField(_("name"), max_length=NETWORK_NAME_MAX_LENGTH)
    # Null once that organisation has left Delbar for good; the network stays its members'.
    created_by_organisation = models.ForeignKey(
        "tenants.Organisation", verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_person, created_by_name, created_by_email = _person()
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "created_by_organisation", Lower("name"), name="network_unique_name_per_creator"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipState(models.TextChoices):
    INVITED = "invited", _("Invited")
    MEMBER = "member", _("Member")
    DECLINED = "declined", _("Declined")
    LEFT = "left", _("Left")


class Membership(models.Model):
    """An organisation's place in a network. One row per organisation and network, whatever happened before: an
    organisation that declined or left can be invited again. Every step is also kept in MembershipChange."""

    network = models.ForeignKey(Network, verbose_name=_("network"), on_delete=models.CASCADE,
                                related_name="memberships")
    organisation = models.ForeignKey(
        "tenants.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(_("state"), max_length=20, choices=MembershipState.choices)
    # The latest invitation: by which member organisation, which person, when.
    invited_by_organisation = models.ForeignKey(
        "tenants.Organisation", verbose_name=_("invited by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    invited_by_person, invited_by_name, invited_by_email = _person()
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    # The latest step (invited, joined, declined, left) and who took it.
    changed_by_person, changed_by_name, changed_by_email = _person()
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["network", "organisation"], name="membership_once_per_network"),
            models.CheckConstraint(
                condition=models.Q(state__in=["invited", "member", "declined", "left"]), name="membership_state",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "state"], name="membership_organisation_state")]

    def __str__(self) -> str:
        return f"{self.organisation_id} in {self.network_id}: {self.state}"


class MembershipChange(models.Model):
    """What happened to a membership, and who did it: an append-only record."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created the network")
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left")

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # Null once that organisation has left Delbar for good; the person's snapshot says who it was.
    acting_organisation = models.ForeignKey(
        "tenants.Organisation", verbose_name=_("by organisation"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    person, person_name, person_email = _person()
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership change")
        verbose_name_plural = _("membership changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d}"


def _offer_text_vector():
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("excerpt", weight="B", config=SEARCH_CONFIG)
        + SearchVector("search_suffixes", weight="C", config="simple")
    )


# What a search reads from the newest-first indexes besides the order (decision 0041): who may see the offer, the
# filters, and the words.
_SEARCHED = ["organisation", "category_key", "offer_type", "search_lexemes"]


class Offer(models.Model):
    """The exchange's copy of a listing an organisation shares beyond itself (decision 0025): only the fields chosen
    for publication, as they were at ``version``. Written by the publication handler from the organisation's schema;
    removed when the listing is withdrawn, taken, or narrowed to the organisation. Who may see it is decided when it
    is read: its ``reach``, the networks of the moment, and whether the organisation is active."""

    class Reach(models.TextChoices):
        NETWORKS = "networks", _("Our networks")
        EVERYONE = "everyone", _("Every organisation on Delbar")

    # Indexed by offer_organisation_newest and offer_once_per_listing, which both begin with it.
    organisation = models.ForeignKey(
        "tenants.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+",
        db_index=False,
    )
    listing = models.UUIDField(_("listing"))  # the listing's UUID in the organisation's schema
    version = models.PositiveBigIntegerField(_("version"))
    reach = models.CharField(_("visible to"), max_length=20, choices=Reach.choices)
    title = models.CharField(_("title"), max_length=200)
    excerpt = models.TextField(_("description"), blank=True)
    category_key = models.CharField(_("platform category"), max_length=100, blank=True)
    condition = models.CharField(_("condition"), max_length=20)
    quantity_available = models.PositiveIntegerField(_("available"))
    offer_type = models.CharField(_("offer"), max_length=20)
    price = models.DecimalField(_("price (SEK)"), max_digits=10, decimal_places=2, null=True, blank=True)
    rent_period = models.CharField(_("rent period"), max_length=10, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Searched as catalog searches listings (decision 0028): Swedish full text of the title (A) and excerpt (B),
    # and the title words' endings unstemmed (C, catalog.selectors.title_endings, written at publication) so that
    # "stol" finds "Kontorsstol".
    search_suffixes = models.TextField(blank=True, default="", editable=False)
    search_vector = models.GeneratedField(
        expression=_offer_text_vector(),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # The same words without positions and weights (strip()): what a search matches against (decision 0041). A
    # third the size, so that the newest-first indexes can carry it and a search reads no table row until it has
    # its candidates; search_vector ranks those.
    search_lexemes = models.GeneratedField(
        expression=Func(_offer_text_vector(), function="strip", output_field=SearchVectorField()),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "listing"], name="offer_once_per_listing"),
            models.CheckConstraint(condition=models.Q(reach__in=["networks", "everyone"]), name="offer_reach"),
        ]
        indexes = [
            # Is there an offer of this organisation for everyone (the search page's list of organisations)?
            models.Index(fields=["organisation", "reach"], name="offer_organisation_reach"),
            # A browse or filters without words: newest first, the filters read from the index.
            models.Index(
                fields=["-published_at", "-id"], include=["reach", "organisation", "category_key", "offer_type"],
                name="offer_newest",
            ),
            # A word search (exchange.search.ranked, decision 0041) runs in parts that do not overlap: the offers
            # for everyone, and each partner's offers. A part with a rare word takes its matches from the words
            # (GIN), one with a common word walks its index newest first and stops at the newest matches; these
            # carry what the search tests, so that no table row is read for the offers passed over.
            GinIndex(fields=["search_lexemes"], name="offer_search_lexemes"),
            models.Index(
                fields=["-published_at", "-id"], include=_SEARCHED, name="offer_everyone_newest",
                condition=models.Q(reach="everyone"),
            ),
            models.Index(
                fields=["organisation", "-published_at", "-id"], include=["reach", *_SEARCHED[1:]],
                name="offer_organisation_newest",
            ),
        ]

    def __str__(self) -> str:
        return self.title


# ------------------------------------------------------------------------------------------------ deals


class DealStatus(models.TextChoices):
    # The asking organisation's rule asks a department manager to approve first (decision 0048): the owner has not
    # been asked yet, and sees nothing of it.
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    NOT_APPROVED = "not_approved", _("Not approved")
    REQUESTED = "requested", _("Requested")
    # The owner side has said yes and its booking is being made; a moment, unless something broke (then the
    # reconciliation finishes or undoes it: exchange.deal_sync.repair_stuck).
    ACCEPTING = "accepting", _("Being accepted")
    ACCEPTED = "accepted", _("Accepted")
    HANDED_OVER = "handed_over", _("Handed over")
    OUT = "out", _("Picked up")
    RETURNED = "returned", _("Returned")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    LAPSED = "lapsed", _("Lapsed")


class Transport(models.TextChoices):
    GIVER = "giver", _("The giver delivers")
    RECEIVER = "receiver", _("We collect it ourselves")
    OPERATOR = "operator", _("The labour-market unit transports it")


class LegalBasis(models.TextChoices):
    SURPLUS_SALE = "surplus_sale", _("Sale of surplus at market value")
    AVTALSSAMVERKAN = "avtalssamverkan", _("Agreement-based cooperation between municipalities (KL 9 kap. 37 §)")
    AUTHORITY_COOPERATION = "authority_cooperation", _("Cooperation between public authorities (LOU 3 kap. 17 §)")
    BELOW_DIRECT_AWARD = "below_direct_award", _("Value below the direct-award limit (LOU 19 kap.)")
    OTHER = "other", _("Other (explain in a note)")


def _organisation(verbose_name, related_name: str) -> models.ForeignKey:
    # Null once that organisation has left Delbar for good: the deal's names and numbers say who it was.
    return models.ForeignKey(
        "tenants.Organisation", verbose_name=verbose_name, null=True, on_delete=models.SET_NULL,
        related_name=related_name,
    )


class Deal(models.Model):
    """A request of one organisation's person for another organisation's offer, and what became of it (decision
    0030). Public schema: ids of the two organisations, snapshots of the offer's terms and of the people; the
    owner's booking is named by its UUID. Once accepted, the booking in the owner's schema holds the items and its
    steps become the deal's (exchange.deal_sync)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=DealStatus.choices, default=DealStatus.REQUESTED)

    owner = _organisation(_("offering organisation"), "deals_offered")
    owner_name = models.CharField(_("offering organisation"), max_length=200)
    owner_number = models.CharField(_("organisation number"), max_length=20)
    listing = models.UUIDField(_("listing"))
    title = models.CharField(_("title"), max_length=200)
    category_key = models.CharField(_("platform category"), max_length=100, blank=True)
    offer_type = models.CharField(_("offer"), max_length=20)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"))

    requester = _organisation(_("asking organisation"), "deals_asked")
    requester_name = models.CharField(_("asking organisation"), max_length=200)
    requester_number = models.CharField(_("organisation number"), max_length=20)
    person = models.UUIDField(_("person"))
    person_name = models.CharField(_("asked by"), max_length=200)
    person_email = models.EmailField(_("e-mail"))
    # The receiving department in the asking organisation's schema (its id there, and its name as it was): what the
    # asking organisation's statistics count the deal for.
    receiving_department_id = models.PositiveIntegerField(_("receiving department"), null=True, blank=True)
    receiving_department_name = models.CharField(_("receiving department"), max_length=200, blank=True)
    buyer_reference = models.CharField(_("buyer reference"), max_length=100, blank=True)
    # A department manager's approval in the asking organisation (decision 0048): the department (its id in the
    # asking organisation's schema) whose managers approve, set only when the deal waited for approval; when and by
    # whom it was approved or refused. The owner sees a deal only once it was asked: no approval, or approved.
    approval_department_id = models.PositiveIntegerField(_("approved by the managers of"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approval_by_name = models.CharField(_("approval answered by"), max_length=200, blank=True)

    quantity = models.PositiveIntegerField(_("quantity"))
    starts_at = models.DateTimeField(_("pick-up"), null=True, blank=True)
    ends_at = models.DateTimeField(_("return"), null=True, blank=True)
    transport = models.CharField(_("transport"), max_length=20, choices=Transport.choices)
    message = models.CharField(_("message"), max_length=500, blank=True)

    # The terms: what the offer cost when asked for, and once accepted, what was agreed.
    unit_price = models.DecimalField(_("price (SEK)"), max_digits=10, decimal_places=2, null=True, blank=True)
    rent_period = models.CharField(_("rent period"), max_length=10, blank=True)
    amount = models.DecimalField(_("amount excl. VAT (SEK)"), max_digits=12, decimal_places=2, default=0)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=4, decimal_places=2, default=0)
    vat_amount = models.DecimalField(_("VAT (SEK)"), max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(_("total (SEK)"), max_digits=12, decimal_places=2, default=0)
    legal_basis = models.CharField(_("legal basis"), max_length=30, choices=LegalBasis.choices, blank=True)
    legal_note = models.CharField(_("note on the legal basis"), max_length=500, blank=True)

    booking = models.UUIDField(_("booking"), null=True, blank=True)  # the owner's booking, in the owner's schema
    decided_by_person = models.UUIDField(null=True, blank=True)
    decided_by_name = models.CharField(_("answered by"), max_length=200, blank=True)
    decided_by_email = models.EmailField(blank=True)
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True)

    requested_at = models.DateTimeField(_("asked"), auto_now_add=True)
    accepting_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "status", "-requested_at"], name="deal_owner_status"),
            models.Index(fields=["requester", "person", "-requested_at"], name="deal_requester_person"),
            models.Index(fields=["requester", "-requested_at"], name="deal_requester"),
            models.Index(fields=["status", "handed_over_at"], name="deal_handed_over"),
            models.Index(fields=["accepting_at"], name="deal_accepting",
                         condition=models.Q(status="accepting")),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="deal_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(starts_at__isnull=True, ends_at__isnull=True)
                | models.Q(starts_at__isnull=False, ends_at__isnull=False, ends_at__gt=models.F("starts_at")),
                name="deal_period",
            ),
            models.CheckConstraint(condition=~models.Q(owner=models.F("requester")), name="deal_between_two"),
            models.UniqueConstraint(fields=["booking"], name="deal_booking_once"),
        ]

    def __str__(self) -> str:
        return f"{self.title} × {self.quantity}"

    @property
    def is_loan(self) -> bool:
        return self.starts_at is not None


class DealEvent(models.Model):
    """One step of a deal and who took it: an append-only record."""

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="events")
    step = models.CharField(_("step"), max_length=30)
    organisation = models.ForeignKey("tenants.Organisation", null=True, on_delete=models.SET_NULL, related_name="+")
    person, person_name, person_email = _person()
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("deal event")
        verbose_name_plural = _("deal events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.step} {self.at:%Y-%m-%d %H:%M}"


class DealMessage(models.Model):
    """A message on a deal, from a person of either side."""

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="messages")
    organisation = models.ForeignKey("tenants.Organisation", null=True, on_delete=models.SET_NULL, related_name="+")
    organisation_name = models.CharField(max_length=200)
    person, person_name, person_email = _person()
    body = models.TextField(_("message"), max_length=2000)
    at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.person_name}: {self.body[:40]}"


class Agreement(models.Model):
    """What the two organisations agreed when the deal was accepted: written once, never changed or removed (a
    database trigger refuses UPDATE and DELETE, migration exchange 0004). Both sides read and print it."""

    deal = models.OneToOneField(Deal, on_delete=models.PROTECT, related_name="agreement")
    number = models.CharField(_("agreement number"), max_length=30, unique=True)
    owner_name = models.CharField(_("offering organisation"), max_length=200)
    owner_number = models.CharField(_("organisation number"), max_length=20)
    owner_person_name = models.CharField(_("accepted by"), max_length=200)
    owner_person_email = models.EmailField()
    requester_name = models.CharField(_("receiving organisation"), max_length=200)
    requester_number = models.CharField(_("organisation number"), max_length=20)
    requester_person_name = models.CharField(_("asked by"), max_length=200)
    requester_person_email = models.EmailField()
    receiving_department_name = models.CharField(_("receiving department"), max_length=200, blank=True)
    buyer_reference = models.CharField(_("buyer reference"), max_length=100, blank=True)
    title = models.CharField(_("item"), max_length=200)
    offer_type = models.CharField(_("offer"), max_length=20)
    quantity = models.PositiveIntegerField(_("quantity"))
    starts_at = models.DateTimeField(_("pick-up"), null=True, blank=True)
    ends_at = models.DateTimeField(_("return"), null=True, blank=True)
    transport = models.CharField(_("transport"), max_length=20, choices=Transport.choices)
    unit_price = models.DecimalField(_("price (SEK)"), max_digits=10, decimal_places=2, null=True, blank=True)
    rent_period = models.CharField(_("rent period"), max_length=10, blank=True)
    amount = models.DecimalField(_("amount excl. VAT (SEK)"), max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=4, decimal_places=2)
    vat_amount = models.DecimalField(_("VAT (SEK)"), max_digits=12, decimal_places=2)
    total = models.DecimalField(_("total (SEK)"), max_digits=12, decimal_places=2)
    legal_basis = models.CharField(_("legal basis"), max_length=30, choices=LegalBasis.choices, blank=True)
    legal_note = models.CharField(_("note on the legal basis"), max_length=500, blank=True)
    requested_at = models.DateTimeField(_("asked"))
    accepted_at = models.DateTimeField(_("accepted"))

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return self.number


# ------------------------------------------------------------------------------------------------ photos of offers


class OfferPhoto(models.Model):
    """A photo of an offer: a copy of one of the listing's photos (the re-encoded WebP and its thumbnail, without
    EXIF), made at publication in the exchange's own folder, MEDIA_ROOT/exchange/<organisation id>/<listing UUID>/
    (decision 0029). Written with the offer's version, in the same step; removed with the offer, and its files
    once that commits (exchange.offer_photos). Served by exchange.photo_views after the offer's visibility check."""

    offer = models.ForeignKey(Offer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="photos")
    # The listing photo's key (catalog.selectors.photo_key): its files never change, and the key is never reused.
    source = models.CharField(max_length=64)
    image = models.FileField(max_length=255)
    thumbnail = models.FileField(max_length=255)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["offer", "source"], name="offer_photo_once")]

    def __str__(self) -> str:
        return self.image.name
