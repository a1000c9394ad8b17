"""Impact (issue 12 parts 1–2, decision 0032): factors with sources in versions, the counting rules, and the figures
on the statistics page, the network page and the public home page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_tenants.utils import schema_context

from bookings import services as booking_services
from bookings.models import Booking
from exchange.models import Deal
from impact import services
from impact.errors import ImpactError
from impact.models import Factor, FactorVersion
from reports.impact import platform_impact

from .catalog_factories import make_listing
from .conftest import client_for, user_in

pytestmark = pytest.mark.django_db


# --- helpers ---------------------------------------------------------------------------------------------------------


def _impact(organisation, local: str = "personal", year: int | None = None):
    path = "/statistik/" + (f"?ar={year}" if year else "")
    response = client_for(organisation, user_in(organisation, local)).get(path)
    assert response.status_code == 200
    return response.context["impact"], response.content.decode()


def _hand_over(organisation, *, quantity: int = 1, category: str = "Kontorsstolar", **details):
    """A listing posted by the organisation's 'personal', reserved by its 'chef' and handed over now."""
    with schema_context(organisation.schema_name):
        author, receiver = user_in(organisation, "personal"), user_in(organisation, "chef")
        listing = make_listing(author=author, category_name=category, quantity=quantity, **details)
        booking = booking_services.reserve_listing(listing=listing, by=receiver, quantity=quantity, notify=False)
        booking_services.confirm_handover(booking=booking, by=author)
        return listing


def _factor(key: str, number: int | None = None) -> Factor:
    versions = FactorVersion.objects.filter(published_at__isnull=False)
    version = versions.get(number=number) if number else versions.order_by("-valid_from").first()
    return Factor.objects.get(version=version, category_key=key)


def _factor_at(key: str, at) -> Factor:
    """By hand: the factor of ``key`` in the published version with the latest start at or before ``at``."""
    versions = sorted(FactorVersion.objects.filter(published_at__isnull=False), key=lambda v: v.valid_from)
    version = [v for v in versions if v.valid_from <= at][-1]
    return Factor.objects.select_related("version").get(version=version, category_key=key)


def _new_version(by, **changes) -> FactorVersion:
    draft = services.draft_version(by=by)
    for key, co2e in changes.items():
        factor = Factor.objects.get(version=draft, category_key=key.replace("__", "."))
        services.set_factor(version=draft, **{name: getattr(factor, name) for name in services.FACTOR_FIELDS
                                              if name != "co2e_per_item"}, co2e_per_item=co2e)
    return services.publish_version(version=draft, by=by, note="Nya siffror för test")


# --- the factor table ---------------------------------------------------------------------------------------------


def test_version_one_covers_every_platform_category_with_a_source():
    # given the migrated factor table
    from taxonomy import selectors as taxonomy

    # when version 1 is read
    version = FactorVersion.objects.get(number=1)
    factors = {f.category_key: f for f in version.factors.all()}

    # then it is published, covers every key of the tree, and each factor names a source, a year and a method
    assert version.is_published
    assert set(factors) == set(taxonomy.labels())
    assert all(f.source.strip() and f.source_year and f.method.strip() and f.price_source.strip()
               for f in factors.values())
    # and the published figures are those of their sources
    assert {key: factors[key].co2e_per_item for key in (
        "furniture.office_chairs", "furniture.sofas_armchairs", "furniture.desks", "furniture.storage",
        "it.monitors", "it.computers", "it.phones_tablets")} == {
        "furniture.office_chairs": 35, "furniture.sofas_armchairs": 55, "furniture.desks": 35,
        "furniture.storage": 50, "it.monitors": 520, "it.computers": 280, "it.phones_tablets": 55}
    assert "WRAP" in factors["furniture.office_chairs"].source
    assert "Inrego" in factors["it.monitors"].source


