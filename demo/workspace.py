"""The operator's day in the demo (decision 0044): listings stay current, a few are about to expire and two have
expired by the next daily run, a draft waits for its photo, and handovers wait — one reserved today, one ten days
ago — beside the ladder due back today (demo.loans).

The demo's listings were published over months; without a renewal the first daily run would expire most of them.
Each published listing is given a renewal within the organisation's limit instead, spread over it, so that the
demo stays full and its workspace shows a normal day. Running it again changes nothing (listings already renewed are
left as they are; the draft and the reservations are made once, by title).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from accounts.selectors import colleagues
from bookings import services as booking_services
from catalog import selectors as catalog
from catalog import services

DRAFT_TITLE = "Whiteboard på hjul (foto saknas)"
EXPIRING, EXPIRED = 3, 2  # listings of each kind at Ystad, the operator's organisation


@transaction.atomic
def seed_demo_workspace(*, organisation, operator_day: bool = False) -> None:
    days = organisation.listing_days
    now = timezone.now()
    live = [listing for listing in catalog.workspace_listings(filters=catalog.WorkspaceFilters(status="published"))
            if listing.renewed_at is None]
    live.sort(key=lambda listing: listing.pk)
    for index, listing in enumerate(live):
        if operator_day and index < EXPIRING:
            age = days - 3  # reminded at the next run, expiring in three days
        elif operator_day and index < EXPIRING + EXPIRED:
            age = days + 2  # expires at the next run
        else:
            age = (index * 7) % (days - 10)
        services.backdate_listing(listing=listing, renewed_at=now - timedelta(days=age, hours=1))
    if not operator_day:
        return
    people = {person.role: person for person in colleagues()}
    operator, member = people.get(Role.OPERATOR), people.get(Role.MEMBER)
    if operator is None or member is None:
        return
    _draft(operator)
    _waiting_handovers(operator, member, live)


def _draft(operator) -> None:
    if catalog.listings_titled(titles=[DRAFT_TITLE]):
        return
    services.create_listing(author=operator, notify_contact=False, details=services.ListingDetails(
        title=DRAFT_TITLE, category=catalog.categories()[0], department=operator.department,
        contact_person=operator, description="Whiteboard 120 × 90 cm på hjul, pennhylla ingår."))


def _waiting_handovers(operator, member, live) -> None:
    # Two current listings of one item nobody has reserved: one reserved today, one ten days ago.
    candidates = [listing for listing in live[EXPIRING + EXPIRED:] if listing.quantity == 1
                  and not listing.title.startswith("Whiteboard")][:2]
    for days_ago, listing in zip((0, 10), candidates, strict=False):
        if listing.status != "published":
            continue
        booking = booking_services.reserve_listing(listing=listing, by=member, notify=False,
                                                   message="Vi hämtar den gärna i veckan.")
        if days_ago:
            booking_services.backdate_booking(booking=booking, reserved_at=timezone.now() - timedelta(days=days_ago))
