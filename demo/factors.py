"""The demo's second factor version (decision 0035): published halfway through this year, so that the demo shows
what a new version does — items handed over before it keep version 1's figures, those after count under version 2,
and /metod/ lists both. Its changes are the demo's own and said so: the reference new prices of three categories
reviewed (Delbar's estimate, as in version 1, at this year's price level); every CO₂e figure and its source stays
as in version 1, since no newer study was checked."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from impact import selectors as impact
from impact import services

# Reviewed reference new prices, SEK excl. VAT (version 1: 4,500, 6,000 and 2,500).
NEW_PRICES = {"furniture.office_chairs": Decimal("4900"), "furniture.desks": Decimal("6500"),
              "it.monitors": Decimal("2300")}


def price_source(year: int) -> str:
    return (f"Delbar's estimate of a typical mid-range price excl. VAT in public-sector framework catalogues "
            f"(Adda, Kammarkollegiet), rounded, reviewed {year} (demo)")


def note(year: int) -> str:
    return (f"Demo: the reference new prices of office chairs, desks and monitors reviewed at the {year} price "
            f"level (Delbar's estimate). Every CO₂e figure and its source is as in version 1.")


def in_force_from(now: datetime | None = None) -> datetime:
    """Midnight of the day halfway between the first of January and now (local time)."""
    now = timezone.localtime(now or timezone.now())
    start = now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    return (start + (now - start) / 2).replace(hour=0, minute=0, second=0, microsecond=0)


def seed_demo_factor_version() -> bool:
    """Publish the demo's version 2 unless a second version exists. Returns whether it was made."""
    if len(impact.published_versions()) != 1:
        return False
    at = in_force_from()
    draft = services.draft_version(by=None)
    for factor in draft.factors.filter(category_key__in=list(NEW_PRICES)):
        fields = {name: getattr(factor, name) for name in services.FACTOR_FIELDS}
        fields.update(reference_price=NEW_PRICES[factor.category_key], price_source=price_source(at.year))
        services.set_factor(version=draft, **fields)
    services.publish_version(version=draft, by=None, note=note(at.year), at=at)
    return True
