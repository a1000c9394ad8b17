"""An invoice or credit note as a one-page A4 PDF, in Swedish (decision 0050).

Drawn with fpdf2 and DejaVu Sans, found as catalog.labels finds them (``DELBAR_PDF_FONT_DIR``, else reports/fonts), so
å, ä and ö print on a machine with no fonts installed. No database access beyond the invoice and its loaded lines.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from django.conf import settings

from .identifiers import formatted_organisation_number
from .money import kronor_display

if TYPE_CHECKING:
    from .models import Invoice

FONT_DIR = os.path.join(settings.BASE_DIR, "reports", "fonts")


def _font(name: str) -> str:
    folder = getattr(settings, "DELBAR_PDF_FONT_DIR", None) or os.environ.get("DELBAR_PDF_FONT_DIR") or FONT_DIR
    return os.path.join(folder, name)


def _date(value) -> str:
    return value.isoformat()


def _fitted(pdf, text: str, width: float) -> str:
    """``text`` cut with "…" to fit ``width`` mm in the current font."""
    if pdf.get_string_width(text) <= width - 2:
        return text
    while text and pdf.get_string_width(text + "…") > width - 2:
        text = text[:-1]
    return text.rstrip() + "…"


def invoice_pdf(invoice: Invoice) -> bytes:
    from fpdf import FPDF

    seller = invoice.seller
    credit = invoice.is_credit_note
    title = f"{'Kreditfaktura' if credit else 'Faktura'} {invoice.number}"
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(title)
    pdf.set_author(seller["name"])
    pdf.set_creator("Delbar")
    pdf.add_font("DejaVu", "", _font("DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", _font("DejaVuSans-Bold.ttf"))
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=30)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(width / 2, 8, seller["name"])
    pdf.cell(width / 2, 8, "Kreditfaktura" if credit else "Faktura", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    facts = [
        ("Fakturanummer", invoice.number),
        ("Fakturadatum", _date(invoice.issue_date)),
    ]
    if credit:
        credited = invoice.credited_invoice
        facts.append(("Krediterar faktura", f"{credited.number} ({_date(credited.issue_date)})"))
    else:
        facts.append(("Förfallodatum", _date(invoice.due_date)))
    facts += [
        ("Er referens", invoice.buyer_reference),
        ("Period", f"{_date(invoice.period_start)} – {_date(invoice.period_end)}"),
    ]
    top = pdf.get_y() + 4
    pdf.set_xy(pdf.l_margin + width / 2, top)
    for label, value in facts:
        pdf.set_x(pdf.l_margin + width / 2)
        pdf.cell(35, 5, label)
        pdf.cell(width / 2 - 35, 5, value, new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(pdf.l_margin, top)
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(width / 2, 5, "Köpare", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    for text in (invoice.buyer_name, invoice.buyer_street, f"{invoice.buyer_postal_code} {invoice.buyer_city}",
                 f"Org.nr {formatted_organisation_number(invoice.buyer_organisation_number)}",
                 f"Peppol-id {invoice.buyer_peppol_id}"):
        pdf.cell(width / 2, 5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), top + 5 * len(facts)) + 10)

    # The lines.
    columns = (width - 70, 15, 27.5, 27.5)
    pdf.set_font("DejaVu", "B", 9)
    for text, column, align in zip(("Beskrivning", "Antal", "À-pris", "Belopp"), columns, "LRRR", strict=True):
        pdf.cell(column, 7, text, border="B", align=align)
    pdf.ln()
    pdf.set_font("DejaVu", "", 9)
    for line in invoice.lines.all():
        values = (line.description, str(line.quantity), kronor_display(line.unit_price_ore),
                  kronor_display(line.net_ore))
        for text, column, align in zip(values, columns, "LRRR", strict=True):
            pdf.cell(column, 6, _fitted(pdf, text, column) if align == "L" else text, align=align)
        pdf.ln()
        pdf.set_font("DejaVu", "", 7.5)
        pdf.cell(columns[0], 4, f"{_date(line.period_start)} – {_date(line.period_end)}", new_x="LMARGIN",
                 new_y="NEXT")
        pdf.set_font("DejaVu", "", 9)
    pdf.ln(4)
    label_width = width - 40
    for label, ore, bold in (("Summa exkl. moms", invoice.net_ore, False),
                             (f"Moms {invoice.vat_percent} %", invoice.vat_ore, False),
                             ("Att återfå" if credit else "Att betala", invoice.gross_ore, True)):
        pdf.set_font("DejaVu", "B" if bold else "", 10 if bold else 9)
        pdf.cell(label_width, 6, label, align="R")
        pdf.cell(40, 6, kronor_display(ore), align="R", new_x="LMARGIN", new_y="NEXT")
    if invoice.note:
        pdf.ln(4)
        pdf.set_font("DejaVu", "", 9)
        pdf.multi_cell(width, 5, invoice.note)
    if not credit:
        pdf.ln(4)
        pdf.set_font("DejaVu", "", 9)
        pdf.multi_cell(width, 5, f"Betala till bankgiro {seller['bankgiro'][:-4]}-{seller['bankgiro'][-4:]} senast "
                                 f"{_date(invoice.due_date)}. Ange fakturanummer {invoice.number} som referens.")

    # The seller's particulars, as Swedish law wants them on an invoice.
    pdf.set_auto_page_break(auto=False)
    pdf.set_y(-25)
    pdf.set_font("DejaVu", "", 7.5)
    footer = (f"{seller['name']} · {seller['street']}, {seller['postal_code']} {seller['city']} · "
              f"Org.nr {formatted_organisation_number(seller['organisation_number'])} · "
              f"Momsreg.nr {seller['vat_number']} · Godkänd för F-skatt · Peppol-id {seller['peppol_id']} · "
              f"{seller['email']}")
    pdf.multi_cell(width, 4, footer, align="C")
    return bytes(pdf.output())
