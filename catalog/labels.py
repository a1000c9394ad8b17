"""Sheets of QR labels for things in storage (decision 0043): A4 label paper, one label per item with its QR code,
short code, title and place. The QR code holds the item's label URL on the organisation's own host
(``https://<host>/l/<code>/``), so a phone's camera opens the item's page.

Drawn with fpdf2 (the PDF library the annual report already uses) and DejaVu Sans, so å, ä and ö print on a machine
with no fonts installed; the codes are made by segno. No database access: the caller passes what is printed.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The fonts shipped with the app for its PDFs (reports/fonts, DejaVu's free licence beside them).
FONT_DIR = os.path.join(settings.BASE_DIR, "reports", "fonts")
# QR: error correction M (15 %: a scratched label still reads), 4 modules of quiet zone inside the image, each
# module PIXELS_PER_MODULE pixels (1-bit PNG, printed sharp at any size).
QR_ERROR = "m"
QR_BORDER = 4
PIXELS_PER_MODULE = 6


@dataclass(frozen=True)
class LabelLayout:
    key: str
    name: object  # lazy text
    columns: int
    rows: int
    width: float  # mm
    height: float
    left: float  # the first label's top-left corner on the sheet
    top: float
    pitch_x: float  # from one label's left edge to the next's
    pitch_y: float

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows


LAYOUTS = {
    layout.key: layout
    for layout in (
        # 3 × 8 labels of 70 × 37 mm edge to edge (e.g. Avery 3474-like sheets).
        LabelLayout("3x8", _("24 labels per sheet, 70 × 37 mm (3 × 8)"), 3, 8, 70, 37, 0, 0.5, 70, 37),
        # 2 × 7 labels of 99.1 × 38.1 mm with gaps (Avery L7163 / J8163).
        LabelLayout("2x7", _("14 labels per sheet, 99.1 × 38.1 mm (2 × 7)"), 2, 7, 99.1, 38.1, 4.65, 15.15,
                    101.6, 38.1),
    )
}
DEFAULT_LAYOUT = "3x8"


@dataclass(frozen=True)
class Label:
    code: str
    title: str
    url: str
    place: str = ""


def qr_png(url: str) -> bytes:
    """The QR code of ``url`` as a 1-bit PNG, as printed on the label."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error=QR_ERROR, micro=False).save(buffer, kind="png", scale=PIXELS_PER_MODULE, border=QR_BORDER)
    return buffer.getvalue()


def _font(name: str) -> str:
    folder = getattr(settings, "DELBAR_PDF_FONT_DIR", None) or os.environ.get("DELBAR_PDF_FONT_DIR") or FONT_DIR
    return os.path.join(folder, name)


def _lines(pdf, text: str, width: float, line_height: float, most: int) -> list[str]:
    """``text`` broken into lines of ``width`` mm, at most ``most``; the last one cut with "…" if there is more."""
    lines = pdf.multi_cell(width, line_height, text, dry_run=True, output="LINES")
    if len(lines) <= most:
        return lines
    kept = lines[:most]
    last = kept[-1].rstrip()
    while last and pdf.get_string_width(last + "…") > width:
        last = last[:-1].rstrip()
    kept[-1] = last + "…"
    return kept


def sheet(*, labels: Sequence[Label], layout: LabelLayout, title: str, skip: int = 0) -> bytes:
    """A PDF of ``labels`` on A4 sheets of ``layout``, starting after ``skip`` labels already used on the first
    sheet."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(title)
    pdf.set_author("Delbar")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font("DejaVu", "", _font("DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", _font("DejaVuSans-Bold.ttf"))
    padding = 2.0
    skip = max(0, min(skip, layout.per_sheet - 1))
    for index, label in enumerate(labels, start=skip):
        slot = index % layout.per_sheet
        if slot == 0 or index == skip:
            pdf.add_page()
        column, row = slot % layout.columns, slot // layout.columns
        x = layout.left + column * layout.pitch_x
        y = layout.top + row * layout.pitch_y
        side = layout.height - 2 * padding
        pdf.image(io.BytesIO(qr_png(label.url)), x=x + padding, y=y + padding, w=side, h=side)
        text_x = x + padding + side + 1.5
        text_width = x + layout.width - padding - text_x
        pdf.set_xy(text_x, y + padding + 2)
        pdf.set_font("DejaVu", "B", 15)
        pdf.cell(text_width, 7, label.code, new_x="LEFT", new_y="NEXT")
        pdf.set_font("DejaVu", "", 8)
        for line in _lines(pdf, label.title, text_width, 3.6, 4 if label.place else 5):
            pdf.set_x(text_x)
            pdf.cell(text_width, 3.6, line, new_x="LEFT", new_y="NEXT")
        if label.place:
            pdf.set_font("DejaVu", "", 6.5)
            pdf.set_xy(text_x, y + layout.height - padding - 4)
            pdf.cell(text_width, 3, _lines(pdf, label.place, text_width, 3, 1)[0])
    return bytes(pdf.output())
