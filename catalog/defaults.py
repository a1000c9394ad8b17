"""The category tree every organisation starts with: the platform's tree (taxonomy.tree) in Swedish, with English
names for the English UI, each category mapped to its platform key (decision 0025)."""

from __future__ import annotations

from taxonomy.selectors import default_tree

# (name, English name, [(name, English name), ...]) for each top-level category, as ensure_categories takes it.
CATEGORY_TREE: list[tuple[str, str, list[tuple[str, str]]]] = [
    (node.name, node.name_en, [(child.name, child.name_en) for child in node.children]) for node in default_tree()
]
# Each category's path of Swedish names → its platform key.
PLATFORM_KEYS: dict[tuple[str, ...], str] = {
    path: key
    for node in default_tree()
    for path, key in [((node.name,), node.key)] + [((node.name, child.name), child.key) for child in node.children]
}


def create_default_categories(organisation=None) -> None:
    from .services import ensure_categories

    ensure_categories(tree=CATEGORY_TREE, platform_keys=PLATFORM_KEYS)
