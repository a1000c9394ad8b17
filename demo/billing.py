"""The demo's subscriptions (decision 0058), so that the console shows plans, billing states and invoices with their
PDF and Peppol XML, and each admin's Administrera → Abonnemang has something to show:

- Ystad pays by invoice: its yearly invoice, issued three weeks ago, is paid;
- Trelleborg pays by invoice: its yearly invoice, issued today, is to pay within 30 days;
- Tomelilla is on trial, ending within two weeks (the console's filter "trial ending" finds it);
- Skurup has no subscription yet, as an organisation created in the console would (and the billing tests start
  Skurup's trial themselves).

Invoices are numbered without gaps and never changed (decision 0050), so they are issued once: an organisation that
has a subscription already is left as it is when the demo is seeded again. Nothing is overdue when seeded, so no
demo organisation is read-only (a demo database kept for more than 30 days will see Trelleborg's invoice fall due,
as it would in production). Each organisation in one transaction: a failure leaves neither the subscription nor a
number taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from billing import selectors as billing_selectors
from billing import services as billing

PLAN = "delbar"


@dataclass(frozen=True)
class DemoBilling:
    slug: str
    band: str
    street: str
    postal_code: str
    city: str
    buyer_reference: str
    trial_started_days_ago: int
    invoiced_days_ago: int | None = None  # None: still on trial, nothing invoiced
    paid_days_ago: int | None = None


DEMO_BILLING = [
    DemoBilling("ystad", "medium", "Stortorget 1", "271 80", "Ystad", "KS 1001", trial_started_days_ago=51,
                invoiced_days_ago=21, paid_days_ago=7),
    DemoBilling("trelleborg", "medium", "Algatan 13", "231 83", "Trelleborg", "KLF 2040",
                trial_started_days_ago=30, invoiced_days_ago=0),
    DemoBilling("tomelilla", "small", "Gustafs torg 16", "273 80", "Tomelilla", "KS 3003",
                trial_started_days_ago=20),
]


def seed_demo_billing(*, organisations) -> list[str]:
    """Start the demo organisations' subscriptions and issue their invoices, once. ``organisations``: the demo's
    organisations by slug. Returns the numbers of the invoices issued now."""
    issued = []
    today = timezone.localdate()
    for demo in DEMO_BILLING:
        organisation = organisations.get(demo.slug)
        if organisation is None or billing_selectors.subscription(organisation_id=organisation.pk) is not None:
            continue
        with transaction.atomic():
            billing.start_trial(organisation_id=organisation.pk, plan_code=PLAN, band=demo.band,
                                today=today - timedelta(days=demo.trial_started_days_ago))
            if demo.invoiced_days_ago is None:
                continue
            buyer = billing.buyer_for_organisation(
                organisation_id=organisation.pk, street=demo.street, postal_code=demo.postal_code, city=demo.city,
                buyer_reference=demo.buyer_reference)
            invoice = billing.choose_invoice_payment(organisation_id=organisation.pk, buyer=buyer,
                                                     issue_date=today - timedelta(days=demo.invoiced_days_ago))
            issued.append(invoice.number)
            if demo.paid_days_ago is not None:
                billing.record_invoice_paid(invoice=invoice, paid_on=today - timedelta(days=demo.paid_days_ago))
            billing.sync_read_only(organisation_id=organisation.pk)
    return issued


def demo_billing_summary() -> list[str]:
    """One line per demo subscription, as it is now: who, status, invoices and their state (for seed_demo's output)."""
    from tenants import selectors as tenants

    today = timezone.localdate()
    lines = []
    by_slug = {o.slug: o for o in tenants.all_organisations().filter(slug__in=[d.slug for d in DEMO_BILLING])}
    for demo in DEMO_BILLING:
        organisation = by_slug.get(demo.slug)
        if organisation is None:
            continue
        subscription = billing_selectors.subscription(organisation_id=organisation.pk)
        if subscription is None:
            continue
        invoices = [
            f"{invoice.number} " + ("paid" if invoice.is_paid else "credited" if invoice.is_credited
                                    else "overdue" if invoice.due_date < today else f"due {invoice.due_date}")
            for invoice in billing_selectors.organisation_invoices(organisation_id=organisation.pk)
            if not invoice.is_credit_note
        ]
        state = f"{subscription.status}, {subscription.payment_method or 'no payment method yet'}"
        if subscription.status == "trialing" and subscription.trial_end:
            state += f", trial until {subscription.trial_end}"
        lines.append(f"  {organisation.name}: {state}; " + (", ".join(invoices) or "no invoice"))
    return lines
