"""Billing in the platform console (decision 0058): plan and billing state in the list of organisations, with a
filter; an organisation's subscription and invoices with their PDF and Peppol XML; marking an invoice paid, crediting
it and extending a trial, each with a reason and a confirmation and logged; the plans with their prices; and the
demo's subscriptions (Ystad paid, Trelleborg to pay, Tomelilla on trial, Skurup none)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from billing import selectors as billing_selectors
from billing import services as billing
from billing.models import Invoice, InvoicePayment, Plan, PlanPrice, Subscription
from console import services as console_services
from console.models import ActionKind, PlatformAction
from demo.billing import demo_billing_summary, seed_demo_billing
from tenants.models import Organisation
from tenants.services import set_billing_read_only

from .conftest import client_for, user_in
from .test_console import console, platform_admin
from .test_query_counts import _count

pytestmark = pytest.mark.django_db

LIST = "/konsol/tenants/organisation/"


def _page(organisation) -> str:
    return f"/konsol/tenants/organisation/{organisation.pk}/change/"


def _invoice(organisation) -> Invoice:
    return billing_selectors.organisation_invoices(organisation_id=organisation.pk).filter(kind="invoice").first()


def _names(response) -> set[str]:
    text = response.content.decode()
    return {name for name in ("Ystads kommun", "Skurups kommun", "Trelleborgs kommun", "Tomelilla kommun")
            if f">{name}<" in text}


# ------------------------------------------------------------------------------------------------------- the demo


def test_the_demo_has_a_paid_invoice_one_to_pay_a_trial_and_an_organisation_without_subscription(
        ystad, skurup, trelleborg, tomelilla):
    today = timezone.localdate()
    # Ystad pays by invoice and has paid
    ystad_invoice = _invoice(ystad)
    assert billing_selectors.subscription(organisation_id=ystad.pk).status == "active"
    assert ystad_invoice.is_paid and ystad_invoice.due_date >= today - timedelta(days=30)
    # Trelleborg pays by invoice and has an invoice to pay, not due yet
    trelleborg_invoice = _invoice(trelleborg)
    assert not trelleborg_invoice.is_paid and trelleborg_invoice.due_date > today
    # Tomelilla is on trial, ending within the console's 14 days
    trial = billing_selectors.subscription(organisation_id=tomelilla.pk)
    assert trial.status == "trialing" and today < trial.trial_end <= today + timedelta(days=14)
    # Skurup has none; and no demo organisation is read-only
    assert billing_selectors.subscription(organisation_id=skurup.pk) is None
    assert not Organisation.objects.filter(billing_read_only=True).exists()
    # and each invoice's Peppol XML passes every rule
    for invoice in (ystad_invoice, trelleborg_invoice):
        assert billing.validate_invoice_xml(xml=billing.invoice_xml(invoice=invoice)) == []


def test_seeding_the_demo_again_issues_no_invoice(ystad, trelleborg, tomelilla):
    before = (Invoice.objects.count(), Subscription.objects.count(), InvoicePayment.objects.count())
    # when the demo's billing is seeded again, as by a second `make demo`
    issued = seed_demo_billing(organisations={o.slug: o for o in (ystad, trelleborg, tomelilla)})
    # then nothing is added: invoice numbers are taken once
    assert issued == []
    assert (Invoice.objects.count(), Subscription.objects.count(), InvoicePayment.objects.count()) == before
    # and seed_demo's summary says what each has
    summary = "\n".join(demo_billing_summary())
    assert f"Ystads kommun: active, invoice; {_invoice(ystad).number} paid" in summary
    assert f"Trelleborgs kommun: active, invoice; {_invoice(trelleborg).number} due" in summary
    assert "Tomelilla kommun: trialing, no payment method yet, trial until" in summary and "no invoice" in summary


# ------------------------------------------------------------------------------------------ the list of organisations


def test_the_list_shows_plan_and_billing_state_in_a_fixed_number_of_queries(ystad, skurup, tomelilla):
    from tenants.services import provision_organisation
    from tests.test_console import SJOBO

    client = console("en")
    page = client.get(LIST).content.decode()
    # then plan, way to pay, status and trial end are shown
    assert "Delbar annual subscription (Medium)" in page and "Trial" in page and "Active" in page
    assert tomelilla_trial_end(tomelilla) in page
    # and one more organisation with a subscription, on trial, costs no query more
    few = _count(client, LIST)
    sjobo = provision_organisation(details=SJOBO)
    billing.start_trial(organisation_id=sjobo.pk, plan_code="delbar", band="small")
    set_billing_read_only(organisation_id=sjobo.pk, read_only=True)
    assert _count(client, LIST) == few
    assert "read-only" in client.get(LIST).content.decode()


def tomelilla_trial_end(tomelilla) -> str:
    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override("en"):
        return date_format(billing_selectors.subscription(organisation_id=tomelilla.pk).trial_end,
                           "SHORT_DATE_FORMAT")


def test_the_list_filters_by_billing_state(ystad, skurup, trelleborg, tomelilla):
    client = console("en")
    assert _names(client.get(LIST, {"billing": "trial_ending"})) == {"Tomelilla kommun"}
    assert _names(client.get(LIST, {"billing": "active"})) == {"Ystads kommun", "Trelleborgs kommun"}
    assert _names(client.get(LIST, {"billing": "none"})) == {"Skurups kommun"}
    assert _names(client.get(LIST, {"billing": "read_only"})) == set()
    # when Trelleborg's invoice falls overdue
    billing.sync_read_only(organisation_id=trelleborg.pk, today=_invoice(trelleborg).due_date + timedelta(days=1))
    # then it is read-only, and its subscription past due
    assert _names(client.get(LIST, {"billing": "read_only"})) == {"Trelleborgs kommun"}
    assert _names(client.get(LIST, {"billing": "past_due"})) == {"Trelleborgs kommun"}
    assert "Read-only (payment overdue)" in client.get(LIST).content.decode()


# ------------------------------------------------------------------------------------------ an organisation's page


def test_the_organisation_page_shows_its_subscription_and_invoices_in_a_fixed_number_of_queries(trelleborg):
    client = console("en")
    invoice = _invoice(trelleborg)
    page = client.get(_page(trelleborg)).content.decode()
    assert "Delbar annual subscription (Medium)" in page and "To pay" in page and invoice.number in page
    assert f"/konsol/tenants/organisation/{trelleborg.pk}/invoices/{invoice.number}.pdf" in page
    assert f"/konsol/tenants/organisation/{trelleborg.pk}/invoices/{invoice.number}.xml" in page
    few = _count(client, _page(trelleborg))
    # when it has more invoices, one of them credited
    buyer = billing.Buyer(organisation_id=trelleborg.pk, name=trelleborg.name,
                          organisation_number=trelleborg.organisation_number, street="Algatan 13",
                          postal_code="231 83", city="Trelleborg", buyer_reference="KLF 2040")
    more = [billing.issue_invoice(buyer=buyer, plan_code="delbar", band="small",
                                  year_start=invoice.period_start.replace(year=invoice.period_start.year + n))
            for n in (1, 2)]
    billing.issue_credit_note(invoice=more[0])
    # then the page costs the same
    assert _count(client, _page(trelleborg)) == few
    assert "Credit note for" in client.get(_page(trelleborg)).content.decode()
    print(f"\nconsole organisation page with billing: {few} queries, whatever the number of invoices")


def test_a_platform_admin_downloads_an_invoices_pdf_and_peppol_xml(trelleborg):
    client = console()
    invoice = _invoice(trelleborg)
    base = f"/konsol/tenants/organisation/{trelleborg.pk}/invoices/{invoice.number}"
    pdf = client.get(f"{base}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and f'filename="{invoice.number}.pdf"' in pdf["Content-Disposition"]
    xml = client.get(f"{base}.xml")
    assert xml.status_code == 200 and xml["Content-Type"] == "application/xml"
    assert xml.content == billing.invoice_xml(invoice=invoice)
    assert billing.validate_invoice_xml(xml=xml.content) == []


def test_an_unknown_or_another_organisations_invoice_number_is_404(ystad, trelleborg):
    client = console()
    ystad_number = _invoice(ystad).number
    for path in [f"invoices/{ystad_number}.pdf", f"invoices/{ystad_number}.xml", "invoices/F99999.pdf",
                 f"invoices/{ystad_number}/paid/", f"invoices/{ystad_number}/credit/"]:
        assert client.get(f"/konsol/tenants/organisation/{trelleborg.pk}/{path}").status_code == 404, path


def test_only_platform_admins_reach_the_invoices(trelleborg):
    number = _invoice(trelleborg).number
    path = f"/konsol/tenants/organisation/{trelleborg.pk}/invoices/{number}.pdf"
    # not logged in: sent to log in
    assert Client(HTTP_HOST="localhost").get(path).status_code == 302
    # an organisation's admin on its own host: the console is not there
    assert client_for(trelleborg, user_in(trelleborg, "admin")).get(path).status_code == 404
    # a logged-in public user who is not a platform admin: not let in
    from accounts.models import User

    connection.set_schema_to_public()
    someone = User.objects.create_user(email="not.admin@delbar.example", password="x" * 20)
    client = Client(HTTP_HOST="localhost")
    client.force_login(someone)
    assert client.get(path).status_code in (302, 403)
    assert client.post(path.replace(".pdf", "/paid/"), {"paid_on": "2026-01-01", "reason": "x",
                                                        "confirm": "on"}).status_code in (302, 403)
    assert not InvoicePayment.objects.filter(invoice__number=number).exists()


# ------------------------------------------------------------------------------------------------------ actions


def test_marking_an_invoice_paid_asks_for_a_reason_and_lifts_read_only_mode(trelleborg):
    client = console("en")
    invoice = _invoice(trelleborg)
    billing.sync_read_only(organisation_id=trelleborg.pk, today=invoice.due_date + timedelta(days=1))
    assert Organisation.objects.get(pk=trelleborg.pk).billing_read_only
    page = f"/konsol/tenants/organisation/{trelleborg.pk}/invoices/{invoice.number}/paid/"
    assert f"Mark invoice {invoice.number} paid" in client.get(page).content.decode()
    # when it is sent without a reason or the confirmation, or with a date in the future
    refused = client.post(page, {"paid_on": timezone.localdate().isoformat(), "reason": " "})
    future = client.post(page, {"paid_on": (timezone.localdate() + timedelta(days=2)).isoformat(),
                                "reason": "Bank", "confirm": "on"})
    # then nothing is booked, and the date's message is beside its field
    assert refused.status_code == 200 and future.status_code == 200
    assert 'id="id_paid_on_error"' in future.content.decode() and "future" in future.content.decode()
    assert not InvoicePayment.objects.filter(invoice=invoice).exists()
    # when sent with a date, a reason and the confirmation
    done = client.post(page, {"paid_on": timezone.localdate().isoformat(), "reason": "Bankgiro 2026-12-01",
                              "confirm": "on"})
    # then it is paid, the organisation is no longer read-only and the log says who and why
    assert done.status_code == 302
    assert InvoicePayment.objects.get(invoice=invoice).paid_on == timezone.localdate()
    assert not Organisation.objects.get(pk=trelleborg.pk).billing_read_only
    action = PlatformAction.objects.get(organisation_id=trelleborg.pk)
    assert (action.kind, action.actor, action.reason, action.details["invoice"]) == (
        ActionKind.INVOICE_PAID, platform_admin(), "Bankgiro 2026-12-01", invoice.number)
    # and marking it again is refused with a message
    again = client.post(page, {"paid_on": timezone.localdate().isoformat(), "reason": "Igen", "confirm": "on"})
    assert again.status_code == 200 and "marked paid already" in again.content.decode()
    assert PlatformAction.objects.filter(organisation_id=trelleborg.pk).count() == 1


def test_crediting_an_invoice_issues_a_credit_note_once_and_logs_it(trelleborg):
    client = console("en")
    invoice = _invoice(trelleborg)
    page = f"/konsol/tenants/organisation/{trelleborg.pk}/invoices/{invoice.number}/credit/"
    assert client.get(page).status_code == 200
    assert client.post(page, {"reason": "Fel period"}).status_code == 200  # no confirmation: nothing
    assert not Invoice.objects.filter(credited_invoice=invoice).exists()
    # when
    done = client.post(page, {"reason": "Fel period", "confirm": "on"})
    # then a credit note in the K series names the invoice, whose XML passes the rules, and the log says so
    assert done.status_code == 302
    credit_note = Invoice.objects.get(credited_invoice=invoice)
    assert credit_note.number.startswith("K") and credit_note.gross_ore == invoice.gross_ore
    assert billing.validate_invoice_xml(xml=billing.invoice_xml(invoice=credit_note)) == []
    action = PlatformAction.objects.get(organisation_id=trelleborg.pk)
    assert (action.kind, action.details["credit_note"]) == (ActionKind.CREDIT_NOTE_ISSUED, credit_note.number)
    assert "Credited" in client.get(_page(trelleborg)).content.decode()
    # and crediting again is refused
    again = client.post(page, {"reason": "Igen", "confirm": "on"})
    assert again.status_code == 200 and "only once" in again.content.decode()
    assert Invoice.objects.filter(credited_invoice=invoice).count() == 1


def test_a_trial_is_extended_with_a_reason_and_only_a_trial(tomelilla, ystad):
    client = console("en")
    current = billing_selectors.subscription(organisation_id=tomelilla.pk).trial_end
    page = f"/konsol/tenants/organisation/{tomelilla.pk}/extend-trial/"
    assert "Extend the trial" in client.get(_page(tomelilla)).content.decode()
    # an earlier date is refused beside its field
    earlier = client.post(page, {"trial_end": current.isoformat(), "reason": "Nämndbeslut", "confirm": "on"})
    assert earlier.status_code == 200 and 'id="id_trial_end_error"' in earlier.content.decode()
    # when
    later = current + timedelta(days=30)
    assert client.post(page, {"trial_end": later.isoformat(), "reason": "Nämndbeslut i januari",
                              "confirm": "on"}).status_code == 302
    # then
    assert billing_selectors.subscription(organisation_id=tomelilla.pk).trial_end == later
    action = PlatformAction.objects.get(organisation_id=tomelilla.pk)
    assert (action.kind, action.details) == (ActionKind.TRIAL_EXTENDED, {"from": current.isoformat(),
                                                                         "to": later.isoformat()})
    # and Ystad, which pays, has no trial to extend
    assert "Extend the trial" not in client.get(_page(ystad)).content.decode()
    refused = client.post(f"/konsol/tenants/organisation/{ystad.pk}/extend-trial/",
                          {"trial_end": later.isoformat(), "reason": "x", "confirm": "on"})
    assert refused.status_code == 200 and "Only a trial" in refused.content.decode()


def test_a_trial_whose_invoice_comes_at_its_end_can_still_be_extended(skurup):
    # given Skurup signed up to pay by invoice: its first invoice is issued when the trial ends (decision 0057)
    billing.start_trial(organisation_id=skurup.pk, plan_code="delbar", band="small")
    billing.choose_invoice_payment_at_trial_end(organisation_id=skurup.pk, street="Skurups kommun, Box 1",
                                                postal_code="274 80", city="Skurup", buyer_reference="KS-1")
    client = console("en")
    assert "Extend the trial" in client.get(_page(skurup)).content.decode()
    later = billing_selectors.subscription(organisation_id=skurup.pk).trial_end + timedelta(days=14)
    # when
    response = client.post(f"/konsol/tenants/organisation/{skurup.pk}/extend-trial/",
                           {"trial_end": later.isoformat(), "reason": "Nämndbeslut", "confirm": "on"})
    # then
    assert response.status_code == 302
    assert billing_selectors.subscription(organisation_id=skurup.pk).trial_end == later


@pytest.mark.parametrize("language,words", [("sv", ["Abonnemang", "Fakturor", "Att betala", "Markera betald"]),
                                            ("en", ["Subscription", "Invoices", "To pay", "Mark paid"])])
def test_the_billing_section_and_action_pages_render_in_swedish_and_english(trelleborg, language, words):
    client = console(language)
    page = client.get(_page(trelleborg)).content.decode()
    for word in words:
        assert word in page, word
    number = _invoice(trelleborg).number
    for path in [f"invoices/{number}/paid/", f"invoices/{number}/credit/"]:
        assert client.get(f"/konsol/tenants/organisation/{trelleborg.pk}/{path}").status_code == 200


# ------------------------------------------------------------------------------------------------------- plans


def test_the_plans_page_lists_prices_per_band_read_only_in_a_fixed_number_of_queries(db):
    client = console("en")
    page = client.get("/konsol/billing/plan/").content.decode()
    assert "24,000 SEK (30,000 incl. VAT)" in page and "96,000 SEK (120,000 incl. VAT)" in page
    few = _count(client, "/konsol/billing/plan/")
    extra = Plan.objects.create(code="extra", name_sv="Extra", name_en="Extra")
    PlanPrice.objects.create(plan=extra, band="small", yearly_price_ore=100_000)
    assert _count(client, "/konsol/billing/plan/") == few
    plan = Plan.objects.get(code="delbar")
    change = client.get(f"/konsol/billing/plan/{plan.pk}/change/")
    assert change.status_code == 200 and "48,000.00" in change.content.decode()
    # read-only: nothing can be changed or added
    assert client.post(f"/konsol/billing/plan/{plan.pk}/change/", {"trial_days": 99}).status_code == 403
    assert client.get("/konsol/billing/plan/add/").status_code == 403
    assert Plan.objects.get(code="delbar").trial_days == 30


def test_a_credit_note_is_queued_for_the_access_point_when_one_is_configured(trelleborg, settings):
    from billing import access_point
    from outbox.models import OutboxMessage

    # given an access point (outside Delbar; nothing is delivered here: the outbox only queues it)
    settings.PEPPOL_ACCESS_POINT_URL = "http://127.0.0.1:9/peppol"
    invoice = _invoice(trelleborg)
    # when
    credit_note = console_services.issue_credit_note(
        organisation=trelleborg, number=invoice.number, by=platform_admin(), reason="Fel belopp")
    # then the credit note waits in the public outbox, keyed by its number
    connection.set_schema_to_public()
    assert OutboxMessage.objects.filter(kind=access_point.KIND, key=access_point.key(credit_note.number)).exists()
