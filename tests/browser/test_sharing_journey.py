"""The first sharing flow in the browser: post with a photo, a colleague finds it by a Swedish word and reserves it,
the owner confirms the handover, and the statistics count one more mediated item. Every page on the way is audited
with axe-core, in Swedish and in English.
"""

from __future__ import annotations

import re

from django_tenants.utils import schema_context
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.browser.helpers import audit_in_swedish_and_english, log_in, log_out, remove_listings_titled

HOST = "ystad.localhost"
OWNER = "personal@ystad.example"
COLLEAGUE = "chef@ystad.example"
TITLE = "Kontorsstol Kinnarps Capella testjourney"


def _nav(page, name: str):
    return page.get_by_role("navigation").get_by_role("link", name=name, exact=True)


def _heading(page):
    return page.get_by_role("heading", level=1)


def _photo(tmp_path):
    path = tmp_path / "kontorsstol.jpg"
    image = Image.new("RGB", (640, 480), (70, 90, 120))
    draw = ImageDraw.Draw(image)
    draw.rectangle((250, 120, 390, 300), fill=(30, 30, 30))
    draw.rectangle((300, 300, 340, 420), fill=(120, 120, 120))
    image.save(path, "JPEG", quality=85)
    return path


def _search(page, words: str, *, corrected: str = "") -> None:
    page.get_by_role("searchbox").fill(words)
    page.get_by_role("search").get_by_role("button", name="Sök", exact=True).click()
    expect(page.locator("#results-heading")).to_contain_text(f"som matchar ”{corrected or words}”")
    if corrected:  # a misspelling is searched as the closest title word, and the page says so
        expect(page.locator(".notice-line")).to_contain_text(words)


