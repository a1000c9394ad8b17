"""The trial's end (decision 0057): Sjöbo signs up (the real sign-up services, provisioning run in this process),
and billing's daily job runs on dates moved forward — no sleeping. With invoice payment chosen at sign-up the first
invoice is issued when the trial ends; with nothing chosen the admins are e-mailed once some days before, and the
organisation becomes read-only when the trial ends, until it pays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing import jobs, selectors, services
from billing.models import Invoice, Subscription
from outbox.models import OutboxMessage
from tenants.models import Organisation

from .conftest import client_for
from .onboarding_support import EMAIL, ready_signup

pytestmark = pytest.mark.django_db


def _sjobo(**changes) -> Organisation:
    signup = ready_signup(**changes)
    connection.set_schema_to_public()
    return Organisation.objects.get(pk=signup.organisation_id)


def _daily(organisation, on) -> None:
    """Billing's daily job, as tenants' scheduler runs it: in the organisation's schema, on its local date."""
    with schema_context(organisation.schema_name):
        jobs.daily(organisation=organisation, local_date=on)
    connection.set_schema_to_public()


def _read_only(organisation) -> bool:
    return Organisation.objects.get(pk=organisation.pk).billing_read_only


def _reminders(organisation) -> list[OutboxMessage]:
    with schema_context(organisation.schema_name):
        return list(OutboxMessage.objects.filter(key__startswith="billing:trial-ending:"))


def test_invoice_payment_chosen_at_sign_up_issues_the_first_invoice_when_the_trial_ends():
    # given Sjöbo signed up choosing invoice payment
    sjobo = _sjobo(payment_method="invoice")
    subscription = Subscription.objects.get(organisation_id=sjobo.pk)
    trial_end = subscription.trial_end
    assert trial_end == timezone.localdate() + timedelta(days=30)
    assert (subscription.payment_method, subscription.status) == ("invoice", "trialing")
    # when the daily job runs during the trial: no invoice, not read-only, no reminder (a method is chosen)
    _daily(sjobo, trial_end - timedelta(days=5))
    assert not Invoice.objects.filter(organisation_id=sjobo.pk).exists()
    assert not _read_only(sjobo) and _reminders(sjobo) == []
    # when it runs on the day the trial ends
    _daily(sjobo, trial_end)
    # then the invoice for the first year is issued to the details given at sign-up, due 30 days later
    (invoice,) = Invoice.objects.filter(organisation_id=sjobo.pk)
    assert (invoice.period_start, invoice.issue_date) == (trial_end, trial_end)
    assert invoice.due_date == trial_end + timedelta(days=30)
    assert (invoice.buyer_street, invoice.buyer_postal_code, invoice.buyer_city) == (
        "Sjöbo kommun, Fakturor", "275 80", "Sjöbo")
    assert invoice.buyer_reference == "KS 4711" and invoice.buyer_peppol_id == "0007:2120001157"
    assert invoice.gross_ore == 24_000_00 * 125 // 100
    assert Subscription.objects.get(organisation_id=sjobo.pk).status == "active" and not _read_only(sjobo)
    # and the next days issue nothing more; unpaid past its due date it is read-only as before
    _daily(sjobo, trial_end + timedelta(days=1))
    assert Invoice.objects.filter(organisation_id=sjobo.pk).count() == 1
    _daily(sjobo, invoice.due_date + timedelta(days=1))
    assert _read_only(sjobo)


def test_a_trial_ending_with_nothing_chosen_reminds_the_admins_once_then_makes_the_organisation_read_only():
    # given Sjöbo signed up choosing card, and never entering the card at Stripe
    sjobo = _sjobo(payment_method="card") if selectors.card_payment_available() else None
    if sjobo is None:  # card is not offered without Stripe's keys: a sign-up from before plans has no method
        sjobo = _sjobo()
        Subscription.objects.filter(organisation_id=sjobo.pk).update(payment_method="")
    trial_end = Subscription.objects.get(organisation_id=sjobo.pk).trial_end
    # when the daily job runs eight days before the end, nothing is sent
    _daily(sjobo, trial_end - timedelta(days=8))
    assert _reminders(sjobo) == []
    # seven days before, the admins are e-mailed what happens and where to choose; the next day not again
    _daily(sjobo, trial_end - timedelta(days=7))
    _daily(sjobo, trial_end - timedelta(days=6))
    (reminder,) = _reminders(sjobo)
    assert reminder.payload["to"] == [EMAIL]
    assert "provperiod" in reminder.payload["subject"].lower()
    assert "http://sjobo.localhost:8000/administrera/abonnemang/" in reminder.payload["body"]
    assert not _read_only(sjobo)
    # when the trial ends with nothing chosen (its end moved to today: the pages read today's date), the organisation
    # is read-only
    trial_end = timezone.localdate()
    Subscription.objects.filter(organisation_id=sjobo.pk).update(trial_end=trial_end)
    _daily(sjobo, trial_end)
    assert _read_only(sjobo)
    assert selectors.is_read_only(organisation_id=sjobo.pk, today=trial_end)
    assert not selectors.is_read_only(organisation_id=sjobo.pk, today=trial_end - timedelta(days=1))
    # and its admin's pages say so, with the way to the subscription page
    with schema_context(sjobo.schema_name):
        from accounts.models import User

        admin = User.objects.get(email=EMAIL)
    page = client_for(sjobo, admin).get("/administrera/abonnemang/").content.decode()
    assert "read-only-banner" in page and 'href="/administrera/abonnemang/"' in page
    assert "Provperioden tog slut" in page
    # when the admin chooses invoice payment on the page, an invoice covers today and read-only is lifted
    buyer = services.buyer_for_organisation(organisation_id=sjobo.pk, street="Gamla torget 1", postal_code="275 80",
                                            city="Sjöbo", buyer_reference="KS 4711")
    invoice = services.choose_invoice_payment(organisation_id=sjobo.pk, buyer=buyer, issue_date=trial_end)
    assert invoice.period_start == trial_end
    _daily(sjobo, trial_end + timedelta(days=1))
    assert not _read_only(sjobo)


