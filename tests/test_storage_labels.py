"""Storage, QR labels and stock-taking (issue 10, part 3; decision 0043): things registered into storage at a place,
unpublished, with a short code; sheets of labels as PDF whose QR codes open the item on the organisation's host;
marking things seen. The journey on a phone is tests/browser/test_storage_journey.py.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import zxingcpp
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_tenants.utils import schema_context
from pypdf import PdfReader

from catalog import errors, labels, selectors, services, short_codes
from catalog.lifecycle import ListingStatus
from catalog.models import Listing, Place
from catalog.permissions import can_see_listing
from catalog.publication import PUBLISHED_KIND
from outbox.models import OutboxMessage

from .catalog_factories import category, make_listing, photo_upload
from .conftest import client_for, host_of, user_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def operator(ystad):
    return user_in(ystad, "operator")


@pytest.fixture
def member(ystad):
    return user_in(ystad, "personal")


def _store(operator, title: str, *, photo: bool = False, quantity: int = 1, place: Place | None = None) -> Listing:
    place = place or Place.objects.filter(is_active=True).order_by("name").first()
    return services.register_in_storage(
        by=operator,
        details=services.ListingDetails(
            title=title, category=category("Kontorsstolar"), department=operator.department,
            contact_person=operator, quantity=quantity, place=place,
        ),
        photos=services.prepare_photos([photo_upload()]) if photo else (),
    )


def _pdf(response) -> PdfReader:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def _decoded(reader: PdfReader) -> list[str]:
    """Every QR code on every page, decoded from the images the PDF embeds."""
    found = []
    for page in reader.pages:
        for image in page.images:
            found += [result.text for result in zxingcpp.read_barcodes(image.image)]
    return found


# ---------------------------------------------------------------------------------------------- short codes


def test_short_codes_are_typable_and_normalised():
    # given new codes
    codes = {short_codes.new_code() for _ in range(200)}

    # then they are six characters of the alphabet without look-alikes
    assert all(len(code) == 6 and set(code) <= set(short_codes.ALPHABET) for code in codes)
    assert not set("01OIL") & set(short_codes.ALPHABET)
    # and a code typed in lower case or with a dash is the same code; one with a look-alike is none
    assert short_codes.normalised("abc-234") == "ABC234"
    assert short_codes.normalised("ABO234") == ""
    assert short_codes.from_scan("https://ystad.localhost/l/ABC234/") == ("ABC234", "ystad.localhost")
    assert short_codes.from_scan(" abc 234 ") == ("ABC234", "")


# ------------------------------------------------------------------------------------------------- storage


def test_registering_into_storage_keeps_it_unpublished_with_a_place_and_a_code(ystad, operator, member):
    with schema_context(ystad.schema_name):
        # given a saved place
        place = Place.objects.filter(is_active=True).first()

        # when the operator registers a thing into storage there
        listing = _store(operator, "Lagerstol unik-1", quantity=4, place=place)

        # then it is stored at the place with a code, seen by the operator only, not found by search
        listing.refresh_from_db()
        assert listing.status == ListingStatus.STORED
        assert listing.place == place and listing.address == place.address
        assert short_codes.normalised(listing.short_code) == listing.short_code
        assert not can_see_listing(member, listing)
        assert can_see_listing(operator, listing)
        assert not any(found.pk == listing.pk for found in selectors.search_listings(query="Lagerstol"))
        assert listing in selectors.stored_listings()


def test_registering_into_storage_is_for_operators_and_needs_a_place(ystad, operator, member):
    with schema_context(ystad.schema_name):
        before = Listing.objects.count()
        details = services.ListingDetails(
            title="Utan plats", category=category("Kontorsstolar"), department=operator.department,
            contact_person=operator,
        )
        # when a member registers, or the operator without a place
        with pytest.raises(errors.CatalogError) as not_allowed:
            services.register_in_storage(by=member, details=details)
        with pytest.raises(errors.CatalogError) as no_place:
            services.register_in_storage(by=operator, details=details)

        # then both are refused and nothing is saved
        assert not_allowed.value.http_status == 403
        assert no_place.value.code == "place_required"
        assert Listing.objects.count() == before


def test_publishing_stored_items_is_all_or_nothing(ystad, operator):
    with schema_context(ystad.schema_name):
        # given two stored things, one without a photo
        with_photo = _store(operator, "Lagerbord med foto", photo=True)
        without = _store(operator, "Lagerbord utan foto")

        # when both are published together
        with pytest.raises(errors.CatalogError) as refused:
            services.publish_stored(by=operator, listings=[with_photo, without])

        # then neither is, and the refusal names the one that cannot be
        assert "Lagerbord utan foto" in refused.value.message
        assert set(Listing.objects.filter(pk__in=[with_photo.pk, without.pk]).values_list("status", flat=True)) == {
            ListingStatus.STORED}
        # and the one with a photo alone is published
        services.publish_stored(by=operator, listings=[with_photo])
        with_photo.refresh_from_db()
        assert with_photo.status == ListingStatus.PUBLISHED
        # and announced as newly published, so that the wanted ads hear of it (decision 0036)
        assert OutboxMessage.objects.filter(kind=PUBLISHED_KIND, payload__listing=str(with_photo.uuid)).count() == 1


def test_the_batch_page_registers_one_after_another_with_the_picked_photo(ystad, operator):
    client = client_for(ystad, operator)
    with schema_context(ystad.schema_name):
        place = Place.objects.filter(is_active=True).first()
        chairs = category("Kontorsstolar")
    # given a photo picked first (kept as a pending photo, as the posting form does)
    uploaded = client.post("/annonser/foton/", {"photos": [photo_upload()]})
    assert uploaded.status_code == 201
    photo_id = uploaded.json()["photos"][0]["id"]

    # when the form is sent
    response = client.post("/lager/registrera/", {
        "title": "Batchstol ett", "category": chairs.pk, "place": place.pk, "quantity": 3,
        "condition": "good", "department": operator.department_id, "pending_photos": [photo_id],
    })

    # then it is stored with its photo and the page is ready for the next one in the same category
    assert response.status_code == 302
    assert response["Location"].endswith(f"/lager/registrera/?kategori={chairs.pk}")
    with schema_context(ystad.schema_name):
        listing = Listing.objects.get(title="Batchstol ett")
        assert listing.status == ListingStatus.STORED and listing.quantity == 3 and listing.photos.count() == 1
    page = client.get(response["Location"])
    assert f'<option value="{chairs.pk}" selected>' in page.content.decode()
    assert listing.short_code in page.content.decode()

    # and a form without a title comes back with the reason, nothing saved
    again = client.post("/lager/registrera/", {"title": "", "category": chairs.pk, "place": place.pk,
                                               "quantity": 1, "condition": "good",
                                               "department": operator.department_id})
    assert again.status_code == 400


@pytest.mark.parametrize(("language", "texts"), [
    ("sv", ["Lager", "Skriv ut etiketter (PDF)", "Registrera i lager", "Inventering"]),
    ("en", ["Storage", "Print labels (PDF)", "Register into storage", "Stock-taking"]),
])
def test_the_storage_pages_in_swedish_and_english(ystad, operator, language, texts):
    with schema_context(ystad.schema_name):
        _store(operator, "Språkstol")
    client = client_for(ystad, operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    pages = "".join(client.get(path).content.decode() for path in ("/lager/", "/lager/registrera/",
                                                                  "/lager/inventering/"))
    for text in texts:
        assert text in pages, text


def test_the_storage_pages_are_for_operators(ystad, member, skurup):
    client = client_for(ystad, member)
    for path in ("/lager/", "/lager/registrera/", "/lager/inventering/"):
        assert client.get(path).status_code == 403
    assert client.post("/lager/etiketter/", {"layout": "3x8"}).status_code == 403


# -------------------------------------------------------------------------------------------------- labels


def test_the_label_sheet_prints_titles_and_codes_whose_qr_opens_the_item(ystad, operator):
    with schema_context(ystad.schema_name):
        items = [_store(operator, title) for title in ("Kontorsstol grå, åtta hjul", "Skåp för pärmar",
                                                       "Hörnsoffa ärtgrön")]
    client = client_for(ystad, operator)
    for layout in labels.LAYOUTS:
        # when their labels are printed
        reader = _pdf(client.post("/lager/etiketter/", {"layout": layout,
                                                         "listings": [str(item.uuid) for item in items]}))

        # then each title (with å, ä, ö) and code is on the sheet, and each QR code is the item's label address
        text = reader.pages[0].extract_text()
        for item in items:
            assert item.title in text.replace("\n", " ")
            assert item.short_code in text
        assert sorted(_decoded(reader)) == sorted(
            f"http://{host_of(ystad)}/l/{item.short_code}/" for item in items)


def test_labels_start_after_the_used_ones_and_fill_sheets(ystad, operator):
    with schema_context(ystad.schema_name):
        items = [_store(operator, f"Arkstol {n}") for n in range(16)]
    reader = _pdf(client_for(ystad, operator).post("/lager/etiketter/", {
        "layout": "2x7", "skip": 3, "listings": [str(item.uuid) for item in items]}))
    # 3 used + 16 new on sheets of 14: two sheets
    assert len(reader.pages) == 2
    assert len(_decoded(reader)) == 16


def test_the_first_label_gives_a_code_to_a_listing_without_one(ystad, operator):
    with schema_context(ystad.schema_name):
        listing = make_listing(author=operator, title="Publicerad utan kod")
        assert listing.short_code is None
    reader = _pdf(client_for(ystad, operator).post("/lager/etiketter/", {
        "layout": "3x8", "listings": [str(listing.uuid)]}))
    with schema_context(ystad.schema_name):
        listing.refresh_from_db()
    assert listing.short_code and listing.short_code in reader.pages[0].extract_text()


def test_a_label_sheet_costs_the_same_queries_for_5_and_100_items(ystad, operator):
    with schema_context(ystad.schema_name):
        items = [_store(operator, f"Räknestol {n}") for n in range(100)]
        Listing.objects.filter(pk__in=[item.pk for item in items]).update(short_code=None)  # codes given when printed
    client = client_for(ystad, operator)
    client.get("/lager/")  # the session and the person loaded once

    def count(chosen) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/lager/etiketter/", {"layout": "3x8",
                                                          "listings": [str(item.uuid) for item in chosen]})
        assert response.status_code == 200
        return len(queries)

    assert count(items[:5]) == count(items[5:])


def test_labels_for_another_organisations_items_are_refused_and_nothing_is_done(ystad, skurup, operator):
    with schema_context(ystad.schema_name):
        ours = make_listing(author=operator, title="Vår stol utan kod")
    with schema_context(skurup.schema_name):
        theirs = make_listing(author=user_in(skurup, "operator"), title="Skurups stol")
    # when Ystad's operator asks for labels of their own item and Skurup's
    response = client_for(ystad, operator).post("/lager/etiketter/", {
        "layout": "3x8", "listings": [str(ours.uuid), str(theirs.uuid)]})

    # then it is refused with a clear page, and not even Ystad's own item got a code
    assert response.status_code == 404
    assert "inte i din organisation" in response.content.decode()
    with schema_context(ystad.schema_name):
        ours.refresh_from_db()
    assert ours.short_code is None
    # and Skurup's operator cannot print or mark Ystad's items either
    skurup_operator = client_for(skurup, user_in(skurup, "operator"))
    assert skurup_operator.post("/lager/etiketter/", {"layout": "3x8",
                                                      "listings": [str(ours.uuid)]}).status_code == 404
    assert skurup_operator.post(f"/annonser/{ours.uuid}/sedd/").status_code == 404


def test_no_label_for_a_withdrawn_item(ystad, operator):
    with schema_context(ystad.schema_name):
        stored = _store(operator, "Lagerstol kvar")
        gone = _store(operator, "Lagerstol borta")
        services.withdraw_listing(listing=gone, by=operator, reason="Kasserad")
    response = client_for(ystad, operator).post("/lager/etiketter/", {
        "layout": "3x8", "listings": [str(stored.uuid), str(gone.uuid)]})
    assert response.status_code == 409
    assert "Lagerstol borta" in response.content.decode()


# ------------------------------------------------------------------------------------------- the QR address


def test_a_label_opens_the_item_after_logging_in(ystad, operator, member):
    with schema_context(ystad.schema_name):
        stored = _store(operator, "Skannad stol")
    path = f"/l/{stored.short_code}/"

    # anonymous: to the login page, and back here afterwards
    anonymous = client_for(ystad).get(path)
    assert anonymous.status_code == 302 and anonymous["Location"].endswith(f"?next={path}")
    # the operator: to the item's page, which has the stock-taking button; typed in lower case with a dash too
    opened = client_for(ystad, operator).get(path, follow=True)
    assert opened.redirect_chain[-1][0] == f"/annonser/{stored.uuid}/"
    assert "Markera som sedd här nu" in opened.content.decode()
    code = stored.short_code.lower()
    assert client_for(ystad, operator).get(f"/l/{code[:3]}-{code[3:]}/")["Location"] == f"/annonser/{stored.uuid}/"
    # a colleague: told it is in storage, not yet offered
    colleague = client_for(ystad, member).get(path)
    assert colleague.status_code == 404 and "i lager" in colleague.content.decode()


def test_a_label_that_is_not_ours_or_of_a_withdrawn_item_says_so(ystad, skurup, operator):
    with schema_context(ystad.schema_name):
        gone = _store(operator, "Trasig stol")
        services.withdraw_listing(listing=gone, by=operator, reason="Trasig")
    with schema_context(skurup.schema_name):
        theirs = _store(user_in(skurup, "operator"), "Skurups lagerstol")
    client = client_for(ystad, operator)

    withdrawn = client.get(f"/l/{gone.short_code}/")
    assert withdrawn.status_code == 410 and "har tagits ned" in withdrawn.content.decode()
    unknown = client.get(f"/l/{theirs.short_code}/")  # Skurup's code on Ystad's host
    assert unknown.status_code == 404 and "har koden" in unknown.content.decode()
    assert client.get("/l/nonsense/").status_code == 404


# --------------------------------------------------------------------------------------------- stock-taking


def test_stocktaking_marks_typed_and_ticked_items_seen(ystad, operator):
    with schema_context(ystad.schema_name):
        typed, scanned, ticked, missed = (_store(operator, f"Inventerad {n}") for n in range(4))
    client = client_for(ystad, operator)

    # when one code is typed, one label's URL scanned by a scanner that types, and one item ticked
    response = client.post("/lager/inventering/", {
        "codes": f"{typed.short_code.lower()}\nhttp://{host_of(ystad)}/l/{scanned.short_code}/",
        "seen": [str(ticked.uuid)],
    })

    # then those three were seen now, by the operator; the fourth not
    assert response.status_code == 302
    with schema_context(ystad.schema_name):
        rows = {row.title: row for row in Listing.objects.filter(title__startswith="Inventerad ")}
    for listing in (typed, scanned, ticked):
        assert rows[listing.title].last_seen_by_id == operator.pk
        assert timezone.now() - rows[listing.title].last_seen_at < timedelta(minutes=1)
    assert rows[missed.title].last_seen_at is None
    # and the list of what was not seen since today holds the fourth, not the others
    page = client.get(f"/lager/inventering/?since={timezone.localdate().isoformat()}").content.decode()
    assert missed.title in page and typed.title not in page


def test_stocktaking_with_an_unknown_or_foreign_code_marks_nothing(ystad, operator):
    with schema_context(ystad.schema_name):
        listing = _store(operator, "Inventerad ensam")
    client = client_for(ystad, operator)
    for codes in (f"{listing.short_code} ZZZZZZ", f"{listing.short_code} https://skurup.localhost/l/ABC234/"):
        response = client.post("/lager/inventering/", {"codes": codes})
        assert response.status_code == 400
        with schema_context(ystad.schema_name):
            listing.refresh_from_db()
        assert listing.last_seen_at is None
    assert "annan organisation" in response.content.decode()


def test_marking_seen_from_the_items_page(ystad, operator):
    with schema_context(ystad.schema_name):
        listing = _store(operator, "Sedd via sidan")
    response = client_for(ystad, operator).post(f"/annonser/{listing.uuid}/sedd/")
    assert response.status_code == 302
    with schema_context(ystad.schema_name):
        listing.refresh_from_db()
    assert listing.last_seen_by_id == operator.pk


def test_storage_and_stocktaking_pages_cost_the_same_queries_whatever_the_data(ystad, operator):
    client = client_for(ystad, operator)
    client.get("/lager/")

    def counts() -> list[int]:
        result = []
        for path in ("/lager/", "/lager/inventering/", "/lager/registrera/"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            result.append(len(queries))
        return result

    with schema_context(ystad.schema_name):
        _store(operator, "Fråga 0", photo=True)
    before = counts()
    with schema_context(ystad.schema_name):
        for n in range(1, 12):
            listing = _store(operator, f"Fråga {n}", photo=n % 2 == 0)
        services.mark_seen(by=operator, listings=[listing])
    assert counts() == before


def test_the_demo_operator_has_things_in_storage(ystad, operator):
    with schema_context(ystad.schema_name):
        stored = list(selectors.stored_listings().filter(created_by=operator))
    assert len(stored) >= 4
    assert all(listing.short_code and listing.place_id for listing in stored)
    assert any(listing.last_seen_at for listing in stored)


def test_the_label_page_in_english(ystad, operator, skurup):
    client = client_for(ystad, operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        page = client.get("/l/ZZZZZZ/").content.decode()
    assert re.search(r"No item of .* has the code ZZZZZZ", page)


def test_a_wound_up_departments_stored_things_are_withdrawn_with_its_listings(ystad, operator):
    with schema_context(ystad.schema_name):
        # given a thing in storage for the operator's department
        stored = _store(operator, "Lagerstol i avvecklad enhet")

        # when the organisation's admin withdraws the department's open listings (orgadmin, decision 0039)
        services.withdraw_department_listings(by=user_in(ystad, "admin"), department=operator.department,
                                              reason="Enheten avvecklas")

        # then the stored thing is withdrawn too, and its label says so
        stored.refresh_from_db()
    assert stored.status == ListingStatus.WITHDRAWN
    assert client_for(ystad, operator).get(f"/l/{stored.short_code}/").status_code == 410
