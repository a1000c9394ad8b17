"""Issuing Delbar's invoices and credit notes, and sending them to its Peppol access point (decision 0050).

Each write runs in one transaction in the public schema. An invoice takes the next number of its series under the
series row's lock, in the same transaction: numbers are gapless and never reused (an invoice that fails, its XML
refused by the rules included, rolls its number back with it). An issued invoice is never changed or deleted; a
mistake is undone by a credit note.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta

import stripe
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from outbox import services as outbox
from tenants import selectors as tenants
from tenants import services as tenant_services

from . import access_point, errors, money, selectors, stripe_api, ubl
from .identifiers import formatted_organisation_number, is_valid_organisation_number, peppol_id
from .models import (
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoicePayment,
    InvoiceSeries,
    PaymentMethod,
    StripeEvent,
    Subscription,
    SubscriptionStatus,
)
from .seller import seller_snapshot
from .validation import findings, validate_invoice_xml

__all__ = [
    "Buyer", "buyer_for_organisation", "issue_invoice", "issue_pro_rata_invoice", "issue_credit_note",
    "send_invoice", "validate_invoice_xml", "findings", "invoice_xml", "INVOICE_SERIES", "CREDIT_NOTE_SERIES",
    "start_trial", "choose_invoice_payment", "choose_card_payment", "record_invoice_paid", "cancel_subscription",
    "sync_read_only", "suspend_after_grace", "handle_stripe_webhook", "record_invoice_details",
    "choose_invoice_payment_at_trial_end", "issue_trial_end_invoice", "remind_trial_ending",
]

log = logging.getLogger("delbar.billing")

INVOICE_SERIES = "F"  # faktura
CREDIT_NOTE_SERIES = "K"  # kreditfaktura


@dataclass(frozen=True)
class Buyer:
    """Who an invoice is addressed to, as it is printed and sent (a snapshot: later changes leave it be)."""

    organisation_id: int
    name: str
    organisation_number: str
    street: str
    postal_code: str
    city: str
    buyer_reference: str
    peppol_id: str = ""  # empty: 0007:<organisation number>
    country: str = "SE"


def buyer_for_organisation(
    *, organisation_id: int, street: str, postal_code: str, city: str, buyer_reference: str, peppol_id: str = ""
) -> Buyer:
    """The buyer for an organisation on Delbar: its name and number from tenants, the invoice address given."""
    organisation = tenants.active_organisation(pk=organisation_id)
    if organisation is None:
        errors.raise_error(errors.UNKNOWN_ORGANISATION, id=organisation_id)
    return Buyer(organisation_id=organisation.pk, name=organisation.name,
                 organisation_number=organisation.organisation_number, street=street, postal_code=postal_code,
                 city=city, buyer_reference=buyer_reference, peppol_id=peppol_id)


def _checked(buyer: Buyer) -> Buyer:
    for field in ("name", "street", "postal_code", "city", "buyer_reference"):
        if not str(getattr(buyer, field)).strip():
            errors.raise_error(errors.BAD_BUYER, problem=f"{field} is empty")
    if not is_valid_organisation_number(buyer.organisation_number):
        errors.raise_error(errors.BAD_BUYER, problem="the organisation number is not valid")
    return buyer


def _next_number(series_code: str) -> tuple[InvoiceSeries, int, str]:
    series = InvoiceSeries.objects.select_for_update().get(code=series_code)
    sequence = series.next_number
    series.next_number = sequence + 1
    series.save(update_fields=["next_number"])
    return series, sequence, f"{series.prefix}{sequence:05d}"


def _plan_price(plan_code: str, band: str) -> int:
    plan = selectors.plan(code=plan_code)
    if plan is None:
        errors.raise_error(errors.UNKNOWN_PLAN, code=plan_code)
    price = selectors.plan_price_ore(plan=plan, band=band)
    if price is None:
        errors.raise_error(errors.NO_PRICE, code=plan_code, band=band)
    return price


@dataclass(frozen=True)
class _Line:
    description: str
    unit_price_ore: int
    period_start: date
    period_end: date
    quantity: int = 1


def _issue(*, kind: str, buyer: Buyer, lines: list[_Line], period_start: date, period_end: date,
           issue_date: date | None, plan_code: str = "", note: str = "", credited: Invoice | None = None) -> Invoice:
    issue_date = issue_date or timezone.localdate()
    series, sequence, number = _next_number(CREDIT_NOTE_SERIES if credited else INVOICE_SERIES)
    net = sum(line.quantity * line.unit_price_ore for line in lines)
    vat = money.vat_ore(net)
    invoice = Invoice.objects.create(
        series=series, sequence=sequence, number=number, kind=kind, credited_invoice=credited,
        organisation_id=buyer.organisation_id, buyer_name=buyer.name,
        buyer_organisation_number=formatted_organisation_number(buyer.organisation_number),
        buyer_street=buyer.street, buyer_postal_code=buyer.postal_code, buyer_city=buyer.city,
        buyer_country=buyer.country, buyer_reference=buyer.buyer_reference,
        buyer_peppol_id=buyer.peppol_id or peppol_id(buyer.organisation_number), seller=seller_snapshot(),
        plan_code=plan_code, note=note, period_start=period_start, period_end=period_end, issue_date=issue_date,
        due_date=issue_date + timedelta(days=settings.BILLING_PAYMENT_DAYS), vat_percent=money.VAT_PERCENT,
        net_ore=net, vat_ore=vat, gross_ore=net + vat,
    )
    InvoiceLine.objects.bulk_create([
        InvoiceLine(invoice=invoice, position=position, description=line.description, quantity=line.quantity,
                    unit_price_ore=line.unit_price_ore, net_ore=line.quantity * line.unit_price_ore,
                    period_start=line.period_start, period_end=line.period_end)
        for position, line in enumerate(lines, start=1)
    ])
    invoice = selectors.invoice_by_id(pk=invoice.pk)
    broken = validate_invoice_xml(xml=ubl.invoice_xml(invoice))
    if broken:  # nothing invalid gets a number: the transaction, and the number with it, rolls back
        errors.raise_error(errors.INVALID_XML, rules=", ".join(broken))
    return invoice


def _plan_line(plan_code: str, start: date, end: date, unit_price_ore: int, suffix: str = "") -> _Line:
    """The plan's line, named in Swedish (the invoice's language); its period is the line's own (BT-134/135)."""
    plan = selectors.plan(code=plan_code)
    return _Line(description=f"{plan.name_sv}{suffix}", unit_price_ore=unit_price_ore, period_start=start,
                 period_end=end)


