"""Search over an organisation's published listings (decision 0013).

1. Every word must match, as a prefix, the Swedish full text of the title or description, or the ending of a
   title word (catalog.search_text): "stolar" finds "Stol" and "stolen", "stol" finds "Kontorsstol".
2. Of the matches, at most RANKED newest are taken (PostgreSQL walks the (status, published_at) index and stops
   early when the word is common; it uses the GIN index when the word is rare) and ranked by full-text rank, the
   title counting most, a whole title word more. The count is exact up to RANKED; beyond it, the page says "more
   than" and invites a narrower search. Counting or ranking every one of 17,000 matches costs more than the page
   may take (bench/search.py, docs/benchmarks.md: reading each match costs about 1.5 µs).
3. When nothing matches, each word is replaced by the closest word of any title (``SearchWord``, trigram
   similarity) and the search is run again: "skrivbort" shows what "skrivbord" finds, and says so.

Browsing without words is newest first, with an exact count (an index-only scan).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.db.models import Case, F, Prefetch, QuerySet, Subquery, Value, When

from bookings import selectors as bookings

from .lifecycle import ListingStatus
from .models import SEARCH_CONFIG, Listing, ListingPhoto, SearchWord
from .search_text import query_terms

RANKED = 200
MIN_SIMILARITY = 0.4
WHOLE_WORD = 0.5
# ts_rank's weights for D, C, B, A: a word inside a title word (C, the endings) counts almost as much as a title
# word (A), and more than the description (B).
RANK_WEIGHTS = [0.1, 0.8, 0.4, 1.0]


def with_photos(queryset: QuerySet[Listing]) -> QuerySet[Listing]:
    """Listings as lists and pages show them: category, department, photos and how many are free now
    (``quantity_available``, from the bookings) loaded, the search columns not."""
    return (
        queryset.select_related("category", "category__parent", "department")
        .prefetch_related(Prefetch("photos", queryset=ListingPhoto.objects.order_by("position", "id")))
        .annotate(quantity_available=bookings.free_now_expression())
        .defer("search_vector", "search_suffixes")
    )


@dataclass
class SearchResults(Sequence):
    """Ranked matches of a search, as ids; a slice (a page) loads its listings in two queries."""

    ids: list[int]
    capped: bool = False  # there are more matches than were ranked
    corrected_query: str = ""  # the words actually searched, when the query's own words found nothing
    _loaded: dict = field(default_factory=dict, repr=False)

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, key):
        if isinstance(key, slice):
            wanted = self.ids[key]
            missing = [pk for pk in wanted if pk not in self._loaded]
            if missing:
                rows = with_photos(Listing.objects.filter(pk__in=missing, status=ListingStatus.PUBLISHED))
                self._loaded.update({listing.pk: listing for listing in rows})
            return [self._loaded[pk] for pk in wanted if pk in self._loaded]
        found = self[key : key + 1] if key >= 0 else self[key:][:1]
        if not found:
            raise IndexError(key)
        return found[0]

    def __iter__(self) -> Iterator[Listing]:
        return iter(self[:])


def text_query_text(terms: list[str]) -> str:
    """Every word a prefix, all of them required: the tsquery's text (the words hold no tsquery syntax)."""
    return " & ".join(f"{term}:*" for term in terms)


def text_query(terms: list[str]) -> SearchQuery:
    return SearchQuery(text_query_text(terms), search_type="raw", config=SEARCH_CONFIG)


def ranked(queryset: QuerySet[Listing], terms: list[str]) -> SearchResults:
    """The matches of ``terms`` among ``queryset`` (published listings, filtered), best first."""
    text = text_query(terms)
    # One more than is ranked, to know whether there were more.
    newest = queryset.filter(search_vector=text).order_by("-published_at", "-pk").values("pk")[: RANKED + 1]
    # A word that is a whole word of the title ("Stol i bok" for "stol") beats one found by stem or inside a
    # compound; cheap here, as it is computed for the candidates only.
    whole_words = sum(
        (Case(When(title__iregex=rf"\m{term}\M", then=Value(WHOLE_WORD)), default=Value(0.0)) for term in terms),
        Value(0.0),
    )
    rows = list(
        Listing.objects.filter(pk__in=Subquery(newest))
        .annotate(rank=SearchRank(F("search_vector"), text, weights=RANK_WEIGHTS) + whole_words)
        .order_by("-rank", "-published_at", "-pk")
        .values_list("pk", "published_at")
    )
    if len(rows) > RANKED:
        # The extra one is the oldest candidate, whatever its rank: drop that one, not the least relevant.
        rows.remove(min(rows, key=lambda row: (row[1], row[0])))
        return SearchResults(ids=[pk for pk, _ in rows], capped=True)
    return SearchResults(ids=[pk for pk, _ in rows])


def closest_words(terms: list[str]) -> list[str]:
    """Each word replaced by the most similar word of any title (itself, if it is one)."""
    corrected = []
    for term in terms:
        best = (
            SearchWord.objects.filter(word__trigram_similar=term)
            .annotate(similarity=TrigramSimilarity("word", term))
            .filter(similarity__gte=MIN_SIMILARITY)
            .order_by("-similarity", "word")
            .values_list("word", flat=True)
            .first()
        )
        corrected.append(best or term)
    return corrected


def search(queryset: QuerySet[Listing], query: str) -> SearchResults | QuerySet[Listing]:
    terms = query_terms(query)
    if not terms:
        return with_photos(queryset.order_by("-published_at", "-pk"))
    results = ranked(queryset, terms)
    if results.ids:
        return results
    corrected = closest_words(terms)
    if corrected == terms:
        return results
    retried = ranked(queryset, corrected)
    if not retried.ids:
        return results  # the corrected words find nothing either: say nothing matched what was typed
    retried.corrected_query = " ".join(corrected)
    return retried
