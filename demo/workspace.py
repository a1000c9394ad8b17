"""The operator's day in the demo (decision 0044): listings stay current, a few are about to expire and two expired
at this morning's run, a draft waits for its photo and a listing posted in a hurry for its description, handovers
wait — one reserved today, one ten days ago — and loans are due: the trailer should have been picked up yesterday and
is booked again today, a moving trolley lent last week was due back two days ago, beside the ladder due back today
(demo.loans). What else the operator meets at Ystad is made elsewhere: the things in storage (demo.storage), a
request from Skurup (demo.deals), a colleague's wanted ad answered (demo.wanted) and the manager's approval
(demo.approvals); docs/operators-day.md walks through it.

The demo's listings were published over months; without a renewal the first daily run would expire most of them.
Each published listing is given a renewal within the organisation's limit instead, spread over it, so that the
demo stays full and its workspace shows a normal day. Running it again changes nothing (listings already renewed are
left as they are; the draft and the reservations are made once, by title).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from accounts.selectors import colleagues
from bookings import services as booking_services
from catalog import selectors as catalog
from catalog import services

from . import photos as demo_photos
from .loans import FAR_AHEAD, TRAILER, _past_loan

DRAFT_TITLE = "Whiteboard på hjul (foto saknas)"
UNDESCRIBED_TITLE = "Anslagstavla i kork, 90 × 60 cm"
OVERDUE_TITLE = "Flyttkärra med fyra hjul, 300 kg"
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
    # The two past their limit expire as this morning's run (catalog.jobs.listings) would have expired them.
    zone = ZoneInfo(organisation.time_zone)
    services.expire_listings(today=now.astimezone(zone).date(), days=days, zone=zone)
    manager = people.get(Role.DEPARTMENT_MANAGER)
    if not catalog.listings_titled(titles=[UNDESCRIBED_TITLE, OVERDUE_TITLE]):
        _undescribed(operator)
        _loans_due(operator, member, manager or member, today=timezone.localdate())


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


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour)).replace(tzinfo=timezone.get_current_timezone())


def _category(name: str):
    return next(category for category in catalog.categories() if category.name == name)


def _current(listing, days_ago: int) -> None:
    """Published and renewed ``days_ago``, well within the limit (seeding again leaves it where it is)."""
    moment = timezone.now() - timedelta(days=days_ago, hours=2)
    services.backdate_listing(listing=listing, created_at=moment, published_at=moment, renewed_at=moment)


def _undescribed(operator) -> None:
    """Posted from a phone this morning with a photo and a title, the description left for later."""
    listing = services.create_listing(
        author=operator, notify_contact=False, publish=True,
        details=services.ListingDetails(
            title=UNDESCRIBED_TITLE, category=_category("Övriga möbler"),
            department=operator.department, contact_person=operator),
        photos=services.prepare_photos([demo_photos.upload("whiteboard", seed="anslagstavla", colour="oak")]),
    )
    _current(listing, 0)


def _loans_due(operator, member, other, *, today: date) -> None:
    """Pick-ups due — the trailer not fetched yesterday, and booked again for today — and a moving trolley lent
    last week that was due back two days ago."""
    trailer = catalog.listings_titled(titles=[TRAILER]).get(TRAILER)
    if trailer is not None:
        for n, (borrower, day) in enumerate(((other, today - timedelta(days=1)), (member, today))):
            ahead = today + timedelta(days=FAR_AHEAD + 40 + n)
            booking = booking_services.book_loan(listing=trailer, by=borrower, start=_at(ahead, 9),
                                                 end=_at(ahead, 16), notify=False,
                                                 message="Till flytten av arkivet." if n else "")
            booking_services.backdate_booking(booking=booking, reserved_at=_at(day - timedelta(days=5), 10),
                                              period=(_at(day, 8), _at(day, 17)))
    trolley = services.create_listing(
        author=operator, notify_contact=False, publish=True,
        details=services.ListingDetails(
            title=OVERDUE_TITLE, category=_category("Övrigt"),
            description="Flyttkärra med luftfyllda hjul och spännband. Lånas ut en vecka i taget.",
            department=operator.department, contact_person=operator, offer_type="lend"),
        photos=services.prepare_photos([demo_photos.upload("trolley", seed="flyttkarra", colour="steel")]),
    )
    _current(trolley, 30)
    _past_loan(trolley, borrower=member, owner=operator, slot=20, returned=False,
               start=_at(today - timedelta(days=6), 9), end=_at(today - timedelta(days=2), 16))
