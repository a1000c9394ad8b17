"""Needs and the evidence of the search made for them, in the organisation's schema (decision 0033).

A need is what a person needs (what, how many, by when, budget, for which department). It is open until it is
closed, once, as **reused** (linked to one of the person's reservations here, or a deal with another organisation:
UUIDs, since deals live in the public schema), **bought used**, or **bought new** with the reason. The search made
for it is kept as a snapshot (``SearchEvidence``) when it is registered and again when it is closed as bought new:
what was searched, in which scopes, how many matched, and the first matches' titles and organisations.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REUSED = "reused", _("Reused")
    BOUGHT_USED = "bought_used", _("Bought used")
    BOUGHT_NEW = "bought_new", _("Bought new")


CLOSED = (NeedStatus.REUSED, NeedStatus.BOUGHT_USED, NeedStatus.BOUGHT_NEW)


class NewPurchaseReason(models.TextChoices):
    NOTHING_IN_TIME = "nothing_in_time", _("Nothing suitable was found in time")
    REQUIREMENTS = "requirements", _("Specific requirements that nothing offered met")


class Need(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="+")
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="+")
    what = models.CharField(_("what"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    category = models.ForeignKey("catalog.Category", verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    # The category's platform key when the need was registered: what the impact of a reused need is reckoned by,
    # even if the organisation's category is later renamed, moved or removed.
    category_key = models.CharField(_("platform category"), max_length=100, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    needed_by = models.DateField(_("needed by"))
    budget = models.DecimalField(_("budget (SEK)"), max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=30, choices=NewPurchaseReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    # Reused: one of the person's reservations in this schema, or a deal with another organisation (public schema).
    booking = models.UUIDField(_("reservation"), null=True, blank=True)
    deal = models.UUIDField(_("deal between organisations"), null=True, blank=True)
    # Reused: how many of the need were met by it, and the price paid per item (a sale's), as they were at closing.
    reused_quantity = models.PositiveIntegerField(_("quantity reused"), null=True, blank=True)
    paid_per_item = models.DecimalField(_("paid per item (SEK)"), max_digits=10, decimal_places=2, null=True,
                                        blank=True)
    # Reused by a gift or a purchase (a new purchase avoided), not by a loan or rental (use): decision 0032's rule.
    avoids_purchase = models.BooleanField(_("avoids a purchase"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["department", "created_at"]), models.Index(fields=["person", "status"])]
        constraints = [
            models.CheckConstraint(name="need_quantity_positive", condition=Q(quantity__gte=1)),
            models.CheckConstraint(name="need_budget_not_negative",
                                   condition=Q(budget__isnull=True) | Q(budget__gte=0)),
            models.CheckConstraint(
                name="need_closed_when_not_open",
                condition=Q(status=NeedStatus.OPEN, closed_at__isnull=True)
                | (~Q(status=NeedStatus.OPEN) & Q(closed_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="need_reused_links_one",
                condition=~Q(status=NeedStatus.REUSED)
                | (Q(booking__isnull=False, deal__isnull=True) | Q(booking__isnull=True, deal__isnull=False)),
            ),
            models.CheckConstraint(
                name="need_bought_new_has_reason", condition=~Q(status=NeedStatus.BOUGHT_NEW) | ~Q(reason=""),
            ),
        ]

    def __str__(self) -> str:
        return self.what

    @property
    def is_open(self) -> bool:
        return self.status == NeedStatus.OPEN


class EvidenceMoment(models.TextChoices):
    REGISTERED = "registered", _("When the need was registered")
    BOUGHT_NEW = "bought_new", _("When it was closed as bought new")


class SearchEvidence(models.Model):
    """A snapshot of the search made for a need: never changed afterwards."""

    need = models.ForeignKey(Need, verbose_name=_("need"), on_delete=models.CASCADE, related_name="evidence")
    moment = models.CharField(_("moment"), max_length=20, choices=EvidenceMoment.choices)
    at = models.DateTimeField(_("searched"), default=timezone.now)
    query = models.CharField(_("searched for"), max_length=200)
    category_key = models.CharField(_("platform category"), max_length=100, blank=True)
    scopes = models.JSONField(_("scopes searched"), default=list)  # ["hos_oss", "natverk"]
    own_matches = models.PositiveIntegerField(_("matches in the organisation"))
    network_matches = models.PositiveIntegerField(_("matches in the networks"))
    top = models.JSONField(_("first matches"), default=list)  # [{"scope", "title", "organisation"}]

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.query} ({self.at:%Y-%m-%d})"