@transaction.atomic
def issue_invoice(*, buyer: Buyer, plan_code: str, band: str, year_start: date,
                  issue_date: date | None = None) -> Invoice:
    """An invoice for a whole subscription year of ``plan_code`` from ``year_start``, at the band's yearly price."""
    price = _plan_price(plan_code, band)
    end = money.year_end(year_start)
    return _issue(kind=InvoiceKind.INVOICE, buyer=_checked(buyer), plan_code=plan_code, issue_date=issue_date,
                  period_start=year_start, period_end=end,
                  lines=[_plan_line(plan_code, year_start, end, price)])


@transaction.atomic
def issue_pro_rata_invoice(*, buyer: Buyer, plan_code: str, band: str, year_start: date, start: date,
                           issue_date: date | None = None) -> Invoice:
    """An invoice from ``start`` to the end of the subscription year that began on ``year_start``: the yearly price
    × the days from ``start`` to the year's last day (both included) ÷ the year's days (``billing.money``)."""
    price = _plan_price(plan_code, band)
    end = money.year_end(year_start)
    if not year_start <= start <= end:
        errors.raise_error(errors.BAD_PERIOD)
    days, days_in_year = money.pro_rata_days(year_start=year_start, start=start)
    amount = money.pro_rata_ore(yearly_ore=price, year_start=year_start, start=start)
    return _issue(kind=InvoiceKind.INVOICE, buyer=_checked(buyer), plan_code=plan_code, issue_date=issue_date,
                  period_start=start, period_end=end,
                  lines=[_plan_line(plan_code, start, end, amount, f", {days}/{days_in_year} dagar")])


