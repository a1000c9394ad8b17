"""Reading Delbar's plans and invoices (decision 0050). Lists take a constant number of queries."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import Invoice, InvoiceLine, Plan, PlanPrice


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
