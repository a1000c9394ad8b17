"""About 40 realistic listings per demo organisation, with photos drawn on the spot (demo.photos).

``seed_demo_listings`` runs inside the organisation's schema (demo.world calls it for Ystad, Skurup and
Trelleborg, and so does the test suite when it builds its database). Everything goes through catalog.services, as
if the demo people had posted, reserved and handed over themselves: some listings are reserved, some handed over,
a couple of reservations cancelled with a reason, one listing is a draft and one withdrawn. Only the timestamps are
moved afterwards, so that the statistics page has the months of this year to show.

Each organisation gets its own mix (picked with a random generator seeded by its slug, so the same every time),
its own departments and its own addresses, and every one of the things that are lent or rented out
(``demo.items.LENDING``), whose loans ``demo.loans`` plays. Running it again adds nothing.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from accounts.selectors import colleagues
from accounts.selectors import departments as all_departments
from bookings import services as booking_services
from catalog import selectors, services

from . import photos as demo_photos
from .items import ITEMS, LENDING, DemoItem

LISTINGS_PER_ORGANISATION = 40
# What happens to the listings after they are posted; the rest stay published and open.
FATES = ["draft", "withdrawn", "cancelled", "cancelled"] + ["handed_over"] * 9 + ["reserved"] * 5 + ["partly"] * 3
SECOND_PHOTO_EVERY = 8  # every 8th listing has two photos; one is enough for the rest (and quicker to seed)


@dataclass(frozen=True)
class Place:
    department: str
    address: str
    building: str
    rooms: tuple[str, ...]


def _places(**units: tuple[str, str, str, tuple[str, ...]]) -> dict[str, Place]:
    return {unit: Place(*values) for unit, values in units.items()}


# Per organisation: for each kind of workplace an item may come from, the department and where the thing stands.
# An organisation without a kind (Trelleborg has no care unit in the demo) gets none of those items.
PLACES: dict[str, dict[str, Place]] = {
    "ystad": _places(
        it=("IT-enheten", "Stortorget 3, 271 80 Ystad", "Stadshuset", ("Förråd plan 3", "Rum 312")),
        office=("Ekonomienheten", "Stortorget 3, 271 80 Ystad", "Stadshuset", ("Rum 118", "Förråd plan 1")),
        school=("Östervångsskolan", "Östervångsvägen 20, 271 39 Ystad", "Hus B",
                ("Sal B12", "Förrådet vid idrottshallen")),
        preschool=("Förskolan Regnbågen", "Fridhemsgatan 31, 271 43 Ystad", "", ("Avdelning Solen", "Materialrummet")),
        care=("Äldreomsorgen", "Surbrunnsvägen 12, 271 41 Ystad", "Vårdboendet Kastanjen",
              ("Personalrummet", "Källarförrådet")),
        social=("Individ- och familjeomsorgen", "Kristianstadsvägen 16, 271 39 Ystad", "Socialkontoret",
                ("Rum 204", "Besöksrummet")),
        property=("Fastighetsenheten", "Blekingevägen 25, 271 35 Ystad", "Driftförrådet", ("Verkstaden", "Hall 2")),
        amu=("Arbetsmarknadsenheten", "Industrigatan 14, 271 36 Ystad", "Återbrukslagret", ("Hall A", "Hall B")),
        culture=("Barn- och utbildningsförvaltningen", "Lingsvägen 4, 271 39 Ystad", "Kulturskolan",
                 ("Ensemblesalen", "Förrådet")),
    ),
    "skurup": _places(
        it=("Kommunstyrelseförvaltningen", "Köpmangatan 9, 274 80 Skurup", "Kommunhuset", ("IT-förrådet", "Rum 2:14")),
        office=("Ekonomiavdelningen", "Köpmangatan 9, 274 80 Skurup", "Kommunhuset", ("Rum 1:08", "Arkivet")),
        school=("Rydsgårdsskolan", "Skolgatan 5, 274 53 Rydsgård", "Huvudbyggnaden", ("Sal 12", "Idrottsförrådet")),
        preschool=("Förskolan Solrosen", "Solrosvägen 2, 274 35 Skurup", "", ("Avdelning Humlan", "Förrådet")),
        care=("Hemtjänsten", "Bruksgatan 8, 274 33 Skurup", "Hemtjänstens lokaler", ("Personalrummet", "Förrådet")),
        social=("Vård- och omsorgsförvaltningen", "Bruksgatan 8, 274 33 Skurup", "Kontorsdelen",
                ("Rum 3", "Besöksrummet")),
        property=("Kommunstyrelseförvaltningen", "Industrigatan 3, 274 34 Skurup", "Kommunförrådet",
                  ("Verkstaden", "Kallförrådet")),
        amu=("Arbetsmarknadsenheten", "Industrigatan 3, 274 34 Skurup", "Återbruket", ("Lagret",)),
        culture=("Utbildningsförvaltningen", "Stationsgatan 2, 274 30 Skurup", "Skurups bibliotek",
                 ("Magasinet", "Läsrummet")),
    ),
    "trelleborg": _places(
        it=("Digitaliseringsenheten", "Algatan 13, 231 83 Trelleborg", "Stadshuset", ("Rum 412", "IT-förrådet")),
        office=("Kommunledningsförvaltningen", "Algatan 13, 231 83 Trelleborg", "Stadshuset",
                ("Rum 215", "Förråd plan 2")),
        school=("Pilevallskolan", "Pilevallsvägen 10, 231 64 Trelleborg", "Hus A",
                ("Sal A14", "Idrottshallens förråd")),
        preschool=("Förskolan Havsörnen", "Havsörnsgatan 3, 231 62 Trelleborg", "",
                   ("Avdelning Måsen", "Materialrummet")),
        social=("Kultur- och fritidsförvaltningen", "Algatan 13, 231 83 Trelleborg", "Stadshuset", ("Rum 120",)),
        property=("Kommunledningsförvaltningen", "Östergatan 55, 231 64 Trelleborg", "Kommunförrådet",
                  ("Verkstaden", "Hall 1")),
        amu=("Arbetsmarknadsenheten", "Hedvägen 2, 231 66 Trelleborg", "Återbrukscentralen", ("Lagret", "Verkstaden")),
        culture=("Biblioteket", "Bryggaregatan 7, 231 42 Trelleborg", "Stadsbiblioteket",
                 ("Magasinet", "Barnavdelningen")),
    ),
}

RESERVATION_MESSAGES = [
    "Vi behöver dem till de nya arbetsplatserna på plan 2. Kan hämta på torsdag.",
    "Passar perfekt i personalrummet. Går det bra att hämta nästa vecka?",
    "Hej! Vi tar gärna dessa till vår nya grupp. Ringer innan vi kommer.",
    "Vi har en nyanställd som behöver detta, hämtar med bil.",
    "",
    "Tack! Vi kommer förbi efter lunch.",
]
CANCEL_REASONS = [
    "Vi fick tag i samma sak från lagret på Återbruket, så vi behöver inte den här längre.",
    "Den visade sig inte passa i rummet, måtten stämde inte.",
    "Upptäckte vid kontroll att den är trasig, så vi tar ner reservationen.",
]
WITHDRAWN_REASONS = [
    "Behövdes ändå i den nya lokalen.",
    "Har gått till återvinning efter att den gick sönder.",
]


def _mix(slug: str, places: dict[str, Place], rng: random.Random) -> list[DemoItem]:
    candidates = [item for item in ITEMS if item.unit in places]
    return rng.sample(candidates, min(LISTINGS_PER_ORGANISATION, len(candidates)))


@dataclass(frozen=True)
class _Pictures:
    kind: str
    colour: str
    seed: str
    count: int

    def prepared(self) -> list:
        """Drawn, sent as JPEG uploads and processed as any upload is (run in a worker thread: no database)."""
        uploads = [
            demo_photos.upload(self.kind, seed=f"{self.seed}-{n}", colour=self.colour, name=f"foto-{n + 1}.jpg")
            for n in range(self.count)
        ]
        return services.prepare_photos(uploads)


def _pictures(item: DemoItem, *, n: int, seed: str, rng: random.Random) -> _Pictures:
    return _Pictures(
        kind=item.picture or demo_photos.CATEGORY_PICTURES[item.category],
        colour=item.colour or rng.choice(sorted(demo_photos.COLOURS)),
        seed=seed,
        count=2 if n % SECOND_PHOTO_EVERY == 3 else 1,
    )


def _moments(rng: random.Random, count: int) -> list[datetime]:
    """``count`` times spread over this year up to now, oldest first (publishing times)."""
    now = timezone.now()
    start = timezone.localtime(now).replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    span = (now - start).total_seconds() * 0.97  # leave the last days for reservations and handovers
    return sorted(start + timedelta(seconds=rng.random() * span) for _ in range(count))


def _after(moment: datetime, rng: random.Random, *, days: float) -> datetime:
    """A moment a few hours to ``days`` days after ``moment``, but not in the future."""
    now = timezone.now()
    later = moment + timedelta(hours=rng.uniform(2, 24 * days))
    if later >= now:
        later = moment + (now - moment) * rng.uniform(0.3, 0.9)
    return later


def _reach(n: int, shared: bool) -> str:
    """Most of a networked organisation's listings are shared with its networks, some with every organisation, a few
    kept to itself."""
    if not shared or n % 6 == 5:
        return selectors.Reach.ORGANISATION
    return selectors.Reach.EVERYONE if n % 7 == 3 else selectors.Reach.NETWORKS


def seed_demo_listings(*, organisation, shared: bool = False) -> int:
    """Post, reserve and hand over the organisation's demo listings; return how many listings were created.

    Runs in the current schema, which must be ``organisation``'s. Does nothing if they are there already. With
    ``shared``, most are shared beyond the organisation (and so published to the exchange once committed).
    """
    places = PLACES.get(organisation.slug)
    if places is None:
        raise ValueError(f"There are no demo listings for {organisation.slug!r}.")
    rng = random.Random(f"delbar-demo-{organisation.slug}")
    mix = _mix(organisation.slug, places, rng)
    lending = [item for item in LENDING if item.unit in places]
    if selectors.listings_titled(titles=[item.title for item in mix + lending]):
        return 0

    people = [person for person in colleagues() if person.email.endswith(f"@{organisation.slug}.example")]
    operator = next(person for person in people if person.role == Role.OPERATOR)
    categories = {category.name: category for category in selectors.categories()}
    # The saved places (demo.places), named "building, room": picked as a person would in the form.
    saved_places = {saved.name: saved for saved in selectors.places()}
    departments = {department.name: department for department in all_departments()}
    fates = FATES + ["published"] * (len(mix) - len(FATES))
    rng.shuffle(fates)
    # Lent and rented out: published here; their loans are demo.loans'.
    mix += lending
    fates += ["published"] * len(lending)
    pictures = [_pictures(item, n=n, seed=f"{organisation.slug}-{n}", rng=rng) for n, item in enumerate(mix)]
    # Drawing, decoding and re-encoding the photos is most of the work. Pillow lets go of the GIL while it codes
    # images, so two threads make them while this one writes the listings as their photos become ready.
    with ThreadPoolExecutor(max_workers=2) as pool, transaction.atomic():
        photos = pool.map(_Pictures.prepared, pictures)
        for n, (item, fate, published_at, prepared) in enumerate(
            zip(mix, fates, _moments(rng, len(mix)), photos, strict=True)
        ):
            place = places[item.unit]
            department = departments[place.department]
            local = next((person for person in people if person.department_id == department.pk), None)
            room = rng.choice(place.rooms)
            contact = local or operator
            # The labour-market unit runs the service and often posts for the departments.
            author = operator if local is None or n % 3 == 0 else local
            listing = services.create_listing(
                author=author, notify_contact=False,
                details=services.ListingDetails(
                    title=item.title,
                    description=item.description,
                    category=categories[item.category],
                    department=department,
                    contact_person=contact,
                    condition=item.condition,
                    quantity=item.quantity,
                    offer_type=item.offer,
                    price=Decimal(item.price) if item.price is not None else None,
                    rent_period=item.rent_period,
                    address=place.address,
                    building=place.building,
                    room=room,
                    reach=_reach(n, shared),
                    place=saved_places.get(f"{place.building or place.department}, {room}"),
                ),
                photos=prepared,
                publish=fate != "draft",
            )
            others = [person for person in people if person.pk not in (author.pk, contact.pk)]
            _play(listing, fate, author=author, contact=contact, others=others, published_at=published_at, rng=rng)
    return len(mix)


def _play(listing, fate: str, *, author, contact, others, published_at: datetime, rng) -> None:
    """What happened to the listing after it was posted, then its timestamps moved back to ``published_at``."""
    if fate == "draft":
        # The services stamp now(); catalog.services.backdate_listing moves the times back.
        services.backdate_listing(listing=listing, created_at=published_at, updated_at=published_at)
        return
    last = published_at
    if fate == "withdrawn":
        services.withdraw_listing(
            listing=listing, by=author, reason=rng.choice(WITHDRAWN_REASONS), notify=False
        )
        last = _after(published_at, rng, days=30)
        services.backdate_listing(listing=listing, withdrawn_at=last)
    elif fate != "published":
        last = _reserve_and_so_on(listing, fate, author=author, contact=contact, others=others,
                                  published_at=published_at, rng=rng)
    services.backdate_listing(
        listing=listing,
        created_at=published_at - timedelta(minutes=rng.randint(5, 90)), published_at=published_at, updated_at=last
    )


def _reserve_and_so_on(listing, fate, *, author, contact, others, published_at, rng) -> datetime:
    """Colleagues reserve; then the owner confirms the handover, or someone cancels. Returns the last moment."""
    rng.shuffle(others)
    # "partly": a third is handed over and the rest stays open (a single item is only reserved).
    hand_over = fate == "handed_over" or (fate == "partly" and listing.quantity > 1)
    if fate == "partly":
        shares = [max(1, listing.quantity // 3)]
    elif fate == "handed_over" and listing.quantity >= 4:
        shares = [listing.quantity // 2, listing.quantity - listing.quantity // 2]
    else:
        shares = [listing.quantity]
    last = published_at
    for share, colleague in zip(shares, others, strict=False):
        reservation = booking_services.reserve_listing(
            listing=listing, by=colleague, quantity=share, message=rng.choice(RESERVATION_MESSAGES), notify=False
        )
        reserved_at = _after(published_at, rng, days=10)
        times = {"reserved_at": reserved_at}
        if hand_over:
            booking_services.confirm_handover(booking=reservation, by=rng.choice([author, contact]))
            times["handed_over_at"] = _after(reserved_at, rng, days=7)
        elif fate == "cancelled":
            by_colleague = rng.random() < 0.5
            booking_services.cancel_booking(
                booking=reservation,
                by=colleague if by_colleague else contact,
                reason=CANCEL_REASONS[0 if by_colleague else rng.randint(1, 2)],
                notify=False,  # the demo's people are made up: no e-mail about their reservations
            )
            times["cancelled_at"] = _after(reserved_at, rng, days=5)
        booking_services.backdate_booking(booking=reservation, **times)
        last = max(last, *times.values())
    return last
