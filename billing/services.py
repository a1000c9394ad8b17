"""Issuing Delbar's invoices and credit notes, and sending them to its Peppol access point (decision 0050).

Each write runs in one transaction in the public schema. An invoice takes the next number of its series under the
series row's lock, in the same transaction: numbers are gapless and never reused (an invoice that fails, its XML
refused by the rules included, rolls its number back with it). An issued invoice is never changed or deleted; a
mistake is undone by a credit note.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from outbox import services as outbox
from tenants import selectors as tenants

from . import access_point, errors, money, selectors, ubl
from .identifiers import formatted_organisation_number, is_valid_organisation_number, peppol_id
from .models import Invoice, InvoiceKind, InvoiceLine, InvoiceSeries
from .seller import seller_snapshot
from .validation import findings, validate_invoice_xml

__all__ = [
    "Buyer", "buyer_for_organisation", "issue_invoice", "issue_pro_rata_invoice", "issue_credit_note",
    "send_invoice", "validate_invoice_xml", "findings", "invoice_xml", "INVOICE_SERIES", "CREDIT_NOTE_SERIES",
]

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


