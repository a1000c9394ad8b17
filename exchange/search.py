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

from django.db import connection
from django.db.models import Q, QuerySet

from catalog import selectors as catalog
from tenants import selectors as organisations

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


# Offers counted at most without words (a browse or filters only), by the page and the API: "more than 1 000".
BROWSE_COUNT_LIMIT = 1000


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


@dataclass(frozen=True)
class Part:
    """Offers that one simple condition makes visible (decision 0041): one partner's (``organisation_id``), several
    partners' at once (``organisation_ids``), optionally only those with ``reach``; or every active organisation's
    offers for everyone but one organisation's own (``everyone_but``)."""

    organisation_id: int | None = None
    organisation_ids: tuple[int, ...] = ()
    reach: str | None = None
    everyone_but: int | None = None


@dataclass(frozen=True)
class Filters:
    category_keys: list[str] | None = None
    offer_type: str = ""
    organisation_id: int | None = None


def _like_prefix(key: str) -> str:
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}.%"


def _part_sql(part: Part, filters: Filters, *, config: str, text: str, limit: int) -> tuple[str, list]:
    """The newest ``limit`` matches of one part: the SQL of a ranked search's first step, written by hand because
    building and compiling a dozen such querysets through the ORM cost more CPU than PostgreSQL spends on them."""
    where, params = ["search_lexemes @@ to_tsquery(%s::regconfig, %s)"], [config, text]
    if part.everyone_but is not None:
        active_sql, active_params = organisations.active_organisations().values("pk").query.sql_with_params()
        where += ["reach = %s", f"organisation_id IN ({active_sql})", "organisation_id <> %s"]
        params += [Offer.Reach.EVERYONE.value, *active_params, part.everyone_but]
    if part.organisation_id is not None:
        where.append("organisation_id = %s")
        params.append(part.organisation_id)
    if part.organisation_ids:
        where.append("organisation_id = ANY(%s)")
        params.append(list(part.organisation_ids))
    if part.reach is not None:
        where.append("reach = %s")
        params.append(part.reach)
    if filters.category_keys is not None:
        # A key and every key under it ("furniture" holds "furniture.office_chairs").
        where.append("(category_key = ANY(%s) OR category_key LIKE ANY(%s))")
        params += [list(filters.category_keys), [_like_prefix(key) for key in filters.category_keys]]
    if filters.offer_type:
        where.append("offer_type = %s")
        params.append(filters.offer_type)
    if filters.organisation_id is not None:
        where.append("organisation_id = %s")
        params.append(filters.organisation_id)
    sql = (
        f"SELECT id, published_at FROM {Offer._meta.db_table} WHERE {' AND '.join(where)} "
        "ORDER BY published_at DESC, id DESC LIMIT %s"
    )
    return sql, [*params, limit]


def ranked(parts: list[Part], filters: Filters, terms: list[str]) -> OfferResults:
    """The newest RANKED matches of the words among the offers of ``parts`` (which never overlap), best first.

    PostgreSQL answers each part either from the words (a rare word: the GIN index, then the newest of its
    matches) or newest first (a common word: an index-only walk of an index that carries the words, stopping at the
    part's newest matches), and merges the parts' newest (decision 0041). The candidates are then ranked in a second
    query that reads only their rows: the title counts most, a whole title word more."""
    if not parts:
        return OfferResults(ids=[])
    limit = catalog.search_ranked_limit()
    config, text = catalog.text_search_config_and_text(terms=terms)
    pieces = [_part_sql(part, filters, config=config, text=text, limit=limit + 1) for part in parts]
    if len(pieces) == 1:
        sql, params = pieces[0]
    else:
        sql = " UNION ALL ".join(f"({piece})" for piece, _ in pieces) + " ORDER BY published_at DESC, id DESC LIMIT %s"
        params = [value for _, piece_params in pieces for value in piece_params] + [limit + 1]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        candidates = [pk for pk, _ in cursor.fetchall()]
        if not candidates:
            return OfferResults(ids=[])
        whole_words = " + ".join(f"CASE WHEN title ~* %s THEN {WHOLE_WORD} ELSE 0 END" for _ in terms)
        cursor.execute(
            f"SELECT id FROM {Offer._meta.db_table} WHERE id = ANY(%s) ORDER BY "
            f"ts_rank(%s::real[], search_vector, to_tsquery(%s::regconfig, %s)) + {whole_words} DESC, "
            "published_at DESC, id DESC",
            [candidates, catalog.search_rank_weights(), config, text, *(rf"\m{term}\M" for term in terms)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
    if len(candidates) > limit:
        # The extra one is the oldest candidate, whatever its rank: drop that one, not the least relevant.
        oldest = candidates[-1]
        return OfferResults(ids=[pk for pk in ids if pk != oldest], capped=True)
    return OfferResults(ids=ids)


def search(
    queryset: QuerySet[Offer], parts: list[Part], filters: Filters, query: str
) -> OfferResults | QuerySet[Offer]:
    """Without words, ``queryset`` newest first (what the page pages and counts up to a limit); with words, the
    ranked matches among ``parts``, the same offers as ``queryset`` split by who may see them, with ``filters``."""
    terms = catalog.search_terms(query=query)
    if not terms:
        return _shown(queryset.order_by("-published_at", "-pk"))
    results = ranked(parts, filters, terms)
    if results.ids:
        return results
    corrected = catalog.closest_title_words(terms=terms)
    if corrected == terms:
        return results
    retried = ranked(parts, filters, corrected)
    if not retried.ids:
        return results
    retried.corrected_query = " ".join(corrected)
    return retried
