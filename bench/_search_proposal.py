"""A copy of catalog.selectors.search_listings with the changes bench/search.py proposes, timed beside it.

What differs from the product's search_listings (docs/benchmarks.md, "Search", says why):

1. A word matches by Swedish full text (prefix) or as part of the title (ILIKE). The pg_trgm near-miss test
   (``title %> word``) is not in the WHERE clause: it computes word_similarity for every candidate row.
2. Matches are ranked by one ts_rank (the product computes it twice, for "any word" and "every word", the same
   tsquery for a one-word search) plus a fixed boost when the title contains the word ("stol" in
   "Kontorsstol", which full text does not see), twice that when it is a whole word of the title ("Stol").
   word_similarity is not computed for every match.
3. The ranked query joins nothing: category and department come by prefetch (3 small queries on the page's
   24 rows) instead of select_related, which joined them to every match before the sort.
4. Near misses ("skrivbort") are looked for only when nothing matches (the view's count is 0, which it has
   anyway), and through a vocabulary: the distinct words of the titles, a small table with a trigram index
   (``SearchWord``, here ``bench_search_word``). The closest word ("skrivbord") is then searched as above.
   In the product the vocabulary would be kept by catalog.services (insert the words of a title when a
   listing is created or changed; ON CONFLICT DO NOTHING) or rebuilt by a periodic task.
5. A very common word ("stol" is in one title in five) is not ranked over all its matches: when the vocabulary
   (title words, and the full-text lexemes with the number of listings that have them) says more than COMMON
   listings match every word, only the CANDIDATES newest matches are ranked (found by walking the
   (status, published_at) index, which stops early), and the count says at most CANDIDATES (the page would
   show "500+"). Counting and ranking every match costs a heap visit per match, about 1.5 µs each here,
   which alone is over the goal for 15,000 matches.
6. B-tree indexes (status, category, published_at) and (status, offer_type, published_at), so that the
   count of a filtered browse is an index-only scan (FILTER_INDEXES; created for the timing, then dropped).
7. For a search, the first page's query also counts the matches (``count(*) OVER ()``), so the matches are
   visited once, not once for the count and again for the page (FirstPagePaginator; a view change).
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Count, F, FloatField, Prefetch, Q, QuerySet, Subquery, Value, When, Window
from django.utils.functional import cached_property

from catalog import selectors
from catalog.lifecycle import ListingStatus
from catalog.models import SEARCH_CONFIG, Listing, ListingPhoto

TITLE_BOOST = 0.5
VOCABULARY = "bench_search_word"
LEXEMES = "bench_search_lexeme"
FILTER_INDEXES = {
    "bench_listing_status_category": "(status, category_id, published_at DESC)",
    "bench_listing_status_offer": "(status, offer_type, published_at DESC)",
}
MIN_SIMILARITY = 0.45
COMMON = 5_000
CANDIDATES = 500


def _text(term: str) -> SearchQuery:
    return SearchQuery(f"{term}:*", search_type="raw", config=SEARCH_CONFIG)


def _with_photos(queryset: QuerySet[Listing]) -> QuerySet[Listing]:
    return queryset.prefetch_related(
        "category__parent", "department", Prefetch("photos", queryset=ListingPhoto.objects.order_by("position", "id"))
    )


def search_listings(
    *, query: str = "", category=None, offer_type: str = "", condition: str = "", department=None
) -> QuerySet[Listing]:
    queryset = Listing.objects.filter(status=ListingStatus.PUBLISHED)
    if category is not None:
        queryset = queryset.filter(category_id__in=selectors.category_and_descendants(category))
    if offer_type:
        queryset = queryset.filter(offer_type=offer_type)
    if condition:
        queryset = queryset.filter(condition=condition)
    if department is not None:
        queryset = queryset.filter(department=department)
    terms = selectors.search_terms(query)
    if not terms:
        return _with_photos(queryset.order_by("-published_at", "-pk"))
    for term in terms:
        queryset = queryset.filter(Q(search_vector=_text(term)) | Q(title__ilike_contains=term))
    if estimated_matches(terms) > COMMON:
        newest = queryset.order_by("-published_at", "-pk").values("pk")[:CANDIDATES]
        queryset = Listing.objects.filter(pk__in=Subquery(newest))
    every_word = SearchQuery(" & ".join(f"{term}:*" for term in terms), search_type="raw", config=SEARCH_CONFIG)
    rank = SearchRank(F("search_vector"), every_word)
    for term in terms:
        # Cheap per row, unlike word_similarity: the word in the title, and better still as a whole word.
        rank = rank + Case(
            When(title__iregex=rf"\m{term}\M", then=Value(2 * TITLE_BOOST)),
            When(title__ilike_contains=term, then=Value(TITLE_BOOST)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    return _with_photos(queryset.annotate(rank=rank).order_by("-rank", "-published_at", "-pk"))


def estimated_matches(terms: list[str]) -> float:
    """About how many listings match every word, from the vocabulary's counts, the words taken as independent.

    A word's count is the larger of: titles with a word containing it, listings with a lexeme starting with
    its stem (an upper bound: a listing with two such lexemes is counted twice).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.term, greatest("
            f"  (SELECT coalesce(sum(w.titles), 0) FROM {VOCABULARY} w WHERE w.word LIKE '%%' || t.term || '%%'),"
            f"  (SELECT coalesce(sum(l.listings), 0) FROM {LEXEMES} l, "
            f"     unnest(tsvector_to_array(to_tsvector('swedish', t.term))) AS stem WHERE l.lexeme LIKE stem || '%%'))"
            f", (SELECT greatest(reltuples, 1) FROM pg_class WHERE oid = 'catalog_listing'::regclass)"
            f" FROM unnest(%s::text[]) AS t(term)",
            [terms],
        )
        rows = cursor.fetchall()
    counts = [n for _term, n, _total in rows]
    total = rows[0][2]
    estimate = float(total)
    for n in counts:
        estimate *= min(float(n), total) / total
    return estimate


