"""What an organisation decides about its own impact figures, in its own schema (decision 0032): its own reference
price for a platform category (a price override, shown as its own), and corrections of one listing's items (another
weight, or "this would not have been bought", which counts them as zero), each with a note and who made it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from impact.limits import MAX_REFERENCE_PRICE, MAX_WEIGHT_KG, NOTE_MAX_LENGTH


class PriceOverride(models.Model):
    category_key = models.CharField(_("platform category"), max_length=100, unique=True)
    reference_price = models.DecimalField(_("our reference new price (SEK, excl. VAT)"), max_digits=12,
                                          decimal_places=2)
    note = models.CharField(_("note"), max_length=NOTE_MAX_LENGTH)
    set_by_uuid = models.UUIDField(_("set by (person)"), null=True, blank=True)
    set_by_name = models.CharField(_("set by"), max_length=200, blank=True)
    set_at = models.DateTimeField(_("set"), default=timezone.now)

    class Meta:
        verbose_name = _("reference price of our own")
        verbose_name_plural = _("reference prices of our own")
        ordering = ["category_key"]
        constraints = [
            models.CheckConstraint(condition=Q(reference_price__gte=0, reference_price__lte=MAX_REFERENCE_PRICE),
                                   name="impact_override_price_within_bounds"),
            models.CheckConstraint(condition=Q(note__regex=r"\S"), name="impact_override_has_note"),
        ]

    def __str__(self) -> str:
        return f"{self.category_key}: {self.reference_price} SEK"


class ListingCorrection(models.Model):
    listing_uuid = models.UUIDField(_("listing"), unique=True)
    listing_title = models.CharField(_("listing (as it was titled)"), max_length=200, blank=True)
    weight_kg = models.DecimalField(_("weight per item (kg)"), max_digits=8, decimal_places=2, null=True,
                                    blank=True)
    not_bought = models.BooleanField(_("would not have been bought"), default=False)
    note = models.CharField(_("note"), max_length=NOTE_MAX_LENGTH)
    by_uuid = models.UUIDField(_("by (person)"), null=True, blank=True)
    by_name = models.CharField(_("by"), max_length=200, blank=True)
    at = models.DateTimeField(_("corrected"), default=timezone.now)

    class Meta:
        verbose_name = _("correction of a listing's impact")
        verbose_name_plural = _("corrections of listings' impact")
        ordering = ["-at"]
        constraints = [
            # Either "would not have been bought" (nothing avoided, no weight) or another weight, never both.
            models.CheckConstraint(
                condition=Q(not_bought=True, weight_kg__isnull=True)
                | Q(not_bought=False, weight_kg__gt=0, weight_kg__lte=MAX_WEIGHT_KG),
                name="impact_correction_weight_or_not_bought",
            ),
            models.CheckConstraint(condition=Q(note__regex=r"\S"), name="impact_correction_has_note"),
        ]

    def __str__(self) -> str:
        return self.listing_title or str(self.listing_uuid)
