"""Storage and QR labels on a phone (issue 10, part 3): on a 390×844 touch screen, Ystad's operator registers three
things into storage one after another (photo, title, category, quantity; the place stays chosen), prints their
labels (the PDF is downloaded, its text read and its QR codes decoded), and publishes them together. The storage,
registration and stock-taking pages and a label's page are audited with axe in Swedish and English.
"""

from __future__ import annotations

import io
import uuid

import zxingcpp
from django_tenants.utils import schema_context
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.helpers import audit_in_swedish_and_english, log_in, remove_listings_titled
from tests.browser.test_phone_posting import PHONE, _fits, _jpeg, _phone

YSTAD = "ystad.localhost"
OPERATOR = "operator@ystad.example"


def _remembered(django_db_blocker):
    """The operator's posting defaults as they are (restored afterwards), after making sure they name a place: the
    demo remembers one, but a journey before this one may have posted as the operator without one."""
    from catalog.models import Place, PostingDefaults

    with django_db_blocker.unblock(), schema_context("org_ystad"):
        remembered = PostingDefaults.objects.filter(user__email=OPERATOR).values().first()
        if remembered and remembered["place_id"] is None:
            place = Place.objects.filter(is_active=True).order_by("name", "pk").first()
            PostingDefaults.objects.filter(user_id=remembered["user_id"]).update(place=place)
        return remembered


def _restore(django_db_blocker, remembered) -> None:
    from catalog.models import PostingDefaults

    if not remembered:
        return
    with django_db_blocker.unblock(), schema_context("org_ystad"):
        PostingDefaults.objects.filter(user_id=remembered["user_id"]).update(
            **{key: value for key, value in remembered.items() if key != "user_id"})


def test_the_operator_registers_three_things_prints_their_labels_and_publishes_them(
    browser, url, audit, django_db_blocker, csp_violations,
):
    from catalog.models import Category, Listing

    batch = f"Lagerresa {uuid.uuid4().hex[:6]}"
    titles = [f"{batch} kontorsstol", f"{batch} skrivbord", f"{batch} hurts"]
    with django_db_blocker.unblock(), schema_context("org_ystad"):
        chairs = Category.objects.get(name="Kontorsstolar").pk
    remembered = _remembered(django_db_blocker)
    context, page = _phone(browser, csp_violations)
    try:
        log_in(page, url, YSTAD, OPERATOR)

        # three things, one after another: the place (remembered) and the category stay chosen
        page.goto(url(YSTAD, "/lager/registrera/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Registrera i lager")
        _fits(page)
        for n, title in enumerate(titles):
            page.locator("#id_photos").set_input_files([
                {"name": f"lager-{n}.jpg", "mimeType": "image/jpeg", "buffer": _jpeg((60 * n, 120, 90))}])
            expect(page.locator("#pending-photos .pending-photo")).to_have_count(1)
            page.get_by_label("Titel").fill(title)
            if n == 0:
                page.locator("#id_category").select_option(str(chairs))
            expect(page.locator("#id_category")).to_have_value(str(chairs))
            expect(page.locator("#id_place")).not_to_have_value("")
            page.get_by_label("Antal").fill(str(n + 2))
            page.get_by_role("button", name="Registrera i lager").tap()
            expect(page.get_by_text(f"”{title}” är i lager med koden")).to_be_visible()
        _fits(page)
        with django_db_blocker.unblock(), schema_context("org_ystad"):
            stored = {row.title: row for row in Listing.objects.filter(title__in=titles)}
            assert all(row.photos.count() == 1 and row.place_id and row.short_code for row in stored.values())
        assert {row.status for row in stored.values()} == {"stored"}

        # their labels: chosen in the storage list, printed as a PDF
        page.goto(url(YSTAD, f"/lager/?q={batch}"))
        _fits(page)
        for title in titles:
            page.get_by_label(title).check()
        page.get_by_label("24 etiketter per ark, 70 × 37 mm (3 × 8)").check()
        with page.expect_download() as download:
            page.get_by_role("button", name="Skriv ut etiketter (PDF)").tap()
        reader = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
        text = reader.pages[0].extract_text().replace("\n", " ")
        decoded = [found.text for image in reader.pages[0].images
                   for found in zxingcpp.read_barcodes(image.image)]
        for title, row in stored.items():
            assert title in text and row.short_code in text
        host = page.evaluate("location.host")
        assert sorted(decoded) == sorted(f"http://{host}/l/{row.short_code}/" for row in stored.values())

        # a label opens the item's page, with its stock-taking button
        page.goto(decoded[0])
        expect(page.get_by_role("button", name="Markera som sedd här nu")).to_be_visible()

        # published together
        page.goto(url(YSTAD, f"/lager/?q={batch}"))
        for title in titles:
            page.get_by_label(title).check()
        page.get_by_role("button", name="Publicera de valda").tap()
        expect(page.get_by_text("Publicerade:")).to_be_visible()
        with django_db_blocker.unblock(), schema_context("org_ystad"):
            assert set(Listing.objects.filter(title__in=titles).values_list("status", flat=True)) == {"published"}
        print(f"\nstorage journey: 3 things registered, {len(reader.pages)} label page, "
              f"{len(decoded)} QR codes decoded, 3 published")

        # the pages pass axe in Swedish and English, on the phone
        for path, heading in (("/lager/", "Storage"), ("/lager/registrera/", "Register into storage"),
                              ("/lager/inventering/", "Stock-taking"), ("/l/ZZZZZZ/", "Label ZZZZZZ")):
            page.goto(url(YSTAD, path))
            audit_in_swedish_and_english(page, audit, english_heading=heading)
    finally:
        context.close()
        for title in titles:
            remove_listings_titled(django_db_blocker, title)
        _restore(django_db_blocker, remembered)
    assert not csp_violations, "\n".join(csp_violations)
    assert PHONE["width"] == 390
