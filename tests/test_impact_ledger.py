"""The public ledger of the organisations' figures, the join arithmetic of impact's sums, and the demo's second
factor version (issue 12; decision 0035)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models.functions import ExtractMonth
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from bookings import selectors as bookings
from catalog import selectors as catalog
from impact import services
from impact.errors import ImpactError
from impact.models import FactorVersion, OrganisationMonth
from reports import ledger
from reports.impact import mediated_rows, open_data, platform_impact
from reports.services import refresh_impact_ledger
from tenants.periodic import registered_jobs
from tenants.services import OrganisationDetails, provision_organisation

from .conftest import user_in
from .test_impact import _factor, _hand_over

pytestmark = pytest.mark.django_db


def _reads(function) -> int:
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as queries:
        function()
    return sum(not q["sql"].startswith("SET search_path") for q in queries.captured_queries)


def test_platform_totals_and_open_data_cost_the_same_queries_with_more_organisations(ystad):
    # given the platform's figures computed with the demo's organisations
    few_totals = _reads(lambda: platform_impact(cached=False))
    few_open = _reads(lambda: open_data(cached=False))

    # when three more organisations exist, with their rows in the ledger
    for n in range(3):
        provision_organisation(details=OrganisationDetails(
            name=f"Kommun {n}", slug=f"kommun-{n}", kind="municipality",
            organisation_number=["212000-1173", "212000-1157", "212000-1181"][n],
        ))
    refreshed = ledger.refresh_all()
    connection.set_schema_to_public()

    # then computing them costs as many queries: two for the totals, three for the open data
    assert refreshed >= 6
    assert _reads(lambda: platform_impact(cached=False)) == few_totals == 2
    assert _reads(lambda: open_data(cached=False)) == few_open == 3


def test_a_handover_counts_in_the_public_figures_once_the_ledger_is_refreshed_which_says_as_of_when(ystad):
    # given the platform's totals as the ledger holds them
    before = platform_impact(cached=False)
    assert before.as_of is not None

    # when a chair is handed over at Ystad
    _hand_over(ystad, quantity=1)
    connection.set_schema_to_public()

    # then the totals do not count it until Ystad's row is refreshed (at night, or on demand) ...
    assert platform_impact(cached=False).total.items == before.total.items
    refresh_impact_ledger(organisation=ystad)
    connection.set_schema_to_public()
    after = platform_impact(cached=False)
    # ... and then they do, with an office chair's CO₂e, as of the refresh
    assert after.total.items == before.total.items + 1
    assert after.total.co2e - before.total.co2e == _factor("furniture.office_chairs").co2e_per_item
    assert after.as_of >= before.as_of


def test_the_ledger_holds_what_the_organisation_computes_itself_per_month(ystad):
    # given Ystad's ledger rows, refreshed now
    refresh_impact_ledger(organisation=ystad)
    connection.set_schema_to_public()
    rows = list(OrganisationMonth.objects.filter(organisation_id=ystad.pk))

    # when its figures are computed in its schema over all time, at the platform's prices
    with schema_context(ystad.schema_name):
        far_past, far_future = catalog.statistics_period(year=2000)[0], catalog.statistics_period(year=9998)[1]
        direct = mediated_rows(bookings.items_mediated(start=far_past, end=far_future)).sums().get(())
        posted = sum(catalog.posted_by_year().values())

    # then the ledger's months add up to the same
    assert sum(row.items_mediated for row in rows) == direct.items > 0
    assert sum(row.co2e_kg for row in rows) == direct.co2e
    assert sum(row.sek_saved for row in rows) == direct.saved
    assert sum(row.listings_posted for row in rows) == posted
    assert set().union(*(row.factor_versions for row in rows)) == direct.versions
    assert len({row.month.day for row in rows}) == 1 and rows[0].month.day == 1


def test_the_nightly_job_refreshes_an_organisations_rows(ystad):
    # given the ledger job registered with the organisations' daily jobs, and Ystad's rows removed
    jobs = {job.name: job for job in registered_jobs()}
    assert "reports.impact_ledger" in jobs
    OrganisationMonth.objects.filter(organisation_id=ystad.pk).delete()

    # when it runs for Ystad, as the dispatcher runs it
    with schema_context(ystad.schema_name):
        jobs["reports.impact_ledger"].function(organisation=ystad, local_date=timezone.localdate())

    # then Ystad has its months again
    assert OrganisationMonth.objects.filter(organisation_id=ystad.pk, items_mediated__gt=0).exists()


def test_the_sums_by_joins_equal_the_per_row_figures_with_corrections_and_own_prices(ystad):
    # given at Ystad a corrected listing (another weight), one "would not have been bought", and its own price
    admin = user_in(ystad, "admin")
    heavy = _hand_over(ystad, quantity=2, category="Skrivbord")
    never = _hand_over(ystad, quantity=1, category="Soffor och fåtöljer")
    with schema_context(ystad.schema_name):
        services.correct_listing(listing_uuid=heavy.uuid, listing_title=heavy.title, weight_kg=Decimal("55"),
                                 not_bought=False, note="Tyngre skrivbord", by=admin)
        services.correct_listing(listing_uuid=never.uuid, listing_title=never.title, weight_kg=None,
                                 not_bought=True, note="Hade inte köpts", by=admin)
        services.set_price_override(category_key="furniture.office_chairs", reference_price=Decimal("3990"),
                                    note="Vårt avtalspris", by=admin)
        rows = mediated_rows(bookings.items_mediated(start=timezone.now() - timedelta(days=400),
                                                     end=timezone.now() + timedelta(days=1))
                             .annotate(m=ExtractMonth("handed_over_at")), own_prices=True)

        # when they are summed per month by the joins, and per row by the subqueries
        summed = rows.sums(group_by=("m",))
        by_row: dict[int, list] = {}
        for row in rows.annotated():
            figures = by_row.setdefault(row.m, [0, Decimal("0"), Decimal("0"), 0, set()])
            figures[0] += row.quantity
            figures[1] += row.impact_co2e
            figures[2] += row.impact_saved
            figures[3] += row.quantity if row.impact_corrected else 0
            figures[4] |= {row.impact_version} if row.impact_version else set()

    # then both agree, month by month, corrections and versions included
    assert {month: (f.items, f.co2e, f.saved, f.corrected_items, f.versions) for (month,), f in summed.items()} == {
        month: tuple(figures) for month, figures in by_row.items()}
    assert sum(f.corrected_items for f in summed.values()) >= 3


def test_the_demo_publishes_a_second_version_mid_year_which_the_methodology_page_lists(ystad):
    # given the demo's published versions
    versions = list(FactorVersion.objects.filter(published_at__isnull=False).order_by("number"))

    # then version 2 is in force from this year, after version 1, and changes prices, not CO₂e figures
    assert [v.number for v in versions[:2]] == [1, 2]
    second = versions[1]
    assert second.valid_from.year == timezone.localdate().year and second.valid_from <= timezone.now()
    assert "Demo" in second.note
    first_factors = {f.category_key: f for f in versions[0].factors.all()}
    changed = [f for f in second.factors.all()
               if f.reference_price != first_factors[f.category_key].reference_price]
    assert {f.category_key for f in changed} == {"furniture.office_chairs", "furniture.desks", "it.monitors"}
    assert all(f.co2e_per_item == first_factors[f.category_key].co2e_per_item for f in second.factors.all())
    assert all("reviewed" in f.price_source for f in changed)
    # and the methodology page lists both
    page = Client(HTTP_HOST="localhost").get("/metod/").content.decode()
    assert "?version=1" in page and "?version=2" in page


def test_a_version_cannot_be_published_in_the_future_or_before_the_newest(ystad):
    # given a draft
    draft = services.draft_version(by=None)
    newest = FactorVersion.objects.filter(published_at__isnull=False).order_by("-valid_from").first()

    # when it is published tomorrow, or before the newest version, then it is refused
    for at in (timezone.now() + timedelta(days=1), newest.valid_from - timedelta(days=1)):
        with pytest.raises(ImpactError) as refused:
            services.publish_version(version=draft, by=None, note="Test", at=at)
        assert refused.value.code == "bad_publication_time"
