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

4. English words are matched against the categories' English names as well (catalog.english): "chair" includes
   the listings filed under Stolar and Kontorsstolar, and the page says that listings are written in Swedish.

Browsing without words is newest first, with an exact count (an index-only scan). The browse page may order the
matches newest first or nearest first instead (``Nearness``: without coordinates, the person's department, then
their förvaltning, then the rest).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.db.models import Case, F, Prefetch, QuerySet, Subquery, Value, When

from bookings import selectors as bookings

from . import english
from .lifecycle import ListingStatus
from .models import SEARCH_CONFIG, Category, Listing, ListingPhoto, SearchWord
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


# How a page of results is ordered (the browse page's "Sortera"). Without words "best match" is the newest first.
BEST, NEWEST, NEAREST = "best", "newest", "nearest"
ORDERS = (BEST, NEWEST, NEAREST)


@dataclass(frozen=True)
class Nearness:
    """What "nearest" means without coordinates (listings carry an address, building and room as text, no position):
    the person's own department first, then the rest of their förvaltning (the förvaltning and every enhet under
    it), then the rest of the organisation, each newest first."""

    own: frozenset[int] = frozenset()
    family: frozenset[int] = frozenset()

    def distance(self, department_id: int | None) -> int:
        return 0 if department_id in self.own else 1 if department_id in self.family else 2

    def expression(self) -> Case:
        return Case(
            When(department_id__in=list(self.own) or [0], then=Value(0)),
            When(department_id__in=list(self.family) or [0], then=Value(1)),
            default=Value(2),
        )


# (pk, published_at, department_id) of a match: enough to order the matches without loading them.
Row = tuple[int, object, int]


@dataclass
class SearchResults(Sequence):
    """Ranked matches of a search, as ids; a slice (a page) loads its listings in two queries."""

    ids: list[int]
    capped: bool = False  # there are more matches than were ranked
    corrected_query: str = ""  # the words actually searched, when the query's own words found nothing
    # Categories whose English name the words matched (catalog.english): their listings are among the results.
    translated: list = field(default_factory=list)
    translated_only: bool = False  # the words themselves matched no listing's text: only the categories did
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


def _ranked_rows(queryset: QuerySet[Listing], terms: list[str]) -> tuple[list[Row], bool]:
    """The matches of ``terms`` among ``queryset`` (published listings, filtered), best first, and whether there
    were more than RANKED."""
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
        .values_list("pk", "published_at", "department_id")
    )
    if len(rows) > RANKED:
        # The extra one is the oldest candidate, whatever its rank: drop that one, not the least relevant.
        rows.remove(min(rows, key=lambda row: (row[1], row[0])))
        return rows, True
    return rows, False


def ranked(queryset: QuerySet[Listing], terms: list[str]) -> SearchResults:
    """The matches of ``terms`` among ``queryset`` (published listings, filtered), best first."""
    rows, capped = _ranked_rows(queryset, terms)
    return SearchResults(ids=[row[0] for row in rows], capped=capped)


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


def _in_categories(queryset: QuerySet[Listing], category_ids: set[int], besides: list[Row]) -> tuple[list[Row], bool]:
    """Listings of the categories (newest first, at most RANKED) that are not among ``besides``."""
    rows = list(
        queryset.filter(category_id__in=list(category_ids)).exclude(pk__in=[row[0] for row in besides])
        .order_by("-published_at", "-pk").values_list("pk", "published_at", "department_id")[: RANKED + 1]
    )
    return rows[:RANKED], len(rows) > RANKED


def _under(categories: list[Category], chosen: list[Category]) -> set[int]:
    """The ids of the chosen categories and of every category under them (the tree as loaded)."""
    children: dict[int | None, list[int]] = {}
    for node in categories:
        children.setdefault(node.parent_id, []).append(node.pk)
    found: set[int] = set()
    stack = [node.pk for node in chosen]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


def _ordered(rows: list[Row], order: str, near: Nearness | None) -> list[int]:
    """Best match as ranked; newest first; or nearest first (then newest). Sorting is stable."""
    if order == NEWEST:
        rows = sorted(rows, key=lambda row: (row[1], row[0]), reverse=True)
    elif order == NEAREST:
        near = near or Nearness()
        rows = sorted(sorted(rows, key=lambda row: (row[1], row[0]), reverse=True),
                      key=lambda row: near.distance(row[2]))
    return [row[0] for row in rows]


def browse(queryset: QuerySet[Listing], *, order: str = "", near: Nearness | None = None) -> QuerySet[Listing]:
    """Listings without words: newest first, or nearest first (then newest)."""
    if order == NEAREST:
        near = near or Nearness()
        return with_photos(queryset.annotate(nearness=near.expression()).order_by("nearness", "-published_at", "-pk"))
    return with_photos(queryset.order_by("-published_at", "-pk"))


def search(
    queryset: QuerySet[Listing], query: str, *, order: str = "", near: Nearness | None = None,
) -> SearchResults | QuerySet[Listing]:
    terms = query_terms(query)
    if not terms:
        return browse(queryset, order=order, near=near)
    rows, capped = _ranked_rows(queryset, terms)
    # English words for a category ("chair"): its listings are included, whatever language the page is in.
    tree = list(Category.objects.only("id", "parent_id", "name", "name_en", "platform_key"))
    translated = english.matching_categories(query, tree)
    text_found = bool(rows)
    if translated:
        extra, more = _in_categories(queryset, _under(tree, translated), besides=rows)
        rows, capped = rows + extra, capped or more
    if rows:
        return SearchResults(ids=_ordered(rows, order, near), capped=capped, translated=translated,
                             translated_only=not text_found)
    empty = SearchResults(ids=[], translated=translated)
    corrected = closest_words(terms)
    if corrected == terms:
        return empty
    rows, capped = _ranked_rows(queryset, corrected)
    if not rows:
        return empty  # the corrected words find nothing either: say nothing matched what was typed
    return SearchResults(ids=_ordered(rows, order, near), capped=capped, corrected_query=" ".join(corrected))