@transaction.atomic
def issue_credit_note(*, invoice: Invoice, reason: str = "", issue_date: date | None = None) -> Invoice:
    """A credit note for the whole of ``invoice`` (series K), naming it. An invoice is credited at most once, and a
    credit note not at all."""
    original = Invoice.objects.select_for_update().filter(pk=invoice.pk).first()
    if original is None or original.is_credit_note or Invoice.objects.filter(credited_invoice=original).exists():
        errors.raise_error(errors.NOT_CREDITABLE)
    original = selectors.invoice_by_id(pk=original.pk)
    buyer = Buyer(organisation_id=original.organisation_id, name=original.buyer_name,
                  organisation_number=original.buyer_organisation_number, street=original.buyer_street,
                  postal_code=original.buyer_postal_code, city=original.buyer_city,
                  buyer_reference=original.buyer_reference, peppol_id=original.buyer_peppol_id,
                  country=original.buyer_country)
    lines = [_Line(description=line.description, unit_price_ore=line.unit_price_ore, quantity=line.quantity,
                   period_start=line.period_start, period_end=line.period_end) for line in original.lines.all()]
    note = reason or f"Kreditering av faktura {original.number}"
    return _issue(kind=InvoiceKind.CREDIT_NOTE, buyer=buyer, lines=lines, period_start=original.period_start,
                  period_end=original.period_end, issue_date=issue_date, plan_code=original.plan_code,
                  note=note[:300], credited=original)


def invoice_xml(*, invoice: Invoice) -> bytes:
    """The invoice's Peppol BIS Billing 3.0 UBL XML (read-only; the same bytes every time)."""
    return ubl.invoice_xml(selectors.invoice_by_id(pk=invoice.pk))


def _public():
    """The public schema, where Delbar's invoices and their outbox messages live."""
    public_schema = get_public_schema_name()
    return nullcontext() if connection.schema_name == public_schema else schema_context(public_schema)


def send_invoice(*, invoice: Invoice) -> bool:
    """Send the invoice to Delbar's Peppol access point, through the outbox, once this transaction commits.
    True if queued now; False if it was queued before (one message per invoice number). Refused when no access point
    is configured, or when the XML breaks a rule."""
    if not settings.PEPPOL_ACCESS_POINT_URL:
        errors.raise_error(errors.NO_ACCESS_POINT)
    broken = validate_invoice_xml(xml=invoice_xml(invoice=invoice))
    if broken:
        errors.raise_error(errors.INVALID_XML, rules=", ".join(broken))
    with _public(), transaction.atomic():
        return outbox.enqueue(kind=access_point.KIND, key=access_point.key(invoice.number),
                              payload={"number": invoice.number})




# ------------------------------------------------------------------------------------- subscriptions (decision 0052)

def _today() -> date:
    return timezone.localdate()


def _locked_subscription(organisation_id: int) -> Subscription | None:
    return Subscription.objects.select_for_update().filter(organisation_id=organisation_id).first()


@transaction.atomic
def start_trial(*, organisation_id: int, plan_code: str, band: str, today: date | None = None) -> Subscription:
    """The organisation's subscription, on trial for the plan's trial days from ``today``. An organisation that
    already has a subscription keeps it (a double-submitted sign-up starts one trial)."""
    plan = selectors.plan(code=plan_code)
    if plan is None:
        errors.raise_error(errors.UNKNOWN_PLAN, code=plan_code)
    _plan_price(plan_code, band)
    today = today or _today()
    subscription, _ = Subscription.objects.get_or_create(
        organisation_id=organisation_id,
        defaults={"plan": plan, "band": band, "status": SubscriptionStatus.TRIALING,
                  "trial_end": today + timedelta(days=plan.trial_days)},
    )
    return subscription


def _required_subscription(organisation_id: int) -> Subscription:
    subscription = _locked_subscription(organisation_id)
    if subscription is None:
        errors.raise_error(errors.NO_SUBSCRIPTION)
    return subscription