def corrected_query(query: str) -> str:
    """The query with each word replaced by the closest word of the vocabulary, when one is close enough."""
    terms = selectors.search_terms(query)
    if not terms:
        return query
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.term, best.word FROM unnest(%s::text[]) WITH ORDINALITY AS t(term, n) "
            f"LEFT JOIN LATERAL (SELECT w.word, similarity(w.word, t.term) AS score FROM {VOCABULARY} w "
            f"  WHERE w.word %% t.term ORDER BY score DESC, w.word LIMIT 1) best ON best.score >= %s "
            f"ORDER BY t.n",
            [terms, MIN_SIMILARITY],
        )
        return " ".join(word or term for term, word in cursor.fetchall())


class FirstPagePaginator(Paginator):
    """Takes the count from the first page's query (``count(*) OVER ()``) instead of a second pass over the matches.

    For page 1, which is what a search shows first; a later page would count as usual.
    """

    @cached_property
    def first_rows(self) -> list:
        return list(self.object_list.annotate(total_matches=Window(Count("pk")))[: self.per_page])

    @cached_property
    def count(self) -> int:
        return self.first_rows[0].total_matches if self.first_rows else 0

    def page(self, number):
        number = self.validate_number(number)
        if number == 1:
            return self._get_page(self.first_rows, number, self)
        return super().page(number)


def paginate(arguments: dict, page_size: int) -> Paginator:
    """What the browse view would do: search; if nothing matches, search the corrected words instead."""
    kind = FirstPagePaginator if arguments.get("query") else Paginator
    paginator = kind(search_listings(**arguments), page_size)
    query = arguments.get("query", "")
    if query and paginator.count == 0:
        corrected = corrected_query(query)
        if corrected != query:
            paginator = kind(search_listings(**{**arguments, "query": corrected}), page_size)
    return paginator


def ensure_vocabulary() -> int:
    """The bench's vocabulary of title words (what the product would keep in a SearchWord table)."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {VOCABULARY} (word text PRIMARY KEY, titles integer NOT NULL)")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {VOCABULARY}_trgm ON {VOCABULARY} USING gin (word gin_trgm_ops)"
        )
        cursor.execute(f"SELECT count(*) FROM {VOCABULARY}")
        if cursor.fetchone()[0] == 0:
            cursor.execute(
                f"INSERT INTO {VOCABULARY} SELECT lower(word), count(DISTINCT id) FROM catalog_listing, "
                f"regexp_split_to_table(title, '[^[:alnum:]]+') AS word WHERE length(word) >= 3 GROUP BY 1"
            )
            cursor.execute(f"ANALYZE {VOCABULARY}")
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {LEXEMES} (lexeme text PRIMARY KEY COLLATE \"C\", listings integer NOT NULL)"
        )
        cursor.execute(f"SELECT count(*) FROM {LEXEMES}")
        if cursor.fetchone()[0] == 0:
            cursor.execute(
                f"INSERT INTO {LEXEMES} SELECT word, ndoc FROM ts_stat('SELECT search_vector FROM catalog_listing')"
            )
            cursor.execute(f"ANALYZE {LEXEMES}")
        cursor.execute(f"SELECT count(*) FROM {VOCABULARY}")
        return cursor.fetchone()[0]


def drop_vocabulary() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {VOCABULARY}, {LEXEMES}")


def create_filter_indexes() -> None:
    with connection.cursor() as cursor:
        for name, columns in FILTER_INDEXES.items():
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON catalog_listing {columns}")
        cursor.execute("VACUUM ANALYZE catalog_listing")


def drop_filter_indexes() -> None:
    with connection.cursor() as cursor:
        for name in FILTER_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
