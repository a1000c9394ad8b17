"""Storage and QR labels on a phone (issue 10, part 3): on a 390×844 touch screen, Ystad's operator registers three
things into storage one after another (photo, title, category, quantity; the place stays chosen), prints their
labels (the PDF is downloaded, its text read and its QR codes decoded), and publishes them together. The storage,
registration and stock-taking pages and a label's page are audited with axe in Swedish and English. The steps are
tests/browser/storage_steps.py's, which the operator's day (test_operator_day_journey.py) takes too.
"""

from __future__ import annotations

import uuid

from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.helpers import audit_in_swedish_and_english, log_in, remove_listings_titled
from tests.browser.storage_steps import (
    OPERATOR,
    assert_labels_name,
    print_labels,
    publish_from_storage,
    register_into_storage,
    remembered_place,
    restore_defaults,
)
from tests.browser.test_phone_posting import PHONE, _phone

YSTAD = "ystad.localhost"


def test_the_operator_registers_three_things_prints_their_labels_and_publishes_them(
    browser, url, audit, django_db_blocker, csp_violations,
):
    from catalog.models import Category, Listing

    batch = f"Lagerresa {uuid.uuid4().hex[:6]}"
    titles = [f"{batch} kontorsstol", f"{batch} skrivbord", f"{batch} hurts"]
    with django_db_blocker.unblock(), schema_context("org_ystad"):
        chairs = Category.objects.get(name="Kontorsstolar").pk
    remembered = remembered_place(django_db_blocker)
    context, page = _phone(browser, csp_violations)
    try:
        log_in(page, url, YSTAD, OPERATOR)

        # three things, one after another: the place (remembered) and the category stay chosen
        register_into_storage(page, url, YSTAD, titles=titles, category=chairs)
        with django_db_blocker.unblock(), schema_context("org_ystad"):
            stored = {row.title: row for row in Listing.objects.filter(title__in=titles)}
            assert all(row.photos.count() == 1 and row.place_id and row.short_code for row in stored.values())
        assert {row.status for row in stored.values()} == {"stored"}

        # their labels: chosen in the storage list, printed as a PDF
        labels = print_labels(page, url, YSTAD, query=batch, titles=titles)
        assert_labels_name(page, labels, stored)

        # a label opens the item's page, with its stock-taking button
        page.goto(labels.decoded[0])
        expect(page.get_by_role("button", name="Markera som sedd här nu")).to_be_visible()

        # published together
        publish_from_storage(page, url, YSTAD, query=batch, titles=titles)
        with django_db_blocker.unblock(), schema_context("org_ystad"):
            assert set(Listing.objects.filter(title__in=titles).values_list("status", flat=True)) == {"published"}
        print(f"\nstorage journey: 3 things registered, {labels.pages} label page, "
              f"{len(labels.decoded)} QR codes decoded, 3 published")

        # the pages pass axe in Swedish and English, on the phone
        for path, heading in (("/lager/", "Storage"), ("/lager/registrera/", "Register into storage"),
                              ("/lager/inventering/", "Stock-taking"), ("/l/ZZZZZZ/", "Label ZZZZZZ")):
            page.goto(url(YSTAD, path))
            audit_in_swedish_and_english(page, audit, english_heading=heading)
    finally:
        context.close()
        for title in titles:
            remove_listings_titled(django_db_blocker, title)
        restore_defaults(django_db_blocker, remembered)
    assert not csp_violations, "\n".join(csp_violations)
    assert PHONE["width"] == 390
