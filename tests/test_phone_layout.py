"""Issue 9, parts 2, 3, 6 and 7 without a browser: department filters that follow the tree (search, statistics, "Mina
annonser"), English words for the categories, the browse page's order and filter button, the step before a
handover, and one way of writing dates and numbers per language (docs/decisions/0038-phone-layout-and-tree-filters.md).
The browser half is tests/browser/test_phone_layout.py.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format
from django_tenants.utils import schema_context

from accounts import selectors as people
from accounts.models import Department, Role
from bookings import services as booking_services
from bookings.lifecycle import BookingStatus
from catalog import english, selectors
from catalog.forms import SearchForm
from catalog.lifecycle import ListingStatus
from catalog.models import Listing
from reports import selectors as reports
from tests.catalog_factories import make_listing
from tests.conftest import client_for, user_in
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

FORVALTNING = "Barn- och utbildningsförvaltningen"


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def titles(results) -> list[str]:
    return [listing.title for listing in results]


class Tree:
    """A förvaltning of the test's own with two enheter and a person in each enhet; the förvaltning's manager."""

    def __init__(self, name: str = "Provförvaltningen") -> None:
        self.top = DepartmentFactory(name=name)
        self.school = DepartmentFactory(name="Provskolan", parent=self.top)
        self.preschool = DepartmentFactory(name="Provförskolan", parent=self.top)
        self.teacher = UserFactory(department=self.school)
        self.nurse = UserFactory(department=self.preschool)
        self.clerk = UserFactory(department=self.top)
        self.manager = UserFactory(department=self.top, role=Role.DEPARTMENT_MANAGER)


# --- department filters follow the tree --------------------------------------------------------------------------


def test_the_demo_forvaltning_shows_the_listings_of_all_its_enheter(ystad):
    # given the demo's Barn- och utbildningsförvaltningen, whose listings are mostly its enheter's
    with schema_context(ystad.schema_name):
        top = Department.objects.get(name=FORVALTNING, parent=None)
        units = set(Department.objects.filter(parent=top).values_list("pk", flat=True))
        published = Listing.objects.filter(status=ListingStatus.PUBLISHED)
        own_only = published.filter(department=top).count()
        with_units = published.filter(department_id__in={top.pk, *units}).count()

        # when the search filters on the förvaltning
        found = selectors.search_listings(department=top)

        # then every listing of the förvaltning and of its enheter is found, more than its own alone
        assert found.count() == with_units
        assert with_units > own_only
    # and the browse page says so
    page = client_for(ystad, user_in(ystad, "personal")).get(f"/?department={top.pk}")
    assert page.context["page"].paginator.count == with_units


def test_a_forvaltning_includes_its_enheter_and_an_enhet_only_itself(ystad):
    # given listings in a förvaltning and in each of its two enheter
    with schema_context(ystad.schema_name):
        tree = Tree()
        make_listing(author=tree.clerk, title="Trädprov förvaltningens")
        make_listing(author=tree.teacher, title="Trädprov skolans")
        make_listing(author=tree.nurse, title="Trädprov förskolans")

        # when filtering on the förvaltning, and on one enhet
        whole = titles(selectors.search_listings(query="trädprov", department=tree.top))
        school = titles(selectors.search_listings(query="trädprov", department=tree.school))

    # then the förvaltning has all three, the enhet its own
    assert sorted(whole) == ["Trädprov förskolans", "Trädprov förvaltningens", "Trädprov skolans"]
    assert school == ["Trädprov skolans"]


def test_the_department_choices_follow_the_tree_with_enheter_indented(ystad):
    # given the demo's departments
    with schema_context(ystad.schema_name):
        # when the search form lists them
        choices = people.department_choices()
        tree = people.department_order()
    labels = [label for _pk, label in choices]

    # then each förvaltning is followed by its enheter, indented, in order of name
    top = labels.index(FORVALTNING)
    assert labels[top + 1:top + 3] == ["\u2003Förskolan Regnbågen", "\u2003Östervångsskolan"]
    depth = {department.name: level for department, level in tree}
    assert depth[FORVALTNING] == 0 and depth["Östervångsskolan"] == 1


def test_the_api_filters_on_a_forvaltning_with_its_enheter_too(ystad):
    # given a listing of an enhet
    with schema_context(ystad.schema_name):
        tree = Tree()
        make_listing(author=tree.teacher, title="Apiträdprov")
    client = client_for(ystad, tree.manager)

    # when the API is asked for the förvaltning's listings
    response = client.get(f"/api/listings/?q=apiträdprov&department={tree.top.pk}")

    # then the enhet's listing is among them
    assert response.status_code == 200
    assert [row["title"] for row in response.json()["results"]] == ["Apiträdprov"]


def test_statistics_list_departments_in_the_tree_with_a_forvaltning_totalling_its_enheter(ystad):
    # given listings posted this year in a förvaltning and its two enheter
    with schema_context(ystad.schema_name):
        tree = Tree(name="Statistikförvaltningen")
        make_listing(author=tree.teacher, title="Statistikprov 1")
        make_listing(author=tree.teacher, title="Statistikprov 2")
        make_listing(author=tree.nurse, title="Statistikprov 3")
        make_listing(author=tree.clerk, title="Statistikprov 4")

        # when the statistics are read per department
        figures = selectors.statistics(year=timezone.localdate().year)
        rows = reports.department_rows(figures=figures)
    by_name = {row.name: row for row in rows}
    names = [row.name for row in rows]

    # then the förvaltning counts all four, each enhet its own, listed under it in the tree's order
    assert by_name["Statistikförvaltningen"].posted == 4 and by_name["Statistikförvaltningen"].has_units
    assert by_name["Provskolan"].posted == 2 and by_name["Provskolan"].depth == 1
    assert by_name["Provförskolan"].posted == 1
    start = names.index("Statistikförvaltningen")
    assert names[start + 1:start + 3] == ["Provförskolan", "Provskolan"]
    # and the page shows the table in that order
    page = client_for(ystad, tree.clerk).get("/statistik/").content.decode()
    table = page[page.index('id="department-table"'):]
    assert table.index("Statistikförvaltningen") < table.index("Provförskolan") < table.index("Provskolan")


def test_a_forvaltnings_manager_lists_and_manages_the_listings_of_its_enheter(ystad):
    # given listings of two enheter, one a draft
    with schema_context(ystad.schema_name):
        tree = Tree(name="Chefsförvaltningen")
        make_listing(author=tree.teacher, title="Chefsprov skolans")
        draft = make_listing(author=tree.nurse, title="Chefsprov förskolans utkast", publish=False)
    client = client_for(ystad, tree.manager)

    # when the förvaltning's manager shows the förvaltning's listings on "Mina annonser"
    response = client.get(f"/mina-annonser/?avdelning={tree.top.pk}")

    # then both are listed, and the manager may open the enhet's draft
    shown = titles(response.context["listings"])
    assert shown == ["Chefsprov förskolans utkast", "Chefsprov skolans"]
    assert [pk for pk, _label in response.context["departments"]] == [tree.top.pk, tree.preschool.pk, tree.school.pk]
    assert client.get(f"/annonser/{draft.uuid}/").status_code == 200


def test_mina_annonser_offers_no_department_to_a_member_and_ignores_one_asked_for(ystad):
    # given a member and a listing of another department
    with schema_context(ystad.schema_name):
        tree = Tree(name="Medlemsförvaltningen")
        make_listing(author=tree.teacher, title="Medlemsprov")
    client = client_for(ystad, tree.nurse)

    # when the member asks for that department's listings
    response = client.get(f"/mina-annonser/?avdelning={tree.school.pk}")

    # then they see only their own, and no department to choose
    assert response.context["departments"] == []
    assert "Medlemsprov" not in titles(response.context["listings"])


def test_a_managers_choice_stays_inside_their_own_part_of_the_tree(ystad):
    # given the manager of one förvaltning and a listing of another
    with schema_context(ystad.schema_name):
        tree = Tree(name="Egenförvaltningen")
        other = Tree(name="Annanförvaltningen")
        make_listing(author=other.teacher, title="Annanprov")
    client = client_for(ystad, tree.manager)

    # when they ask for the other förvaltning
    response = client.get(f"/mina-annonser/?avdelning={other.top.pk}")

    # then the choice is dropped: their own listings are shown
    assert response.context["department_id"] is None
    assert "Annanprov" not in titles(response.context["listings"])


# --- English words for the categories ------------------------------------------------------------------------------


@pytest.mark.parametrize(("word", "stem"), [
    ("chairs", "chair"), ("chair", "chair"), ("shelves", "shelf"), ("accessories", "accessory"),
    ("boxes", "box"), ("glass", "glass"), ("desk", "desk"),
])
def test_english_plurals_are_stemmed(word, stem):
    assert english.stem(word) == stem


def test_chair_finds_the_chairs_in_english_and_says_listings_are_in_swedish(ystad):
    # given a chair with a Swedish title only, in the category Kontorsstolar (Office chairs)
    with schema_context(ystad.schema_name):
        tree = Tree(name="Engelskförvaltningen")
        make_listing(author=tree.teacher, title="Snurrig pjäs", description="Svart, höj- och sänkbar.")
    client = client_for(ystad, tree.teacher)
    client.cookies["delbar_language"] = "en"

    # when an English-speaking colleague searches for "chair" (and "chairs") in their förvaltning
    response = client.get(f"/?q=chair&department={tree.top.pk}")
    plural = client.get(f"/?q=chairs&department={tree.top.pk}")

    # then the chair is found through its category's English name, and the page says why, naming the Swedish
    # categories
    assert titles(response.context["page"].object_list) == ["Snurrig pjäs"]
    assert titles(plural.context["page"].object_list) == ["Snurrig pjäs"]
    page = response.content.decode()
    assert "Listings are written in Swedish." in page
    assert '<span lang="sv">Kontorsstolar</span></a> (Office chairs)' in page
    assert '<span lang="sv">Stolar</span></a> (Chairs)' in page


def test_when_nothing_matches_the_page_proposes_the_swedish_category(ystad):
    # given a förvaltning without any listing
    with schema_context(ystad.schema_name):
        tree = Tree(name="Tomförvaltningen")
        chairs = selectors.categories()
    stolar = next(node for node in chairs if node.name == "Stolar")
    client = client_for(ystad, tree.teacher)
    client.cookies["delbar_language"] = "en"

    # when "chair" is searched there
    page = client.get(f"/?q=chair&department={tree.top.pk}").content.decode()

    # then the page says listings are in Swedish and links the Swedish category
    assert "Listings are written in Swedish. Try the Swedish category:" in page
    assert f'<a href="/?category={stolar.pk}"><span lang="sv">Stolar</span></a> (Chairs)' in page


def test_an_english_word_no_category_has_still_gets_told_listings_are_swedish(ystad):
    # given an English page
    client = client_for(ystad, user_in(ystad, "personal"))
    client.cookies["delbar_language"] = "en"

    # when a word no listing and no category has is searched
    page = client.get("/?q=zyxwvuq").content.decode()

    # then the page says so, and how to search instead
    assert "Listings are written in Swedish. Try a Swedish word" in page


def test_swedish_words_are_not_mistaken_for_english_ones(ystad):
    # given a Swedish word for a chair
    with schema_context(ystad.schema_name):
        tree = Tree(name="Svenskförvaltningen")
        make_listing(author=tree.teacher, title="Stol i bok")
        make_listing(author=tree.teacher, title="Skrivbord i ek", category_name="Skrivbord")

        # when it is searched
        found = selectors.search_listings(query="stol", department=tree.top)

        # then the Swedish search alone answers, without any category by its English name
        assert titles(found) == ["Stol i bok"]
        assert found.translated == []


# --- the order of the results, and the filter button -----------------------------------------------------------------


def _published_days_ago(listing: Listing, days: int) -> None:
    Listing.objects.filter(pk=listing.pk).update(published_at=timezone.now() - timedelta(days=days))


def test_results_are_ordered_by_best_match_newest_or_nearest(ystad):
    # given three matching listings: an old one of the searcher's own enhet, a newer one of the other enhet of their
    # förvaltning, the newest elsewhere, and a better match (the word in the title) that is oldest of all
    with schema_context(ystad.schema_name):
        tree = Tree(name="Ordningsförvaltningen")
        elsewhere = UserFactory(department=DepartmentFactory(name="Ordningsfjärran"))
        own = make_listing(author=tree.teacher, title="Ordprov egen")
        sibling = make_listing(author=tree.nurse, title="Ordprov syskon")
        far = make_listing(author=elsewhere, title="Ordprov fjärran")
        best = make_listing(author=elsewhere, title="Bänk", description="ordprov ordprov")
        for listing, days in ((own, 3), (sibling, 2), (far, 1), (best, 4)):
            _published_days_ago(listing, days)
        near = selectors.nearness(user=tree.teacher)

        def order(sort: str, query: str = "ordprov") -> list[str]:
            found = titles(selectors.search_listings(query=query, order=sort, near=near))
            return [title for title in found if title in {"Ordprov egen", "Ordprov syskon", "Ordprov fjärran", "Bänk"}]

        # when the same words are ordered each way
        newest, nearest, ranked = order("newest"), order("nearest"), order("")

    # then newest is by the day published; nearest the person's enhet, then their förvaltning, then the rest
    assert newest == ["Ordprov fjärran", "Ordprov syskon", "Ordprov egen", "Bänk"]
    assert nearest == ["Ordprov egen", "Ordprov syskon", "Ordprov fjärran", "Bänk"]
    assert ranked.index("Bänk") == 3  # a word in the title beats one in the description


def test_browsing_without_words_can_be_nearest_first(ystad):
    # given a listing of the person's own enhet, older than one elsewhere
    with schema_context(ystad.schema_name):
        tree = Tree(name="Bläddringsförvaltningen")
        other = UserFactory(department=DepartmentFactory(name="Bläddringsfjärran"))
        mine = make_listing(author=tree.teacher, title="Bläddra egen")
        make_listing(author=other, title="Bläddra fjärran")
        _published_days_ago(mine, 30)
    client = client_for(ystad, tree.teacher)

    # when the page is sorted nearest first, and newest first
    nearest = titles(client.get("/?sort=nearest").context["page"].object_list)
    newest = titles(client.get("/?sort=newest").context["page"].object_list)

    # then their own enhet's comes first, however old; newest first it does not
    assert nearest[0] == "Bläddra egen"
    assert newest[0] == "Bläddra fjärran"


def test_the_filter_button_counts_the_filters_in_use_and_clear_keeps_the_words(ystad):
    # given a search with words, an order and two filters
    client = client_for(ystad, user_in(ystad, "personal"))

    # when the page is shown
    page = client.get("/?q=stol&sort=newest&offer_type=give_away&condition=good&department=").content.decode()

    # then the button counts two, and "Rensa filter" keeps the words and the order
    assert re.search(r'<span id="filter-count" class="filter-count">2 aktiva</span>', page)
    assert 'id="clear-filters" class="clear-filters" href="/?q=stol&amp;sort=newest"' in page


def test_a_filter_changed_through_htmx_updates_the_count_and_the_status_beside_the_filters(ystad):
    # given the browse page asked by htmx with one filter
    client = client_for(ystad, user_in(ystad, "personal"))

    # when the results come back
    page = client.get("/?offer_type=give_away", HTTP_HX_REQUEST="true").content.decode()

    # then the count, the status beside the filters and the screen readers' status are swapped in with them
    assert '<span id="filter-count" class="filter-count" hx-swap-oob="true">1 aktivt</span>' in page
    assert re.search(r'<p id="filter-status" class="filter-status" hx-swap-oob="true">\s*<a id="show-results"', page)
    assert re.search(r'<p id="results-status" hx-swap-oob="innerHTML">\d+ annons(er)?</p>', page)


def test_the_search_form_knows_its_filters(ystad):
    with schema_context(ystad.schema_name):
        form = SearchForm({"q": "x", "sort": "nearest", "category": ""}, departments=[])
        assert form.is_valid(), form.errors
    assert SearchForm.FILTERS == ("category", "offer_type", "condition", "department")


# --- the step before a handover ------------------------------------------------------------------------------------


@pytest.fixture
def reservation(ystad):
    with schema_context(ystad.schema_name):
        tree = Tree(name="Överlämningsförvaltningen")
        listing = make_listing(author=tree.teacher, title="Överlämningsprov", quantity=2)
        booking = booking_services.reserve_listing(listing=listing, by=tree.nurse, quantity=2)
    return tree, booking


def test_confirming_a_handover_asks_first_and_only_the_post_hands_it_over(ystad, reservation):
    tree, booking = reservation
    client = client_for(ystad, tree.teacher)

    # when the owner opens the step
    step = client.get(f"/reservationer/{booking.uuid}/overlamnad/?next=/mina-annonser/")

    # then it names who gets what, and nothing is handed over yet
    page = step.content.decode()
    assert step.status_code == 200
    assert f"Har {tree.nurse.full_name} fått den?" in page or "fått den?" in page
    assert "Överlämningsprov" in page and "går inte att ångra" in page
    with schema_context(ystad.schema_name):
        booking.refresh_from_db()
    assert booking.status == BookingStatus.RESERVED

    # and when they say yes, it is
    client.post(f"/reservationer/{booking.uuid}/overlamnad/", {"next": "/mina-annonser/"})
    with schema_context(ystad.schema_name):
        booking.refresh_from_db()
    assert booking.status == BookingStatus.HANDED_OVER


def test_the_handover_step_is_not_offered_to_the_receiver(ystad, reservation):
    tree, booking = reservation
    # when the receiver opens the step, they are sent back with a message and nothing changes
    response = client_for(ystad, tree.nurse).get(f"/reservationer/{booking.uuid}/overlamnad/")
    assert response.status_code == 302
    with schema_context(ystad.schema_name):
        booking.refresh_from_db()
    assert booking.status == BookingStatus.RESERVED


def test_another_organisations_person_gets_404_on_the_handover_step(ystad, skurup, reservation):
    _tree, booking = reservation
    response = client_for(skurup, user_in(skurup, "admin")).get(f"/reservationer/{booking.uuid}/overlamnad/")
    assert response.status_code == 404


# --- dates and numbers ---------------------------------------------------------------------------------------------


def test_dates_and_numbers_have_one_swedish_and_one_english_form():
    day = date(2026, 11, 30)
    moment = datetime(2026, 11, 30, 14, 5)
    template = Template('{% load delbar_ui %}{{ d|date:"DATE_FORMAT" }}|{{ d|date:"SHORT_DATE_FORMAT" }}|'
                        '{{ m|date:"SHORT_DATETIME_FORMAT" }}|{{ n|number }}|{{ x|floatformat:"-2g" }}')
    context = Context({"d": day, "m": moment, "n": 12345, "x": Decimal("1234.5")})
    with translation.override("sv"):
        assert template.render(context) == "30 november 2026|2026-11-30|2026-11-30 14:05|12\u00a0345|1\u00a0234,50"
    with translation.override("en"):
        assert template.render(context) == "30 November 2026|30 Nov 2026|30 Nov 2026, 14:05|12,345|1,234.50"
    with translation.override("en"):
        assert date_format(day) == "30 November 2026"


def test_no_template_writes_a_date_pattern_of_its_own():
    # Every date goes through a named format (DATE_FORMAT, SHORT_DATE_FORMAT, …) or a pattern that only names a month
    # or weekday: the day-month-year patterns the pages used to spell out are gone.
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    spelled = re.compile(r'date:"(j M Y|j F Y|j M Y H:i|Y-m-d|d/m/Y|m/d/Y)"')
    offenders = [str(path.relative_to(root)) for pattern in ("*/templates/**/*.html", "templates/**/*.html",
                                                             "*/templates/**/*.txt")
                 for path in root.glob(pattern) if ".venv" not in path.parts and spelled.search(path.read_text())]
    assert offenders == []


# --- query counts --------------------------------------------------------------------------------------------------


def _count(client, path: str) -> int:
    client.get(path)  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def test_the_tree_filters_and_the_orders_cost_the_same_queries_however_many_departments_and_listings(ystad):
    # given a förvaltning with a few enheter and listings
    with schema_context(ystad.schema_name):
        tree = Tree(name="Räkneförvaltningen")
        make_listing(author=tree.teacher, title="Räkneprov 0")
    client = client_for(ystad, tree.manager)
    paths = [
        f"/?department={tree.top.pk}",
        f"/?q=räkneprov&department={tree.top.pk}&sort=nearest",
        f"/?q=chair&department={tree.top.pk}&sort=newest",
        "/statistik/",
        f"/mina-annonser/?avdelning={tree.top.pk}",
    ]
    before = {path: _count(client, path) for path in paths}

    # when the tree and the listings grow
    with schema_context(ystad.schema_name):
        for i in range(8):
            unit = DepartmentFactory(name=f"Räkneenhet {i}", parent=tree.top)
            make_listing(author=UserFactory(department=unit), title=f"Räkneprov {i + 1}", photos=1)
            make_listing(author=UserFactory(department=unit), title=f"Stolprov {i}")

    # then every page costs what it did
    assert {path: _count(client, path) for path in paths} == before


def test_the_department_subtree_is_one_query_and_stops_on_a_cycle(ystad):
    with schema_context(ystad.schema_name):
        tree = Tree(name="Cykelförvaltningen")
        with CaptureQueriesContext(connection) as queries:
            under = people.department_ids_under(department_id=tree.top.pk)
        assert under == {tree.top.pk, tree.school.pk, tree.preschool.pk}
        assert len(queries) == 1
        # a cycle forced in by hand ends the walk instead of looping
        Department.objects.filter(pk=tree.top.pk).update(parent=tree.school)
        assert people.department_ids_under(department_id=tree.top.pk) == {tree.top.pk, tree.school.pk,
                                                                         tree.preschool.pk}


def test_the_template_tags_need_a_request(ystad):
    request = RequestFactory().get("/", {"q": "stol", "category": "3", "sida": "2"})
    with schema_context(ystad.schema_name):
        form = SearchForm(request.GET, departments=[])
    rendered = Template("{% load delbar_ui %}{{ form|active_filter_count }} {% clear_filters_url form %}").render(
        Context({"form": form, "request": request}))
    assert rendered == "1 /?q=stol"
