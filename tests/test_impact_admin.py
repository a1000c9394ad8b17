"""The organisation's own impact decisions on its host (issue 12, decision 0032): its reference prices per platform
category (organisation admins) and corrections of a listing's items (operators and admins), each with a note,
written through impact.services and shown with the statistics."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from impact.organisation.models import ListingCorrection, PriceOverride

from .conftest import client_for, user_in
from .test_impact import _factor, _hand_over, _impact

pytestmark = pytest.mark.django_db

CHAIRS = "furniture.office_chairs"


def _client(organisation, local: str, language: str = "sv"):
    client = client_for(organisation, user_in(organisation, local))
    client.cookies["delbar_language"] = language
    return client


def _overrides(organisation) -> dict[str, PriceOverride]:
    with schema_context(organisation.schema_name):
        return {o.category_key: o for o in PriceOverride.objects.all()}


def _corrections(organisation) -> dict:
    with schema_context(organisation.schema_name):
        return {c.listing_uuid: c for c in ListingCorrection.objects.all()}


# --- reference prices ---------------------------------------------------------------------------------------------


def test_an_admin_sees_every_category_with_the_platforms_price_and_sets_our_own_with_a_note(ystad):
    # given Ystad's admin on the reference prices page
    client = _client(ystad, "admin")
    page = client.get("/statistik/referenspriser/")
    assert page.status_code == 200
    row = next(r for r in page.context["rows"] if r.key == CHAIRS)
    assert row.factor_price == _factor(CHAIRS).reference_price and row.own is None
    assert "Våra referenspriser" in page.content.decode()

    # when they set 1 800 SEK for office chairs with a note (decimal comma)
    response = client.post(f"/statistik/referenspriser/{CHAIRS}/",
                           {"reference_price": "1800,50", "note": "Vårt ramavtal 2026"})

    # then it is recorded as Ystad's own, with who set it, and the list shows it beside the platform's
    assert response.status_code == 302 and response["Location"] == "/statistik/referenspriser/"
    own = _overrides(ystad)[CHAIRS]
    assert own.reference_price == Decimal("1800.50") and own.note == "Vårt ramavtal 2026"
    assert own.set_by_name == user_in(ystad, "admin").get_full_name()
    body = client.get("/statistik/referenspriser/").content.decode()
    # grouped by thousands, as every number in Swedish (decision 0038)
    assert re.search(r"1\s800,50", body) and "Vårt ramavtal 2026" in body


def test_a_price_without_a_note_or_below_zero_is_refused_with_swedish_messages_beside_the_fields(ystad):
    # given Ystad's admin
    client = _client(ystad, "admin")

    # when they save a negative price without a note
    response = client.post(f"/statistik/referenspriser/{CHAIRS}/", {"reference_price": "-5", "note": "  "})

    # then nothing is saved and each field says what is wrong, in Swedish
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "negativt" in errors["reference_price"][0]
    assert errors["note"] and 'aria-invalid="true"' in response.content.decode()
    assert _overrides(ystad) == {}
    # and a price that is not a number is refused too
    assert client.post(f"/statistik/referenspriser/{CHAIRS}/",
                       {"reference_price": "tusen", "note": "x"}).status_code == 400
    # and an unknown category is no page
    assert client.get("/statistik/referenspriser/inget.sadant/").status_code == 404


def test_clearing_our_price_brings_back_the_platforms_in_the_figures(ystad):
    # given two office chairs handed over, counted at Ystad's own price, 1000 SEK above the platform's
    before, _ = _impact(ystad)
    _hand_over(ystad, quantity=2)
    client = _client(ystad, "admin")
    platform_price = _factor(CHAIRS).reference_price
    client.post(f"/statistik/referenspriser/{CHAIRS}/",
                {"reference_price": str(platform_price + 1000), "note": "Upphandlat pris"})
    with_own, _ = _impact(ystad)
    assert with_own.avoided.saved - before.avoided.saved >= 2 * (platform_price + 1000)

    # when the admin removes it
    response = client.post(f"/statistik/referenspriser/{CHAIRS}/ta-bort/")

    # then the figures count the platform's price again
    assert response.status_code == 302 and _overrides(ystad) == {}
    after, _ = _impact(ystad)
    assert with_own.avoided.saved - after.avoided.saved >= 2 * 1000


def test_only_admins_set_prices_and_other_organisations_never_see_ours(ystad, skurup):
    # given Ystad's own price for office chairs
    _client(ystad, "admin").post(f"/statistik/referenspriser/{CHAIRS}/",
                                 {"reference_price": "999", "note": "Ystads pris"})

    # then operators, managers and staff get 403 on every price page
    for local in ("operator", "chef", "personal"):
        client = _client(ystad, local)
        assert client.get("/statistik/referenspriser/").status_code == 403
        assert client.get(f"/statistik/referenspriser/{CHAIRS}/").status_code == 403
        assert client.post(f"/statistik/referenspriser/{CHAIRS}/ta-bort/").status_code == 403
    assert CHAIRS in _overrides(ystad)
    # and Skurup's admin sees Skurup's prices, not Ystad's, and clearing there leaves Ystad's
    skurup_admin = _client(skurup, "admin")
    row = next(r for r in skurup_admin.get("/statistik/referenspriser/").context["rows"] if r.key == CHAIRS)
    assert row.own is None
    skurup_admin.post(f"/statistik/referenspriser/{CHAIRS}/ta-bort/")
    assert _overrides(ystad)[CHAIRS].note == "Ystads pris"


# --- listing corrections ------------------------------------------------------------------------------------------


def test_an_operator_corrects_a_listings_weight_from_its_page_and_the_statistics_show_it(ystad):
    # given two office chairs handed over, and the operator on the listing's page
    listing = _hand_over(ystad, quantity=2)
    before, _ = _impact(ystad)
    client = _client(ystad, "operator")
    listing_page = client.get(f"/annonser/{listing.uuid}/").content.decode()
    assert f"/statistik/korrigeringar/{listing.uuid}/" in listing_page

    # when they say each chair weighs 30 kg (twice the typical), with a note
    response = client.post(f"/statistik/korrigeringar/{listing.uuid}/",
                           {"kind": "weight", "weight_kg": "30", "note": "Vägda vid utlämning"})

    # then the correction is recorded and the CO₂e follows the weight, counted as corrected on the page
    assert response.status_code == 302 and response["Location"] == "/statistik/korrigeringar/"
    correction = _corrections(ystad)[listing.uuid]
    assert correction.weight_kg == Decimal("30") and not correction.not_bought
    assert correction.listing_title == listing.title
    factor = _factor(CHAIRS)
    after, page = _impact(ystad)
    expected = 2 * Decimal("30") * factor.co2e_per_item / factor.typical_weight_kg
    assert abs((after.avoided.co2e - before.avoided.co2e) - (expected - 2 * factor.co2e_per_item)) < Decimal("0.01")
    assert after.avoided.corrected_items == 2 and "2 saker räknade med en korrigering" in page
    # and the list of corrections shows it with its note
    listed = client.get("/statistik/korrigeringar/").content.decode()
    assert listing.title in listed and "Vägda vid utlämning" in listed and "30 kg per sak" in listed


def test_would_not_have_been_bought_counts_nothing_and_removing_it_counts_again(ystad):
    # given a sofa handed over, corrected by the admin as "would not have been bought"
    sofa = _hand_over(ystad, quantity=1, category="Soffor och fåtöljer")
    before, _ = _impact(ystad)
    client = _client(ystad, "admin")
    response = client.post(f"/statistik/korrigeringar/{sofa.uuid}/",
                           {"kind": "not_bought", "weight_kg": "", "note": "Skulle ha klarat oss utan"})
    assert response.status_code == 302
    corrected, _ = _impact(ystad)
    assert before.avoided.co2e - corrected.avoided.co2e == _factor("furniture.sofas_armchairs").co2e_per_item
    assert corrected.avoided.saved < before.avoided.saved

    # when the correction is removed
    assert client.post(f"/statistik/korrigeringar/{sofa.uuid}/ta-bort/").status_code == 302

    # then the sofa counts again
    again, _ = _impact(ystad)
    assert (again.avoided.co2e, again.avoided.saved) == (before.avoided.co2e, before.avoided.saved)
    assert _corrections(ystad) == {}


def test_a_correction_without_a_note_or_weight_is_refused_in_swedish(ystad):
    # given a chair handed over
    listing = _hand_over(ystad)
    client = _client(ystad, "operator")

    # when a weight correction comes without a weight or a note, and one with no choice at all
    empty = client.post(f"/statistik/korrigeringar/{listing.uuid}/", {"kind": "weight", "note": ""})
    no_choice = client.post(f"/statistik/korrigeringar/{listing.uuid}/", {"note": "x"})
    too_heavy = client.post(f"/statistik/korrigeringar/{listing.uuid}/",
                            {"kind": "weight", "weight_kg": "99999", "note": "fel enhet"})

    # then each is refused beside its field, in Swedish, and nothing is saved
    assert empty.status_code == no_choice.status_code == too_heavy.status_code == 400
    assert "vikt" in empty.context["form"].errors["weight_kg"][0].lower()
    assert empty.context["form"].errors["note"]
    assert "vikt" in no_choice.context["form"].errors["kind"][0].lower()
    assert "högst" in too_heavy.context["form"].errors["weight_kg"][0]
    assert _corrections(ystad) == {}


def test_staff_and_managers_get_403_and_other_organisations_404_for_corrections(ystad, skurup):
    # given a listing of Ystad handed over
    listing = _hand_over(ystad)
    path = f"/statistik/korrigeringar/{listing.uuid}/"

    # then staff and managers may not correct, and see no link on the listing's page
    for local in ("personal", "chef"):
        client = _client(ystad, local)
        assert client.get("/statistik/korrigeringar/").status_code == 403
        assert client.get(path).status_code == 403
        assert client.post(path, {"kind": "not_bought", "note": "x"}).status_code == 403
        assert client.post(path + "ta-bort/").status_code == 403
        assert "/statistik/korrigeringar/" not in client.get(f"/annonser/{listing.uuid}/").content.decode()
    # and Skurup's admin and operator get 404 for Ystad's listing, at their own host, and change nothing
    for local in ("admin", "operator"):
        client = _client(skurup, local)
        assert client.get(path).status_code == 404
        assert client.post(path, {"kind": "not_bought", "note": "x"}).status_code == 404
        assert client.post(path + "ta-bort/").status_code == 404
    assert _corrections(ystad) == {} and _corrections(skurup) == {}


# --- links and queries --------------------------------------------------------------------------------------------


def test_the_statistics_and_settings_pages_link_the_pages_for_those_who_may_use_them(ystad):
    # when the admin, the operator and a member of staff open the statistics page
    admin = _client(ystad, "admin").get("/statistik/").content.decode()
    operator = _client(ystad, "operator").get("/statistik/").content.decode()
    staff = _client(ystad, "personal").get("/statistik/").content.decode()

    # then each sees the links they may follow
    assert "/statistik/referenspriser/" in admin and "/statistik/korrigeringar/" in admin
    assert "/statistik/referenspriser/" not in operator and "/statistik/korrigeringar/" in operator
    assert "/statistik/referenspriser/" not in staff and "/statistik/korrigeringar/" not in staff
    # and the settings page links both
    settings_page = _client(ystad, "admin").get("/installningar/").content.decode()
    assert "/statistik/referenspriser/" in settings_page and "/statistik/korrigeringar/" in settings_page


def _count(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def test_the_pages_cost_the_same_queries_for_one_decision_as_for_many(ystad):
    # given one override and one correction, counted on each page
    listings = [_hand_over(ystad) for _ in range(4)]
    client = _client(ystad, "admin")
    keys = [CHAIRS, "furniture.desks", "furniture.sofas_armchairs", "furniture.storage"]
    client.post(f"/statistik/referenspriser/{keys[0]}/", {"reference_price": "100", "note": "n"})
    client.post(f"/statistik/korrigeringar/{listings[0].uuid}/", {"kind": "not_bought", "note": "n"})
    paths = ["/statistik/referenspriser/", f"/statistik/referenspriser/{CHAIRS}/", "/statistik/korrigeringar/",
             f"/statistik/korrigeringar/{listings[0].uuid}/"]
    one = [_count(client, path) for path in paths]

    # when there are four of each
    for key in keys[1:]:
        client.post(f"/statistik/referenspriser/{key}/", {"reference_price": "100", "note": "n"})
    for listing in listings[1:]:
        client.post(f"/statistik/korrigeringar/{listing.uuid}/", {"kind": "weight", "weight_kg": "3", "note": "n"})
    assert len(_overrides(ystad)) == 4 and len(_corrections(ystad)) == 4

    # then every page costs the same queries
    assert [_count(client, path) for path in paths] == one
