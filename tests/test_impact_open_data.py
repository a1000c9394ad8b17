"""Open data of impact (issue 12 part 3, decision 0034): aggregates per organisation and year on the public host,
no personal data, cached."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.impact import OPEN_DATA_CACHE_KEY
from reports.services import refresh_impact_ledger

from .conftest import user_in
from .test_impact import _factor, _hand_over

pytestmark = pytest.mark.django_db


def _read() -> tuple[dict, int]:
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as queries:
        response = Client(HTTP_HOST="localhost").get("/oppna-data/effekt.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    # Statements that read, not the search_path switches, which depend on the schema the connection was left in
    # (decision 0004).
    return json.loads(response.content), sum(not q["sql"].startswith("SET search_path")
                                             for q in queries.captured_queries)


def _ystad_this_year(data, ystad) -> dict:
    year = timezone.localdate().year
    return next(row for row in data["organisations"] if row["slug"] == ystad.slug and row["year"] == year)


def test_the_open_data_counts_a_chair_for_its_organisation_and_names_no_one(ystad):
    # given the open data as it is, and then one more chair handed over at Ystad
    cache.delete(OPEN_DATA_CACHE_KEY)
    data, _ = _read()
    before, before_as_of = _ystad_this_year(data, ystad), data["as_of"]
    _hand_over(ystad, quantity=1)
    cache.delete(OPEN_DATA_CACHE_KEY)

    # when Ystad's figures are copied to the public ledger (as every night) and the open data read afresh
    refresh_impact_ledger(organisation=ystad)
    data, _ = _read()
    after = _ystad_this_year(data, ystad)

    # then Ystad's row this year has one more item and an office chair's CO₂e more, with the versions used
    assert after["items_mediated"] == before["items_mediated"] + 1
    assert after["co2e_kg"] == pytest.approx(before["co2e_kg"] + float(_factor("furniture.office_chairs")
                                                                       .co2e_per_item), abs=0.1)
    assert after["factor_versions"] == [1, 2]  # the demo's version 2 is in force from mid-year
    assert data["as_of"] >= before_as_of
    assert data["methodology"].endswith("/metod/")
    # and no person is in it: no e-mail address, no staff member's name
    text = json.dumps(data, ensure_ascii=False)
    assert "@" not in text
    for local in ("personal", "chef", "admin"):
        assert user_in(ystad, local).get_full_name() not in text


def test_the_open_data_is_read_from_the_cache_and_costs_the_same_with_more_data(ystad):
    # given the open data computed once
    cache.delete(OPEN_DATA_CACHE_KEY)
    _read()
    # when it is read again, then it costs no query
    _, cached = _read()
    assert cached == 0
    # and computed afresh, it costs as many queries with one more handover of each of three kinds
    cache.delete(OPEN_DATA_CACHE_KEY)
    _, one = _read()
    for category in ("Skrivbord", "Soffor och fåtöljer", "Kontorsstolar"):
        _hand_over(ystad, quantity=2, category=category)
    refresh_impact_ledger(organisation=ystad)
    cache.delete(OPEN_DATA_CACHE_KEY)
    _, many = _read()
    assert many == one
