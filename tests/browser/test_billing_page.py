"""The organisation admin's subscription page (decision 0052) and the read-only banner, checked with axe (WCAG 2.1
A/AA and best practice, no serious or critical violation) at 1280 and 320 px, in Swedish and English. Without
Stripe's keys (the browser tests' settings), the page offers invoice payment only."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import log_in, switch_to_english, switch_to_swedish
from tests.browser.test_orgadmin_journey import _audit_wide_and_narrow


def _set_up(django_db_blocker, *, read_only: bool):
    from billing import services
    from billing.models import Subscription
    from tenants import services as tenant_services
    from tenants.models import Organisation

    with django_db_blocker.unblock():
        skurup = Organisation.objects.get(slug="skurup")
        if not read_only:
            Subscription.objects.filter(organisation_id=skurup.pk).delete()
            services.start_trial(organisation_id=skurup.pk, plan_code="delbar", band="medium")
        tenant_services.set_billing_read_only(organisation_id=skurup.pk, read_only=read_only)


def _clean_up(django_db_blocker):
    from billing.models import Subscription
    from tenants import services as tenant_services
    from tenants.models import Organisation

    with django_db_blocker.unblock():
        skurup = Organisation.objects.get(slug="skurup")
        Subscription.objects.filter(organisation_id=skurup.pk).delete()
        tenant_services.set_billing_read_only(organisation_id=skurup.pk, read_only=False)


def test_the_subscription_page_and_the_read_only_banner_pass_axe(page, url, axe, django_db_blocker):
    # given Skurup on trial (the demo gives Skurup no subscription; Ystad's is the demo's own), and its admin
    _set_up(django_db_blocker, read_only=False)
    try:
        log_in(page, url, "skurup.localhost", "admin@skurup.example")
        page.goto(url("skurup.localhost", "/administrera/"))
        # when they open Abonnemang
        page.get_by_role("navigation", name="Administrera").get_by_role("link", name="Abonnemang").click()
        # then the page shows the plan on trial and invoice payment only (no Stripe keys), in both languages
        expect(page.get_by_role("heading", level=1)).to_have_text("Abonnemang")
        expect(page).to_have_title(re.compile("^Abonnemang – Administrera – Skurups kommun"))
        expect(page.get_by_text("Provperiod", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Betala mot faktura")).to_be_visible()
        expect(page.get_by_role("button", name="Betala med kort")).to_have_count(0)
        _audit_wide_and_narrow(axe, page)
        switch_to_english(page)
        expect(page.get_by_role("heading", level=1)).to_have_text("Subscription")
        _audit_wide_and_narrow(axe, page)
        switch_to_swedish(page)

        # when the organisation is read-only, every page carries the banner
        _set_up(django_db_blocker, read_only=True)
        page.goto(url("skurup.localhost", "/"))
        expect(page.locator(".read-only-banner")).to_contain_text("skrivskyddat")
        _audit_wide_and_narrow(axe, page)
    finally:
        _clean_up(django_db_blocker)
