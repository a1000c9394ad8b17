"""The public site in a real browser (issue 11 part 1, decision 0055): each page reached from the menu, audited with
axe in Swedish and in English, none scrolling sideways on a phone; "find your organisation" typed into — results
in the live region as one types, one letter refused with a message — and the same search without JavaScript."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import audit_in_swedish_and_english

PHONE = {"width": 360, "height": 780}

# The menu's link, the page's heading in Swedish and in English.
PAGES = [
    ("Så fungerar det", "Så fungerar Delbar", "How Delbar works"),
    ("Priser", "Abonnemang och priser", "Plans and prices"),
    ("Data och säkerhet", "Data och säkerhet", "Data and security"),
    ("Logga in", "Hitta er organisation", "Find your organisation"),
    ("Kontakt", "Kontakta oss", "Contact us"),
    ("Hem", "Delbar – dela innan du köper", "Delbar – share before you buy"),
]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_every_public_page_is_reached_from_the_menu_and_accessible_in_both_languages(page, url, audit):
    page.set_viewport_size(PHONE)
    page.goto(url("localhost", "/"))
    menu = page.get_by_role("navigation", name="Huvudmeny")
    for link, swedish, english in PAGES:
        # when
        menu.get_by_role("link", name=link, exact=True).click()

        # then
        expect(page.get_by_role("heading", level=1)).to_have_text(swedish)
        expect(menu.get_by_role("link", name=link, exact=True)).to_have_attribute("aria-current", "page")
        _fits(page)
        audit_in_swedish_and_english(page, audit, english_heading=english)


def test_find_your_organisation_as_one_types(page, url, audit):
    page.goto(url("localhost", "/"))
    field = page.get_by_label("Organisationens namn")
    results = page.locator("#organisation-results")

    # one letter: refused, with a message in the live region
    field.press_sequentially("y")
    expect(results).to_contain_text("Skriv minst två bokstäver av namnet.")
    audit(page)

    # part of a name: the organisation, linked to its own address
    field.press_sequentially("sta")
    link = results.get_by_role("link", name="Ystads kommun")
    expect(link).to_have_attribute("href", re.compile(r"^http://ystad\.localhost(:\d+)?/$"))
    expect(results).not_to_contain_text("Skurups kommun")
    audit(page)

    # a name nobody has
    field.fill("finnsintekommun")
    expect(results).to_contain_text("Ingen organisation på Delbar har ”finnsintekommun” i sitt namn.")

    # Enter searches too, and stays on the page
    field.fill("trelleborg")
    field.press("Enter")
    expect(results.get_by_role("link", name="Trelleborgs kommun")).to_be_visible()
    expect(page).to_have_url(url("localhost", "/"))

    # the search's own page with results, as it is without JavaScript
    page.goto(url("localhost", "/hitta-organisation/?q=kommun"))
    expect(page.locator("#organisation-results").get_by_role("link", name="Ystads kommun")).to_be_visible()
    audit_in_swedish_and_english(page, audit, english_heading="Find your organisation")


def test_find_your_organisation_without_javascript(browser, url):
    # (axe needs JavaScript: the same page with its results is audited by the test above)
    context = browser.new_context(locale="sv-SE", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(url("localhost", "/"))

        # when
        page.get_by_label("Organisationens namn").fill("skurup")
        page.get_by_role("button", name="Sök").click()

        # then the search's own page shows the result
        expect(page).to_have_url(re.compile(r"/hitta-organisation/\?q=skurup$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Hitta er organisation")
        expect(page.locator("#organisation-results").get_by_role("link", name="Skurups kommun")).to_be_visible()
    finally:
        context.close()
