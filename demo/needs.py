"""Needs at Ystad (check before you buy, decision 0033), so that "Mina behov" and the compliance report have
something to show: a few needs of each outcome — reused through a reservation handed over inside Ystad and through
a deal received from another organisation, bought used, bought new with each reason — and one still open.

Everything goes through needs.services as the demo people would have done it (registered, searched, closed); only
the times are moved back afterwards (``needs.services.backdate_need``), within this year, so that the report's
default period (the year so far) shows them. Each need is known again by its person and what it says, so running
it again adds nothing (decision 0027). Runs in Ystad's schema after the deals (demo.world)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from accounts.selectors import colleagues
from catalog import selectors as catalog
from needs import selectors, services

AVOIDS = ("give_away", "sell")


def _when(days_ago: int) -> datetime:
    """``days_ago`` days back at ten, but never before the first of January (the report shows the year so far)."""
    today = timezone.localdate()
    day = max(today - timedelta(days=days_ago), today.replace(month=1, day=1))
    return datetime.combine(day, time(10), tzinfo=timezone.get_current_timezone())


def _register(person, *, what: str, quantity: int = 1, category=None, budget=None, days_ago: int, description=""):
    if selectors.needs_of(person=person).filter(what=what).exists():
        return None
    need = services.register_need(by=person, details=services.NeedDetails(
        what=what, quantity=quantity, needed_by=timezone.localdate() + timedelta(days=30),
        department=person.department, category=category, budget=budget, description=description))
    return services.backdate_need(need=need, created_at=_when(days_ago))


def _close(need, *, days_ago: int, **outcome):
    if need is None:
        return
    closed = services.close_need(need=need, by=need.person, **outcome)
    services.backdate_need(need=closed, closed_at=max(_when(days_ago), closed.created_at))


def seed_demo_needs(*, organisation) -> None:
    people = [p for p in colleagues() if p.email.endswith(f"@{organisation.slug}.example") and p.department_id]
    by_role = {p.role: p for p in people}
    member, manager = by_role.get(Role.MEMBER), by_role.get(Role.DEPARTMENT_MANAGER)
    if member is None or manager is None:
        return
    categories = {c.name: c for c in catalog.categories()}
    by_key = {c.platform_key: c for c in categories.values() if c.platform_key}
    with transaction.atomic():
        # Reused through a reservation handed over inside the organisation (whoever of the staff received one).
        for person in people:
            booking = next((b for b in selectors.reservations_of(person=person)
                            if b.handed_over_at and b.kind == "reservation" and b.listing.offer_type in AVOIDS), None)
            if booking is not None:
                need = _register(person, what=booking.listing.title, quantity=booking.quantity,
                                 category=booking.listing.category, days_ago=60)
                _close(need, days_ago=45, outcome="reused", booking=str(booking.uuid))
                break
        # Reused through a deal received from another organisation in the network.
        for person in people:
            deal = next((d for d in selectors.deals_of(person=person, organisation_id=organisation.pk)
                         if d.handed_over_at and d.offer_type in AVOIDS), None)
            if deal is not None:
                need = _register(person, what=deal.title, quantity=deal.quantity,
                                 category=by_key.get(deal.category_key), days_ago=40)
                _close(need, days_ago=30, outcome="reused", deal=str(deal.uuid))
                break
        _close(_register(member, what="Bokhylla i ek", category=by_key.get("furniture.shelves"), days_ago=35),
               days_ago=28, outcome="bought_used", note="Köpt på kommunens återbruksbutik.")
        _close(_register(manager, what="Hörselskydd till förskolan", quantity=12, budget=Decimal("4800"),
                         days_ago=25, description="Barnstorlek, CE-märkta."),
               days_ago=10, outcome="bought_new", reason="requirements",
               note="Måste vara nya av hygienskäl och CE-märkta för barn.")
        _close(_register(member, what="Bärbar dator till ny medarbetare", category=by_key.get("it.computers"),
                         budget=Decimal("12000"), days_ago=20),
               days_ago=8, outcome="bought_new", reason="nothing_in_time", note="Ny medarbetare började måndag.")
        _register(manager, what="Whiteboardtavla", quantity=2, days_ago=3)