def test_a_published_version_cannot_be_changed_even_by_sql():
    # given version 1, published
    factor = _factor("furniture.office_chairs", 1)

    # when anyone changes its factor or the version directly, then the database refuses
    with pytest.raises(IntegrityError), transaction.atomic():
        Factor.objects.filter(pk=factor.pk).update(co2e_per_item=99)
    with pytest.raises(IntegrityError), transaction.atomic():
        FactorVersion.objects.filter(number=1).update(note="omskrivet")
    with pytest.raises(IntegrityError), transaction.atomic():
        Factor.objects.create(version=factor.version, category_key="x", co2e_per_item=1, typical_weight_kg=1,
                              reference_price=1, source="s", source_year=2020, price_source="p", method="m")
    # and the service says why, in Swedish
    with translation.override("sv"), pytest.raises(ImpactError) as refused:
        services.set_factor(version=factor.version, category_key="furniture.office_chairs", co2e_per_item=40,
                            typical_weight_kg=12, reference_price=4500, source="WRAP", source_year=2011,
                            price_source="Adda", method="m")
    assert refused.value.code == "version_published"
    assert "publicerad" in str(refused.value.message)


@pytest.mark.parametrize(("values", "field", "words"), [
    ({"source": "  "}, "source", "källa"),
    ({"co2e_per_item": "-3"}, "co2e_per_item", "negativ"),
    ({"co2e_per_item": "72000"}, "co2e_per_item", "5\u00a0000"),
    ({"reference_price": "-1"}, "reference_price", "negativt"),
    ({"typical_weight_kg": "0"}, "typical_weight_kg", "0 kg"),
    ({"category_key": "furniture.rockets"}, "category_key", "kategori"),
    ({"method": ""}, "method", "härletts"),
], ids=["no-source", "negative", "absurd", "negative-price", "no-weight", "unknown-key", "no-method"])
def test_bad_factors_are_refused_with_a_swedish_message_beside_the_field(values, field, words):
    # given a draft version
    draft = services.draft_version(by=None)
    good = {"category_key": "furniture.office_chairs", "co2e_per_item": "35", "typical_weight_kg": "12",
            "reference_price": "4500", "source": "WRAP (2011)", "source_year": 2011, "price_source": "Adda",
            "method": "Publicerad siffra."}

    # when a factor with one bad value is saved
    with translation.override("sv"), pytest.raises(ImpactError) as refused:
        services.set_factor(version=draft, **{**good, **values})

    # then it is refused, the message is beside the field, in Swedish, and nothing changed
    assert set(refused.value.fields) == {field}
    assert words in str(refused.value.fields[field])
    assert Factor.objects.get(version=draft, category_key="furniture.office_chairs").co2e_per_item == 35


