"""Search across organisations in the browser (decision 0028), on a phone-sized screen: a Skurup employee searches
"kontorsstol" at home, switches to "I våra nätverk" and finds Ystad's demo chairs with Ystad's name and whom to
ask, filters by organisation, then looks in "Alla organisationer". Every page audited with axe in Swedish and
English."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import audit_in_swedish_and_english, log_in

PHONE = {"width": 390, "height": 844}


def test_search_our_networks_and_all_organisations_on_a_phone(page, url, audit):
    page.set_viewport_size(PHONE)
    log_in(page, url, "skurup.localhost", "personal@skurup.example")
    # at home, "Hos oss" is the scope shown
    page.get_by_role("searchbox").fill("kontorsstol")
    page.get_by_role("button", name="Sök", exact=True).click()
    scopes = page.get_by_role("navigation", name="Var du söker")
    expect(scopes.get_by_role("link", name="Hos oss")).to_have_attribute("aria-current", "page")

    # "I våra nätverk" keeps the words (once htmx has brought the results and the scopes with them) and finds
    # Ystad's chairs
    networks = scopes.get_by_role("link", name="I våra nätverk")
    expect(networks).to_have_attribute("href", re.compile(r"q=kontorsstol"))
    networks.click()
    expect(page).to_have_url(re.compile(r"/natverk/sok/\?omfang=natverk&q=kontorsstol"))
    results = page.locator("#results")
    card = results.locator("article", has_text="Ystads kommun").first
    expect(card.get_by_role("heading", level=3)).to_contain_text(re.compile("Kontorsstol", re.I))
    expect(card.get_by_role("link", name=re.compile(r"@ystad\.example$"))).to_be_visible()
    audit_in_swedish_and_english(page, audit, english_heading="Find before you buy")

    # filtering by organisation (htmx swaps the results), the filters folded on a phone until opened (decision 0038)
    page.get_by_role("search").locator("summary", has_text="Filter").click()
    page.get_by_label("Organisation").select_option(label="Ystads kommun")
    expect(page.locator("#filter-count")).to_have_text("1 aktivt")
    expect(page).to_have_url(re.compile(r"organisation="))
    expect(results.locator("article").first).to_contain_text("Ystads kommun")
    expect(results.locator("article", has_text="Trelleborgs kommun")).to_have_count(0)
    audit(page)

    # "Alla organisationer"
    page.get_by_role("navigation", name="Var du söker").get_by_role("link", name="Alla organisationer").click()
    expect(page).to_have_url(re.compile(r"omfang=alla"))
    expect(page.get_by_role("heading", level=2)).to_contain_text("kontorsstol")
    audit_in_swedish_and_english(page, audit, english_heading="Find before you buy")
