"""The platform's impact factors (public schema only; decision 0032).

A ``FactorVersion`` is a complete factor table: one ``Factor`` per platform category key (taxonomy). A version is
drafted, filled and then published; once published, the database refuses any change to it or its factors (trigger,
migration 0002), so a figure once reported can always be recomputed from the version it names. A published version
is in force from its ``valid_from`` until the next version's; the first covers everything before it.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .limits import FIRST_SOURCE_YEAR, MAX_CO2E_PER_ITEM, MAX_REFERENCE_PRICE, MAX_WEIGHT_KG, SOURCE_MAX_LENGTH


class FactorVersion(models.Model):
    number = models.PositiveIntegerField(_("version"), unique=True)
    note = models.TextField(_("what changed"), blank=True)
    based_on = models.ForeignKey("self", verbose_name=_("based on"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("drafted"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # From when the version counts items that change hands: its publication (never earlier), or, for the first
    # version, the beginning of the platform (it covers everything before factors were kept).
    valid_from = models.DateTimeField(_("in force from"), null=True, blank=True)
    published_by_name = models.CharField(_("published by"), max_length=200, blank=True)
    published_by_email = models.EmailField(_("published by (e-mail)"), blank=True)

    class Meta:
        verbose_name = _("factor version")
        verbose_name_plural = _("factor versions")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True, valid_from__isnull=True)
                | Q(published_at__isnull=False, valid_from__isnull=False, valid_from__lte=models.F("published_at")),
                name="impact_version_in_force_once_published_never_before",
            ),
        ]
        indexes = [models.Index(fields=["valid_from"], name="impact_version_valid_from")]

    def __str__(self) -> str:
        return _("Factor version %(number)s") % {"number": self.number}

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Factor(models.Model):
    """What one reused item of a platform category avoids: kg CO₂e and a new purchase at the reference price."""

    version = models.ForeignKey(FactorVersion, verbose_name=_("version"), on_delete=models.PROTECT,
                                related_name="factors")
    category_key = models.CharField(_("platform category"), max_length=100)
    co2e_per_item = models.DecimalField(_("kg CO₂e avoided per item"), max_digits=8, decimal_places=2)
    typical_weight_kg = models.DecimalField(_("typical weight (kg)"), max_digits=8, decimal_places=2)
    reference_price = models.DecimalField(_("reference new price (SEK, excl. VAT)"), max_digits=12,
                                          decimal_places=2)
    source = models.CharField(_("source of the CO₂e figure"), max_length=SOURCE_MAX_LENGTH)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    source_year = models.PositiveSmallIntegerField(_("year of the source"))
    price_source = models.CharField(_("source of the reference price"), max_length=SOURCE_MAX_LENGTH)
    method = models.TextField(_("method"))

    class Meta:
        verbose_name = _("factor")
        verbose_name_plural = _("factors")
        ordering = ["version", "category_key"]
        constraints = [
            models.UniqueConstraint(fields=["version", "category_key"], name="impact_one_factor_per_key"),
            models.CheckConstraint(condition=Q(co2e_per_item__gte=0, co2e_per_item__lte=MAX_CO2E_PER_ITEM),
                                   name="impact_factor_co2e_within_bounds"),
            models.CheckConstraint(condition=Q(typical_weight_kg__gt=0, typical_weight_kg__lte=MAX_WEIGHT_KG),
                                   name="impact_factor_weight_within_bounds"),
            models.CheckConstraint(condition=Q(reference_price__gte=0, reference_price__lte=MAX_REFERENCE_PRICE),
                                   name="impact_factor_price_within_bounds"),
            models.CheckConstraint(condition=Q(source_year__gte=FIRST_SOURCE_YEAR, source_year__lte=2100),
                                   name="impact_factor_year_plausible"),
            # No factor without a source (and a method): blanks and spaces are no source.
            models.CheckConstraint(condition=Q(source__regex=r"\S"),
                                   name="impact_factor_has_source"),
            models.CheckConstraint(condition=Q(price_source__regex=r"\S"), name="impact_factor_has_price_source"),
            models.CheckConstraint(condition=Q(method__regex=r"\S"), name="impact_factor_has_method"),
        ]

    def __str__(self) -> str:
        return f"{self.category_key} (v{self.version.number})"


class OrganisationMonth(models.Model):
    """The public ledger (decision 0035): one organisation's figures of one month — what happened inside it, which
    lives in its own schema — copied to the public schema, so that the platform's totals and the open data read
    every organisation in one query. Written only by ``reports.ledger.refresh`` (every night, and on demand), which
    replaces an organisation's rows at once; ``computed_at`` says as of when. At the platform's reference prices
    and with the organisation's listing corrections, as the figures across organisations are (decision 0032).
    ``organisation_id`` names a ``tenants.Organisation`` without a foreign key: impact sits below tenants."""

    organisation_id = models.PositiveIntegerField(_("organisation"), db_index=True)
    month = models.DateField(_("month"))  # its first day, in the organisation's time zone
    listings_posted = models.PositiveIntegerField(_("listings posted"), default=0)
    items_mediated = models.PositiveIntegerField(_("items mediated"), default=0)
    loans = models.PositiveIntegerField(_("loans and rentals"), default=0)
    co2e_kg = models.DecimalField(_("kg CO₂e avoided"), max_digits=16, decimal_places=4, default=0)
    sek_saved = models.DecimalField(_("SEK saved"), max_digits=16, decimal_places=2, default=0)
    corrected_items = models.PositiveIntegerField(_("items corrected"), default=0)
    factor_versions = ArrayField(models.PositiveIntegerField(), verbose_name=_("factor versions"), default=list,
                                 blank=True)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("month of an organisation's figures")
        verbose_name_plural = _("months of organisations' figures")
        ordering = ["organisation_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["organisation_id", "month"], name="impact_one_ledger_row_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m}"
