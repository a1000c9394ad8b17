"""The category tree every organisation starts with, in Swedish (with English names for the English UI)."""

from __future__ import annotations

CATEGORY_TREE: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("Möbler", "Furniture", [
        ("Kontorsstolar", "Office chairs"),
        ("Skrivbord", "Desks"),
        ("Förvaring", "Storage"),
        ("Bord", "Tables"),
        ("Stolar", "Chairs"),
        ("Soffor och fåtöljer", "Sofas and armchairs"),
        ("Hyllor", "Shelves"),
        ("Skärmväggar", "Screens and partitions"),
        ("Belysning", "Lighting"),
        ("Övriga möbler", "Other furniture"),
    ]),
    ("IT och teknik", "IT and technology", [
        ("Datorer", "Computers"),
        ("Skärmar", "Monitors"),
        ("Mobiler och surfplattor", "Phones and tablets"),
        ("Skrivare", "Printers"),
        ("Tillbehör", "Accessories"),
        ("Ljud och bild", "Audio and video"),
    ]),
    ("Kök och hushåll", "Kitchen and household", [
        ("Köksutrustning", "Kitchen equipment"),
        ("Vitvaror", "Appliances"),
    ]),
    ("Skola och förskola", "School and preschool", [
        ("Läromedel", "Teaching materials"),
        ("Lek och idrott", "Play and sport"),
    ]),
    ("Övrigt", "Other", []),
]


def create_default_categories(organisation=None) -> None:
    from .services import ensure_categories

    ensure_categories(tree=CATEGORY_TREE)