def test_a_card_subscription_is_never_read_only_for_the_trial_alone():
    sjobo = _sjobo()
    Subscription.objects.filter(organisation_id=sjobo.pk).update(payment_method="card", status="active",
                                                                 stripe_subscription_id="sub_test")
    trial_end = Subscription.objects.get(organisation_id=sjobo.pk).trial_end
    _daily(sjobo, trial_end + timedelta(days=3))
    assert not _read_only(sjobo) and _reminders(sjobo) == []


def test_the_invoice_details_are_billings_and_the_subscription_page_offers_them():
    sjobo = _sjobo()
    details = selectors.invoice_details(organisation_id=sjobo.pk)
    assert (details.street, details.postal_code, details.city, details.buyer_reference, details.peppol_id) == (
        "Sjöbo kommun, Fakturor", "275 80", "Sjöbo", "KS 4711", "0007:2120001157")
    with schema_context(sjobo.schema_name):
        from accounts.models import User

        admin = User.objects.get(email=EMAIL)
    page = client_for(sjobo, admin).get("/administrera/abonnemang/").content.decode()
    assert "Ni betalar mot faktura" in page and 'value="Sjöbo kommun, Fakturor"' in page


def test_an_invoice_that_could_not_be_issued_at_the_trials_end_is_issued_by_a_later_run():
    # given invoice payment chosen, but the details gone when the trial ends (nothing to address the invoice to)
    sjobo = _sjobo()
    from billing.models import InvoiceDetails

    InvoiceDetails.objects.filter(organisation_id=sjobo.pk).delete()
    trial_end = Subscription.objects.get(organisation_id=sjobo.pk).trial_end
    _daily(sjobo, trial_end)
    # then nothing is issued and the organisation is read-only
    assert not Invoice.objects.filter(organisation_id=sjobo.pk).exists() and _read_only(sjobo)
    assert Subscription.objects.get(organisation_id=sjobo.pk).status == "past_due"
    # when the details are given again, the next run issues the invoice for the year from the trial's end, once
    services.record_invoice_details(organisation_id=sjobo.pk, street="Gamla torget 1", postal_code="275 80",
                                    city="Sjöbo", buyer_reference="KS 4711")
    _daily(sjobo, trial_end + timedelta(days=2))
    _daily(sjobo, trial_end + timedelta(days=3))
    (invoice,) = Invoice.objects.filter(organisation_id=sjobo.pk)
    assert invoice.period_start == trial_end and invoice.issue_date == trial_end + timedelta(days=2)
    assert not _read_only(sjobo) and Subscription.objects.get(organisation_id=sjobo.pk).status == "active"


def test_a_trial_with_invoice_payment_chosen_but_not_yet_invoiced_can_be_extended():
    from billing.errors import BillingError

    sjobo = _sjobo()
    trial_end = Subscription.objects.get(organisation_id=sjobo.pk).trial_end
    # when a platform admin extends it by two weeks
    later = trial_end + timedelta(days=14)
    services.extend_trial(organisation_id=sjobo.pk, trial_end=later)
    # then nothing is issued at the old end, and the invoice comes at the new one, for a year from it
    _daily(sjobo, trial_end)
    assert not Invoice.objects.filter(organisation_id=sjobo.pk).exists() and not _read_only(sjobo)
    _daily(sjobo, later)
    (invoice,) = Invoice.objects.filter(organisation_id=sjobo.pk)
    assert invoice.period_start == later
    # and once invoiced, the dates are the invoice's: no more extension
    Subscription.objects.filter(organisation_id=sjobo.pk).update(status="trialing")
    with pytest.raises(BillingError) as refused:
        services.extend_trial(organisation_id=sjobo.pk, trial_end=later + timedelta(days=30))
    assert refused.value.code == "not_on_trial"
