"""Reading Delbar's plans and invoices (decision 0050). Lists take a constant number of queries."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from . import stripe_api
from .models import (
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoicePayment,
    PaymentMethod,
    Plan,
    PlanPrice,
    Subscription,
    SubscriptionStatus,
)


def plans() -> QuerySet[Plan]:
    """Offered plans with their prices: two queries however many."""
    return Plan.objects.filter(is_active=True).prefetch_related(
        Prefetch("prices", queryset=PlanPrice.objects.order_by("yearly_price_ore"))
    )


def plan(*, code: str) -> Plan | None:
    return Plan.objects.filter(code=code).first()


def plan_price_ore(*, plan: Plan, band: str) -> int | None:
    price = PlanPrice.objects.filter(plan=plan, band=band).values_list("yearly_price_ore", flat=True).first()
    return price


def _with_lines(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return queryset.select_related("credited_invoice").prefetch_related(
        Prefetch("lines", queryset=InvoiceLine.objects.order_by("position"))
    )


def invoices(*, organisation_id: int | None = None) -> QuerySet[Invoice]:
    """Invoices and credit notes, newest first, with their lines: two queries however many."""
    queryset = Invoice.objects.all()
    if organisation_id is not None:
        queryset = queryset.filter(organisation_id=organisation_id)
    return _with_lines(queryset).order_by("-issue_date", "-id")


def invoice(*, number: str) -> Invoice | None:
    return _with_lines(Invoice.objects.filter(number=number)).first()


def invoice_by_id(*, pk: int) -> Invoice | None:
    return _with_lines(Invoice.objects.filter(pk=pk)).first()


# ------------------------------------------------------------------------------------- subscriptions (decision 0052)

def subscription(*, organisation_id: int) -> Subscription | None:
    return Subscription.objects.select_related("plan").filter(organisation_id=organisation_id).first()


def card_payment_available() -> bool:
    """Whether card payment (Stripe) is offered: only when Stripe's keys are configured."""
    return stripe_api.is_configured()


def with_payment(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Invoices annotated ``is_paid`` (a payment recorded) and ``is_credited`` (a credit note names it)."""
    return queryset.annotate(
        is_paid=Exists(InvoicePayment.objects.filter(invoice=OuterRef("pk"))),
        is_credited=Exists(Invoice.objects.filter(credited_invoice=OuterRef("pk"))),
    )


def overdue_invoices(*, organisation_id: int, today: date | None = None) -> QuerySet[Invoice]:
    """The organisation's invoices past their due date, neither paid nor credited."""
    today = today or timezone.localdate()
    return with_payment(Invoice.objects.filter(
        organisation_id=organisation_id, kind=InvoiceKind.INVOICE, due_date__lt=today
    )).filter(is_paid=False, is_credited=False)


def is_read_only(*, organisation_id: int, today: date | None = None) -> bool:
    """Whether the organisation should be in read-only mode: an invoice of Delbar's unpaid past its due date, or a
    card subscription that Stripe says is past due or unpaid, or a trial over with neither a card subscription nor an
    invoice covering today (decision 0057). Three queries at most. (``tenants``' flag
    ``Organisation.billing_read_only``, which the pages and catalog read, is set from this by
    ``billing.services.sync_read_only``.)"""
    today = today or timezone.localdate()
    current = Subscription.objects.filter(organisation_id=organisation_id).values_list(
        "payment_method", "status", "trial_end").first()
    if current and current[0] == PaymentMethod.CARD and current[1] in (
            SubscriptionStatus.PAST_DUE, SubscriptionStatus.UNPAID):
        return True
    if overdue_invoices(organisation_id=organisation_id, today=today).exists():
        return True
    return bool(current) and trial_over_unpaid(payment_method=current[0], status=current[1], trial_end=current[2],
                                               organisation_id=organisation_id, today=today)


def organisation_invoices(*, organisation_id: int) -> QuerySet[Invoice]:
    """An organisation's invoices and credit notes with whether each is paid or credited: one query."""
    return with_payment(Invoice.objects.filter(organisation_id=organisation_id)).select_related(
        "credited_invoice").order_by("-issue_date", "-id")


# ------------------------------------------------------------------------- the platform console (decision 0058)

TRIAL_ENDING_DAYS = 14


def subscriptions_by_organisation(*, organisation_ids) -> dict[int, Subscription]:
    """The subscriptions of these organisations, with their plans, by organisation id: one query however many."""
    rows = Subscription.objects.select_related("plan").filter(organisation_id__in=list(organisation_ids))
    return {row.organisation_id: row for row in rows}


def organisation_ids_in_state(*, state: str, today: date | None = None) -> QuerySet:
    """The ids of the organisations whose subscription is in ``state`` — a ``SubscriptionStatus`` value, or
    ``trial_ending`` (on trial, ending within ``TRIAL_ENDING_DAYS`` days from today) — as a lazy queryset, to be used
    as a subquery (no query of its own)."""
    today = today or timezone.localdate()
    rows = Subscription.objects.all()
    if state == "trial_ending":
        from datetime import timedelta

        rows = rows.filter(status=SubscriptionStatus.TRIALING, trial_end__isnull=False,
                           trial_end__lte=today + timedelta(days=TRIAL_ENDING_DAYS))
    else:
        rows = rows.filter(status=state)
    return rows.values_list("organisation_id", flat=True)


def organisation_ids_with_subscription() -> QuerySet:
    """The ids of every organisation with a subscription, as a lazy queryset (a subquery)."""
    return Subscription.objects.values_list("organisation_id", flat=True)


def organisation_invoice(*, organisation_id: int, number: str) -> Invoice | None:
    """One of the organisation's invoices by number, with whether it is paid or credited; None when the number is
    unknown or the invoice is another organisation's."""
    return organisation_invoices(organisation_id=organisation_id).filter(number=number).first()


# ------------------------------------------------------------------------------------- trial's end (decision 0057)

def invoice_details(*, organisation_id: int):
    """Where the organisation's invoices go (``InvoiceDetails``), or None when it has not said."""
    from .models import InvoiceDetails

    return InvoiceDetails.objects.filter(organisation_id=organisation_id).first()


def covering_invoice_exists(*, organisation_id: int, today: date) -> bool:
    """Whether an invoice of Delbar's (issued, not credited; paid or not) covers ``today``."""
    return with_payment(Invoice.objects.filter(
        organisation_id=organisation_id, kind=InvoiceKind.INVOICE, period_start__lte=today, period_end__gte=today,
    )).filter(is_credited=False).exists()


def trial_over_unpaid(*, payment_method: str, status: str, trial_end: date | None, organisation_id: int,
                      today: date) -> bool:
    """A trial that has ended with no card subscription and no invoice covering today: read-only (decision 0057).
    A cancelled subscription is left to its grace period."""
    if payment_method == PaymentMethod.CARD or status == SubscriptionStatus.CANCELED:
        return False
    if trial_end is None or trial_end > today:
        return False
    return not covering_invoice_exists(organisation_id=organisation_id, today=today)


def size_bands() -> list[tuple[str, str]]:
    """The size bands, (value, label with what they mean), smallest first: for the sign-up's choice."""
    from .models import SizeBand

    return list(SizeBand.choices)


def payment_methods() -> tuple[str, ...]:
    """The ways an organisation can pay now: invoice always, card only when Stripe's keys are configured."""
    return (PaymentMethod.INVOICE, PaymentMethod.CARD) if card_payment_available() else (PaymentMethod.INVOICE,)
