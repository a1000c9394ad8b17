"""The catalogue's reads (catalog.selectors) against real PostgreSQL: Swedish full-text and trigram search, filters,
the personal pages, what a person may see, and the statistics.

The demo world may hold listings of its own, so these tests post in a department of their own (and filter on it), or
use made-up words no real listing has, instead of counting everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import Role
from bookings import selectors as booking_selectors
from bookings import services as booking_services
from bookings.lifecycle import BookingStatus as ReservationStatus
from bookings.models import Booking as Reservation
from catalog import selectors, services
from catalog.lifecycle import ListingStatus
from catalog.models import Category, Listing
from tests.catalog_factories import make_listing
from tests.conftest import user_in
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class World:
    department: object
    owner: object
    colleague: object
    manager: object
    operator: object
    elsewhere: object  # a member of another department of our own


@pytest.fixture
def world(ystad) -> World:
    with schema_context(ystad.schema_name):
        department = DepartmentFactory(name="Sökprovets enhet")
        yield World(
            department=department,
            owner=UserFactory(department=department),
            colleague=UserFactory(),
            manager=UserFactory(department=department, role=Role.DEPARTMENT_MANAGER),
            operator=user_in(ystad, "operator"),
            elsewhere=UserFactory(department=DepartmentFactory(name="Sökprovets andra enhet")),
        )


def post(world: World, title: str, description: str = "", **details) -> Listing:
    author = details.pop("author", world.owner)
    return make_listing(author=author, title=title, description=description, **details)


def titles(queryset) -> list[str]:
    return [listing.title for listing in queryset]


def search(world: World, query: str = "", **filters) -> list[str]:
    return titles(selectors.search_listings(query=query, department=world.department, **filters))


# --- words ---------------------------------------------------------------------------------------------------------


def test_stol_finds_kontorsstol_and_stolar(world):
    # given
    post(world, "Kontorsstol med armstöd")
    post(world, "Stolar till konferensrum", "Sex stycken, grå klädsel.")
    post(world, "Skrivbord i ek", "Höj- och sänkbart.")

    # when
    found = search(world, "stol")

    # then
    assert sorted(found) == ["Kontorsstol med armstöd", "Stolar till konferensrum"]


def test_stolar_finds_stol_by_its_swedish_stem(world):
    # given
    post(world, "Stol i bok")
    post(world, "Bokhylla")

    # when / then
    assert search(world, "stolar") == ["Stol i bok"]


def test_a_misspelling_finds_the_word(world):
    # given
    post(world, "Skrivbord, höj- och sänkbart")
    post(world, "Whiteboardtavla")

    # when / then
    assert search(world, "skrivbort") == ["Skrivbord, höj- och sänkbart"]


def test_every_word_must_match(world):
    # given
    post(world, "Kontorsstol", "Svart, med armstöd.")
    post(world, "Kontorsstol", "Blå, utan armstöd.")
    post(world, "Svart skrivbord")

    # when
    found = selectors.search_listings(query="kontorsstol svart", department=world.department)

    # then
    assert [listing.description for listing in found] == ["Svart, med armstöd."]


def test_the_description_is_searched_too(world):
    # given
    post(world, "Hurts", "Tre lådor, låsbar med nyckel.")

    # when / then
    assert search(world, "nyckel") == ["Hurts"]
    assert search(world, "lådor") == ["Hurts"]


def test_the_best_title_match_comes_first(world):
    # given
    post(world, "Skrivbord i ek", "Passar med en kontorsstol.")
    post(world, "Kontorsstol, ergonomisk")
    post(world, "Konferensbord", "Kontorsstol ingår inte.")

    # when
    found = search(world, "kontorsstol")

    # then the listing with the word in its title comes before those with it only in their description
    assert found[0] == "Kontorsstol, ergonomisk"
    assert sorted(found[1:]) == ["Konferensbord", "Skrivbord i ek"]


def test_an_exact_title_word_ranks_above_a_word_containing_it(world):
    # given
    post(world, "Kontorsstol")
    post(world, "Stol i bok")
    post(world, "Stolar till konferensrum")

    # when
    found = search(world, "stol")

    # then
    assert found[0] == "Stol i bok"
    assert set(found) == {"Kontorsstol", "Stol i bok", "Stolar till konferensrum"}


def test_a_made_up_word_is_found_across_all_departments(world):
    # given
    post(world, "Zorblaxhylla")

    # when / then
    assert titles(selectors.search_listings(query="zorblax")) == ["Zorblaxhylla"]
    assert titles(selectors.search_listings(query="ZORBLAXHYLLA")) == ["Zorblaxhylla"]


@pytest.mark.parametrize(
    "query",
    [
        "stol & | ! :*",
        "stol:*",
        "!stol",
        "(stol",
        "stol <-> bord",
        "'",
        "\\",
        "stol's",
        '"stol"',
        "%",
        "_",
        "stol%",
        "och",
        "a" * 3000,
        "💺",
        "\x00stol",
    ],
)
def test_punctuation_and_tsquery_operators_do_not_break_the_search(world, query):
    # given
    post(world, "Kontorsstol")

    # when
    found = search(world, query)

    # then no error, and operators are not obeyed as such
    if "stol" in query and "bord" not in query:
        assert found == ["Kontorsstol"]


def test_like_wildcards_are_taken_literally(world):
    # given
    post(world, "Bord 100% ek")
    post(world, "Bord i furu")

    # when / then
    assert search(world, "100%") == ["Bord 100% ek"]


def test_an_empty_search_lists_everything_newest_first(world):
    # given
    older = post(world, "Första")
    newer = post(world, "Andra")
    Listing.objects.filter(pk=older.pk).update(published_at=timezone.now() - timezone.timedelta(days=2))

    # when / then
    assert search(world, "") == [newer.title, older.title]
    assert search(world, "  ,;  ") == [newer.title, older.title]


# --- filters -------------------------------------------------------------------------------------------------------


def test_a_category_filter_includes_its_children(world):
    # given
    post(world, "Kontorsstol", category_name="Kontorsstolar")
    post(world, "Skrivbord", category_name="Skrivbord")
    post(world, "Bärbar dator", category_name="Datorer")
    furniture = Category.objects.get(name="Möbler", parent=None)
    desks = Category.objects.get(name="Skrivbord")

    # when / then
    assert sorted(search(world, category=furniture)) == ["Kontorsstol", "Skrivbord"]
    assert search(world, category=desks) == ["Skrivbord"]
    assert search(world, "dator", category=furniture) == []


def test_offer_type_condition_and_department_filters(world):
    # given
    post(world, "Soffa att låna", offer_type="lend", condition="worn")
    post(world, "Soffa till salu", offer_type="sell", price=500, condition="very_good")
    post(world, "Soffa att ge bort", author=world.elsewhere)

    # when / then
    assert search(world, "soffa", offer_type="sell") == ["Soffa till salu"]
    assert search(world, "soffa", condition="worn") == ["Soffa att låna"]
    assert sorted(search(world, "soffa")) == ["Soffa att låna", "Soffa till salu"]
    assert titles(selectors.search_listings(query="soffa", department=world.elsewhere.department)) == [
        "Soffa att ge bort"
    ]


def test_only_published_listings_are_found(world):
    # given a listing in every state, all with the same made-up word
    published = post(world, "Quuxbord publicerat")
    post(world, "Quuxbord utkast", publish=False)
    withdrawn = post(world, "Quuxbord tillbakadraget")
    services.withdraw_listing(listing=withdrawn, by=world.owner)
    booking_services.reserve_listing(listing=post(world, "Quuxbord reserverat"), by=world.colleague)
    handed = booking_services.reserve_listing(listing=post(world, "Quuxbord överlämnat"), by=world.colleague)
    booking_services.confirm_handover(booking=handed, by=world.owner)

    # when / then
    assert titles(selectors.search_listings(query="quuxbord")) == [published.title]
    assert titles(selectors.search_listings(department=world.department)) == [published.title]


def test_a_listing_with_some_items_left_is_still_found(world):
    # given
    listing = post(world, "Quuxstol", quantity=3)
    booking_services.reserve_listing(listing=listing, by=world.colleague, quantity=2)

    # when / then
    assert search(world, "quuxstol") == ["Quuxstol"]


# --- one listing, one reservation ----------------------------------------------------------------------------------


def test_a_draft_is_visible_only_to_those_who_manage_it(world):
    # given
    draft = post(world, "Utkast", publish=False)

    # when / then
    for manager in (world.owner, world.manager, world.operator):
        assert selectors.listing_for(uuid=draft.uuid, user=manager) == draft
    for outsider in (world.colleague, world.elsewhere, AnonymousUser()):
        assert selectors.listing_for(uuid=draft.uuid, user=outsider) is None


def test_a_withdrawn_listing_is_visible_only_to_those_who_manage_it(world):
    # given
    listing = post(world, "Tillbakadragen")
    services.withdraw_listing(listing=listing, by=world.owner)

    # when / then
    assert selectors.listing_for(uuid=listing.uuid, user=world.manager) == listing
    assert selectors.listing_for(uuid=listing.uuid, user=world.colleague) is None


def test_a_published_listing_is_visible_to_every_colleague_with_its_photos(world):
    # given
    listing = post(world, "Publicerad", photos=2)

    # when
    found = selectors.listing_for(uuid=listing.uuid, user=world.colleague)

    # then
    assert found == listing
    assert [photo.position for photo in found.photos.all()] == [1, 2]
    assert selectors.listing_for(uuid="00000000-0000-0000-0000-000000000000", user=world.owner) is None


def test_a_reservation_is_visible_to_its_two_sides_only(world):
    # given
    reservation = booking_services.reserve_listing(listing=post(world, "Lampa"), by=world.colleague)

    # when / then
    for party in (world.colleague, world.owner, world.manager, world.operator):
        assert booking_selectors.booking_for(uuid=reservation.uuid, user=party) == reservation
    for outsider in (world.elsewhere, AnonymousUser()):
        assert booking_selectors.booking_for(uuid=reservation.uuid, user=outsider) is None
    assert booking_selectors.booking_for(uuid="00000000-0000-0000-0000-000000000000", user=world.owner) is None


# --- personal pages ------------------------------------------------------------------------------------------------


def test_my_listings_are_those_i_posted_or_am_contact_for_newest_first(world):
    # given
    first = post(world, "Mitt utkast", publish=False)
    second = post(world, "Min publicerade", quantity=3)
    third = post(world, "Operatören lade upp", author=world.operator, department=world.department,
                 contact_person=world.owner)
    post(world, "Någon annans", author=world.elsewhere)
    booking_services.reserve_listing(listing=second, by=world.colleague)
    cancelled = booking_services.reserve_listing(listing=second, by=world.elsewhere)
    booking_services.cancel_booking(booking=cancelled, by=world.elsewhere, reason="Ångrade mig")

    # when
    mine = list(selectors.my_listings(user=world.owner))

    # then
    assert mine == [third, second, first]
    assert [listing.open_reservations for listing in mine] == [0, 1, 0]
    assert list(selectors.my_listings(user=world.owner, status=ListingStatus.DRAFT)) == [first]
    assert list(selectors.my_listings(user=world.operator))[:1] == [third]


def test_awaiting_handover_lists_the_open_reservations_of_my_listings_oldest_first(world):
    # given
    chair = post(world, "Stol att lämna", quantity=4)
    first = booking_services.reserve_listing(listing=chair, by=world.colleague)
    second = booking_services.reserve_listing(listing=chair, by=world.elsewhere)
    done = booking_services.reserve_listing(listing=chair, by=world.colleague)
    booking_services.confirm_handover(booking=done, by=world.owner)
    gone = booking_services.reserve_listing(listing=chair, by=world.elsewhere)
    booking_services.cancel_booking(booking=gone, by=world.elsewhere, reason="Fel stol")
    booking_services.reserve_listing(listing=post(world, "Annans", author=world.elsewhere), by=world.colleague)

    # when
    awaiting = list(booking_selectors.awaiting_owner(user=world.owner))

    # then
    assert awaiting == [first, second]


def test_my_reservations_in_every_state_newest_first(world):
    # given
    first = booking_services.reserve_listing(listing=post(world, "Ett"), by=world.colleague)
    second = booking_services.reserve_listing(listing=post(world, "Två"), by=world.colleague)
    booking_services.cancel_booking(booking=second, by=world.colleague, reason="Behövs inte")
    booking_services.reserve_listing(listing=post(world, "Annans"), by=world.elsewhere)

    # when
    mine = list(booking_selectors.my_bookings(user=world.colleague))

    # then
    assert mine == [second, first]
    assert [reservation.status for reservation in mine] == [ReservationStatus.CANCELLED, ReservationStatus.RESERVED]


# --- statistics ----------------------------------------------------------------------------------------------------


def at(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def published_at(listing: Listing, when: datetime) -> Listing:
    Listing.objects.filter(pk=listing.pk).update(published_at=when)
    return listing


def handed_over_at(reservation: Reservation, when: datetime) -> Reservation:
    Reservation.objects.filter(pk=reservation.pk).update(handed_over_at=when)
    return reservation


def month_deltas(before, after) -> dict[int, tuple[int, int]]:
    return {
        month.month.month: (month.posted - earlier.posted, month.mediated - earlier.mediated)
        for earlier, month in zip(before.months, after.months, strict=True)
        if (month.posted, month.mediated) != (earlier.posted, earlier.mediated)
    }


def handover(world: World, listing: Listing, quantity: int, when: datetime) -> Reservation:
    reservation = booking_services.reserve_listing(listing=listing, by=world.colleague, quantity=quantity)
    booking_services.confirm_handover(booking=reservation, by=world.owner)
    return handed_over_at(reservation, when)


def test_statistics_count_posted_listings_and_handed_over_items_per_month_and_department(world):
    # given
    before_2011, before_2012 = selectors.statistics(year=2011), selectors.statistics(year=2012)
    chairs = published_at(post(world, "Stolar", quantity=10), at(2011, 3, 15))
    published_at(post(world, "Bord"), at(2011, 3, 20))
    published_at(post(world, "Lampa", author=world.elsewhere), at(2011, 6, 1))
    post(world, "Aldrig publicerad", publish=False)
    handover(world, chairs, 3, at(2011, 4, 2))
    handover(world, chairs, 2, at(2011, 4, 28))
    handover(world, chairs, 4, at(2012, 2, 1))
    booking_services.reserve_listing(listing=chairs, by=world.colleague)  # reserved, not handed over: not mediated
    cupboard = published_at(post(world, "Skåp"), at(2011, 9, 9))
    cancelled = booking_services.reserve_listing(listing=cupboard, by=world.colleague)
    booking_services.cancel_booking(booking=cancelled, by=world.colleague, reason="Fel mått")

    # when
    figures = selectors.statistics(year=2011)

    # then
    assert figures.year == 2011
    assert [month.month.isoformat() for month in figures.months] == [f"2011-{m:02}-01" for m in range(1, 13)]
    assert month_deltas(before_2011, figures) == {3: (2, 0), 4: (0, 5), 6: (1, 0), 9: (1, 0)}
    assert figures.posted - before_2011.posted == 4
    assert figures.mediated - before_2011.mediated == 5, "handed-over quantity, not the number of handovers"
    assert figures.handovers - before_2011.handovers == 2
    rows = {row.department: (row.posted, row.mediated) for row in figures.departments}
    assert rows[world.department.name] == (3, 5)
    assert rows[world.elsewhere.department.name] == (1, 0)
    assert month_deltas(before_2012, selectors.statistics(year=2012)) == {2: (0, 4)}


def test_statistics_count_months_and_years_in_swedish_time(world):
    # given moments just around midnight on New Year's Eve, Swedish time (UTC+1 in winter)
    before_2011, before_2012 = selectors.statistics(year=2011), selectors.statistics(year=2012)
    first_in_2011 = published_at(post(world, "Nyårsmorgon", quantity=2), at(2011, 1, 1, 0, 30))
    published_at(post(world, "Nyårsafton"), at(2011, 12, 31, 23, 30))
    published_at(post(world, "Nyårsnatt"), at(2012, 1, 1, 0, 15))  # still 2011 in UTC
    published_at(post(world, "Förra året"), at(2010, 12, 31, 23, 59))  # already 2011 in UTC
    handover(world, first_in_2011, 1, at(2012, 1, 1, 0, 5))
    handover(world, first_in_2011, 1, at(2011, 1, 1, 0, 5))

    # when
    in_2011, in_2012 = selectors.statistics(year=2011), selectors.statistics(year=2012)

    # then
    assert month_deltas(before_2011, in_2011) == {1: (1, 1), 12: (1, 0)}
    assert month_deltas(before_2012, in_2012) == {1: (1, 1)}


def test_statistics_years_run_from_the_first_published_listing_to_this_year(world):
    # given
    published_at(post(world, "Gammal"), at(2011, 5, 5))

    # when
    years = selectors.statistics_years()

    # then
    this_year = timezone.localdate().year
    assert years[0] == this_year
    assert 2011 in years
    assert years == list(range(this_year, years[-1] - 1, -1))
