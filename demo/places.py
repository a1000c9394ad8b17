"""The demo organisations' saved places and what their people's listing form starts with.

``seed_demo_places`` runs in the organisation's schema before its listings (demo.world): every building and room
the demo listings stand in (demo.listings.PLACES) becomes a saved place, picked in the form instead of typed.
``remember_demo_defaults`` runs after them: each demo person's next listing starts with their own department,
themselves as the contact person and a place of their department (the labour-market unit's store for the
operator), as if they had just posted there. Through catalog's services; running it again adds nothing.
"""

from __future__ import annotations

from accounts.selectors import colleagues
from catalog import selectors, services

from .listings import PLACES


def place_name(building: str, room: str, department: str) -> str:
    return f"{building or department}, {room}"


def seed_demo_places(*, organisation) -> int:
    units = PLACES.get(organisation.slug, {})
    details = {}
    for unit in units.values():
        for room in unit.rooms:
            name = place_name(unit.building, room, unit.department)
            details.setdefault(name, services.PlaceDetails(
                name=name, address=unit.address, building=unit.building, room=room,
            ))
    return len(services.ensure_places(places=list(details.values())))


def remember_demo_defaults(*, organisation) -> None:
    units = PLACES.get(organisation.slug, {})
    places = {place.name: place for place in selectors.places()}
    for person in colleagues():
        if not person.email.endswith(f"@{organisation.slug}.example") or person.department_id is None:
            continue
        department = person.department.name
        unit = next((unit for unit in units.values() if unit.department == department), units.get("amu"))
        place = places.get(place_name(unit.building, unit.rooms[0], unit.department)) if unit else None
        services.remember_posting_defaults(
            user=person, department=person.department, contact_person=person, place=place,
        )