def _fits_a_phone(page) -> None:
    """At 320 CSS pixels the page reflows: wide tables scroll inside their own box, the page does not."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        page.set_viewport_size(size)


def _mediated(page) -> int:
    _nav(page, "Statistik").click()
    expect(_heading(page)).to_have_text(re.compile(r"^Statistik \d{4}$"))
    return int(page.locator("#figure-mediated").inner_text())


def _post_a_listing(page, audit, photo) -> None:
    _nav(page, "Lägg upp").click()
    expect(_heading(page)).to_have_text("Lägg upp en annons")
    audit_in_swedish_and_english(page, audit, english_heading="Post a listing")

    # photos first (sent as they are picked), then the title; the rest is folded under one summary (decision 0037)
    page.get_by_label("Välj från biblioteket", exact=True).set_input_files(photo)
    expect(page.locator("#pending-photos .pending-photo")).to_have_count(1)
    page.get_by_label("Titel", exact=True).fill(TITLE)
    page.get_by_label("Kategori", exact=True).select_option(label="Möbler › Kontorsstolar")
    page.locator(".more-details summary").click()
    page.get_by_label("Beskrivning", exact=True).fill(
        "Ergonomisk kontorsstol med armstöd och nackstöd, svart tyg. Hämtas i entrén."
    )
    page.get_by_label("Skick", exact=True).select_option(value="very_good")
    page.get_by_label("Antal", exact=True).fill("1")
    page.get_by_role("button", name="Publicera", exact=True).click()

    expect(_heading(page)).to_have_text(TITLE)
    expect(page.get_by_role("status")).to_have_text(f"Din annons ”{TITLE}” är publicerad.")
    image = page.get_by_role("img", name=TITLE)
    expect(image).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    audit_in_swedish_and_english(page, audit)


def _find_and_reserve(page, audit) -> None:
    # keyboard only: Tab to the search field, type a Swedish word that is not the title's word, Enter
    expect(_heading(page)).to_have_text("Hitta innan du köper")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "q":
            break
    else:
        raise AssertionError("the search field cannot be reached with Tab")
    page.keyboard.type("kontorsstolar")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=kontorsstolar"))
    results = page.locator("#results")
    expect(results.get_by_role("link", name=TITLE)).to_be_visible()
    # the new results are announced to screen readers
    announced = page.locator("#results-status")
    expect(announced).to_have_attribute("role", "status")
    expect(announced).to_have_text(re.compile(r"^\d+ annons(er)? som matchar ”kontorsstolar”$"))
    audit_in_swedish_and_english(page, audit, english_heading="Find before you buy")
    expect(page.get_by_role("searchbox")).to_have_value("kontorsstolar")

    # a misspelling finds it too
    _search(page, "kontorstol", corrected="kontorsstol")
    expect(results.get_by_role("link", name=TITLE)).to_be_visible()

    results.get_by_role("link", name=TITLE).click()
    expect(_heading(page)).to_have_text(TITLE)
    audit(page)
    page.get_by_role("button", name="Reservera", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(f"Du har reserverat ”{TITLE}”.")
    expect(page.get_by_text(re.compile(r"^Du har reserverat 1 st\."))).to_be_visible()
    expect(page.locator(".summary .status")).to_have_text("Reserverad")
    audit(page)

    # my reservations, and the cancel form (left without cancelling)
    _nav(page, "Mina reservationer").click()
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_have_count(1)
    audit_in_swedish_and_english(page, audit, english_heading="My reservations")
    row.get_by_role("link", name=f"Avboka reservationen av {TITLE}").click()
    expect(_heading(page)).to_have_text(f"Avboka reservationen av ”{TITLE}”?")
    audit_in_swedish_and_english(page, audit)
    page.get_by_role("link", name="Behåll reservationen").click()
    expect(_heading(page)).to_have_text(TITLE)


def _owner_pages_and_handover(page, audit, colleague: str) -> None:
    _nav(page, "Mina annonser").click()
    expect(_heading(page)).to_have_text("Mina annonser")
    waiting = page.get_by_role("region", name="Väntar på överlämning").get_by_role("row").filter(has_text=TITLE)
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text(colleague)
    audit_in_swedish_and_english(page, audit, english_heading="My listings")
    _fits_a_phone(page)

    # the edit and withdraw forms, each left without saving
    page.get_by_role("link", name=TITLE).first.click()
    expect(_heading(page)).to_have_text(TITLE)
    page.get_by_role("link", name="Ändra", exact=True).click()
    expect(page.get_by_label("Titel", exact=True)).to_have_value(TITLE)
    audit_in_swedish_and_english(page, audit)
    page.get_by_role("link", name="Avbryt", exact=True).click()
    expect(_heading(page)).to_have_text(TITLE)
    page.get_by_role("link", name="Ta ned annonsen").click()
    expect(_heading(page)).to_have_text(f"Ta ned ”{TITLE}”?")
    audit_in_swedish_and_english(page, audit)
    page.get_by_role("link", name="Behåll annonsen").click()
    expect(_heading(page)).to_have_text(TITLE)

    # confirm the handover
    _nav(page, "Mina annonser").click()
    waiting.get_by_role("link", name=re.compile("^Bekräfta överlämning till ")).click()
    expect(_heading(page)).to_have_text(f"Har {colleague} fått den?")
    audit(page)
    page.get_by_role("button", name=re.compile("^Ja, bekräfta överlämning till ")).click()
    expect(page.locator(".messages")).to_have_text(f"Överlämningen är bekräftad: 1 × ”{TITLE}” till {colleague}.")
    expect(waiting).to_have_count(0)
    audit(page)


def _remaining_pages(page, audit) -> None:
    _nav(page, "Mitt konto").click()
    expect(_heading(page)).to_contain_text("Välkommen")
    audit_in_swedish_and_english(page, audit, english_heading="Welcome")

    _nav(page, "Hitta").click()
    _search(page, "xyzzyfinnsinte")
    expect(page.locator("#results-heading")).to_contain_text("0")
    audit_in_swedish_and_english(page, audit)
    expect(page.get_by_role("searchbox")).to_have_value("xyzzyfinnsinte")


def test_post_find_reserve_hand_over_and_count(page, url, audit, django_db_blocker, tmp_path):
    photo = _photo(tmp_path)
    try:
        # the owner logs in at Ystad: the start page is the catalogue
        log_in(page, url, HOST, OWNER)
        expect(_heading(page)).to_have_text("Hitta innan du köper")
        audit(page)
        mediated_before = _mediated(page)

        # posts an office chair with a photo
        _post_a_listing(page, audit, photo)

        # a colleague finds it by a Swedish word, and by a misspelling, and reserves it
        log_out(page)
        log_in(page, url, HOST, COLLEAGUE)
        _find_and_reserve(page, audit)

        # the owner sees the reservation waiting and confirms the handover
        log_out(page)
        log_in(page, url, HOST, OWNER)
        _owner_pages_and_handover(page, audit, _full_name(django_db_blocker, COLLEAGUE))

        # the statistics count one more mediated item
        assert _mediated(page) == mediated_before + 1
        audit_in_swedish_and_english(page, audit, english_heading=re.compile(r"^Statistics \d{4}$"))

        _remaining_pages(page, audit)
    finally:
        remove_listings_titled(django_db_blocker, TITLE)


def _full_name(django_db_blocker, email: str) -> str:
    from accounts.models import User

    with django_db_blocker.unblock(), schema_context("org_ystad"):
        return User.objects.get(email=email).get_full_name()
