"""Book that one of Delbar's invoices was paid (from the bank's statement), lifting read-only mode when nothing else
of the organisation's is overdue (decision 0052).

    manage.py record_invoice_paid F00001 [--paid-on 2027-02-01]
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from ... import selectors, services


class Command(BaseCommand):
    help = "Book that an invoice of Delbar's was paid."

    def add_arguments(self, parser) -> None:
        parser.add_argument("number", help="the invoice number, e.g. F00001")
        parser.add_argument("--paid-on", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default today)")

    def handle(self, *args, number: str, paid_on: date | None, **options) -> None:
        invoice = selectors.invoice(number=number)
        if invoice is None or invoice.is_credit_note:
            raise CommandError(f"There is no invoice {number}.")
        recorded = services.record_invoice_paid(invoice=invoice, paid_on=paid_on)
        self.stdout.write(f"{number}: {'paid' if recorded else 'already booked as paid'}")