@transaction.atomic
def choose_invoice_payment(*, organisation_id: int, buyer: Buyer, year_start: date | None = None,
                           issue_date: date | None = None) -> Invoice:
    """Pay by invoice: Delbar issues the invoice for a subscription year — from the trial's end, or from today when
    the trial is over — and queues it for the access point when one is configured. Choosing again for the same year
    returns the invoice already issued (a double submission issues one)."""
    subscription = _required_subscription(organisation_id)
    today = issue_date or _today()
    if year_start is None:
        year_start = subscription.trial_end if subscription.trial_end and subscription.trial_end > today else today
    existing = selectors.with_payment(Invoice.objects.filter(
        organisation_id=organisation_id, kind=InvoiceKind.INVOICE, period_start=year_start,
        plan_code=subscription.plan.code,
    )).filter(is_credited=False).first()
    invoice = existing or issue_invoice(buyer=buyer, plan_code=subscription.plan.code, band=subscription.band,
                                        year_start=year_start, issue_date=issue_date)
    subscription.payment_method = PaymentMethod.INVOICE
    if subscription.status != SubscriptionStatus.TRIALING or year_start <= today:
        subscription.status = SubscriptionStatus.ACTIVE
    subscription.current_period_start, subscription.current_period_end = invoice.period_start, invoice.period_end
    subscription.grace_end = None
    subscription.save()
    if existing is None and settings.PEPPOL_ACCESS_POINT_URL:
        send_invoice(invoice=invoice)
    return invoice


def choose_card_payment(*, organisation_id: int, success_url: str, cancel_url: str, email: str = "") -> str:
    """Pay by card: a Stripe Checkout Session in subscription mode for the plan's yearly price (VAT included) for
    the organisation's band. Returns the page to send the admin to. The subscription becomes a card subscription
    when Stripe says the checkout completed (the webhook), not before."""
    if not stripe_api.is_configured():
        errors.raise_error(errors.NO_CARD_PAYMENT)
    subscription = selectors.subscription(organisation_id=organisation_id)
    if subscription is None:
        errors.raise_error(errors.NO_SUBSCRIPTION)
    net = _plan_price(subscription.plan.code, subscription.band)
    gross = net + money.vat_ore(net)
    price = stripe_api.price_id(plan_code=subscription.plan.code, plan_name=subscription.plan.name_sv,
                                band=subscription.band, amount_ore=gross)
    trial_end = subscription.trial_end if subscription.status == SubscriptionStatus.TRIALING else None
    session = stripe_api.create_checkout_session(
        organisation_id=organisation_id, price=price, success_url=success_url, cancel_url=cancel_url, email=email,
        trial_end=trial_end,
    )
    Subscription.objects.filter(pk=subscription.pk).update(stripe_checkout_session_id=session.id,
                                                           updated_at=timezone.now())
    return session.url


@transaction.atomic
def record_invoice_paid(*, invoice: Invoice, paid_on: date | None = None) -> bool:
    """Book that ``invoice`` was paid; lifts read-only mode when nothing else is overdue. True if recorded now."""
    _, created = InvoicePayment.objects.get_or_create(invoice=invoice, defaults={"paid_on": paid_on or _today()})
    sync_read_only(organisation_id=invoice.organisation_id)
    return created


@transaction.atomic
def cancel_subscription(*, organisation_id: int, today: date | None = None) -> Subscription:
    """End an invoice-paid subscription (a card subscription is cancelled in Stripe, and its webhook says so): the
    organisation stays open for ``BILLING_GRACE_DAYS``, then the daily job suspends it."""
    subscription = _required_subscription(organisation_id)
    if subscription.status != SubscriptionStatus.CANCELED:
        subscription.status = SubscriptionStatus.CANCELED
        subscription.grace_end = (today or _today()) + timedelta(days=settings.BILLING_GRACE_DAYS)
        subscription.save()
    return subscription


