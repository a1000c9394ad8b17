"""Check before you buy (issue 12 part 4, decision 0033): a need registered with its search evidence, matches from
the organisation and its networks at once, closed once as reused, bought used or bought new, and the compliance
report per department and period — figures recomputed by hand, an empty period, who may see what, and query counts
that stay flat with the data."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.services import ensure_departments
from bookings import services as booking_services
from catalog.models import Category
from impact.models import Factor
from needs import selectors, services
from needs.errors import NeedError
from needs.models import Need, NeedStatus, SearchEvidence

from .catalog_factories import make_listing
from .conftest import client_for, user_in
from .deal_support import ask, shared_listing

pytestmark = pytest.mark.django_db

WORD = "pallstol"  # a word no demo listing has


def _department(organisation, name: str = "Behovsenheten"):
    with schema_context(organisation.schema_name):
        return {d.name: d for d in ensure_departments(tree={"Behovsförvaltningen": [name]})}[name]


def _register(organisation, local: str = "personal", *, what: str = f"Ergonomisk {WORD}", quantity: int = 2,
              department=None, category: str | None = "Kontorsstolar", **details):
    person = user_in(organisation, local)
    with schema_context(organisation.schema_name):
        return services.register_need(by=person, details=services.NeedDetails(
            what=what, quantity=quantity, needed_by=timezone.localdate() + timedelta(days=14),
            department=department or person.department,
            category=Category.objects.get(name=category) if category else None, **details))


def _own_listing(organisation, *, title: str = f"Ergonomisk {WORD} Salli", quantity: int = 3, author="chef"):
    with schema_context(organisation.schema_name):
        return make_listing(author=user_in(organisation, author), title=title, quantity=quantity)


def _close(organisation, need, local: str = "personal", **outcome):
    with schema_context(organisation.schema_name):
        return services.close_need(need=need, by=user_in(organisation, local), **outcome)


def _reservation(organisation, listing, *, quantity: int = 2, local: str = "personal", hand_over: bool = True):
    with schema_context(organisation.schema_name):
        booking = booking_services.reserve_listing(listing=listing, by=user_in(organisation, local),
                                                   quantity=quantity, notify=False)
        if hand_over:
            booking = booking_services.confirm_handover(booking=booking, by=user_in(organisation, "chef"))
        return booking


def _office_chair() -> Factor:
    connection.set_schema_to_public()
    return Factor.objects.filter(category_key="furniture.office_chairs", version__published_at__isnull=False) \
        .order_by("-version__valid_from").first()


# --- registering and matching -------------------------------------------------------------------------------------


def test_registering_a_need_records_the_search_of_the_organisation_and_its_networks(ystad, skurup, media):
    # given a chair of Ystad's own and one Skurup shares with the network
    _own_listing(ystad)
    shared_listing(skurup, title=f"Ergonomisk {WORD} Skurup", quantity=2)

    # when a Ystad person registers the need for two
    need = _register(ystad)

    # then the search made at once is kept as evidence: both scopes, a match in each, their titles and organisations
    with schema_context(ystad.schema_name):
        evidence = list(SearchEvidence.objects.filter(need=need))
    assert [(e.moment, e.query, e.scopes) for e in evidence] == [
        ("registered", f"Ergonomisk {WORD}", ["hos_oss", "natverk"])]
    assert (evidence[0].own_matches, evidence[0].network_matches) == (1, 1)
    assert {"scope": "natverk", "title": f"Ergonomisk {WORD} Skurup", "organisation": skurup.name} in evidence[0].top
    assert need.category_key == "furniture.office_chairs" and need.status == NeedStatus.OPEN


def test_the_need_page_shows_matches_from_both_scopes_linking_to_the_listing_and_the_offer(ystad, skurup, media):
    # given a chair at Ystad, one shared by Skurup, and Ystad's need
    listing = _own_listing(ystad)
    _, offer = shared_listing(skurup, title=f"Ergonomisk {WORD} Skurup", quantity=2)
    need = _register(ystad)

    # when its person opens the need's page
    response = client_for(ystad, user_in(ystad, "personal")).get(f"/behov/{need.uuid}/")

    # then both scopes show their match, each card linking to its page
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hos oss" in page and "I våra nätverk" in page
    assert f'href="/annonser/{listing.uuid}/"' in page
    assert f'href="/natverk/erbjudanden/{offer.pk}/"' in page
    assert (response.context["matches"].own_count, response.context["matches"].network_count) == (1, 1)


def test_registering_through_the_page_refuses_a_date_that_has_passed(ystad):
    # given the form
    client = client_for(ystad, user_in(ystad, "personal"))
    department = user_in(ystad, "personal").department_id

    # when the need is sent with yesterday's date
    response = client.post("/behov/ny/", {"what": "Skrivbord", "quantity": 1, "department": department,
                                          "needed_by": (timezone.localdate() - timedelta(days=1)).isoformat()})

    # then it is refused beside the date, in Swedish, and nothing is registered
    assert response.status_code == 200
    assert "Datumet har passerat" in response.content.decode()
    with schema_context(ystad.schema_name):
        assert not Need.objects.filter(what="Skrivbord").exists()


def test_registering_through_the_page_leads_to_the_need(ystad):
    # given the form
    person = user_in(ystad, "personal")
    client = client_for(ystad, person)

    # when a need is sent
    response = client.post("/behov/ny/", {"what": "Whiteboardtavla Zq9", "quantity": 1, "department":
                                          person.department_id, "budget": "2500",
                                          "needed_by": (timezone.localdate() + timedelta(days=7)).isoformat()})

    # then it is registered, with its evidence, and the page of the need follows
    with schema_context(ystad.schema_name):
        need = Need.objects.get(what="Whiteboardtavla Zq9")
        assert need.evidence.count() == 1 and need.budget == Decimal("2500")
    assert response.status_code == 302 and response["Location"] == f"/behov/{need.uuid}/"


# --- closing ------------------------------------------------------------------------------------------------------


def test_closing_as_reused_links_the_persons_reservation(ystad, media):
    # given a need for two chairs and the person's reservation of two of Ystad's, handed over
    listing = _own_listing(ystad)
    need = _register(ystad)
    booking = _reservation(ystad, listing)

    # when the need is closed as reused with that reservation
    closed = _close(ystad, need, outcome=NeedStatus.REUSED, booking=str(booking.uuid))

    # then it is reused, linked, and counts two items as a purchase avoided
    assert (closed.status, closed.booking, closed.reused_quantity, closed.avoids_purchase) == (
        NeedStatus.REUSED, booking.uuid, 2, True)
    assert closed.closed_at is not None and closed.closed_by == user_in(ystad, "personal")


def test_closing_as_reused_links_a_deal_with_another_organisation(ystad, skurup, media):
    # given a Ystad need and the person's request for Skurup's shared chairs
    need = _register(ystad)
    _, offer = shared_listing(skurup, title=f"Ergonomisk {WORD} Skurup", quantity=3)
    deal = ask(ystad, offer, quantity=2)

    # when the need is closed as reused with that deal
    closed = _close(ystad, need, outcome=NeedStatus.REUSED, deal=str(deal.uuid))

    # then it is linked to the deal
    assert (closed.status, closed.deal, closed.booking, closed.reused_quantity) == (
        NeedStatus.REUSED, deal.uuid, None, 2)


def test_a_reservation_of_someone_else_cannot_close_the_need(ystad, media):
    # given a need of "personal" and a reservation made by the operator
    listing = _own_listing(ystad)
    need = _register(ystad)
    booking = _reservation(ystad, listing, local="operator", hand_over=False)

    # when the need is closed with the operator's reservation
    with pytest.raises(NeedError) as refused:
        _close(ystad, need, outcome=NeedStatus.REUSED, booking=str(booking.uuid))

    # then it is refused, and the need stays open
    assert refused.value.code == "reservation_not_found"
    with schema_context(ystad.schema_name):
        assert Need.objects.get(pk=need.pk).status == NeedStatus.OPEN


def test_closing_as_bought_used(ystad):
    need = _register(ystad)

    closed = _close(ystad, need, outcome=NeedStatus.BOUGHT_USED, note="Från Blocket.")

    assert (closed.status, closed.note, closed.booking, closed.deal) == (NeedStatus.BOUGHT_USED, "Från Blocket.",
                                                                           None, None)


def test_closing_as_bought_new_needs_a_reason_and_records_the_search_again(ystad, media):
    # given a need
    need = _register(ystad)
    _own_listing(ystad)  # something turned up after the need was registered

    # when it is closed as bought new without a reason, then with one
    with pytest.raises(NeedError) as refused:
        _close(ystad, need, outcome=NeedStatus.BOUGHT_NEW)
    closed = _close(ystad, need, outcome=NeedStatus.BOUGHT_NEW, reason="requirements", note="Ska tåla 150 kg.")

    # then the first is refused beside the reason; the second keeps the reason and a second search as evidence
    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    assert (closed.status, closed.reason) == (NeedStatus.BOUGHT_NEW, "requirements")
    with schema_context(ystad.schema_name):
        evidence = list(SearchEvidence.objects.filter(need=need).order_by("at", "pk"))
    assert [(e.moment, e.own_matches) for e in evidence] == [("registered", 0), ("bought_new", 1)]


def test_a_need_closed_twice_is_refused_with_a_clear_message(ystad):
    # given a need closed as bought used
    need = _register(ystad)
    _close(ystad, need, outcome=NeedStatus.BOUGHT_USED)

    # when it is closed again, by the service and through the page
    with pytest.raises(NeedError) as refused:
        _close(ystad, need, outcome=NeedStatus.BOUGHT_NEW, reason="nothing_in_time")
    response = client_for(ystad, user_in(ystad, "personal")).post(
        f"/behov/{need.uuid}/stang/", {"outcome": "bought_new", "reason": "nothing_in_time"}, follow=True)

    # then both are refused, saying how and when it was closed, and the need keeps its first outcome
    assert (refused.value.code, refused.value.http_status) == ("already_closed", 409)
    assert "redan stängt som ”Köpt begagnat”" in response.content.decode()
    with schema_context(ystad.schema_name):
        assert Need.objects.get(pk=need.pk).status == NeedStatus.BOUGHT_USED


def test_closing_through_the_page_as_reused(ystad, media):
    # given a need and a handed-over reservation
    listing = _own_listing(ystad)
    need = _register(ystad)
    booking = _reservation(ystad, listing)
    client = client_for(ystad, user_in(ystad, "personal"))

    # when the person closes it on the page, first forgetting which reservation
    forgot = client.post(f"/behov/{need.uuid}/stang/", {"outcome": "reused"})
    done = client.post(f"/behov/{need.uuid}/stang/", {"outcome": "reused", "link": f"b:{booking.uuid}"}, follow=True)

    # then the first answer says what is missing, the second shows the need reused and what met it
    assert forgot.status_code == 400 and "Välj den reservation" in forgot.content.decode()
    page = done.content.decode()
    assert '<dd id="need-status">Återbrukat</dd>' in page and f'href="/annonser/{listing.uuid}/"' in page


# --- the compliance report ----------------------------------------------------------------------------------------


def _report(organisation, local: str = "admin", **query):
    response = client_for(organisation, user_in(organisation, local)).get("/behov/rapport/", query)
    return response


def test_report_figures_recomputed_by_hand(ystad, media):
    # given, in a department of its own: a need reused (two chairs given away), one bought used, one bought new
    # and one open
    unit = _department(ystad)
    listing = _own_listing(ystad)
    reused = _register(ystad, department=unit)
    _close(ystad, reused, outcome=NeedStatus.REUSED, booking=str(_reservation(ystad, listing).uuid))
    _close(ystad, _register(ystad, department=unit, what="Bokhylla"), outcome=NeedStatus.BOUGHT_USED)
    bought = _register(ystad, department=unit, what="Hörselskydd", category=None)
    _close(ystad, bought, outcome=NeedStatus.BOUGHT_NEW, reason="nothing_in_time")
    _register(ystad, department=unit, what="Pärmar")
    chair = _office_chair()

    # when the admin reads the report for that department today
    today = timezone.localdate().isoformat()
    response = _report(ystad, fran=today, till=today, avdelning=unit.pk)

    # then four needs, one of each outcome; a third of the closed ones reused; CO₂e and SEK of two office chairs
    report = response.context["report"]
    total = report.total
    assert (total.needs, total.open, total.reused, total.bought_used, total.bought_new) == (4, 1, 1, 1, 1)
    assert total.share_reused == 33  # 1 of 3 closed
    assert total.impact.co2e == 2 * chair.co2e_per_item  # 2 × 35 kg
    assert total.impact.saved == 2 * chair.reference_price  # given away: nothing paid
    assert [need.what for need in report.purchases] == ["Hörselskydd"]
    page = response.content.decode()
    assert f'id="figure-co2e">{int(2 * chair.co2e_per_item)}<' in page
    assert 'id="figure-share">33 %<' in page and "Inget lämpligt hittades i tid" in page

    # and the CSV says the same
    csv = client_for(ystad, user_in(ystad, "admin")).get(
        "/behov/rapport/csv/", {"fran": today, "till": today, "avdelning": unit.pk}).content.decode("utf-8-sig")
    assert f"Behovsförvaltningen › Behovsenheten;4;1;1;1;1;33;{int(2 * chair.co2e_per_item)};" in csv
    assert "Hörselskydd;Behovsenheten;2;;Inget lämpligt hittades i tid;" in csv


def test_a_loan_meets_a_need_but_saves_no_co2e(ystad):
    # given a need closed as reused by hand with a loan (what decision 0032 counts as use, not an avoided purchase)
    unit = _department(ystad)
    need = _register(ystad, department=unit)
    with schema_context(ystad.schema_name):
        Need.objects.filter(pk=need.pk).update(status=NeedStatus.REUSED, closed_at=timezone.now(),
                                               booking=need.uuid, reused_quantity=2, avoids_purchase=False)
        today = timezone.localdate()
        report = selectors.compliance_report(start=today, end=today, department_ids={unit.pk})
    # then it counts as reused, with no CO₂e
    assert (report.total.reused, report.total.impact.co2e, report.total.share_reused) == (1, 0, 100)


def test_a_period_without_needs_gives_a_sane_report(ystad):
    # when the admin reads a period long before Delbar, and a period ending before it starts
    empty = _report(ystad, fran="2001-01-01", till="2001-12-31")
    backwards = _report(ystad, fran="2001-12-31", till="2001-01-01")

    # then the first shows zeros, no share, and says there were no needs; the second says what is wrong
    assert empty.status_code == 200
    total = empty.context["report"].total
    assert (total.needs, total.share_reused, total.impact.co2e) == (0, None, 0)
    page = empty.content.decode()
    assert 'id="figure-share">–<' in page and "Inga behov registrerades under perioden." in page
    assert backwards.status_code == 200 and "Periodens slut kommer före dess början." in backwards.content.decode()


# --- who sees what ------------------------------------------------------------------------------------------------


def test_managers_see_their_departments_colleagues_only_their_own_and_other_organisations_nothing(ystad, skurup):
    # given a need of "personal" for the manager's department, and one for another department
    manager = user_in(ystad, "chef")
    mine = _register(ystad, department=manager.department)
    elsewhere = _register(ystad, department=_department(ystad))

    def status(organisation, local, path):
        return client_for(organisation, user_in(organisation, local)).get(path).status_code

    # then the manager sees the need of their department, not the other; the admin both
    assert status(ystad, "chef", f"/behov/{mine.uuid}/") == 200
    assert status(ystad, "chef", f"/behov/{elsewhere.uuid}/") == 404
    assert status(ystad, "admin", f"/behov/{elsewhere.uuid}/") == 200
    # and a colleague sees neither someone else's need nor the report
    assert status(ystad, "operator", f"/behov/{mine.uuid}/") == 200  # operators run the service
    colleague = _register(ystad, "operator")
    assert status(ystad, "personal", f"/behov/{colleague.uuid}/") == 404
    assert status(ystad, "personal", "/behov/rapport/") == 404
    # and the manager's report covers only their departments
    today = timezone.localdate().isoformat()
    report = _report(ystad, "chef", fran=today, till=today).context["report"]
    assert {row.department for row in report.departments} == {manager.department.name}
    # (a department not theirs is no choice: refused beside the field, the report stays theirs)
    chosen = _report(ystad, "chef", fran=today, till=today, avdelning=elsewhere.department_id)
    assert "avdelning" in chosen.context["form"].errors
    assert {row.department for row in chosen.context["report"].departments} == {manager.department.name}
    # and another organisation's people get 404 for Ystad's need, at their own host
    assert status(skurup, "admin", f"/behov/{mine.uuid}/") == 404
    assert client_for(skurup, user_in(skurup, "admin")).post(f"/behov/{mine.uuid}/stang/",
                                                             {"outcome": "bought_used"}).status_code == 404


# --- the demo ----------------------------------------------------------------------------------------------------


def test_the_demo_has_needs_of_each_outcome_at_ystad_and_seeding_again_adds_none(ystad):
    # given the demo world
    from demo.needs import seed_demo_needs

    with schema_context(ystad.schema_name):
        before = Need.objects.count()
        outcomes = set(Need.objects.values_list("status", flat=True))
        reused_by = set(Need.objects.filter(status=NeedStatus.REUSED).values_list("deal", flat=True))

        # when it is seeded again
        seed_demo_needs(organisation=ystad)
        after = Need.objects.count()

    # then every outcome is there, reused both through a reservation and through a deal, and nothing was added
    assert outcomes == {"open", "reused", "bought_used", "bought_new"}
    assert None in reused_by and len(reused_by) == 2
    assert after == before
    # and the admin's report for the year so far shows them, with CO₂e saved and the new purchases' reasons
    report = _report(ystad).context["report"]
    assert report.total.reused == 2 and report.total.impact.co2e > 0 and len(report.purchases) == 2


# --- queries flat with the data -----------------------------------------------------------------------------------


def _count(client, path, query=None) -> int:
    client.get(path, query)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, query)
    assert response.status_code == 200, path
    return len(queries)


def test_the_pages_cost_the_same_queries_for_one_need_as_for_many(ystad, skurup, media):
    # given one need of each outcome in a department of its own, counted on each page
    unit = _department(ystad)
    _own_listing(ystad, quantity=20)
    listing = _own_listing(ystad, title=f"{WORD} extra", quantity=40)
    shared_listing(skurup, title=f"Ergonomisk {WORD} Skurup", quantity=2)
    person = user_in(ystad, "personal")
    today = timezone.localdate().isoformat()
    query = {"fran": today, "till": today, "avdelning": unit.pk}

    def one_of_each():
        _close(ystad, _register(ystad, department=unit), outcome=NeedStatus.REUSED,
               booking=str(_reservation(ystad, listing, quantity=1).uuid))
        _close(ystad, _register(ystad, department=unit), outcome=NeedStatus.BOUGHT_USED)
        _close(ystad, _register(ystad, department=unit, what="Hörselskydd"), outcome=NeedStatus.BOUGHT_NEW,
               reason="requirements")
        return _register(ystad, department=unit)

    need = one_of_each()
    client, admin = client_for(ystad, person), client_for(ystad, user_in(ystad, "admin"))
    before = (_count(client, "/behov/"), _count(client, f"/behov/{need.uuid}/"),
              _count(admin, "/behov/rapport/", query), _count(admin, "/behov/rapport/csv/", query))

    # when there are five of each
    for _ in range(4):
        need = one_of_each()
    after = (_count(client, "/behov/"), _count(client, f"/behov/{need.uuid}/"),
             _count(admin, "/behov/rapport/", query), _count(admin, "/behov/rapport/csv/", query))

    # then every page costs the same
    assert after == before
