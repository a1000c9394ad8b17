"""Searching other organisations' offers (decision 0028), as catalog searches an organisation's own listings
(catalog/search.py, decision 0013): every word a prefix of the Swedish full text of the title or excerpt or of a
title word's ending, at most RANKED newest matches ranked, the title counting most and a whole title word more.

Who sees what is exchange.selectors.offers_visible_to; a scope narrows it to the organisation's network partners.
When nothing matches, each word is replaced by the closest word of the searching organisation's own titles (its
SearchWord vocabulary, the only one there is: the exchange keeps no vocabulary of its own yet) and the search is
run again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchRank
from django.db.models import Case, F, Q, QuerySet, Subquery, Value, When

from catalog import selectors as catalog

from .models import Offer

WHOLE_WORD = 0.5


class Scope:
    OURS = "oss"
    NETWORKS = "natverk"
    EVERYONE = "alla"


@dataclass
class OfferResults:
    """Ranked matches, loaded (an offer is small and has no photos here): a list a Paginator can page."""

    offers: list[Offer]
    capped: bool = False
    corrected_query: str = ""
    extra: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.offers)

    def count(self) -> int:
        return len(self.offers)

    def __getitem__(self, key):
        return self.offers[key]

    def __iter__(self):
        return iter(self.offers)


class CountCapped:
    """Offers in their order, for a Paginator, whose count stops at ``limit``: counting every visible offer of a
    large exchange costs a scan of them all on every page, and no one pages past the first thousand. ``more_than``
    tells, once counted, that there were more."""

    def __init__(self, queryset: QuerySet[Offer], *, limit: int) -> None:
        self.queryset, self.limit, self.more_than = queryset, limit, False

    def count(self) -> int:
        # SELECT COUNT(*) FROM (SELECT id ... LIMIT limit + 1): stops reading once one more than the limit is found.
        found = self.queryset.order_by().values("pk")[: self.limit + 1].count()
        self.more_than = found > self.limit
        return min(found, self.limit)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        return self.queryset[key]


def count_capped(offers: OfferResults | QuerySet[Offer], *, limit: int) -> OfferResults | CountCapped:
    """What the search page pages: ranked results as they are (at most RANKED), other offers counted up to ``limit``."""
    return offers if isinstance(offers, OfferResults) else CountCapped(offers, limit=limit)


def filtered(
    queryset: QuerySet[Offer], *, category_keys: list[str] | None, offer_type: str, organisation_id: int | None
) -> QuerySet[Offer]:
    if category_keys is not None:
        # A key and every key under it ("furniture" holds "furniture.office_chairs").
        matches = Q(category_key__in=category_keys)
        for key in category_keys:
            matches |= Q(category_key__startswith=f"{key}.")
        queryset = queryset.filter(matches)
    if offer_type:
        queryset = queryset.filter(offer_type=offer_type)
    if organisation_id is not None:
        queryset = queryset.filter(organisation_id=organisation_id)
    return queryset


def _shown(queryset: QuerySet[Offer]) -> QuerySet[Offer]:
    return queryset.select_related("organisation").defer("search_vector", "search_suffixes")


def ranked(queryset: QuerySet[Offer], terms: list[str]) -> OfferResults:
    limit = catalog.search_ranked_limit()
    text = catalog.text_search_query(terms=terms)
    newest = (
        queryset.filter(search_vector=text).order_by("-published_at", "-pk").values("pk")[: limit + 1]
    )
    whole_words = sum(
        (Case(When(title__iregex=rf"\m{term}\M", then=Value(WHOLE_WORD)), default=Value(0.0)) for term in terms),
        Value(0.0),
    )
    offers = list(
        _shown(Offer.objects.filter(pk__in=Subquery(newest)))
        .annotate(rank=SearchRank(F("search_vector"), text, weights=catalog.search_rank_weights()) + whole_words)
        .order_by("-rank", "-published_at", "-pk")
    )
    if len(offers) > limit:
        # The extra one is the oldest candidate, whatever its rank.
        offers.remove(min(offers, key=lambda offer: (offer.published_at is not None, offer.published_at, offer.pk)))
        return OfferResults(offers=offers, capped=True)
    return OfferResults(offers=offers)


def search(queryset: QuerySet[Offer], query: str) -> OfferResults | QuerySet[Offer]:
    terms = catalog.search_terms(query=query)
    if not terms:
        return _shown(queryset.order_by("-published_at", "-pk"))
    results = ranked(queryset, terms)
    if results.offers:
        return results
    corrected = catalog.closest_title_words(terms=terms)
    if corrected == terms:
        return results
    retried = ranked(queryset, corrected)
    if not retried.offers:
        return results
    retried.corrected_query = " ".join(corrected)
    return retried
