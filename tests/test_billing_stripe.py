"""Subscriptions, card payment through Stripe and the consequences of not paying (billing, decision 0052).

Stripe is a service outside Delbar: these tests drive the real ``stripe`` client against an in-process fake of its
HTTP API (tests/stripe_fake.py) and post webhooks signed the way Stripe signs them.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_tenants.utils import schema_context

from billing import jobs, selectors, services
from billing.models import StripeEvent, Subscription
from catalog import services as catalog
from catalog.errors import CatalogError
from tenants.models import Organisation
from tests.catalog_factories import make_listing

from .conftest import client_for, user_in
from .stripe_fake import FakeStripe, event, sign

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_delbar"
SUBSCRIPTION_PAGE = "/administrera/abonnemang/"


@pytest.fixture
def stripe_fake(settings):
    fake = FakeStripe().start()
    settings.STRIPE_SECRET_KEY = "sk_test_delbar"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.STRIPE_API_BASE = fake.base
    settings.STRIPE_PRICE_IDS = {}
    yield fake
    fake.stop()


@pytest.fixture
def trial(skurup):
    return services.start_trial(organisation_id=skurup.pk, plan_code="delbar", band="small")


@pytest.fixture
def buyer(skurup):
    return services.buyer_for_organisation(organisation_id=skurup.pk, street="Rådhustorget 1", postal_code="274 80",
                                           city="Skurup", buyer_reference="Ekonomi 4711")


def _post(payload: bytes, signature: str | None = None):
    headers = {"HTTP_STRIPE_SIGNATURE": signature if signature is not None else sign(payload, SECRET)}
    return Client(HTTP_HOST="localhost").post("/stripe/webhook/", payload, content_type="application/json", **headers)


def _subscription(organisation) -> Subscription:
    return Subscription.objects.get(organisation_id=organisation.pk)


def _read_only(organisation) -> bool:
    return Organisation.objects.get(pk=organisation.pk).billing_read_only


def _paid_by_card(stripe_fake, skurup) -> str:
    url = services.choose_card_payment(organisation_id=skurup.pk, success_url="https://x.test/ok",
                                       cancel_url="https://x.test/back")
    session_id = url.rsplit("/", 1)[1]
    subscription_id = stripe_fake.complete_checkout(session_id)
    completed = {"id": session_id, "object": "checkout.session", "client_reference_id": str(skurup.pk),
                 "subscription": subscription_id, "mode": "subscription"}
    assert _post(event("checkout.session.completed", completed, event_id="evt_checkout")).status_code == 200
    return subscription_id


def _subscription_event(subscription_id: str, status: str, *, event_id: str, kind="customer.subscription.updated"):
    obj = {"id": subscription_id, "object": "subscription", "status": status}
    if kind.startswith("invoice."):
        obj = {"id": f"in_{event_id}", "object": "invoice", "subscription": subscription_id}
    return event(kind, obj, event_id=event_id)


# ----------------------------------------------------------------------------------------------- trial and checkout


def test_a_trial_starts_once_for_the_plans_trial_days(skurup):
    # when a trial is started twice (a double-submitted sign-up)
    first = services.start_trial(organisation_id=skurup.pk, plan_code="delbar", band="small",
                                 today=date(2027, 1, 1))
    again = services.start_trial(organisation_id=skurup.pk, plan_code="delbar", band="large")
    # then there is one subscription, on trial for 30 days
    assert first.pk == again.pk and again.band == "small"
    assert (again.status, again.trial_end) == ("trialing", date(2027, 1, 31))


def test_card_payment_is_not_offered_without_stripe_keys(settings, skurup, trial):
    # given no Stripe keys
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    # then card payment is neither offered nor possible, and the page does not mention it
    assert not selectors.card_payment_available()
    with pytest.raises(services.errors.BillingError) as refused:
        services.choose_card_payment(organisation_id=skurup.pk, success_url="https://x", cancel_url="https://x")
    assert refused.value.code == "no_card_payment"
    page = client_for(skurup, user_in(skurup, "admin")).get(SUBSCRIPTION_PAGE).content.decode()
    assert "Stripe" not in page and "kort" not in page.lower()


def test_checkout_creates_a_subscription_session_for_the_plans_price_including_vat(stripe_fake, skurup, trial):
    # when the admin chooses card payment, twice
    url = services.choose_card_payment(organisation_id=skurup.pk, success_url="https://x.test/ok",
                                       cancel_url="https://x.test/back", email="admin@skurup.example")
    second = services.choose_card_payment(organisation_id=skurup.pk, success_url="https://x.test/ok",
                                          cancel_url="https://x.test/back")
    # then Stripe was asked for a Checkout Session in subscription mode, for the organisation, with a yearly price
    # of 24,000 kr + 25 % VAT in öre, created once and found by its lookup key the second time
    session = stripe_fake.sessions[url.rsplit("/", 1)[1]]
    params = session["params"]
    assert url.startswith("https://checkout.stripe.test/")
    assert (params["mode"], params["client_reference_id"]) == ("subscription", str(skurup.pk))
    assert params["subscription_data[metadata][organisation_id]"] == str(skurup.pk)
    assert params["customer_email"] == "admin@skurup.example"
    assert "subscription_data[trial_end]" in params  # the trial's remaining days are kept
    [price] = stripe_fake.prices.values()
    assert (price["unit_amount"], price["currency"], price["recurring"]) == (3_000_000, "sek", {"interval": "year"})
    assert params["line_items[0][price]"] == price["id"]
    assert stripe_fake.calls("POST", "/v1/prices") == 1
    assert _subscription(skurup).stripe_checkout_session_id == second.rsplit("/", 1)[1]
    # and nothing is a card subscription until Stripe says the checkout completed
    assert _subscription(skurup).payment_method == ""


def test_a_configured_price_id_is_used_as_it_is(stripe_fake, settings, skurup, trial):
    settings.STRIPE_PRICE_IDS = {"delbar:small": "price_configured"}
    url = services.choose_card_payment(organisation_id=skurup.pk, success_url="https://x", cancel_url="https://x")
    assert stripe_fake.sessions[url.rsplit("/", 1)[1]]["params"]["line_items[0][price]"] == "price_configured"
    assert stripe_fake.calls("POST", "/v1/prices") == 0


# ----------------------------------------------------------------------------------------------------- webhooks


def test_checkout_completed_makes_it_a_card_subscription_read_from_stripe(stripe_fake, skurup, trial):
    # when the checkout completes and Stripe says so
    subscription_id = _paid_by_card(stripe_fake, skurup)
    # then the subscription is Stripe's, as Stripe's API says it is now
    subscription = _subscription(skurup)
    assert (subscription.payment_method, subscription.status) == ("card", "active")
    assert subscription.stripe_subscription_id == subscription_id
    assert subscription.stripe_customer_id.startswith("cus_test_")
    assert subscription.current_period_end == subscription.current_period_start + timedelta(days=365)
    assert stripe_fake.calls("GET", f"/v1/subscriptions/{subscription_id}") == 1


def test_webhooks_late_twice_or_out_of_order_change_nothing_twice(stripe_fake, skurup, trial):
    # given a card subscription
    subscription_id = _paid_by_card(stripe_fake, skurup)
    # when a payment fails
    stripe_fake.set_status(subscription_id, "past_due")
    failed = _subscription_event(subscription_id, "past_due", event_id="evt_failed", kind="invoice.payment_failed")
    assert _post(failed).content == b"applied"
    # then the organisation is read-only
    assert _subscription(skurup).status == "past_due" and _read_only(skurup)
    assert selectors.is_read_only(organisation_id=skurup.pk)
    # when the retry succeeds, and the events of the failure come again and late
    stripe_fake.set_status(subscription_id, "active")
    assert _post(_subscription_event(subscription_id, "active", event_id="evt_paid", kind="invoice.paid")).content \
        == b"applied"
    assert _post(failed).content == b"duplicate"
    late = _subscription_event(subscription_id, "past_due", event_id="evt_updated_earlier")  # older, new id
    assert _post(late).content == b"applied"
    again = _post(late)
    # then what Stripe says now holds: active, not read-only, each event acted on once
    assert again.status_code == 200 and again.content == b"duplicate"
    assert _subscription(skurup).status == "active" and not _read_only(skurup)
    assert StripeEvent.objects.filter(event_id__in=["evt_failed", "evt_paid", "evt_updated_earlier"]).count() == 3
    # and a duplicate is answered without asking Stripe
    asked = stripe_fake.calls("GET", "/v1/subscriptions/")
    _post(failed)
    assert stripe_fake.calls("GET", "/v1/subscriptions/") == asked


@pytest.mark.parametrize("signature", ["", "t=1,v1=00", "wrong-secret", "old"])
def test_a_webhook_with_a_wrong_signature_is_refused_with_400_and_changes_nothing(stripe_fake, skurup, trial,
                                                                                  signature):
    # given a card subscription that Stripe now says is unpaid
    subscription_id = _paid_by_card(stripe_fake, skurup)
    stripe_fake.set_status(subscription_id, "unpaid")
    payload = _subscription_event(subscription_id, "unpaid", event_id="evt_forged")
    header = {"wrong-secret": sign(payload, "whsec_other"),
              "old": sign(payload, SECRET, timestamp=int(timezone.now().timestamp()) - 3600)}.get(signature, signature)
    asked = stripe_fake.calls("GET", "/v1/subscriptions/")
    # when it is posted with a wrong signature
    response = _post(payload, header)
    # then 400, and nothing changed, nothing recorded, Stripe not even asked
    assert response.status_code == 400
    assert _subscription(skurup).status == "active" and not _read_only(skurup)
    assert not StripeEvent.objects.filter(event_id="evt_forged").exists()
    assert stripe_fake.calls("GET", "/v1/subscriptions/") == asked


def test_events_of_no_interest_are_acknowledged_and_ignored(stripe_fake):
    payload = event("charge.refunded", {"id": "ch_1", "object": "charge"}, event_id="evt_other")
    assert _post(payload).content == b"ignored"


# ----------------------------------------------------------------------------------------- read-only, suspension


def test_an_invoice_unpaid_past_its_due_date_makes_the_organisation_read_only_until_paid(skurup, trial, buyer):
    # given invoice payment chosen: a year's invoice, due in 30 days
    invoice = services.choose_invoice_payment(organisation_id=skurup.pk, buyer=buyer)
    assert services.choose_invoice_payment(organisation_id=skurup.pk, buyer=buyer).pk == invoice.pk  # issued once
    assert _subscription(skurup).payment_method == "invoice"
    # when the daily job runs on the due date, and the day after
    jobs.daily(organisation=skurup, local_date=invoice.due_date)
    assert not _read_only(skurup)
    jobs.daily(organisation=skurup, local_date=invoice.due_date + timedelta(days=1))
    # then the organisation is read-only, its subscription past due
    assert _read_only(skurup) and _subscription(skurup).status == "past_due"
    # when the payment is booked
    services.record_invoice_paid(invoice=invoice, paid_on=invoice.due_date + timedelta(days=2))
    # then it is open again
    assert not _read_only(skurup) and _subscription(skurup).status == "active"


def _in(client, language: str, path: str) -> str:
    client.cookies["delbar_language"] = language
    return client.get(path).content.decode()


def _text(message, language: str) -> str:
    with translation.override(language):
        return str(message)


def _make_read_only(skurup):
    from tenants import services as tenant_services

    tenant_services.set_billing_read_only(organisation_id=skurup.pk, read_only=True)


def test_read_only_mode_refuses_publishing_with_a_clear_message_drafts_stay_possible(skurup, media):
    # given a person of a read-only organisation, with a draft
    person = user_in(skurup, "personal")
    with schema_context(skurup.schema_name):
        draft = make_listing(author=person, publish=False)
        _make_read_only(skurup)
        # when they publish a new listing or the draft
        with translation.override("sv"), pytest.raises(CatalogError) as new:
            make_listing(author=person, publish=True)
        swedish = _text(new.value.message, "sv")
        with translation.override("en"), pytest.raises(CatalogError) as existing:
            catalog.publish_listing(listing=draft, by=person)
        english = _text(existing.value.message, "en")
        # then both are refused, saying why; a draft can still be saved
        make_listing(author=person, publish=False)
    assert new.value.code == "read_only" and "betalning till Delbar är försenad" in swedish
    assert existing.value.code == "read_only" and "payment to Delbar is overdue" in english


def test_read_only_mode_shows_a_banner_in_swedish_and_english(skurup):
    client = client_for(skurup, user_in(skurup, "personal"))
    assert "read-only-banner" not in client.get("/").content.decode()
    # given a read-only organisation
    _make_read_only(skurup)
    # then its pages carry the banner, in the person's language
    swedish, english = _in(client, "sv", "/"), _in(client, "en", "/")
    assert "read-only-banner" in swedish and "förfallen" in swedish
    assert "read-only" in english and "overdue" in english


def test_a_cancelled_subscription_suspends_the_organisation_after_the_grace_period(stripe_fake, settings, skurup,
                                                                                   trial):
    # given a card subscription cancelled in Stripe
    settings.BILLING_GRACE_DAYS = 30
    subscription_id = _paid_by_card(stripe_fake, skurup)
    stripe_fake.set_status(subscription_id, "canceled")
    _post(_subscription_event(subscription_id, "canceled", event_id="evt_deleted",
                              kind="customer.subscription.deleted"))
    grace_end = _subscription(skurup).grace_end
    assert grace_end == timezone.localdate() + timedelta(days=30)
    # when the daily job runs on the last day of grace, the status is kept; the next day the organisation is suspended
    jobs.daily(organisation=skurup, local_date=grace_end - timedelta(days=1))
    assert Organisation.objects.get(pk=skurup.pk).status == "active"
    # a repeated cancellation event does not move the grace period
    _post(_subscription_event(subscription_id, "canceled", event_id="evt_deleted_2"))
    assert _subscription(skurup).grace_end == grace_end
    jobs.daily(organisation=skurup, local_date=grace_end)
    assert Organisation.objects.get(pk=skurup.pk).status == "suspended"


# ------------------------------------------------------------------------------------------ the subscription page


def _count(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_the_subscription_page_shows_plan_status_and_invoices_in_a_fixed_number_of_queries(skurup, trial, buyer):
    admin = client_for(skurup, user_in(skurup, "admin"))
    services.choose_invoice_payment(organisation_id=skurup.pk, buyer=buyer)
    one = _count(admin, SUBSCRIPTION_PAGE)
    for year in (2030, 2031):
        services.issue_invoice(buyer=buyer, plan_code="delbar", band="small", year_start=date(year, 1, 1))
    three = _count(admin, SUBSCRIPTION_PAGE)
    assert three == one
    swedish, english = _in(admin, "sv", SUBSCRIPTION_PAGE), _in(admin, "en", SUBSCRIPTION_PAGE)
    assert "Abonnemang" in swedish and "Betala mot faktura" in swedish
    assert "Subscription" in english and "Pay by invoice" in english
    assert re.search(r"30(\s|\xa0|&nbsp;)000,00", swedish)  # 24,000 kr + VAT, grouped


def test_the_admin_pays_by_invoice_and_downloads_its_pdf_and_xml(skurup, trial):
    admin = client_for(skurup, user_in(skurup, "admin"))
    response = admin.post("/administrera/abonnemang/faktura/", {
        "street": "Rådhustorget 1", "postal_code": "274 80", "city": "Skurup", "buyer_reference": "4711"})
    assert response.status_code == 302
    invoice = selectors.invoices(organisation_id=skurup.pk).first()
    pdf = admin.get(f"/administrera/abonnemang/fakturor/{invoice.number}.pdf")
    xml = admin.get(f"/administrera/abonnemang/fakturor/{invoice.number}.xml")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert xml.status_code == 200 and b"<cbc:ID>" + invoice.number.encode() in xml.content


def test_the_card_button_sends_the_admin_to_stripes_checkout(stripe_fake, skurup, trial):
    admin = client_for(skurup, user_in(skurup, "admin"))
    assert "Betala med kort" in _in(admin, "sv", SUBSCRIPTION_PAGE)
    response = admin.post("/administrera/abonnemang/kort/")
    assert response.status_code == 302 and response["Location"].startswith("https://checkout.stripe.test/")


def test_another_organisations_admin_gets_404_for_our_invoices_and_staff_get_403(skurup, ystad, trial, buyer):
    invoice = services.choose_invoice_payment(organisation_id=skurup.pk, buyer=buyer)
    other = client_for(ystad, user_in(ystad, "admin"))
    for suffix in ("pdf", "xml"):
        assert other.get(f"/administrera/abonnemang/fakturor/{invoice.number}.{suffix}").status_code == 404
    assert invoice.number not in other.get(SUBSCRIPTION_PAGE).content.decode()
    staff = client_for(skurup, user_in(skurup, "personal"))
    assert staff.get(SUBSCRIPTION_PAGE).status_code == 403


def test_the_command_books_a_payment_once(skurup, trial, buyer):
    import io

    from django.core.management import call_command

    invoice = services.choose_invoice_payment(organisation_id=skurup.pk, buyer=buyer)
    out = io.StringIO()
    call_command("record_invoice_paid", invoice.number, "--paid-on", "2027-02-01", stdout=out)
    call_command("record_invoice_paid", invoice.number, stdout=out)
    assert out.getvalue().splitlines() == [f"{invoice.number}: paid", f"{invoice.number}: already booked as paid"]
    assert not selectors.overdue_invoices(organisation_id=skurup.pk, today=invoice.due_date + timedelta(days=9))


def test_read_only_mode_refuses_a_new_wanted_ad_too(skurup):
    from wanted import services as wanted
    from wanted.errors import WantedError

    # given a read-only organisation
    _make_read_only(skurup)
    person = user_in(skurup, "personal")
    # when a person posts a wanted ad, then it is refused, saying why
    with schema_context(skurup.schema_name), pytest.raises(WantedError) as refused:
        wanted.post_wanted_ad(by=person, details=wanted.WantedDetails(what="Whiteboard på hjul"))
    assert refused.value.code == "read_only"
    assert "betalning till Delbar är försenad" in _text(refused.value.message, "sv")