@transaction.atomic
def sync_read_only(*, organisation_id: int, today: date | None = None) -> bool:
    """Set tenants' read-only flag of the organisation from billing's state (``selectors.is_read_only``); an
    invoice-paid subscription shows ``past_due`` while an invoice is overdue. Returns the state."""
    read_only = selectors.is_read_only(organisation_id=organisation_id, today=today)
    subscription = _locked_subscription(organisation_id)
    if subscription is not None and subscription.payment_method == PaymentMethod.INVOICE \
            and subscription.status != SubscriptionStatus.CANCELED:
        on_trial = subscription.trial_end is not None and subscription.trial_end > (today or _today())
        if read_only:
            wanted = SubscriptionStatus.PAST_DUE
        else:
            wanted = SubscriptionStatus.TRIALING if on_trial and subscription.status == SubscriptionStatus.TRIALING \
                else SubscriptionStatus.ACTIVE
        if subscription.status != wanted:
            subscription.status = wanted
            subscription.save(update_fields=["status", "updated_at"])
    tenant_services.set_billing_read_only(organisation_id=organisation_id, read_only=read_only)
    return read_only


def suspend_after_grace(*, organisation_id: int, today: date) -> bool:
    """Suspend the organisation if its subscription was cancelled and the grace period is over. True if it did."""
    subscription = selectors.subscription(organisation_id=organisation_id)
    if subscription is None or subscription.status != SubscriptionStatus.CANCELED or subscription.grace_end is None \
            or subscription.grace_end > today:
        return False
    organisation = tenants.active_organisation(pk=organisation_id)
    if organisation is None:
        return False
    tenant_services.set_status(organisation=organisation, status="suspended")
    return True


# ----------------------------------------------------------------------------------------------- Stripe's webhooks

HANDLED_EVENTS = ("checkout.session.completed", "invoice.paid", "invoice.payment_failed")
_STATUSES = {
    "trialing": SubscriptionStatus.TRIALING, "active": SubscriptionStatus.ACTIVE,
    "past_due": SubscriptionStatus.PAST_DUE, "unpaid": SubscriptionStatus.UNPAID,
    "paused": SubscriptionStatus.PAST_DUE,
    "canceled": SubscriptionStatus.CANCELED, "incomplete_expired": SubscriptionStatus.CANCELED,
    # "incomplete" (the first payment not made yet) changes nothing: checkout has not completed.
}


def _handled(event_type: str) -> bool:
    return event_type in HANDLED_EVENTS or event_type.startswith("customer.subscription.")


def handle_stripe_webhook(*, payload: bytes, signature: str) -> str:
    """Act on a webhook from Stripe. Refused (``bad_signature``, 400; nothing changed) unless Stripe signed it with
    ``STRIPE_WEBHOOK_SECRET``. Returns what was done: ``applied``, ``duplicate`` or ``ignored``.

    Correct when events come late, twice or out of order: the event only says *which* subscription changed; its
    current state is read from Stripe's API and applied, under the local subscription's row lock (so two webhooks of
    one subscription apply one after the other, the later one reading Stripe after the earlier one wrote). The event's
    id is stored in the same transaction as the change: a second delivery finds it and changes nothing."""
    try:
        event = stripe_api.construct_event(payload=payload, signature=signature or "")
    except (ValueError, stripe.SignatureVerificationError):
        errors.raise_error(errors.BAD_SIGNATURE)
    if not _handled(event.type):
        return "ignored"
    if StripeEvent.objects.filter(event_id=event.id).exists():
        return "duplicate"
    subscription_id, organisation_id = stripe_api.subscription_of(event)
    try:
        with transaction.atomic():
            result = _apply_event(event, subscription_id, organisation_id)
            StripeEvent.objects.create(event_id=event.id, event_type=event.type)
    except IntegrityError:  # the same event, delivered twice at once: the other delivery applied it
        if StripeEvent.objects.filter(event_id=event.id).exists():
            return "duplicate"
        raise
    return result


