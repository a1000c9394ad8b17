"""Writes of impact factors (public schema) and of an organisation's own impact decisions (its schema).

A published factor version never changes (the database refuses it): platform admins change factors by drafting a
new version from the current one, editing the draft, and publishing it; it counts what changes hands from then on.
An organisation's price overrides and listing corrections are its own, each with a note and who made it.
Decision 0032.
"""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taxonomy import selectors as taxonomy

from . import checks
from .errors import ImpactError
from .models import Factor, FactorVersion, OrganisationMonth
from .organisation.models import ListingCorrection, PriceOverride

# The first version covers everything that changed hands before factors were kept.
FIRST_VERSION_IN_FORCE_FROM = datetime(2000, 1, 1, tzinfo=UTC)


def _who(by) -> tuple[str, str]:
    if by is None:
        return "", ""
    name = (by.get_full_name() if hasattr(by, "get_full_name") else "") or getattr(by, "email", "") or str(by)
    return name[:200], getattr(by, "email", "") or ""


# ------------------------------------------------------------------------------------------- the factor table


def seed_first_version(*, seeds=None, note: str | None = None, version_model=FactorVersion,
                       factor_model=Factor) -> bool:
    """Version 1 from impact.factors_v1, published, if there is no version yet (a migration calls it with the
    historical models). Returns whether it was made."""
    from .factors_v1 import NOTE, SEEDS

    if version_model.objects.exists():
        return False
    version = version_model.objects.create(number=1, note=note or NOTE)
    factor_model.objects.bulk_create([
        factor_model(version=version, category_key=seed.key, co2e_per_item=Decimal(seed.co2e),
                     typical_weight_kg=Decimal(seed.weight), reference_price=Decimal(seed.price),
                     source=seed.source[0], source_url=seed.source[1], source_year=seed.source[2],
                     price_source=_price_source(), method=seed.method)
        for seed in (seeds or SEEDS)
    ])
    version_model.objects.filter(pk=version.pk).update(
        published_at=timezone.now(), valid_from=FIRST_VERSION_IN_FORCE_FROM, published_by_name="Delbar")
    return True


def _price_source() -> str:
    from .factors_v1 import PRICES

    return PRICES


