"""Issue 9, parts 2 and 3 in the browser (docs/decisions/0038-phone-layout-and-tree-filters.md):

- on a 390×844 touch phone the first listing of the start page shows without scrolling, the menu folds behind one
  button, the filters behind another that counts them, and a filter changed tells its result in sight and to screen
  readers;
- on the phone the owner confirms a handover (through its confirmation step) and a colleague cancels a reservation,
  every control inside the screen's width;
- no main page scrolls sideways at 320 px, and axe finds nothing serious at 1280 and 320 px, in Swedish and English;
- on a desktop, a keyboard alone finds, filters, opens and reserves a listing.
"""

from __future__ import annotations

import re

from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.helpers import (
    audit_in_swedish_and_english,
    log_in,
    log_out,
    nav_link,
    open_menu,
    remove_listings_titled,
)

HOST = "ystad.localhost"
OWNER = "personal@ystad.example"
COLLEAGUE = "chef@ystad.example"
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}
HANDED = "Telefonprov skänkt pall"
CANCELLED = "Telefonprov avbokad hylla"
KEYBOARD = "Tangentbordsprov bokhylla"


def _heading(page):
    return page.get_by_role("heading", level=1)


def _phone(browser):
    context = browser.new_context(locale="sv-SE", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    return context


def _inside_width(page, locator) -> None:
    """The control lies wholly inside the screen's width, and is a touch target of at least 24 × 24 px."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)
    assert box["width"] >= 24 and box["height"] >= 24, box


def _no_sideways_scroll(page) -> None:
    sizes = page.evaluate("[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
    wide = [] if sizes[0] <= sizes[1] else page.evaluate("""(width) => Array.from(document.querySelectorAll("body *"))
        .filter((el) => el.getBoundingClientRect().right > width)
        .map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`).slice(0, 8)""",
                                                         sizes[1])
    assert sizes[0] <= sizes[1], (page.url, sizes, wide)


# Every control a finger may tap in these parts of a page; inline links inside sentences are exempt (WCAG 2.5.8).
TARGETS = ("header a, header button, header summary, .search-form a, .search-form button, .search-form summary, "
           ".search-form select, .search-form input:not([type=hidden]), .listing-grid a, .pagination a, .tabs a, "
           ".stack-actions a, .stack-actions button, .actions a, .actions button, .scopes a")


def _small_targets(page) -> list[str]:
    return page.evaluate("""(selector) => Array.from(document.querySelectorAll(selector))
        .filter((el) => el.offsetParent !== null)
        .map((el) => [el, el.getBoundingClientRect()])
        .filter(([el, box]) => box.width < 24 || box.height < 24)
        .map(([el, box]) => `${el.tagName} ${el.textContent.trim().slice(0, 40)} ${box.width}x${box.height}`)""",
                         TARGETS)


def _commit(django_db_blocker, make):
    from tests.catalog_factories import make_listing  # noqa: F401 (imported here: it needs the schema's tables)

    with django_db_blocker.unblock(), schema_context("org_ystad"):
        return make()


def _reserved_listings(django_db_blocker) -> None:
    """Two of the owner's listings, each reserved by the colleague (committed: the live server sees them)."""
    from accounts.models import User
    from bookings import services as booking_services
    from tests.catalog_factories import make_listing

    def make():
        owner, colleague = User.objects.get(email=OWNER), User.objects.get(email=COLLEAGUE)
        for title in (HANDED, CANCELLED):
            listing = make_listing(author=owner, title=title, description="Provannons för telefonen.")
            booking_services.reserve_listing(listing=listing, by=colleague)

    _commit(django_db_blocker, make)


def _full_name(django_db_blocker, email: str) -> str:
    from accounts.models import User

    return _commit(django_db_blocker, lambda: User.objects.get(email=email).full_name)


def test_on_a_phone_the_first_listing_shows_at_once_and_filters_fold_behind_one_button(browser, url, audit):
    context = _phone(browser)
    page = context.new_page()
    try:
        # the start page on a 390×844 phone
        log_in(page, url, HOST, OWNER)
        expect(_heading(page)).to_have_text("Hitta innan du köper")

        # the first listing is on the first screen, its title link too
        first = page.locator(".listing-grid > li").first
        expect(first).to_be_visible()
        box = first.get_by_role("link").first.bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"], box
        _no_sideways_scroll(page)

        # the menu is folded behind "Meny", which opens and closes it (Escape too)
        menu = page.locator("#menu-button")
        expect(menu).to_be_visible()
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(page.get_by_role("link", name="Mina annonser", exact=True)).to_be_hidden()
        menu.click()
        expect(page.get_by_role("link", name="Mina annonser", exact=True)).to_be_visible()
        _inside_width(page, page.get_by_role("link", name="Mina annonser", exact=True))
        audit(page)
        page.keyboard.press("Escape")
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(menu).to_be_focused()

        # the filters are folded behind one button; opened, a filter changed tells its result right there
        toggle = page.locator("#filter-panel > summary")
        expect(toggle).to_have_text("Filter")
        _inside_width(page, toggle)
        toggle.click()
        page.get_by_label("Erbjudande", exact=True).select_option("give_away")
        expect(page.locator("#filter-count")).to_have_text("1 aktivt")
        shown = page.locator("#show-results")
        expect(shown).to_have_text(re.compile(r"^Visa \d+ annons(er)?$"))
        box = shown.bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box  # in sight, not below the screen
        expect(page.locator("#results-status")).to_have_text(re.compile(r"^\d+ annons(er)?$"))  # and announced
        assert _small_targets(page) == []
        audit_in_swedish_and_english(page, audit, english_heading="Find before you buy")

        # "Visa … annonser" (shown with the filters open: the language switch reloaded the page, folded) folds the
        # filters and goes to the results
        expect(page.locator("#show-results")).to_be_hidden()
        expect(page.locator("#filter-count")).to_have_text("1 aktivt")
        toggle.click()
        page.locator("#show-results").click()
        expect(page.locator("#filter-panel")).not_to_have_attribute("open", "")
        expect(page.locator("#results-heading")).to_be_in_viewport()

        # the order: newest first, and "Rensa filter" drops the filter but keeps the order
        page.get_by_label("Sortera", exact=True).select_option("newest")
        expect(page).to_have_url(re.compile(r"sort=newest"))
        page.get_by_role("link", name="Rensa filter").click()
        expect(page).to_have_url(re.compile(r"/\?sort=newest$"))
        expect(page.locator("#filter-count")).to_have_text("")
        _no_sideways_scroll(page)
    finally:
        context.close()


def test_on_a_phone_a_handover_is_confirmed_and_a_reservation_cancelled_inside_the_screen(
    browser, url, audit, django_db_blocker,
):
    _reserved_listings(django_db_blocker)
    colleague = _full_name(django_db_blocker, COLLEAGUE)
    context = _phone(browser)
    page = context.new_page()
    try:
        # the owner's "Mina annonser": each reservation is a card with its status and both actions in view
        log_in(page, url, HOST, OWNER)
        nav_link(page, "Mina annonser").click()
        expect(_heading(page)).to_have_text("Mina annonser")
        waiting = page.get_by_role("region", name="Väntar på överlämning").get_by_role("row").filter(has_text=HANDED)
        expect(waiting).to_have_count(1)
        confirm = waiting.get_by_role("link", name=re.compile("^Bekräfta överlämning till "))
        _inside_width(page, confirm)
        _inside_width(page, waiting.get_by_role("link", name=re.compile(r"^Avboka reservationen för ")))
        expect(waiting.get_by_text("Reserverad")).to_be_visible()
        _inside_width(page, waiting.get_by_text("Reserverad"))
        _no_sideways_scroll(page)
        audit_in_swedish_and_english(page, audit, english_heading="My listings")

        # the handover has a step before it, which says it cannot be undone
        confirm.click()
        expect(_heading(page)).to_have_text(f"Har {colleague} fått den?")
        yes = page.get_by_role("button", name=re.compile("^Ja, bekräfta överlämning till "))
        _inside_width(page, yes)
        _inside_width(page, page.get_by_role("link", name="Inte än, gå tillbaka"))
        _no_sideways_scroll(page)
        audit_in_swedish_and_english(page, audit, english_heading=f"Has {colleague} received it?")
        yes.click()
        expect(page.locator(".messages")).to_contain_text(f"Överlämningen är bekräftad: 1 × ”{HANDED}”")
        expect(page.get_by_role("row").filter(has_text=HANDED).get_by_text("Överlämnad", exact=True)).to_be_visible()

        # the colleague cancels the other reservation from "Mina reservationer"
        log_out(page)
        log_in(page, url, HOST, COLLEAGUE)
        nav_link(page, "Mina reservationer").click()
        row = page.get_by_role("row").filter(has_text=CANCELLED)
        expect(row.get_by_text("Reserverad")).to_be_visible()
        cancel = row.get_by_role("link", name=f"Avboka reservationen av {CANCELLED}")
        _inside_width(page, cancel)
        _no_sideways_scroll(page)
        audit_in_swedish_and_english(page, audit, english_heading="My reservations")
        cancel.click()
        expect(_heading(page)).to_have_text(f"Avboka reservationen av ”{CANCELLED}”?")
        button = page.get_by_role("button", name="Avboka reservationen")
        _inside_width(page, button)
        button.click()
        expect(page.locator(".messages")).to_contain_text(f"Reservationen av ”{CANCELLED}” är avbokad.")
        expect(page.get_by_role("row").filter(has_text=CANCELLED).get_by_text("Avbokad", exact=True)).to_be_visible()
    finally:
        context.close()
        remove_listings_titled(django_db_blocker, HANDED)
        remove_listings_titled(django_db_blocker, CANCELLED)


MAIN_PAGES = ("/", "/?q=chair", "/mina-annonser/", "/mina-reservationer/", "/statistik/", "/behov/", "/mitt-konto/",
              "/natverk/sok/?omfang=natverk")


def test_no_main_page_scrolls_sideways_at_320_px_and_axe_passes_at_320_and_1280(page, url, audit):
    # an organisation admin sees every menu entry
    log_in(page, url, HOST, "admin@ystad.example")
    for size in (NARROW, DESKTOP):
        page.set_viewport_size(size)
        for path in MAIN_PAGES:
            response = page.goto(url(HOST, path))
            assert response.status == 200, path
            if size is NARROW:
                _no_sideways_scroll(page)
                open_menu(page)  # the menu opened fits too
                _no_sideways_scroll(page)
            if path in ("/", "/mina-annonser/", "/mina-reservationer/", "/statistik/"):
                audit_in_swedish_and_english(page, audit)
    page.set_viewport_size(NARROW)
    page.goto(url(HOST, "/"))
    page.locator("#filter-panel > summary").click()
    _no_sideways_scroll(page)  # the filters opened fit too


def _tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_keyboard_alone_finds_filters_opens_and_reserves_a_listing(page, url, audit, django_db_blocker):
    from accounts.models import User
    from tests.catalog_factories import make_listing

    listing = _commit(django_db_blocker, lambda: make_listing(
        author=User.objects.get(email="operator@ystad.example"), title=KEYBOARD, category_name="Hyllor",
        description="Hylla i björk, tangentbordsprov."))
    page.set_viewport_size(DESKTOP)
    try:
        log_in(page, url, HOST, COLLEAGUE)
        expect(_heading(page)).to_have_text("Hitta innan du köper")
        expect(page.locator("#menu-button")).to_be_hidden()  # a desktop shows the menu itself

        # the words, typed and sent with Enter
        _tab_to(page, "input[type=search]")
        page.keyboard.type("tangentbordsprov")
        page.keyboard.press("Enter")
        expect(page.locator("#results-heading")).to_contain_text("tangentbordsprov")

        # a filter chosen with the arrow keys: the panel is open on a desktop, the results update at once
        expect(page.locator("#filter-panel")).to_have_attribute("open", "")
        _tab_to(page, "#id_offer_type")
        page.keyboard.press("ArrowDown")  # the first offer after "Alla erbjudanden": give away
        expect(page.locator("#filter-count")).to_have_text("1 aktivt")
        expect(page.locator("#results-status")).to_have_text(re.compile(r"som matchar ”tangentbordsprov”$"))

        # the listing opened and reserved, by keyboard
        _tab_to(page, f'.listing-grid a[href="/annonser/{listing.uuid}/"]')
        page.keyboard.press("Enter")
        expect(_heading(page)).to_have_text(KEYBOARD)
        _tab_to(page, "button[type=submit]:not(.link-button)")
        expect(page.locator(":focus")).to_have_text("Reservera")
        page.keyboard.press("Enter")
        expect(page.locator(".messages")).to_contain_text(f"Du har reserverat ”{KEYBOARD}”.")
        audit(page)
    finally:
        log_out(page)
        remove_listings_titled(django_db_blocker, KEYBOARD)
