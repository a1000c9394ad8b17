"""Issue an invoice for an organisation on Delbar: a whole subscription year, or pro-rata from a start date.

    manage.py issue_invoice --organisation skurup --street "Rådhustorget 1" --postal-code "274 80" --city Skurup \\
        --buyer-reference 4711 [--plan delbar] [--band small] [--year-start 2027-01-01] [--start 2027-03-01] \\
        [--issue-date …] [--peppol-id 0007:…] [--out DIR] [--send]

Prints the invoice's number and totals; with ``--out`` writes ``<number>.pdf`` and ``<number>.xml`` there; with
``--send`` queues it for the Peppol access point (PEPPOL_ACCESS_POINT_URL).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from platform_.errors import DomainError
from tenants import selectors as tenants

from ... import money, pdf, selectors, services
from ...models import SizeBand


class Command(BaseCommand):
    help = "Issue an invoice (a whole subscription year, or pro-rata from --start) for an organisation on Delbar."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--organisation", required=True, help="the organisation's slug or id")
        parser.add_argument("--street", required=True)
        parser.add_argument("--postal-code", required=True)
        parser.add_argument("--city", required=True)
        parser.add_argument("--buyer-reference", required=True)
        parser.add_argument("--peppol-id", default="", help="default: 0007:<organisation number>")
        parser.add_argument("--plan", default="delbar")
        parser.add_argument("--band", default=SizeBand.SMALL, choices=SizeBand.values)
        parser.add_argument("--year-start", type=date.fromisoformat, help="default: the issue date")
        parser.add_argument("--start", type=date.fromisoformat, help="pro-rata from this day to the year's end")
        parser.add_argument("--issue-date", type=date.fromisoformat)
        parser.add_argument("--out", type=Path, help="a folder to write <number>.pdf and <number>.xml to")
        parser.add_argument("--send", action="store_true", help="queue it for the Peppol access point")

    def handle(self, *args, **options) -> None:
        wanted = options["organisation"]
        if wanted.isdigit():
            organisation = tenants.active_organisation(pk=int(wanted))
        else:
            organisation = tenants.active_organisations().filter(slug=wanted).first()
        if organisation is None:
            raise CommandError(f"No active organisation {wanted!r}")
        try:
            buyer = services.buyer_for_organisation(
                organisation_id=organisation.pk, street=options["street"], postal_code=options["postal_code"],
                city=options["city"], buyer_reference=options["buyer_reference"], peppol_id=options["peppol_id"],
            )
            year_start = options["year_start"] or options["issue_date"] or date.today()
            common = {"buyer": buyer, "plan_code": options["plan"], "band": options["band"],
                      "year_start": year_start, "issue_date": options["issue_date"]}
            if options["start"]:
                invoice = services.issue_pro_rata_invoice(start=options["start"], **common)
            else:
                invoice = services.issue_invoice(**common)
            if options["send"]:
                services.send_invoice(invoice=invoice)
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message}") from error
        invoice = selectors.invoice(number=invoice.number)
        self.stdout.write(f"{invoice.number} {invoice.buyer_name} {invoice.period_start}–{invoice.period_end}: "
                          f"{money.kronor(invoice.net_ore)} + moms {money.kronor(invoice.vat_ore)} = "
                          f"{money.kronor(invoice.gross_ore)} SEK")
        if options["out"]:
            options["out"].mkdir(parents=True, exist_ok=True)
            (options["out"] / f"{invoice.number}.pdf").write_bytes(pdf.invoice_pdf(invoice))
            (options["out"] / f"{invoice.number}.xml").write_bytes(services.invoice_xml(invoice=invoice))
            self.stdout.write(f"Wrote {invoice.number}.pdf and {invoice.number}.xml to {options['out']}")
