"""What Ystad's operator has in storage (decision 0043): a few things registered into the labour-market unit's store
(Återbrukslagret), with their label codes, not yet published and one seen at a
stock-taking. Through catalog's services; running it again adds nothing.
"""

from __future__ import annotations

from accounts.selectors import colleagues
from catalog import selectors, services

from . import photos as demo_photos

# (title, category, room, quantity, photo kind or "" for none)
STORED = {
    "ystad": [
        ("Kontorsstol Kinnarps, grå", "Kontorsstolar", "Hall A", 6, "office_chair"),
        ("Skrivbord höj- och sänkbart, björk", "Skrivbord", "Hall A", 2, "desk"),
        ("Förvaringsskåp med dörrar, vitt", "Förvaring", "Hall B", 3, "cabinet"),
        ("Soffa tre sits, blå", "Soffor och fåtöljer", "Hall B", 1, "sofa"),
        ("Bord för matsal, ek", "Bord", "Hall B", 4, "table"),
    ],
}


def seed_demo_storage(*, organisation) -> int:
    """Register the organisation's demo things into storage by its operator; how many were added."""
    items = STORED.get(organisation.slug, [])
    if not items:
        return 0
    operator = next((person for person in colleagues()
                     if person.email == f"operator@{organisation.slug}.example"), None)
    if operator is None:
        return 0
    existing = selectors.listings_titled(titles=[title for title, *_ in items])
    places = {place.room: place for place in selectors.places() if place.building == "Återbrukslagret"}
    categories = {category.name: category for category in selectors.categories()}
    added = []
    for n, (title, category_name, room, quantity, kind) in enumerate(items):
        if title in existing:
            continue
        category = categories.get(category_name)
        if category is None:
            continue
        photos = services.prepare_photos([demo_photos.upload(kind, seed=f"lager-{n}")]) if kind else []
        added.append(services.register_in_storage(
            by=operator,
            details=services.ListingDetails(
                title=title, category=category, department=operator.department, contact_person=operator,
                quantity=quantity, place=places.get(room), room="" if places.get(room) else room,
            ),
            photos=photos,
        ))
    if added:
        # The first has been seen at a stock-taking; the others are waiting for one.
        services.mark_seen(by=operator, listings=added[:1])
    return len(added)
