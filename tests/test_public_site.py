"""The public site on the root domain (issue 11 part 1, decision 0055): its pages in Swedish and English, the live
figures, plans and prices with card payment only when Stripe is configured, how data is kept, contact, and "find
your organisation" — a search, never a list of every customer."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from billing.selectors import plans
from reports.impact import PLATFORM_CACHE_KEY, platform_impact
from tenants.models import Organisation, OrganisationStatus
from tenants.selectors import active_organisations
from tenants.services import set_status

from .conftest import client_for

pytestmark = pytest.mark.django_db

PAGES = {
    "/": ("Delbar – dela innan du köper", "Delbar – share before you buy"),
    "/sa-fungerar-det/": ("Så fungerar Delbar", "How Delbar works"),
    "/priser/": ("Abonnemang och priser", "Plans and prices"),
    "/data-och-sakerhet/": ("Data och säkerhet", "Data and security"),
    "/kontakt/": ("Kontakta oss", "Contact us"),
    "/hitta-organisation/": ("Hitta er organisation", "Find your organisation"),
}


def _client(language: str = "sv") -> Client:
    client = Client(HTTP_HOST="localhost")
    client.cookies["delbar_language"] = language
    return client


def _h1(page: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1).strip()


def _more_active_organisations(n: int, *, start: int = 0, name: str = "Provkommun") -> None:
    """Organisation rows only (no schema): the public site reads nothing inside an organisation."""
    for i in range(start, start + n):
        Organisation.objects.create(name=f"{name} {i}", slug=f"prov-{i}", schema_name=f"org_prov_{i}",
                                    kind="municipality", organisation_number=f"9{i:05d}-0000",
                                    status=OrganisationStatus.ACTIVE)


def _queries(client: Client, path: str) -> int:
    cache.delete(PLATFORM_CACHE_KEY)  # the home page's impact computed afresh each time: the worst case
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


# ------------------------------------------------------------------------------------------------- every page


@pytest.mark.parametrize("path", list(PAGES))
@pytest.mark.parametrize("language", ["sv", "en"])
def test_each_page_renders_in_swedish_and_in_english_with_the_public_menu(path, language):
    # when
    response = _client(language).get(path)

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in page
    assert _h1(page) == PAGES[path][0 if language == "sv" else 1]
    for other in PAGES:  # the menu links every page, the current one marked
        assert f'href="{other}"' in page
    assert re.search(rf'href="{re.escape(path)}" aria-current="page"', page)


@pytest.mark.parametrize("path", list(PAGES))
def test_no_page_grows_in_queries_with_the_number_of_organisations(path):
    # given
    client = _client()
    path = path + ("?q=kommun" if path == "/hitta-organisation/" else "")
    _more_active_organisations(1)
    few = _queries(client, path)

    # when
    _more_active_organisations(12, start=1)

    # then
    assert _queries(client, path) == few
    assert few <= 4, path


@pytest.mark.parametrize("path", list(PAGES))
def test_the_public_pages_are_not_served_on_an_organisations_host(ystad, path):
    if path == "/":
        pytest.skip("an organisation's own home page")
    assert client_for(ystad).get(path).status_code == 404


# ----------------------------------------------------------------------------------------------- the home page


def test_the_home_page_shows_the_live_figures_and_no_list_of_organisations():
    # given the platform's figures as its selectors give them
    cache.delete(PLATFORM_CACHE_KEY)
    impact = platform_impact(cached=False).total
    active = active_organisations().count()

    # when
    page = _client().get("/").content.decode()

    # then every figure is the platform's own
    assert f'id="platform-organisations">{active}<' in page
    assert f'id="platform-items">{impact.items}<' in page
    assert f'id="platform-co2e">{impact.co2e_kg}<' in page
    assert f'id="platform-saved">{impact.saved_sek}<' in page
    assert "organisationer på Delbar" in page
    # and no organisation is listed, nor linked to
    for organisation in active_organisations():
        assert organisation.name not in page
        assert f"//{organisation.slug}." not in page
    assert 'href="/anslut/"' in page and "Anslut er organisation" in page
    assert page.count(">Anslut er organisation<") == 1  # the sign-up journey's first step clicks the one link


def test_a_new_organisation_counts_at_once_and_a_suspended_one_does_not(skurup):
    # given
    before = active_organisations().count()

    # when one more is active and Skurup is suspended
    _more_active_organisations(1)
    set_status(organisation=skurup, status=OrganisationStatus.SUSPENDED)

    # then
    assert f'id="platform-organisations">{before}<' in _client().get("/").content.decode()


# ---------------------------------------------------------------------------------------- find your organisation


def _find(query: str | None, *, language: str = "sv", htmx: bool = False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return _client(language).get("/hitta-organisation/", {} if query is None else {"q": query}, **headers)


def test_a_part_of_a_name_finds_the_organisation_with_a_link_to_its_host():
    # when
    response = _find("ysta")

    # then
    page = response.content.decode()
    assert response.context["found"][0].name == "Ystads kommun"
    assert '<a href="http://ystad.localhost:8000/">Ystads kommun</a>' in page
    assert "Skurups kommun" not in page


def test_every_word_must_match_and_case_does_not_matter():
    names = [found.name for found in _find("KOMMUN sku").context["found"]]
    assert names == ["Skurups kommun"]


def test_one_character_is_refused_with_a_message_in_the_persons_language():
    # when
    swedish = _find("y")
    english = _find("y", language="en")

    # then nothing is listed, and the message says why
    assert swedish.context["found"] is None
    assert "Skriv minst två bokstäver av namnet." in swedish.content.decode()
    assert "Type at least two letters of the name." in english.content.decode()
    assert 'aria-invalid="true"' in swedish.content.decode()
    assert "Ystads kommun" not in swedish.content.decode()


@pytest.mark.parametrize("query", [None, "", "   "])
def test_an_empty_search_lists_nothing(query):
    # when
    response = _find(query)

    # then no organisation is listed, and no error either
    page = response.content.decode()
    assert response.context["found"] is None
    for organisation in active_organisations():
        assert organisation.name not in page
    assert "form-errors" not in page


def test_a_suspended_organisation_is_not_found(skurup):
    # given
    set_status(organisation=skurup, status=OrganisationStatus.SUSPENDED)

    # when
    page = _find("skurup").content.decode()

    # then
    assert "Skurups kommun" not in page
    assert "Ingen organisation på Delbar har ”skurup” i sitt namn." in page


def test_at_most_ten_are_listed_and_the_page_says_there_are_more():
    # given fifteen organisations with the same word in their names
    _more_active_organisations(15, name="Provbolaget")

    # when
    response = _find("provbolaget")

    # then
    assert len(response.context["found"]) == 10
    assert response.context["more"] is True
    assert "Fler organisationer matchar" in response.content.decode()


def test_htmx_gets_the_results_alone_and_the_page_without_javascript_gets_them_whole():
    # when
    fragment = _find("trelle", htmx=True).content.decode()
    whole = _find("trelle").content.decode()

    # then
    assert "<html" not in fragment and "Trelleborgs kommun" in fragment
    assert "<html" in whole and "Trelleborgs kommun" in whole
    assert 'id="organisation-results" class="organisation-results" aria-live="polite"' in whole


def test_the_search_field_asks_for_results_as_one_types_into_the_live_region():
    page = _client().get("/").content.decode()
    assert 'hx-trigger="input changed delay:300ms"' in page
    assert 'hx-target="#organisation-results"' in page
    assert 'action="/hitta-organisation/"' in page  # and works without JavaScript


# --------------------------------------------------------------------------------------------- plans and prices


def test_the_prices_are_billings_plans_excluding_vat_with_their_trial():
    # given the offered plans as billing has them
    offered = list(plans())

    # when
    page = _client().get("/priser/").content.decode()

    # then each price, band and trial is shown, in Swedish
    from django.utils import translation

    for plan in offered:
        assert plan.name_sv in page
        assert f"provperiod på {plan.trial_days} dagar" in page
        for price in plan.prices.all():
            kronor = f"{price.yearly_price_ore // 100:,}".replace(",", "\xa0")
            assert f"{kronor} kr" in page
            with translation.override("sv"):
                assert str(price.get_band_display()) in page
    assert "exkl. moms" in page
    assert "Peppol" in page


def test_without_stripe_keys_the_prices_say_nothing_about_cards(settings):
    # given
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""

    # when
    swedish = _client().get("/priser/").content.decode().lower()
    english = _client("en").get("/priser/").content.decode().lower()

    # then
    for page in (swedish, english):
        assert "card-payment" not in page
        assert "stripe" not in page
    assert not re.search(r"\bkort\b", swedish) and "kortbetalning" not in swedish
    assert not re.search(r"\bcards?\b", english)


def test_with_stripe_keys_the_prices_offer_card_payment(settings):
    # given (no request reaches Stripe: the page only asks whether keys are configured)
    settings.STRIPE_SECRET_KEY = "sk_test_delbar"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_delbar"

    # when
    swedish = _client().get("/priser/").content.decode()
    english = _client("en").get("/priser/").content.decode()

    # then
    assert 'id="card-payment"' in swedish and "Med kort" in swedish
    assert "By card" in english


# --------------------------------------------------------------------------------------------- data and contact


def test_the_hosting_is_not_claimed_until_it_is_configured(settings):
    # given nothing configured
    settings.HOSTING_DESCRIPTION = {"sv": "", "en": ""}
    settings.DATA_PROCESSING_AGREEMENT_URL = ""
    page = _client().get("/data-och-sakerhet/").content.decode()
    assert "har inte angett var den drifts" in page
    assert 'id="dpa-link"' not in page

    # when it is configured, in Swedish only
    settings.HOSTING_DESCRIPTION = {"sv": "I Sverige, hos Exempel Drift AB.", "en": ""}
    settings.DATA_PROCESSING_AGREEMENT_URL = "https://delbar.example/pub-avtal.pdf"
    swedish = _client().get("/data-och-sakerhet/").content.decode()
    english = _client("en").get("/data-och-sakerhet/").content.decode()

    # then it is shown in both, marked as Swedish on the English page, with the agreement's link
    assert '<p id="hosting-description">I Sverige, hos Exempel Drift AB.</p>' in swedish
    assert '<p id="hosting-description" lang="sv">I Sverige, hos Exempel Drift AB.</p>' in english
    assert 'href="https://delbar.example/pub-avtal.pdf" id="dpa-link"' in english


def test_the_data_page_links_the_accessibility_statement_security_and_open_data():
    page = _client().get("/data-och-sakerhet/").content.decode()
    for path in ("/tillganglighet/", "/sakerhet/", "/oppna-data/effekt.json", "/metod/"):
        assert f'href="{path}"' in page or path == "/metod/"
    assert "personuppgiftsansvarig" in page


def test_the_contact_page_shows_the_configured_address_and_phone(settings):
    # given
    settings.PUBLIC_CONTACT_EMAIL = "hej@delbar.example"
    settings.PUBLIC_CONTACT_PHONE = ""
    page = _client().get("/kontakt/").content.decode()
    assert 'href="mailto:hej@delbar.example"' in page
    assert 'href="tel:' not in page

    # when a phone number is set
    settings.PUBLIC_CONTACT_PHONE = "0411-57 70 00"

    # then
    assert 'href="tel:0411-577000"' in _client().get("/kontakt/").content.decode()


def test_the_search_selector_reads_one_query_and_nothing_for_blank_input(django_assert_num_queries):
    from tenants.selectors import organisations_named

    organisations_named(query="ystad")  # the connection's search path is set (once, lazily: decision 0004)
    with django_assert_num_queries(0):
        assert organisations_named(query="  ") == []
    with django_assert_num_queries(1):
        found = organisations_named(query="kommun", limit=2)
    assert [organisation.name for organisation in found] == sorted(organisation.name for organisation in found)
    assert len(found) == 2
