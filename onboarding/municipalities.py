"""Sweden's 290 municipalities (kommuner) with their four-digit codes (kommunkod), as SCB publishes them.

The list is public data from SCB (Statistiska centralbyrån, "Kommuner i Sverige"), shipped as
``onboarding/data/municipalities.csv`` (code, name); tests/test_onboarding.py checks all 290.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

DATA = Path(__file__).parent / "data" / "municipalities.csv"


@functools.cache
def municipalities() -> dict[str, str]:
    """Code → name, in the order of the codes (county by county)."""
    with DATA.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def name_of(code: str) -> str | None:
    return municipalities().get(code)


def choices() -> list[tuple[str, str]]:
    """(code, "Name (code)") sorted by name the Swedish way (å, ä, ö last)."""
    order = {letter: index for index, letter in enumerate("abcdefghijklmnopqrstuvwxyzåäö")}

    def key(item: tuple[str, str]) -> list[int]:
        return [order.get(letter, 0) for letter in item[1].lower()]

    return [(code, f"{name} ({code})") for code, name in sorted(municipalities().items(), key=key)]
