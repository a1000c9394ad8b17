"""A department manager's approval at Ystad (decision 0045): Ystad asks for it above 2,000 SEK, and one request
awaits the demo's manager (chef@ystad.example, Östervångsskolan) in "Att godkänna": a teacher of her school has
reserved a whiteboard sold for 2,500 SEK by the labour-market unit. Through the services, as the people would have
done it; no e-mail (``notify=False``). Known again by the listing's title, so running it again adds nothing
(decision 0027). Runs in Ystad's schema after its listings (demo.world)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from accounts.roles import Role
from accounts.selectors import colleagues
from accounts.services import ensure_user
from bookings import services as bookings
from catalog import selectors as catalog
from catalog import services as catalog_services
from tenants.services import update_settings

from . import photos as demo_photos

THRESHOLD = 2000
TITLE = "Whiteboardtavla på hjul"
# At a sub-domain of its own, so that the other demo modules, which pick "the" member by @ystad.example, never pick
# him (and seeding them again adds nothing).
TEACHER = ("lars.larare@skola.ystad.example", "Lars Lärare")


def seed_demo_approvals(*, organisation, password: str) -> None:
    if organisation.slug != "ystad":
        return
    with transaction.atomic():
        if catalog.listings_titled(titles=[TITLE]):
            return  # seeded before: the admin may have changed the rule since
        update_settings(organisation=organisation, approval_rule="above_value", approval_threshold=THRESHOLD)
        people = {p.role: p for p in colleagues() if p.email.endswith("@ystad.example") and p.department_id}
        manager, operator = people.get(Role.DEPARTMENT_MANAGER), people.get(Role.OPERATOR)
        if manager is None or operator is None:
            return
        teacher, _ = ensure_user(email=TEACHER[0], password=password, full_name=TEACHER[1], role=Role.MEMBER,
                                 department=manager.department)
        categories = {c.name: c for c in catalog.categories()}
        listing = catalog_services.create_listing(
            author=operator,
            details=catalog_services.ListingDetails(
                title=TITLE, category=categories["Övriga möbler"],
                description="Dubbelsidig whiteboard, 180 × 120 cm, på låsbara hjul. Som ny.",
                department=operator.department, contact_person=operator, quantity=1, offer_type="sell",
                price=Decimal(2500)),
            photos=catalog_services.prepare_photos([demo_photos.upload("box", seed="whiteboard")]),
            publish=True,
        )
        bookings.reserve_listing(listing=listing, by=teacher, message="Till klassrum 4B.", notify=False)
