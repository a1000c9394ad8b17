"""Writes of the platform's category list: only ever from the tree in taxonomy.tree, by migrations."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from .models import PlatformCategory
from .tree import PLATFORM_TREE, Node


@transaction.atomic
def sync_platform_categories(*, tree: Iterable[Node] = PLATFORM_TREE, model=PlatformCategory) -> int:
    """Create or update every node of ``tree`` by its key (names, parent, order); remove nothing: keys are forever.
    Returns how many rows were created or changed. ``model`` is the historical model when a migration calls it."""
    changed = 0

    def save(node: Node, parent, position: int):
        nonlocal changed
        wanted = {"name": node.name, "name_en": node.name_en, "parent": parent, "position": position}
        row, created = model.objects.get_or_create(key=node.key, defaults=wanted)
        if not created and any(getattr(row, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(row, name, value)
            row.save()
            changed += 1
        changed += created
        for child_position, child in enumerate(node.children):
            save(child, row, child_position)

    for position, node in enumerate(tree):
        save(node, None, position)
    return changed
