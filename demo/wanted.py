"""Wanted ads at Ystad and Skurup (decision 0036), so that "Efterlysningar" has something to answer and one ad shows
an alert: Ystad's member looks for a sewing machine, and the labour-market unit then publishes one, which the ad
finds. Everything goes through wanted's and catalog's services as the demo people would have done it; the match is
recorded as told (``silent``): the demo sends no e-mail. Each ad is known again by its person and words, so running
it again adds nothing (decision 0027). Runs in the organisation's schema after its listings (demo.world).

The words are ones no test listing uses ("symaskin", "pingisbord", "elpiano"): the demo world is shared by the tests,
and an ad there would otherwise be told of the listings tests publish."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from accounts.roles import Role
from accounts.selectors import colleagues
from catalog import selectors as catalog
from catalog import services as catalog_services
from outbox import selectors as outbox_selectors
from outbox import services as outbox
from wanted import selectors, services

from . import photos as demo_photos

ADS = {
    "ystad": [("member", "Symaskin", "Till textilslöjden på högstadiet, gärna två.", 2, 20),
              ("department_manager", "Pingisbord", "Till fritidsgårdens uppehållsrum.", 1, 12)],
    "skurup": [("member", "Elpiano", "Till musikskolans övningsrum, med pedal.", 1, 8),
               ("department_manager", "Cykelhjälmar till förskolan", "Barnstorlek.", 10, 5)],
}
ANSWER_TITLE = "Symaskin Husqvarna Emerald"


def _when(days_ago: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return datetime.combine(day, time(9), tzinfo=timezone.get_current_timezone())


def seed_demo_wanted(*, organisation) -> None:
    wanted = ADS.get(organisation.slug)
    if not wanted:
        return
    people = [p for p in colleagues() if p.email.endswith(f"@{organisation.slug}.example") and p.department_id]
    by_role = {p.role: p for p in people}
    with transaction.atomic():
        for role, what, description, quantity, days_ago in wanted:
            person = by_role.get(role)
            if person is None or selectors.ads_of(person=person).filter(what=what).exists():
                continue
            ad = services.post_wanted_ad(by=person, details=services.WantedDetails(
                what=what, description=description, quantity=quantity))
            services.backdate_ad(ad=ad, created_at=_when(days_ago))
        operator = by_role.get(Role.OPERATOR)
        if organisation.slug == "ystad" and operator and not catalog.listings_titled(titles=[ANSWER_TITLE]):
            categories = {c.name: c for c in catalog.categories()}
            listing = catalog_services.create_listing(
                author=operator,
                details=catalog_services.ListingDetails(
                    title=ANSWER_TITLE, category=categories["Övriga möbler"],
                    description="Mekanisk symaskin med pedal och väska, servad i våras. Hämtas på förrådet.",
                    department=operator.department, contact_person=operator, quantity=1),
                photos=catalog_services.prepare_photos([demo_photos.upload("box", seed="symaskin")]),
                publish=True,
            )
            services.match_listing(uuid=listing.uuid, silent=True)


def settle_demo_events(*, organisations) -> None:
    """Deliver now the events catalog and the exchange wrote while the demo was made (a listing published, a new
    offer), which wait a second for the sweep or the next relay: the demo world is left with nothing due, as the
    tests that share it expect. Their handlers match them against the ads (the demo's own ads find nothing new)."""
    kinds = ("catalog.listing_published", "exchange.offer_published")
    for schema in [organisation.schema_name for organisation in organisations] + [get_public_schema_name()]:
        with schema_context(schema):
            waiting = list(outbox_selectors.messages(state="pending").filter(kind__in=kinds)
                           .values_list("pk", flat=True))
            if waiting:
                outbox.retry(ids=waiting)
            while outbox.deliver_due().more:
                pass
