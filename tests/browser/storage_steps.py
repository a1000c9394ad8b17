"""Steps of the storage journeys on a phone (decision 0043), shared by test_storage_journey.py and the operator's
day (test_operator_day_journey.py): register things into storage one after another, print their labels and read
the PDF back (its text, and every QR code decoded with zxing-cpp), publish them together; and the operator's
remembered place, made sure of before and restored after."""

from __future__ import annotations

import io
from dataclasses import dataclass

import zxingcpp
from django_tenants.utils import schema_context
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.test_phone_posting import _fits, _jpeg

OPERATOR = "operator@ystad.example"
LAYOUT = "24 etiketter per ark, 70 × 37 mm (3 × 8)"


def remembered_place(django_db_blocker, email: str = OPERATOR):
    """The operator's posting defaults as they are (restored afterwards), after making sure they name a place: the
    demo remembers one, but a journey before this one may have posted as the operator without one."""
    from catalog.models import Place, PostingDefaults

    with django_db_blocker.unblock(), schema_context("org_ystad"):
        remembered = PostingDefaults.objects.filter(user__email=email).values().first()
        if remembered and remembered["place_id"] is None:
            place = Place.objects.filter(is_active=True).order_by("name", "pk").first()
            PostingDefaults.objects.filter(user_id=remembered["user_id"]).update(place=place)
        return remembered


def restore_defaults(django_db_blocker, remembered) -> None:
    from catalog.models import PostingDefaults

    if not remembered:
        return
    with django_db_blocker.unblock(), schema_context("org_ystad"):
        PostingDefaults.objects.filter(user_id=remembered["user_id"]).update(
            **{key: value for key, value in remembered.items() if key != "user_id"})


def register_into_storage(page, url, host: str, *, titles: list[str], category: int) -> None:
    """On "Registrera i lager": a photo, a title, the category (chosen for the first, then it stays, as the place
    does) and a quantity (2, 3, 4 …) for each, one after another."""
    page.goto(url(host, "/lager/registrera/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrera i lager")
    _fits(page)
    for n, title in enumerate(titles):
        page.locator("#id_photos").set_input_files([
            {"name": f"lager-{n}.jpg", "mimeType": "image/jpeg", "buffer": _jpeg((60 * n, 120, 90))}])
        expect(page.locator("#pending-photos .pending-photo")).to_have_count(1)
        page.get_by_label("Titel").fill(title)
        if n == 0:
            page.locator("#id_category").select_option(str(category))
        expect(page.locator("#id_category")).to_have_value(str(category))
        expect(page.locator("#id_place")).not_to_have_value("")
        page.get_by_label("Antal").fill(str(n + 2))
        page.get_by_role("button", name="Registrera i lager").tap()
        expect(page.get_by_text(f"”{title}” är i lager med koden")).to_be_visible()
    _fits(page)


def _choose(page, url, host: str, query: str, titles: list[str]) -> None:
    page.goto(url(host, f"/lager/?q={query}"))
    _fits(page)
    for title in titles:
        page.get_by_label(title).check()


@dataclass(frozen=True)
class Labels:
    pages: int
    text: str
    decoded: list[str]


def print_labels(page, url, host: str, *, query: str, titles: list[str]) -> Labels:
    """Chosen in the storage list (searched for ``query``) and printed: the PDF downloaded, its first page's text
    and QR codes read."""
    _choose(page, url, host, query, titles)
    page.get_by_label(LAYOUT).check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Skriv ut etiketter (PDF)").tap()
    with open(download.value.path(), "rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    return Labels(
        pages=len(reader.pages),
        text=reader.pages[0].extract_text().replace("\n", " "),
        decoded=[found.text for image in reader.pages[0].images for found in zxingcpp.read_barcodes(image.image)],
    )


def assert_labels_name(page, labels: Labels, stored: dict) -> None:
    """Each label has its thing's title and short code, and each QR code opens its label's address here."""
    for title, row in stored.items():
        assert title in labels.text and row.short_code in labels.text, (title, row.short_code, labels.text)
    host = page.evaluate("location.host")
    assert sorted(labels.decoded) == sorted(f"http://{host}/l/{row.short_code}/" for row in stored.values())


def publish_from_storage(page, url, host: str, *, query: str, titles: list[str]) -> None:
    _choose(page, url, host, query, titles)
    page.get_by_role("button", name="Publicera de valda").tap()
    expect(page.get_by_text("Publicerade:")).to_be_visible()