def _apply_event(event, subscription_id: str | None, organisation_id: int | None) -> str:
    if not subscription_id:
        return "ignored"
    local = Subscription.objects.select_for_update().filter(stripe_subscription_id=subscription_id).first()
    if StripeEvent.objects.filter(event_id=event.id).exists():  # applied while we waited for the lock
        return "duplicate"
    remote = stripe_api.retrieve_subscription(subscription_id)
    if local is None:
        organisation_id = remote.organisation_id or organisation_id
        if organisation_id is None:
            log.warning("Stripe subscription %s names no organisation; event %s ignored", subscription_id, event.id)
            return "ignored"
        local = _locked_subscription(organisation_id)
        if local is None:
            log.warning("Organisation %s has no subscription; event %s ignored", organisation_id, event.id)
            return "ignored"
        if local.stripe_subscription_id and local.stripe_subscription_id != subscription_id \
                and local.status != SubscriptionStatus.CANCELED:
            log.warning("Organisation %s pays through %s; event %s of %s ignored", organisation_id,
                        local.stripe_subscription_id, event.id, subscription_id)
            return "ignored"
    status = _STATUSES.get(remote.status)
    if local.payment_method == PaymentMethod.INVOICE and status == SubscriptionStatus.CANCELED:
        return "ignored"  # a card subscription ended after the organisation moved to invoice payment
    local.payment_method = PaymentMethod.CARD
    local.stripe_subscription_id = remote.id
    local.stripe_customer_id = remote.customer
    if status is not None:
        local.status = status
    local.current_period_start = remote.current_period_start
    local.current_period_end = remote.current_period_end
    if local.status == SubscriptionStatus.CANCELED:
        local.grace_end = local.grace_end or _today() + timedelta(days=settings.BILLING_GRACE_DAYS)
    else:
        local.grace_end = None
    local.save()
    sync_read_only(organisation_id=local.organisation_id)
    return "applied"


# ------------------------------------------------------------------------- the platform console (decision 0058)

__all__ += ["invoice_pdf", "extend_trial"]


def invoice_pdf(*, invoice: Invoice) -> bytes:
    """The invoice's PDF (read-only), as the organisation's subscription page gives it."""
    from .pdf import invoice_pdf as render

    return render(selectors.invoice_by_id(pk=invoice.pk))


@transaction.atomic
def extend_trial(*, organisation_id: int, trial_end: date, today: date | None = None) -> Subscription:
    """Move the end of a trial later (a platform admin's decision). Only a trial without an invoice or a card: once
    an invoice is issued or Stripe runs the subscription, its dates are theirs. Invoice payment chosen at sign-up
    whose first invoice is not issued yet (it comes at the trial's end, decision 0057) may be extended: the invoice
    then comes at the new end."""
    subscription = _required_subscription(organisation_id)
    invoiced = Invoice.objects.filter(organisation_id=organisation_id, kind=InvoiceKind.INVOICE).exists()
    if subscription.status != SubscriptionStatus.TRIALING or subscription.payment_method == PaymentMethod.CARD \
            or invoiced:
        errors.raise_error(errors.NOT_ON_TRIAL)
    today = today or _today()
    if trial_end <= today or (subscription.trial_end and trial_end <= subscription.trial_end):
        errors.raise_error(errors.BAD_TRIAL_END)
    subscription.trial_end = trial_end
    subscription.save(update_fields=["trial_end", "updated_at"])
    sync_read_only(organisation_id=organisation_id, today=today)
    return subscription


# ------------------------------------------------------------------------ sign-up's handover, trial's end (0057)

@transaction.atomic
def record_invoice_details(*, organisation_id: int, street: str, postal_code: str, city: str, buyer_reference: str,
                           peppol_id: str = ""):
    """Keep where the organisation's invoices go (``InvoiceDetails``), replacing what was there. Idempotent."""
    from .models import InvoiceDetails

    values = {"street": street.strip(), "postal_code": postal_code.strip(), "city": city.strip(),
              "buyer_reference": buyer_reference.strip(), "peppol_id": peppol_id.strip()}
    for field in ("street", "postal_code", "city", "buyer_reference"):
        if not values[field]:
            errors.raise_error(errors.BAD_BUYER, problem=f"{field} is empty")
    details, _ = InvoiceDetails.objects.update_or_create(organisation_id=organisation_id, defaults=values)
    return details


