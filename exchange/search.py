"""Searching other organisations' offers (decision 0028), as catalog searches an organisation's own listings
(catalog/search.py, decision 0013): every word a prefix of the Swedish full text of the title or excerpt or of a
title word's ending, at most RANKED newest matches ranked, the title counting most and a whole title word more.

Who sees what is exchange.selectors.offers_visible_to; a scope narrows it to the organisation's network partners.
When nothing matches, each word is replaced by the closest word of the searching organisation's own titles (its
SearchWord vocabulary, the only one there is: the exchange keeps no vocabulary of its own yet) and the search is
run again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchRank
from django.db.models import Case, F, Q, QuerySet, Value, When

from catalog import selectors as catalog

from .models import Offer

WHOLE_WORD = 0.5


class Scope:
    OURS = "oss"
    NETWORKS = "natverk"
    EVERYONE = "alla"


@dataclass
class OfferResults(Sequence):
    """Ranked matches, as ids in their order; a slice (a page) loads its offers in one query. Loading all 200
    ranked offers to show 24 cost more than finding them (decision 0041)."""

    ids: list[int]
    capped: bool = False
    corrected_query: str = ""
    _loaded: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    def count(self) -> int:
        return len(self.ids)

    def __getitem__(self, key):
        if isinstance(key, slice):
            wanted = self.ids[key]
            missing = [pk for pk in wanted if pk not in self._loaded]
            if missing:
                self._loaded.update({offer.pk: offer for offer in _shown(Offer.objects.filter(pk__in=missing))})
            # An offer withdrawn between ranking and loading is left out.
            return [self._loaded[pk] for pk in wanted if pk in self._loaded]
        found = self[key : key + 1] if key >= 0 else self[key:][:1]
        if not found:
            raise IndexError(key)
        return found[0]

    def __iter__(self) -> Iterator[Offer]:
        return iter(self[:])


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
    return queryset.select_related("organisation").defer("search_vector", "search_lexemes", "search_suffixes")


def ranked(branches: list[QuerySet[Offer]], terms: list[str]) -> OfferResults:
    """The newest RANKED matches of the words among the offers of ``branches`` (which never overlap), best first.

    Each branch is one simple condition of who may see an offer (everyone's offers; the partners' offers for the
    networks), so that PostgreSQL can answer each either from the words (a rare word: the GIN index, then the newest
    of its matches) or newest first (a common word: an index-only walk of an index that carries the words, stopping
    at the newest matches); their newest candidates are merged (decision 0041). The candidates are then ranked, in
    a second query that reads only their rows."""
    limit = catalog.search_ranked_limit()
    text = catalog.text_search_query(terms=terms)
    newest = [
        branch.filter(search_lexemes=text).order_by("-published_at", "-pk").values_list("pk", "published_at")[
            : limit + 1
        ]
        for branch in branches
    ]
    if not newest:
        return OfferResults(ids=[])
    merged = newest[0].union(*newest[1:], all=True).order_by("-published_at", "-pk") if len(newest) > 1 else newest[0]
    candidates = [pk for pk, _ in merged[: limit + 1]]
    if not candidates:
        return OfferResults(ids=[])
    whole_words = sum(
        (Case(When(title__iregex=rf"\m{term}\M", then=Value(WHOLE_WORD)), default=Value(0.0)) for term in terms),
        Value(0.0),
    )
    rows = list(
        Offer.objects.filter(pk__in=candidates)
        .annotate(rank=SearchRank(F("search_vector"), text, weights=catalog.search_rank_weights()) + whole_words)
        .order_by("-rank", "-published_at", "-pk")
        .values_list("pk", "published_at")
    )
    if len(rows) > limit:
        # The extra one is the oldest candidate, whatever its rank: drop that one, not the least relevant.
        oldest = candidates[-1]
        return OfferResults(ids=[pk for pk, _ in rows if pk != oldest], capped=True)
    return OfferResults(ids=[pk for pk, _ in rows])


def search(queryset: QuerySet[Offer], branches: list[QuerySet[Offer]], query: str) -> OfferResults | QuerySet[Offer]:
    """Without words, ``queryset`` newest first (what the page pages and counts up to a limit); with words, the
    ranked matches among ``branches``, the same offers as ``queryset`` split by who may see them."""
    terms = catalog.search_terms(query=query)
    if not terms:
        return _shown(queryset.order_by("-published_at", "-pk"))
    results = ranked(branches, terms)
    if results.ids:
        return results
    corrected = catalog.closest_title_words(terms=terms)
    if corrected == terms:
        return results
    retried = ranked(branches, corrected)
    if not retried.ids:
        return results
    retried.corrected_query = " ".join(corrected)
    return retried