def test_the_database_refuses_a_factor_without_a_source_or_out_of_bounds():
    # given a draft version
    draft = services.draft_version(by=None)
    row = {"version": draft, "category_key": "nytt", "co2e_per_item": 1, "typical_weight_kg": 1,
           "reference_price": 1, "source": "S", "source_year": 2020, "price_source": "P", "method": "M"}
    # when code that skips the service writes one, then the check constraints refuse it
    for bad in ({"source": " "}, {"co2e_per_item": -1}, {"co2e_per_item": 5001}, {"reference_price": -1}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Factor.objects.create(**{**row, **bad})


# --- the figures on the statistics page ----------------------------------------------------------------------------


def test_the_demo_figures_match_a_recomputation_by_hand_from_the_factor_table(ystad):
    # given Ystad's demo handovers inside the organisation, in the year of the latest one
    with schema_context(ystad.schema_name):
        handed = list(Booking.objects.filter(kind="reservation", deal__isnull=True, handed_over_at__isnull=False)
                      .exclude(status__in=["cancelled", "lapsed"]).select_related("listing__category")
                      .order_by("-handed_over_at"))
        from django.utils import timezone
        year = timezone.localtime(handed[0].handed_over_at).year
        rows = [b for b in handed if timezone.localtime(b.handed_over_at).year == year]
    assert len(rows) >= 3

    # when the figures are computed by hand: quantity × factor, and quantity × (reference price − price paid), each
    # item by the factor version in force when it was handed over (the demo publishes version 2 mid-year)
    co2e, saved, used = Decimal("0"), Decimal("0"), set()
    for booking in rows:
        factor = _factor_at(booking.listing.category.platform_key, booking.handed_over_at)
        used.add(factor.version.number)
        paid = booking.listing.price if booking.listing.offer_type == "sell" else Decimal("0")
        co2e += booking.quantity * factor.co2e_per_item
        saved += booking.quantity * max(factor.reference_price - (paid or 0), Decimal("0"))
    start, end = (timezone.datetime(year, 1, 1, tzinfo=timezone.get_current_timezone()),
                  timezone.datetime(year + 1, 1, 1, tzinfo=timezone.get_current_timezone()))
    for deal in Deal.objects.filter(requester=ystad, status__in=["handed_over", "out", "returned"],
                                    offer_type__in=["give_away", "sell"], handed_over_at__gte=start,
                                    handed_over_at__lt=end):
        factor = _factor_at(deal.category_key, deal.handed_over_at)
        used.add(factor.version.number)
        co2e += deal.quantity * factor.co2e_per_item
        saved += deal.quantity * max(factor.reference_price - (deal.unit_price or 0), Decimal("0"))

    # then Ystad's statistics page shows the same, naming the versions used: both, in the demo
    impact, page = _impact(ystad, year=year)
    assert impact.avoided.co2e == co2e
    assert impact.avoided.saved == saved
    assert impact.versions == sorted(used) == [1, 2]
    # grouped by thousands as Swedish writes them (decision 0038): 5 322
    assert f'id="figure-co2e">{int(co2e):,}<'.replace(",", "\u00a0") in page
    assert f'id="figure-saved">{int(saved):,}<'.replace(",", "\u00a0") in page
    assert 'href="/metod/"' in page


def test_a_new_version_never_changes_past_figures_and_counts_later_handovers(ystad):
    # given two office chairs handed over under version 1
    _hand_over(ystad, quantity=2)
    before, _ = _impact(ystad)
    admin = None

    # when version 2 is published with 100 kg per office chair
    version = _new_version(admin, furniture__office_chairs=Decimal("100"))

    # then this year's figures are unchanged, still naming the versions they used
    after, _ = _impact(ystad)
    assert (after.avoided.co2e, after.avoided.saved) == (before.avoided.co2e, before.avoided.saved)
    assert after.versions == before.versions
    assert version.number not in after.versions
    # and a chair handed over afterwards counts 100 kg under version 2, and the page names both versions
    _hand_over(ystad, quantity=1)
    later, page = _impact(ystad)
    assert later.avoided.co2e - after.avoided.co2e == Decimal("100")
    assert later.versions == sorted({*before.versions, version.number})
    listed = ", ".join(str(number) for number in later.versions)
    assert f"Faktorversionerna {listed}" in page or f"Factor versions {listed}" in page


def test_a_price_override_and_listing_corrections_apply_and_are_shown(ystad):
    # given three listings handed over: two office chairs, one sofa, one desk
    chairs = _hand_over(ystad, quantity=2)
    sofa = _hand_over(ystad, quantity=1, category="Soffor och fåtöljer")
    desk = _hand_over(ystad, quantity=1, category="Skrivbord")
    before, _ = _impact(ystad)
    chair, sofa_factor, desk_factor = (_factor("furniture.office_chairs"), _factor("furniture.sofas_armchairs"),
                                       _factor("furniture.desks"))

    # when Ystad sets its own office-chair price, says the sofa would not have been bought, and weighs the desk
    with schema_context(ystad.schema_name):
        admin = user_in(ystad, "admin")
        services.set_price_override(category_key="furniture.office_chairs", reference_price="3000",
                                    note="Vårt ramavtalspris", by=admin)
        services.correct_listing(listing_uuid=sofa.uuid, listing_title=sofa.title, not_bought=True,
                                 note="Ersatte ingenting", by=admin)
        services.correct_listing(listing_uuid=desk.uuid, listing_title=desk.title, weight_kg="20",
                                 note="Litet skrivbord", by=admin)
    after, page = _impact(ystad)

    # then every office chair handed over this year saves Ystad's price instead of the platform's (of the version
    # in force when it was handed over), the sofa saves nothing, and the desk weighs half its typical weight in CO₂e
    from bookings import selectors as booking_selectors
    from catalog.selectors import statistics_period
    with schema_context(ystad.schema_name):
        start, end = statistics_period(year=after.year)
        chairs_this_year = list(booking_selectors.items_mediated(start=start, end=end).filter(
            platform_key="furniture.office_chairs").values_list("quantity", "handed_over_at"))
    assert sum(quantity for quantity, _at in chairs_this_year) >= 2
    platform_prices_replaced = sum(
        quantity * (Decimal("3000") - _factor_at("furniture.office_chairs", at).reference_price)
        for quantity, at in chairs_this_year)
    assert chair.reference_price == _factor_at("furniture.office_chairs", chairs.created_at).reference_price
    assert after.avoided.saved - before.avoided.saved == platform_prices_replaced - sofa_factor.reference_price
    desk_half = desk_factor.co2e_per_item * 20 / desk_factor.typical_weight_kg
    assert after.avoided.co2e - before.avoided.co2e == (
        -sofa_factor.co2e_per_item - desk_factor.co2e_per_item + desk_half)
    # and the page says that two items were counted with a correction
    assert after.avoided.corrected_items - before.avoided.corrected_items == 2
    assert "räknade med en korrigering" in page
    assert chairs.uuid  # the chairs themselves are uncorrected


@pytest.mark.parametrize(("call", "field"), [
    ({"note": " ", "not_bought": True}, "note"),
    ({"note": "x", "weight_kg": "-2"}, "weight_kg"),
    ({"note": "x"}, "weight_kg"),
    ({"note": "x", "weight_kg": "3", "not_bought": True}, "weight_kg"),
])
def test_a_correction_needs_a_note_and_either_a_weight_or_not_bought(ystad, call, field):
    with schema_context(ystad.schema_name), translation.override("sv"), pytest.raises(ImpactError) as refused:
        services.correct_listing(listing_uuid="00000000-0000-0000-0000-000000000001", by=None, **call)
    assert set(refused.value.fields) == {field}


def test_the_statistics_page_costs_the_same_queries_with_one_handover_or_many(ystad):
    # given one handover this year
    _hand_over(ystad)
    client = client_for(ystad, user_in(ystad, "personal"))
    client.get("/statistik/")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/statistik/").status_code == 200
    # when six more, of other kinds, corrected and priced by the organisation
    for category in ("Skrivbord", "Soffor och fåtöljer", "Kontorsstolar"):
        listing = _hand_over(ystad, quantity=2, category=category)
    with schema_context(ystad.schema_name):
        services.correct_listing(listing_uuid=listing.uuid, weight_kg="5", note="lätt", by=None)
        services.set_price_override(category_key="furniture.desks", reference_price="5000", note="avtal", by=None)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/statistik/").status_code == 200
    # then the page costs as many queries
    assert len(many) == len(one)


# --- the methodology page, the network page and the public site --------------------------------------------------


@pytest.mark.parametrize(("language", "heading", "rule"), [
    ("sv", "Så räknar Delbar koldioxid och pengar", "räknas som ett undvikt nyköp"),
    ("en", "How Delbar counts CO₂e and money saved", "is counted as one new purchase avoided"),
])
def test_the_methodology_page_states_the_rules_and_sources_in_swedish_and_english(ystad, language, heading, rule):
    for client in (Client(HTTP_HOST="localhost"), client_for(ystad)):
        # given anyone, on the public site or an organisation's host, in the language chosen
        client.cookies["delbar_language"] = language
        # when they open the methodology page
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/metod/")
        # then it states the rules and lists every source of the factor table, in few queries
        page = response.content.decode()
        assert response.status_code == 200
        assert heading in page and rule in page
        for source in ("WRAP (2011)", "Coggin", "Inrego", "RISE"):
            assert source in page
        assert 'id="factor-furniture.office_chairs"' in page
        assert len(queries) <= 6


def test_an_unknown_version_on_the_methodology_page_is_a_404():
    assert Client(HTTP_HOST="localhost").get("/metod/?version=99").status_code == 404


def test_the_public_home_page_shows_the_platform_totals(ystad):
    # given the platform's totals as computed now, and one more chair handed over at Ystad
    before = platform_impact(cached=False).total
    _hand_over(ystad, quantity=1)
    connection.set_schema_to_public()

    # when the public ledger is refreshed for Ystad (as every night) and the home page read (computed afresh)
    from django.core.cache import cache

    from reports.services import refresh_impact_ledger
    refresh_impact_ledger(organisation=ystad)

    from reports.impact import PLATFORM_CACHE_KEY
    cache.delete(PLATFORM_CACHE_KEY)
    response = Client(HTTP_HOST="localhost").get("/")

    # then it shows one more item and an office chair's CO₂e more, and links to the methodology
    impact = response.context["impact"]
    assert impact.items == before.items + 1
    assert impact.co2e - before.co2e == _factor("furniture.office_chairs").co2e_per_item
    page = response.content.decode()
    assert f'id="platform-co2e">{impact.co2e_kg}<' in page
    assert 'href="/metod/"' in page