@transaction.atomic
def choose_invoice_payment_at_trial_end(*, organisation_id: int, street: str, postal_code: str, city: str,
                                        buyer_reference: str, peppol_id: str = "") -> Subscription:
    """Pay by invoice, the first invoice issued when the trial ends (``issue_trial_end_invoice``, billing's daily
    job): the invoice details are kept and the subscription's method set. Idempotent: a sign-up provisioned twice
    chooses once. A card subscription already running is left as it is."""
    subscription = _required_subscription(organisation_id)
    record_invoice_details(organisation_id=organisation_id, street=street, postal_code=postal_code, city=city,
                           buyer_reference=buyer_reference, peppol_id=peppol_id)
    if subscription.payment_method != PaymentMethod.CARD and subscription.payment_method != PaymentMethod.INVOICE:
        subscription.payment_method = PaymentMethod.INVOICE
        subscription.save(update_fields=["payment_method", "updated_at"])
    return subscription


def issue_trial_end_invoice(*, organisation_id: int, today: date) -> Invoice | None:
    """On the day a trial ends (or the first run after it), the first invoice of an organisation that chose invoice
    payment: a subscription year from the trial's end, due ``BILLING_PAYMENT_DAYS`` after today, to the invoice
    details it gave. Through ``choose_invoice_payment``, which finds an invoice already issued for that year: a run
    repeated issues nothing more. None when there is nothing to issue."""
    subscription = selectors.subscription(organisation_id=organisation_id)
    if subscription is None or subscription.payment_method != PaymentMethod.INVOICE \
            or subscription.status == SubscriptionStatus.CANCELED or subscription.trial_end is None \
            or subscription.trial_end > today:
        return None
    # Any invoice for the trial's end — issued from the page already, or credited by Delbar on purpose — means this
    # job has nothing to do (a credited one is not issued again behind Delbar's back).
    if Invoice.objects.filter(organisation_id=organisation_id, kind=InvoiceKind.INVOICE,
                              period_start__lte=subscription.trial_end,
                              period_end__gte=subscription.trial_end).exists():
        return None
    details = selectors.invoice_details(organisation_id=organisation_id)
    if details is None:
        return None
    buyer = buyer_for_organisation(organisation_id=organisation_id, street=details.street,
                                   postal_code=details.postal_code, city=details.city,
                                   buyer_reference=details.buyer_reference, peppol_id=details.peppol_id)
    return choose_invoice_payment(organisation_id=organisation_id, buyer=buyer, year_start=subscription.trial_end,
                                  issue_date=today)


def remind_trial_ending(*, organisation, today: date) -> bool:
    """``BILLING_TRIAL_REMINDER_DAYS`` before a trial ends with no payment method chosen, e-mail the organisation's
    admins (in its schema's outbox, in Swedish, the organisation's language) what happens and where to choose. Once
    per trial: the outbox key names the organisation and the trial's end. True if written now."""
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from accounts import selectors as accounts

    subscription = selectors.subscription(organisation_id=organisation.pk)
    if subscription is None or subscription.status != SubscriptionStatus.TRIALING or subscription.payment_method \
            or subscription.trial_end is None:
        return False
    days_left = (subscription.trial_end - today).days
    if not 0 < days_left <= settings.BILLING_TRIAL_REMINDER_DAYS:
        return False
    recipients = accounts.org_admin_addresses()
    if not recipients:
        return False
    url = tenants.organisation_base_url(organisation=organisation) + reverse(
        "billing_subscription", urlconf=settings.ROOT_URLCONF)
    context = {"organisation": organisation, "trial_end": subscription.trial_end, "days_left": days_left,
               "url": url, "card_available": selectors.card_payment_available()}
    with translation.override("sv"):
        subject = render_to_string("billing/email/trial_ending_subject.txt", context).strip()
        body = render_to_string("billing/email/trial_ending_body.txt", context)
    with transaction.atomic():
        return outbox.enqueue_email(
            key=f"billing:trial-ending:{organisation.pk}:{subscription.trial_end.isoformat()}", to=recipients,
            subject=subject, body=body)
