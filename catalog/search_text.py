"""Turning titles and queries into search words.

Swedish compounds are a problem for full-text search: "stol" is not a word of "Kontorsstol". So every title word
also contributes its endings (``title_suffixes``: "kontorsstol" gives "ontorsstol", …, "stol", "tol"), indexed
without stemming next to the Swedish full text. A prefix query then finds a word anywhere inside a title word:
"stol:*" matches the ending "stol" of "kontorsstol" and "stolar" of "kontorsstolar".
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)
MIN_SUFFIX = 3
MAX_TERMS = 6


def normalized(text: str) -> str:
    """Text as it is stored and searched: composed Unicode ("ä" one character even when pasted from a Mac or a
    PDF as "a" + "¨"), compatibility forms folded ("ﬁ" → "fi")."""
    return unicodedata.normalize("NFKC", text or "")


def words(text: str) -> list[str]:
    """The words of a text, case-folded, in order, without punctuation (so no tsquery syntax survives)."""
    return [word.casefold() for word in _WORD.findall(normalized(text))]


def title_suffixes(title: str) -> str:
    """The endings of every title word, at least MIN_SUFFIX letters long, the word itself left out."""
    endings: list[str] = []
    seen: set[str] = set()
    for word in words(title):
        for start in range(1, len(word) - MIN_SUFFIX + 1):
            ending = word[start:]
            if ending not in seen:
                seen.add(ending)
                endings.append(ending)
    return " ".join(endings)


def query_terms(query: str) -> list[str]:
    return words(query)[:MAX_TERMS]
