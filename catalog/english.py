"""English words matched against the categories' English names, so that English-speaking staff find something
(issue 9, part 6; docs/decisions/0038-phone-layout-and-tree-filters.md).

Listings are written in Swedish, and the Swedish full-text search (catalog.search) finds nothing for "chair". Every
category has an English name (``Category.name_en``, seeded from the platform's tree, taxonomy.tree; a category an
admin made without one falls back to its platform key's English name). A query's words are compared with the words
of those names after a small English stemming (plural endings): "chair" and "chairs" match "Chairs" and "Office
chairs", "shelf" matches "Shelves". The search then includes the listings of the matching categories, and the page
says that listings are written in Swedish and which Swedish category was meant.

The categories of an organisation are few (tens), so they are compared here, in Python, after one query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils import translation

from taxonomy import selectors as taxonomy

_WORD = re.compile(r"[a-z]+")
# Words that say nothing about what is sought.
_STOP = {"a", "an", "and", "the", "of", "for", "with", "in", "on", "to", "or", "other"}
MIN_WORD = 3
MIN_PREFIX = 4


def stem(word: str) -> str:
    """The word without an English plural ending: chairs → chair, shelves → shelf, accessories → accessory."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("ves"):
        return word[:-3] + "f"
    if len(word) > 3 and word.endswith("es") and word[:-2].endswith(("s", "x", "ch", "sh")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def stems(text: str) -> list[str]:
    return [stem(word) for word in _WORD.findall(text.casefold()) if word not in _STOP and len(word) >= MIN_WORD]


def _matches(term: str, name_stems: list[str]) -> bool:
    return any(term == word or (len(term) >= MIN_PREFIX and word.startswith(term)) for word in name_stems)


def english_name(category, platform_names: dict[str, str]) -> str:
    return category.name_en or platform_names.get(category.platform_key, "")


def platform_english_names() -> dict[str, str]:
    """Each platform key's English name (its last step: "Furniture › Chairs" gives "Chairs"), kept per process."""
    with translation.override("en"):
        return {key: label.rsplit(" › ", 1)[-1] for key, label in taxonomy.labels().items()}


def matching_categories(query: str, categories: Iterable) -> list:
    """The categories whose English name holds the most of the query's words (at least one), in the given order."""
    terms = stems(query)
    if not terms:
        return []
    platform_names = platform_english_names()
    scored = []
    for category in categories:
        name_stems = stems(english_name(category, platform_names))
        score = sum(1 for term in terms if _matches(term, name_stems))
        if score:
            scored.append((score, category))
    if not scored:
        return []
    best = max(score for score, _ in scored)
    return [category for score, category in scored if score == best]