@transaction.atomic
def draft_version(*, by=None, note: str = "") -> FactorVersion:
    """The open draft, or a new one copied from the newest published version (its factors as they are)."""
    FactorVersion.objects.select_for_update().order_by("-number").first()  # one drafter at a time
    draft = FactorVersion.objects.filter(published_at__isnull=True).first()
    if draft is not None:
        return draft
    current = FactorVersion.objects.filter(published_at__isnull=False).order_by("-number").first()
    number = (FactorVersion.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    draft = FactorVersion.objects.create(number=number, based_on=current, note=note)
    if current is not None:
        Factor.objects.bulk_create([
            Factor(version=draft, **{field: getattr(factor, field) for field in FACTOR_FIELDS})
            for factor in current.factors.all()
        ])
    return draft


FACTOR_FIELDS = ("category_key", "co2e_per_item", "typical_weight_kg", "reference_price", "source", "source_url",
                 "source_year", "price_source", "method")


def _refuse_published(version: FactorVersion) -> None:
    if version.published_at is not None:
        raise ImpactError("version_published", _(
            "Version %(number)s is published and cannot be changed: figures already reported name it. Draft a new "
            "version instead.") % {"number": version.number}, 409)


@transaction.atomic
def set_factor(*, version: FactorVersion, category_key: str, co2e_per_item, typical_weight_kg, reference_price,
               source: str, source_year, price_source: str, method: str, source_url: str = "") -> Factor:
    """Add or change the factor of one platform category in a draft version; every bad value is refused with its
    message (``ImpactError.fields``)."""
    version = FactorVersion.objects.select_for_update().get(pk=version.pk)
    _refuse_published(version)
    errors = checks.factor_errors(
        category_key=category_key, co2e_per_item=co2e_per_item, typical_weight_kg=typical_weight_kg,
        reference_price=reference_price, source=source, source_year=source_year, price_source=price_source,
        method=method, this_year=timezone.localdate().year, is_key=taxonomy.is_key,
    )
    if errors:
        raise ImpactError("invalid_factor", _("The factor was not saved: correct the fields marked."), 400,
                          fields=errors)
    factor, _created = Factor.objects.update_or_create(version=version, category_key=category_key, defaults={
        "co2e_per_item": checks.as_decimal(co2e_per_item), "typical_weight_kg": checks.as_decimal(typical_weight_kg),
        "reference_price": checks.as_decimal(reference_price), "source": source.strip(),
        "source_url": (source_url or "").strip(), "source_year": int(source_year),
        "price_source": price_source.strip(), "method": method.strip(),
    })
    return factor


@transaction.atomic
def publish_version(*, version: FactorVersion, by, note: str, at: datetime | None = None) -> FactorVersion:
    """Publish a draft: from now on it counts what changes hands; what changed hands before keeps its version.
    ``at`` backdates the publication (the demo's world, whose history is made up; decision 0035) — never into the
    future, never before the newest published version's."""
    version = FactorVersion.objects.select_for_update().get(pk=version.pk)
    now = timezone.now()
    if at is not None:
        newest = (FactorVersion.objects.filter(valid_from__isnull=False).order_by("-valid_from")
                  .values_list("valid_from", flat=True).first())
        if at > now or (newest is not None and at <= newest):
            raise ImpactError("bad_publication_time", _(
                "A version is published now or earlier, after the newest published version."), 400)
        now = at
    _refuse_published(version)
    if not (note or "").strip():
        raise ImpactError("note_required", _("Say what changed in this version."), 400,
                          fields={"note": _("Say what changed in this version.")})
    keys = set(taxonomy.labels())
    missing = sorted(keys - set(version.factors.values_list("category_key", flat=True)))
    if missing:
        raise ImpactError("factors_missing", _(
            "Every platform category needs a factor before the version is published. Missing: %(keys)s."
        ) % {"keys": ", ".join(missing)}, 400)
    name, email = _who(by)
    FactorVersion.objects.filter(pk=version.pk).update(
        published_at=now, valid_from=now, note=note.strip(), published_by_name=name, published_by_email=email)
    version.refresh_from_db()
    return version


# ------------------------------------------------------------------------ the organisation's own (its schema)


def _person(by) -> tuple[uuid_module.UUID | None, str]:
    name, _email = _who(by)
    return getattr(by, "uuid", None), name


@transaction.atomic
def set_price_override(*, category_key: str, reference_price, note: str, by) -> PriceOverride:
    """This organisation's own reference new price for a platform category, used for its own figures instead of
    the platform's (and shown as its own)."""
    errors = {
        "category_key": None if taxonomy.is_key(category_key) else _("Choose one of the platform's categories."),
        "reference_price": checks.price_error(reference_price),
        "note": checks.note_error(note),
    }
    errors = {field: message for field, message in errors.items() if message}
    if errors:
        raise ImpactError("invalid_price_override", _("The price was not saved: correct the fields marked."), 400,
                          fields=errors)
    person, name = _person(by)
    override, _created = PriceOverride.objects.update_or_create(category_key=category_key, defaults={
        "reference_price": checks.as_decimal(reference_price), "note": note.strip(), "set_by_uuid": person,
        "set_by_name": name, "set_at": timezone.now(),
    })
    return override


def remove_price_override(*, category_key: str) -> bool:
    return PriceOverride.objects.filter(category_key=category_key).delete()[0] > 0


@transaction.atomic
def correct_listing(*, listing_uuid, listing_title: str = "", note: str, by, weight_kg=None,
                    not_bought: bool = False) -> ListingCorrection:
    """Correct what one listing's items count for: another weight per item (its CO₂e follows the weight), or
    "would not have been bought" (its items avoid nothing and save nothing). A note is required."""
    errors = {"note": checks.note_error(note)}
    if not_bought and weight_kg not in (None, ""):
        errors["weight_kg"] = _("Either give a weight or say it would not have been bought, not both.")
    elif not not_bought:
        errors["weight_kg"] = checks.weight_error(weight_kg) if weight_kg not in (None, "") else _(
            "Give the weight per item in kg, or say it would not have been bought.")
    errors = {field: message for field, message in errors.items() if message}
    if errors:
        raise ImpactError("invalid_correction", _("The correction was not saved: correct the fields marked."),
                          400, fields=errors)
    person, name = _person(by)
    correction, _created = ListingCorrection.objects.update_or_create(listing_uuid=listing_uuid, defaults={
        "listing_title": (listing_title or "")[:200], "note": note.strip(), "not_bought": bool(not_bought),
        "weight_kg": None if not_bought else checks.as_decimal(weight_kg), "by_uuid": person, "by_name": name,
        "at": timezone.now(),
    })
    return correction


def remove_correction(*, listing_uuid) -> bool:
    return ListingCorrection.objects.filter(listing_uuid=listing_uuid).delete()[0] > 0


# ------------------------------------------------------------------------------------------ the public ledger


@dataclass(frozen=True)
class LedgerMonth:
    """One month of one organisation's figures, as ``reports.ledger`` computes them in its schema."""

    month: date
    listings_posted: int = 0
    items_mediated: int = 0
    loans: int = 0
    co2e_kg: Decimal = Decimal("0")
    sek_saved: Decimal = Decimal("0")
    corrected_items: int = 0
    factor_versions: tuple[int, ...] = ()


@transaction.atomic
def replace_ledger(*, organisation_id: int, months: list[LedgerMonth], computed_at: datetime) -> int:
    """Replace ``organisation_id``'s rows of the public ledger (decision 0035) by ``months``, all as of
    ``computed_at``, in one transaction (two statements): readers see the old rows or the new ones, never a mix.
    Returns the number of rows written."""
    OrganisationMonth.objects.filter(organisation_id=organisation_id).delete()
    OrganisationMonth.objects.bulk_create([
        OrganisationMonth(organisation_id=organisation_id, month=month.month, listings_posted=month.listings_posted,
                          items_mediated=month.items_mediated, loans=month.loans, co2e_kg=month.co2e_kg,
                          sek_saved=month.sek_saved, corrected_items=month.corrected_items,
                          factor_versions=sorted(month.factor_versions), computed_at=computed_at)
        for month in months
    ])
    return len(months)


def keep_ledger_of(*, organisation_ids) -> int:
    """Remove the ledger rows of every organisation but ``organisation_ids`` (the active ones). Returns how many."""
    return OrganisationMonth.objects.exclude(organisation_id__in=list(organisation_ids)).delete()[0]
