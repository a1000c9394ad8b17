"""The exchange between organisations: networks of organisations (public schema only).

Rows hold organisation ids (foreign keys to tenants.Organisation, which lives in public too) and snapshots of what
was shared and of who acted — never a foreign key into an organisation's schema, where its staff live.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
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


class Offer(models.Model):
    """The exchange's copy of a listing an organisation shares beyond itself (decision 0025): only the fields chosen
    for publication, as they were at ``version``. Written by the publication handler from the organisation's schema;
    removed when the listing is withdrawn, taken, or narrowed to the organisation. Who may see it is decided when it
    is read: its ``reach``, the networks of the moment, and whether the organisation is active."""

    class Reach(models.TextChoices):
        NETWORKS = "networks", _("Our networks")
        EVERYONE = "everyone", _("Every organisation on Delbar")

    organisation = models.ForeignKey(
        "tenants.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
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
        expression=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("excerpt", weight="B", config=SEARCH_CONFIG)
        + SearchVector("search_suffixes", weight="C", config="simple"),
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
            models.Index(fields=["reach", "organisation"], name="offer_reach_organisation"),
            GinIndex(fields=["search_vector"], name="offer_search_vector"),
            # Newest first: search takes the newest matches and stops early when a word is common.
            models.Index(fields=["-published_at", "-id"], name="offer_published"),
        ]

    def __str__(self) -> str:
        return self.title
