"""Reads of the platform's category list. It changes only with a migration (a deploy), so the labels are kept per
process once read."""

from __future__ import annotations

from django.utils import translation

from .models import PlatformCategory
from .tree import PLATFORM_TREE, Node

_cache: dict[str, dict[str, str]] = {}


def default_tree() -> tuple[Node, ...]:
    """The tree every organisation starts with (catalog.defaults), with each node's key."""
    return PLATFORM_TREE


def _labels(language: str) -> dict[str, str]:
    if language in _cache:
        return _cache[language]
    rows = list(PlatformCategory.objects.order_by("position", "key"))
    children: dict[int | None, list[PlatformCategory]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    labels: dict[str, str] = {}

    def walk(parent_id: int | None, prefix: str) -> None:
        for row in children.get(parent_id, []):
            name = row.name_en if language == "en" else row.name
            labels[row.key] = prefix + name
            walk(row.pk, f"{prefix}{name} › ")

    walk(None, "")
    if labels:  # not before the migration that fills the table has run
        _cache[language] = labels
    return labels


def labels() -> dict[str, str]:
    """Every key and its label in the current language ("Möbler › Kontorsstolar"), each category followed by its
    subcategories, in the tree's order."""
    return _labels("en" if translation.get_language() == "en" else "sv")


def choices() -> list[tuple[str, str]]:
    """(key, label) for a select list, in the tree's order."""
    return list(labels().items())


def is_key(key: str) -> bool:
    return key in _labels("sv")


def label(key: str) -> str:
    return labels().get(key, key)


def forget_cached_labels() -> None:
    """For tests that change the table, and after a migration in the same process."""
    _cache.clear()
