"""Search across organisations (issue 8 part 5, decision 0028): "I våra nätverk" and "Alla organisationer" find the
offers the person's organisation may see, with catalog's Swedish search (compounds, word endings, filters); never
the organisation's own offers, never an organisation-only listing; queries do not grow with the offers."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from catalog.models import Reach
from exchange import search_views, selectors, services
from exchange.models import Offer
from outbox.services import deliver_due
from tenants.models import OrganisationStatus
from tenants.services import set_status

from .catalog_factories import make_listing
from .conftest import client_for, user_in

pytestmark = pytest.mark.django_db


def _offer(organisation, title: str, *, reach: str = "networks", category_key: str = "furniture.office_chairs",
           offer_type: str = "give_away", price=None, excerpt: str = "") -> None:
    connection.set_schema_to_public()
    services.publish_offer(offer=services.OfferSnapshot(
        organisation_id=organisation.pk, listing=uuid.uuid4(), version=1, reach=reach, title=title, excerpt=excerpt,
        category_key=category_key, condition="good", quantity_available=12, offer_type=offer_type, price=price,
        rent_period="", contact_name="Eva Ek", contact_email=f"eva.ek@{organisation.slug}.example",
        published_at=None,
    ))


def _search(searcher, local: str = "personal", **params) -> str:
    response = client_for(searcher, user_in(searcher, local)).get("/natverk/sok/", params)
    assert response.status_code == 200
    return response.content.decode()


def _titles(organisation, **arguments) -> list[str]:
    # In the organisation's schema, as the page runs it (a misspelling is corrected from its own titles' words).
    with schema_context(organisation.schema_name):
        return [offer.title for offer in selectors.search_offers(organisation_id=organisation.pk, **arguments)]


@pytest.mark.parametrize("words", ["kontorsstol", "stolar", "Kontorsstolar", "stol"])
def test_a_skurup_user_finds_ystads_network_chairs_in_our_networks(ystad, skurup, words):
    # given Ystad's chairs shared with its networks (Skurup is in "Sydöstra Skåne")
    _offer(ystad, "Kontorsstolar Zyxel", excerpt="Tolv stolar med armstöd.")
    # when a Skurup employee searches "I våra nätverk"
    page = _search(skurup, q=words, omfang="natverk")
    # then the chairs are there, with who offers them and whom to ask
    assert "Kontorsstolar Zyxel" in page
    assert "Ystads kommun" in page and "1286" in page
    assert "Eva Ek" in page and "mailto:eva.ek@ystad.example" in page
    assert "12 kvar" in page or "12 " in page


def test_tomelilla_outside_the_network_sees_only_what_is_offered_to_everyone(ystad, tomelilla):
    # given one offer for Ystad's networks and one for everyone
    _offer(ystad, "Kontorsstolar Zyxel")
    _offer(ystad, "Kontorsstol Qwerty", reach="everyone")
    # then Tomelilla sees neither in its (empty) networks, and only the one for everyone among all organisations
    assert _titles(tomelilla, scope="natverk", query="kontorsstol") == []
    assert _titles(tomelilla, scope="alla", query="kontorsstol") == ["Kontorsstol Qwerty"]
    page = _search(tomelilla, q="stolar", omfang="alla")
    assert "Kontorsstol Qwerty" in page and "Kontorsstolar Zyxel" not in page


def test_our_networks_leaves_out_partners_nobody_shares_a_network_with(ystad, skurup, tomelilla):
    # given Tomelilla offers to everyone
    _offer(tomelilla, "Kontorsstol Tomelilla", reach="everyone")
    # then Skurup finds it among all organisations, not in its networks
    assert "Kontorsstol Tomelilla" in _titles(skurup, scope="alla", query="stol")
    assert "Kontorsstol Tomelilla" not in _titles(skurup, scope="natverk", query="stol")


def test_the_organisations_own_offers_are_left_out(ystad):
    _offer(ystad, "Kontorsstol Egen", reach="everyone")
    assert _titles(ystad, scope="alla", query="kontorsstol egen") == []
    assert "Kontorsstol Egen" not in _titles(ystad, scope="natverk", query="")
    assert "Kontorsstol Egen" not in _titles(ystad, scope="alla", query="")


def test_an_organisation_only_listing_never_appears(ystad, skurup):
    # given a published listing of Ystad's for the organisation only, and the relay run
    poster = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        make_listing(author=poster, title="Kontorsstol Hemlig", reach=Reach.ORGANISATION)
        deliver_due()
    # then no scope of any other organisation finds it
    for scope in ("natverk", "alla"):
        assert "Hemlig" not in _search(skurup, q="kontorsstol hemlig", omfang=scope)


def test_a_published_network_listing_is_found_through_the_relay(ystad, skurup):
    # given a listing published for the networks, its endings written at publication
    poster = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        make_listing(author=poster, title="Konferensstolar Blåbär", reach=Reach.NETWORKS)
        deliver_due()
    # then a word inside the compound finds it
    assert _titles(skurup, scope="natverk", query="stolar blåbär") == ["Konferensstolar Blåbär"]


def test_filters_by_platform_category_offer_type_and_organisation(ystad, skurup, trelleborg):
    _offer(ystad, "Skrivbord Zyxel", category_key="furniture.desks")
    _offer(ystad, "Stol Zyxel till salu", offer_type="sell", price=100)
    _offer(trelleborg, "Stol Zyxel Trelleborg")
    connection.set_schema_to_public()
    # a key holds the keys under it; the person's category maps to its platform key
    assert set(_titles(skurup, scope="natverk", query="zyxel", category_keys=["furniture"])) == {
        "Skrivbord Zyxel", "Stol Zyxel till salu", "Stol Zyxel Trelleborg"}
    assert _titles(skurup, scope="natverk", query="zyxel", category_keys=["furniture.desks"]) == ["Skrivbord Zyxel"]
    assert _titles(skurup, scope="natverk", query="zyxel", offer_type="sell") == ["Stol Zyxel till salu"]
    assert _titles(skurup, scope="natverk", query="zyxel", offering_organisation_id=trelleborg.pk) == [
        "Stol Zyxel Trelleborg"]
    # through the page: Skurup's own "Skrivbord" category
    with schema_context(skurup.schema_name):
        from catalog.models import Category
        desks = Category.objects.get(platform_key="furniture.desks")
    page = _search(skurup, q="zyxel", omfang="natverk", category=desks.pk)
    assert "Skrivbord Zyxel" in page and "Stol Zyxel" not in page
    page = _search(skurup, q="zyxel", omfang="natverk", organisation=trelleborg.pk)
    assert "Stol Zyxel Trelleborg" in page and "till salu" not in page


def test_the_scope_links_and_labels_in_swedish_and_english(ystad, skurup):
    _offer(ystad, "Kontorsstolar Zyxel")
    page = client_for(skurup, user_in(skurup, "personal")).get("/", {"q": "stol"}).content.decode()
    assert "Hos oss" in page and "I våra nätverk" in page and "Alla organisationer" in page
    assert 'href="/natverk/sok/?omfang=natverk&amp;q=stol"' in page
    client = client_for(skurup, user_in(skurup, "personal"))
    client.cookies["delbar_language"] = "en"
    page = client.get("/natverk/sok/", {"omfang": "natverk", "q": "stol"}).content.decode()
    assert "In our networks" in page and "All organisations" in page and "Organisation" in page
    assert "Kontorsstolar Zyxel" in page and "municipality code 1286" in page


def test_htmx_gets_the_results_only(ystad, skurup):
    _offer(ystad, "Kontorsstolar Zyxel")
    client = client_for(skurup, user_in(skurup, "personal"))
    page = client.get("/natverk/sok/", {"omfang": "natverk", "q": "zyxel"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Kontorsstolar Zyxel" in page and "<form" not in page


def test_anonymous_visitors_are_sent_to_log_in(skurup):
    response = client_for(skurup).get("/natverk/sok/")
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


@pytest.mark.parametrize("params", [{"omfang": "natverk", "q": "stol"}, {"omfang": "alla", "q": "stol"},
                                    {"omfang": "alla"}])
def test_queries_do_not_grow_with_the_offers(ystad, trelleborg, skurup, params):
    def count() -> int:
        client = client_for(skurup, user_in(skurup, "personal"))
        connection.set_schema_to_public()  # as between requests: each sets the organisation's schema
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/natverk/sok/", params).status_code == 200
        return len(queries)

    _offer(ystad, "Stol 0")
    count()  # the host's routing is read once per process
    before = count()
    for number in range(1, 30):
        _offer(ystad if number % 2 else trelleborg, f"Stol {number}", reach="everyone" if number % 3 else "networks")
    assert count() == before


def test_another_organisations_offers_for_its_networks_are_not_reachable_from_outside(ystad, tomelilla):
    # given Ystad's network-only offer
    _offer(ystad, "Kontorsstolar Hemligt")
    # when Tomelilla filters by Ystad directly, in either scope, with or without words
    for params in ({"omfang": "alla", "organisation": ystad.pk}, {"omfang": "natverk", "organisation": ystad.pk},
                   {"omfang": "alla", "q": "hemligt"}, {"omfang": "alla", "organisation": ystad.pk, "q": "stol"}):
        page = _search(tomelilla, **params)
        # then nothing of it is shown
        assert "Hemligt" not in page


def test_a_misspelling_is_corrected_from_the_searching_organisations_own_words(ystad, skurup):
    # given Ystad's chairs, and "kontorsstol" among the words of Skurup's own titles
    _offer(ystad, "Kontorsstol Zyxel")
    with schema_context(skurup.schema_name):
        from catalog.models import SearchWord
        SearchWord.objects.get_or_create(word="kontorsstol")
    # when a Skurup employee misspells it
    page = _search(skurup, q="kontorstol", omfang="natverk")
    # then the corrected word is searched, and the page says so
    assert "Kontorsstol Zyxel" in page
    assert "Visar erbjudanden för ”kontorsstol” i stället" in page


def test_the_offering_organisations_of_each_scope(ystad, skurup, trelleborg, tomelilla):
    # given Ystad offers only to its networks, Trelleborg to everyone, Tomelilla (outside the network) to everyone,
    # and Skurup something of its own (and nothing else is offered)
    connection.set_schema_to_public()
    Offer.objects.all().delete()
    _offer(ystad, "Nätverksstol")
    _offer(trelleborg, "Allas bord", reach="everyone")
    _offer(tomelilla, "Allas lampa", reach="everyone")
    _offer(skurup, "Egen soffa", reach="everyone")

    def offering(organisation, scope: str) -> list[int]:
        connection.set_schema_to_public()
        return [pk for pk, _ in selectors.offering_organisations(organisation_id=organisation.pk, scope=scope)]

    by_name = sorted([ystad, trelleborg, tomelilla, skurup], key=lambda o: (o.name, o.pk))
    # then Skurup's networks hold its partners with offers, everyone adds Tomelilla; never Skurup itself
    assert sorted(_titles(skurup, scope="alla")) == ["Allas bord", "Allas lampa", "Nätverksstol"]
    assert _titles(tomelilla, scope="natverk") == []
    assert offering(skurup, "natverk") == [o.pk for o in by_name if o in (ystad, trelleborg)]
    assert offering(skurup, "alla") == [o.pk for o in by_name if o in (ystad, trelleborg, tomelilla)]
    # and Tomelilla, outside, sees only those offering to everyone
    assert offering(tomelilla, "natverk") == []
    assert offering(tomelilla, "alla") == [o.pk for o in by_name if o in (trelleborg, skurup)]
    # when Trelleborg is suspended, it offers nothing to anyone
    set_status(organisation=trelleborg, status=OrganisationStatus.SUSPENDED)
    assert offering(skurup, "alla") == [o.pk for o in by_name if o in (ystad, tomelilla)]
    assert offering(tomelilla, "alla") == [skurup.pk]
    # and its offers are found in no scope
    assert sorted(_titles(skurup, scope="alla")) == ["Allas lampa", "Nätverksstol"]
    assert _titles(skurup, scope="natverk") == ["Nätverksstol"]
    assert _titles(tomelilla, scope="alla") == ["Egen soffa"]


def test_a_browse_counts_at_most_the_limit_and_says_more(ystad, skurup, monkeypatch):
    # given the count stops at 3, and Ystad offers 4 things to everyone (and nothing else is offered)
    monkeypatch.setattr(search_views, "COUNT_LIMIT", 3)
    connection.set_schema_to_public()
    Offer.objects.all().delete()
    for number in range(4):
        _offer(ystad, f"Bord {number}", reach="everyone")
    # when Skurup browses all organisations
    page = _search(skurup, omfang="alla")
    # then it is told there are more than 3, and the newest 3 are shown
    assert "Fler än 3 erbjudanden" in page
    assert page.count('class="listing-grid"') == 1
    # when only as many as the limit are offered, the count is exact
    Offer.objects.filter(title="Bord 0").delete()
    page = _search(skurup, omfang="alla")
    assert "3 erbjudanden" in page and "Fler än" not in page


def test_a_word_search_in_all_organisations_merges_partners_and_everyone_once(ystad, skurup, tomelilla, monkeypatch):
    # given only these offers in the exchange: Skurup's partner Ystad offers one chair to its networks and one to
    # everyone, Tomelilla (no partner) one to everyone and one to its networks only
    connection.set_schema_to_public()
    Offer.objects.all().delete()
    _offer(ystad, "Kontorsstol nätverk")
    _offer(ystad, "Kontorsstol alla", reach="everyone")
    _offer(tomelilla, "Kontorsstol Tomelilla", reach="everyone")
    _offer(tomelilla, "Kontorsstol dold")
    # when Skurup searches every organisation for the word
    found = _titles(skurup, scope="alla", query="kontorsstol")
    # then each visible offer is found once (Ystad's offer for everyone is in both parts of the search, but not
    # twice), and Tomelilla's offer for its own networks not at all
    assert sorted(found) == ["Kontorsstol Tomelilla", "Kontorsstol alla", "Kontorsstol nätverk"]


def test_ranking_keeps_the_newest_matches_and_says_there_were_more(ystad, skurup, monkeypatch):
    # given at most 3 matches are ranked, and 5 matching offers, the oldest first, of which one is a whole-word
    # match ("Stol") and the rest compounds
    from catalog import selectors as catalog

    monkeypatch.setattr(catalog, "search_ranked_limit", lambda: 3)
    connection.set_schema_to_public()
    Offer.objects.all().delete()
    for title in ("Stol gammal", "Kontorsstol 1", "Stol ny", "Kontorsstol 2", "Kontorsstol 3"):
        _offer(ystad, title, reach="everyone")
    # when Skurup searches "stol"
    with schema_context(skurup.schema_name):
        results = selectors.search_offers(organisation_id=skurup.pk, scope="alla", query="stol")
        titles = [offer.title for offer in results]
    # then the newest three are ranked, the whole word first, and the page is told there were more
    assert titles[0] == "Stol ny"
    assert sorted(titles) == ["Kontorsstol 2", "Kontorsstol 3", "Stol ny"]
    assert results.capped and results.count() == 3


def test_a_page_of_ranked_results_loads_only_its_own_offers(ystad, skurup):
    # given 30 matching offers
    connection.set_schema_to_public()
    for number in range(30):
        _offer(ystad, f"Skrivbord {number}", reach="everyone")
    with schema_context(skurup.schema_name):
        results = selectors.search_offers(organisation_id=skurup.pk, scope="alla", query="skrivbord")
        # when the second offer alone is asked for, then one query loads it (with its organisation)
        with CaptureQueriesContext(connection) as loading:
            second = results[1]
        assert len(loading.captured_queries) == 1
        assert second.title.startswith("Skrivbord") and second.organisation.name
        # and a page of 24 is loaded in one query too
        with CaptureQueriesContext(connection) as loading:
            page = results[0:24]
        assert len(page) == 24 and len(loading.captured_queries) == 1


def test_the_words_without_positions_are_kept_by_the_database(ystad):
    # given an offer
    _offer(ystad, "Kontorsstol Zyxel", excerpt="Tolv stolar med armstöd.")
    # then its search_lexemes are its search_vector stripped of positions and weights (a generated column)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_lexemes = strip(search_vector), length(search_lexemes) > 0 FROM exchange_offer "
            "WHERE title = 'Kontorsstol Zyxel'"
        )
        assert cursor.fetchone() == (True, True)


@pytest.mark.parametrize("scope", ["natverk", "alla"])
def test_a_category_filter_takes_the_keys_under_it_and_nothing_that_only_looks_alike(ystad, skurup, scope):
    # given offers under "furniture.office_chairs", under a key that differs only where "_" would match any letter,
    # and under a key that merely begins with the same letters
    _offer(ystad, "Stol Qyxel kontor", category_key="furniture.office_chairs", reach="everyone")
    _offer(ystad, "Stol Qyxel lik", category_key="furniture.officeXchairs", reach="everyone")
    _offer(ystad, "Stol Qyxel möbel", category_key="furniturex.chairs", reach="everyone")
    # when Skurup searches for the word in "furniture", and in "furniture.office_chairs"
    in_furniture = _titles(skurup, scope=scope, query="qyxel", category_keys=["furniture"])
    in_office_chairs = _titles(skurup, scope=scope, query="qyxel", category_keys=["furniture.office_chairs"])
    # then a key holds the keys under it, and "_" and a longer first word are taken literally
    assert sorted(in_furniture) == ["Stol Qyxel kontor", "Stol Qyxel lik"]
    assert in_office_chairs == ["Stol Qyxel kontor"]
