"""The organisation's "Settings" page, as its admin uses it: reached from the menu, changed by keyboard, accessible
(axe) in Swedish and English, within the strict CSP (the ``page`` fixture)."""

from __future__ import annotations

import re

from django_tenants.utils import get_public_schema_name, schema_context
from playwright.sync_api import expect

from tests.browser.helpers import audit_in_swedish_and_english, log_in


def test_an_organisation_admin_changes_how_long_reservations_are_held(page, url, audit, django_db_blocker):
    # given Ystad's organisation admin, on the start page
    log_in(page, url, "ystad.localhost", "admin@ystad.example")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    try:
        # when they open "Inställningar" from the menu
        page.get_by_role("link", name="Inställningar").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Inställningar")
        field = page.get_by_label("Dagar en reservation gäller")
        expect(field).to_have_value("14")
        audit_in_swedish_and_english(page, audit, english_heading="Settings")

        # and type a number out of range: the error stands beside the field
        field.fill("400")
        field.press("Enter")
        expect(page.locator(".field-error").get_by_text("Välj ett antal dagar från 1 till 365.")).to_be_visible()
        # and the error summary above the form lists it, linked to the field
        expect(page.get_by_role("alert").get_by_role("link")).to_contain_text("Välj ett antal dagar från 1 till 365.")
        expect(page.get_by_label("Dagar en reservation gäller")).to_have_attribute("aria-invalid", "true")
        audit(page)

        # and then 21 days, saved with the keyboard
        field = page.get_by_label("Dagar en reservation gäller")
        field.fill("21")
        page.get_by_role("button", name="Spara inställningarna").focus()
        page.keyboard.press("Enter")

        # then it is saved and said so
        expect(page.get_by_role("status")).to_contain_text("Inställningarna är sparade.")
        expect(page.get_by_label("Dagar en reservation gäller")).to_have_value("21")
        expect(page).to_have_url(re.compile(r"/installningar/$"))
    finally:
        with django_db_blocker.unblock(), schema_context(get_public_schema_name()):
            from tenants.models import Organisation
            from tenants.services import update_settings

            update_settings(organisation=Organisation.objects.get(slug="ystad"), reservation_days=14)
