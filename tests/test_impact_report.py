"""The annual report as PDF (issue 12 part 3, decision 0034): the year's figures, CO₂e and SEK per month and per
department, the counting rules, the factor versions and their sources — in Swedish, with Swedish characters."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import number_format
from pypdf import PdfReader

from .conftest import client_for, user_in
from .test_impact import _hand_over

pytestmark = pytest.mark.django_db


def _report(organisation, language: str = "sv", query: str = ""):
    client = client_for(organisation, user_in(organisation, "personal"))
    client.cookies["delbar_language"] = language
    return client


def _text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_annual_report_states_the_figures_co2e_sek_and_sources_in_swedish(ystad):
    # given three chairs handed over at Ystad this year
    _hand_over(ystad, quantity=3)
    client = _report(ystad)
    page = client.get("/statistik/").context
    year = timezone.localdate().year

    # when the annual report is downloaded in Swedish
    text = _text(client.get(f"/statistik/rapport.pdf?ar={year}"))

    # then it names the organisation and the year, and its figures are the page's
    assert f"Återbruk i Delbar {year}" in text
    assert ystad.name in text
    with_grouping = number_format(page["impact"].avoided.co2e_kg, force_grouping=True)
    assert "kg CO₂e undviks" in text and with_grouping.replace("\xa0", " ") in text.replace("\xa0", " ")
    assert "kr sparade" in text
    assert "Förmedlade saker" in text
    # and the counting rules, the versions used and their sources
    assert "Så räknas det" in text
    assert "Version 1" in text
    for source in ("WRAP", "Coggin", "Inrego"):
        assert source in text
    # and the departments that received
    receiver = user_in(ystad, "chef").department.name
    assert receiver in text


def test_a_year_without_data_gives_a_sane_report(ystad):
    # given a year long before Delbar, which the organisation has no statistics for: the newest is shown
    text = _text(_report(ystad, "en").get("/statistik/rapport.pdf?ar=1999"))
    assert f"Reuse in Delbar {timezone.localdate().year}" in text


def test_the_report_costs_the_same_queries_with_one_handover_or_many(ystad):
    _hand_over(ystad)
    client = _report(ystad)
    client.get("/statistik/rapport.pdf")
    with CaptureQueriesContext(connection) as one:
        client.get("/statistik/rapport.pdf")
    for category in ("Skrivbord", "Soffor och fåtöljer"):
        _hand_over(ystad, quantity=2, category=category)
    with CaptureQueriesContext(connection) as many:
        client.get("/statistik/rapport.pdf")
    assert len(many) == len(one)


def test_a_session_of_another_organisation_gets_no_report(ystad, skurup):
    client = client_for(skurup, user_in(skurup, "personal"))
    ystad_client = client_for(ystad)
    ystad_client.cookies = client.cookies
    response = ystad_client.get("/statistik/rapport.pdf")
    assert response.status_code == 302 and "/konto/login/" in response["Location"]
