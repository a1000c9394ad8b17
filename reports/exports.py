"""Exports of an organisation's statistics for a year (decision 0034): per month and per department — listings
posted, items mediated, loans, items to and from other organisations, kg CO₂e avoided, SEK saved, the factor
versions — and every handover of the year with its CO₂e and SEK (the rows behind the figures), as CSV and XLSX.

The rows behind the figures may be many (a large municipality: 100,000 handovers a year). They are never held in
memory: the queries run with server-side cursors (``QuerySet.iterator``), the CSV is written row by row into a
streamed answer, and the XLSX is written by openpyxl in write-only mode to a temporary file on disk, which is then
streamed back and deleted. No person is named in an export: departments, categories and listing titles only.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bookings import selectors as bookings
from catalog import selectors as catalog
from exchange import selectors as exchange
from impact import selectors as impact
from taxonomy import selectors as taxonomy

from .impact import OrganisationImpact, mediated_rows

CHUNK = 2_000  # rows fetched per round trip from the server-side cursor
KINDS = ("months", "departments", "handovers")


def _versions(figures: impact.Impact) -> str:
    return ", ".join(str(number) for number in figures.version_list)


def _kg(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def month_rows(*, figures: catalog.Statistics, impact_figures: OrganisationImpact) -> tuple[list[str], list[list]]:
    header = [_("Month"), _("Listings posted"), _("Items mediated"), _("Loans and rentals"),
              _("To other organisations"), _("From other organisations"), _("kg CO₂e avoided"), _("SEK saved"),
              _("Factor versions")]
    rows = []
    for month, avoided in zip(figures.months, impact_figures.months, strict=True):
        rows.append([date_format(month.month, "Y-m"), month.posted, month.mediated, month.loans, month.given,
                     month.received, _kg(avoided.avoided.co2e), _kg(avoided.avoided.saved),
                     _versions(avoided.avoided)])
    rows.append([_("Total"), figures.posted, figures.mediated, figures.loans, figures.given, figures.received,
                 _kg(impact_figures.avoided.co2e), _kg(impact_figures.avoided.saved),
                 _versions(impact_figures.avoided)])
    return header, rows


def department_rows(*, figures: catalog.Statistics,
                    impact_figures: OrganisationImpact) -> tuple[list[str], list[list]]:
    """One row per department that posted, mediated, lent, gave or received anything in the year."""
    header = [_("Administration"), _("Department"), _("Listings posted"), _("Items mediated"),
              _("Loans and rentals"), _("To other organisations"), _("From other organisations"),
              _("kg CO₂e avoided"), _("SEK saved"), _("kg CO₂e contributed"), _("Factor versions")]
    counted = {(row.administration, row.department): row for row in figures.departments}
    impacts = {(row.administration, row.department): row for row in impact_figures.departments}
    rows = []
    for key in sorted(set(counted) | set(impacts)):
        count, figures_of = counted.get(key), impacts.get(key)
        avoided = figures_of.avoided if figures_of else impact.Impact()
        contributed = figures_of.contributed if figures_of else impact.Impact()
        versions = impact.Impact()
        versions.add(avoided)
        versions.add(contributed)
        rows.append([key[0], key[1], *(
            (count.posted, count.mediated, count.loans, count.given, count.received) if count else (0,) * 5),
            _kg(avoided.co2e), _kg(avoided.saved), _kg(contributed.co2e), _versions(versions)])
    return header, rows


def handover_header() -> list[str]:
    return [_("Date"), _("Source"), _("Receiving department"), _("Given by"), _("Category"), _("Listing"),
            _("Items"), _("kg CO₂e avoided"), _("SEK saved"), _("Factor version"), _("Corrected")]


def handover_rows(*, organisation_id: int, year: int, chunk_size: int = CHUNK) -> Iterator[list]:
    """Every item this organisation's people received in ``year`` — handed over inside it, or from another
    organisation — with its CO₂e, SEK and factor version, oldest first; two queries, each read in chunks from a
    server-side cursor, so the rows are never all in memory."""
    start, end = catalog.statistics_period(year=year)
    labels = taxonomy.labels()
    inside, received = _("Inside the organisation"), _("From another organisation")
    yes, no = _("yes"), _("no")
    mediated = mediated_rows(bookings.items_mediated(start=start, end=end), own_prices=True)
    rows = mediated.annotated().order_by("handed_over_at", "pk").values_list(
        "handed_over_at", "receiving_department__name", "giving_department__name", "platform_key", "listing__title",
        "quantity", "impact_co2e", "impact_saved", "impact_version", "impact_corrected")
    for at, receiving, giving, key, title, quantity, co2e, saved, version, corrected in rows.iterator(chunk_size):
        yield [_local(at), inside, receiving or "", giving or "", labels.get(key, key or ""), title, quantity,
               _kg(co2e), _kg(saved), version, yes if corrected else no]
    received_rows = exchange.deals_received_impact(organisation_id=organisation_id, start=start, end=end)
    deals = received_rows.annotated().order_by("handed_over_at", "pk").values_list(
        "handed_over_at", "receiving_department_name", "owner_name", "category_key", "title", "quantity",
        "impact_co2e", "impact_saved", "impact_version")
    for at, receiving, owner, key, title, quantity, co2e, saved, version in deals.iterator(chunk_size):
        yield [_local(at), received, receiving or "", owner, labels.get(key, key or ""), title, quantity, _kg(co2e),
               _kg(saved), version, no]


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# ----------------------------------------------------------------------------------------------- the formats


class _Echo:
    """A file-like object whose write returns what it was given: csv.writer then yields one line at a time."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list], *, decimal_comma: bool) -> Iterator[str]:
    """The CSV, line by line (semicolons, as Swedish spreadsheets read them; a byte-order mark first so that they
    read UTF-8; decimal comma in Swedish)."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        if decimal_comma:
            row = [str(cell).replace(".", ",") if isinstance(cell, Decimal) else cell for cell in row]
        yield writer.writerow(row)


def write_xlsx(sheets: Iterable[tuple[str, list[str], Iterable[list]]]):
    """An XLSX workbook of ``sheets`` (title, header, rows), written by openpyxl in write-only mode (rows go to disk
    as they come) into a temporary file, returned open at its start; closing it deletes it."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.freeze_panes = "A2"
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        for row in rows:
            sheet.append(row)
    output = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(output)
    output.seek(0)
    return output
