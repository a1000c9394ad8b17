"""The platform's category tree: one language for what organisations share, each category with a stable key.

Every organisation keeps its own category tree (catalog.Category) and names it as it likes; each of its categories
maps to one of these keys, so that a search at Skurup for "Kontorsstolar" finds what Ystad filed under its own
name for office chairs. Organisations start with this tree in Swedish, mapped (catalog.defaults).

Keys are forever: never rename or remove one (organisations' categories and the exchange's offers hold them).
Add a node here, then a migration that runs ``taxonomy.services.sync_platform_categories`` again.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Node:
    key: str
    name: str  # Swedish
    name_en: str
    children: tuple[Node, ...] = field(default=())


def _group(key: str, name: str, name_en: str, *children: tuple[str, str, str]) -> Node:
    return Node(key, name, name_en, tuple(Node(f"{key}.{child}", child_name, child_en)
                                          for child, child_name, child_en in children))


PLATFORM_TREE: tuple[Node, ...] = (
    _group(
        "furniture", "Möbler", "Furniture",
        ("office_chairs", "Kontorsstolar", "Office chairs"),
        ("desks", "Skrivbord", "Desks"),
        ("storage", "Förvaring", "Storage"),
        ("tables", "Bord", "Tables"),
        ("chairs", "Stolar", "Chairs"),
        ("sofas_armchairs", "Soffor och fåtöljer", "Sofas and armchairs"),
        ("shelves", "Hyllor", "Shelves"),
        ("screens_partitions", "Skärmväggar", "Screens and partitions"),
        ("lighting", "Belysning", "Lighting"),
        ("other", "Övriga möbler", "Other furniture"),
    ),
    _group(
        "it", "IT och teknik", "IT and technology",
        ("computers", "Datorer", "Computers"),
        ("monitors", "Skärmar", "Monitors"),
        ("phones_tablets", "Mobiler och surfplattor", "Phones and tablets"),
        ("printers", "Skrivare", "Printers"),
        ("accessories", "Tillbehör", "Accessories"),
        ("audio_video", "Ljud och bild", "Audio and video"),
    ),
    _group(
        "kitchen", "Kök och hushåll", "Kitchen and household",
        ("equipment", "Köksutrustning", "Kitchen equipment"),
        ("appliances", "Vitvaror", "Appliances"),
    ),
    _group(
        "school", "Skola och förskola", "School and preschool",
        ("teaching_materials", "Läromedel", "Teaching materials"),
        ("play_sport", "Lek och idrott", "Play and sport"),
    ),
    _group("other", "Övrigt", "Other"),
)
