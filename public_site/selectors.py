"""What the public site shows, composed from the apps that own it (decision 0055): the platform's figures from
tenants and reports, the plans from billing. No page of the public site grows in queries with the number of
organisations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils.translation import get_language

from billing import selectors as billing
from reports import selectors as reports
from tenants import selectors as organisations

if TYPE_CHECKING:
    from impact.selectors import Impact


@dataclass(frozen=True)
class PlatformFigures:
    organisations: int  # active organisations, counted now
    impact: Impact  # items mediated, kg CO₂e avoided and SEK saved on the whole platform
    as_of: datetime | None  # when the public ledger behind ``impact`` was last refreshed


def platform_figures() -> PlatformFigures:
    """The figures of the public home page: one query for the organisations, and the platform's impact from the
    cache (decision 0035; two queries every ten minutes)."""
    impact = reports.platform_impact()
    return PlatformFigures(organisations=organisations.active_organisation_count(), impact=impact.total,
                           as_of=impact.as_of)


@dataclass(frozen=True)
class Price:
    band: str  # the size band's description, translated
    yearly_sek: int  # excluding VAT, whole kronor


@dataclass(frozen=True)
class PlanOffer:
    name: str
    trial_days: int
    prices: list[Price]


def plan_offers() -> list[PlanOffer]:
    """The plans offered, each with its yearly price per size band (excluding VAT) and its trial: two queries."""
    swedish = (get_language() or "sv").startswith("sv")
    return [PlanOffer(name=plan.name_sv if swedish else plan.name_en, trial_days=plan.trial_days,
                      prices=[Price(band=str(price.get_band_display()), yearly_sek=price.yearly_price_ore // 100)
                              for price in plan.prices.all()])
            for plan in billing.plans()]


def card_payment_available() -> bool:
    return billing.card_payment_available()


@dataclass(frozen=True)
class FoundOrganisation:
    name: str
    url: str  # the organisation's own host, where its people log in
    host: str  # the same without the scheme, as shown


SEARCH_LIMIT = 10


def find_organisations(*, query: str) -> tuple[list[FoundOrganisation], bool]:
    """Active organisations whose name contains every word of ``query``: at most SEARCH_LIMIT, and whether there
    were more. One query."""
    found = organisations.organisations_named(query=query, limit=SEARCH_LIMIT + 1)
    results = []
    for organisation in found[:SEARCH_LIMIT]:
        base = organisations.organisation_base_url(organisation=organisation)
        results.append(FoundOrganisation(name=organisation.name, url=base + "/", host=base.split("://", 1)[-1]))
    return results, len(found) > SEARCH_LIMIT
