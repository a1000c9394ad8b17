"""The annual report as PDF, for a municipality's sustainability reporting (decision 0034): the year's figures —
listings posted, items mediated, loans, items to and from other organisations — the kg CO₂e avoided and SEK saved
per month and per department, the counting rules, and every factor version used with its sources, so that each
figure can be traced. Drawn by fpdf2 with a TrueType font (DejaVu Sans) so that å, ä, ö and ₂ print.

Queries: the statistics page's (six and five), plus one for the organisation's versions' sources per version used.
"""

from __future__ import annotations

import os
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from catalog import selectors as catalog
from impact import selectors as impact

from .impact import OrganisationImpact

# DejaVu Sans ships with the app (reports/fonts, under its free licence, LICENSE-DejaVu.txt) so that the report
# prints å, ä, ö and ₂ on a machine with no fonts installed.
FONT_DIR = os.path.join(os.path.dirname(__file__), "fonts")


def _font(name: str) -> str:
    """A TrueType font file: DELBAR_PDF_FONT_DIR (settings or environment) or the one shipped in reports/fonts."""
    folder = getattr(settings, "DELBAR_PDF_FONT_DIR", None) or os.environ.get("DELBAR_PDF_FONT_DIR") or FONT_DIR
    return os.path.join(folder, name)


def _n(value) -> str:
    if isinstance(value, Decimal):
        value = int(value.quantize(Decimal("1")))
    return number_format(value, force_grouping=True)


def annual_report(*, organisation_name: str, year: int, figures: catalog.Statistics,
                  impact_figures: OrganisationImpact, methodology_url: str) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4")
    pdf.set_title(_("Reuse in Delbar %(year)s: %(organisation)s") % {"year": year, "organisation": organisation_name})
    pdf.set_author("Delbar")
    pdf.set_lang(translation_language())
    pdf.add_font("DejaVu", "", _font("DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", _font("DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    bold = FontFace(emphasis="BOLD")

    def heading(text: str, size: int = 13) -> None:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", size)
        pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 10)

    def paragraph(text: str) -> None:
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def table(header: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
        pdf.set_font("DejaVu", "", 9)
        with pdf.table(col_widths=widths, headings_style=bold, text_align=("LEFT",) + ("RIGHT",) * (
                len(header) - 1)) as drawn:
            for row in [header, *rows]:
                line = drawn.row()
                for cell in row:
                    line.cell(str(cell))
        pdf.set_font("DejaVu", "", 10)

    heading(_("Reuse in Delbar %(year)s") % {"year": year}, 16)
    paragraph(organisation_name)
    paragraph(_("Report for sustainability reporting, made %(date)s.") % {
        "date": date_format(timezone.localdate(), "DATE_FORMAT")})

    heading(_("Key figures"))
    avoided = impact_figures.avoided
    table([_("Figure"), _("Value")], [
        [_("Listings posted"), _n(figures.posted)],
        [_("Items mediated inside the organisation"), _n(figures.mediated)],
        [_("Loans and rentals"), _n(figures.loans)],
        [_("Items to other organisations"), _n(figures.given)],
        [_("Items from other organisations"), _n(figures.received)],
        [_("kg CO₂e avoided"), _n(avoided.co2e)],
        [_("SEK saved"), _n(avoided.saved)],
        [_("kg CO₂e contributed to other organisations"), _n(impact_figures.given_to_others.co2e)],
        [_("Days of use from loans and rentals"), _n(impact_figures.use_days)],
    ], (3, 1))
    if avoided.corrected_items:
        paragraph(_("%(count)s items were counted with a correction of their listing.") % {
            "count": _n(avoided.corrected_items)})

    heading(_("Per month"))
    table([_("Month"), _("Listings posted"), _("Items mediated"), _("Loans"), _("kg CO₂e avoided"),
           _("SEK saved")],
          [[date_format(month.month, "F"), _n(month.posted), _n(month.mediated), _n(month.loans),
            _n(avoided_month.avoided.co2e), _n(avoided_month.avoided.saved)]
           for month, avoided_month in zip(figures.months, impact_figures.months, strict=True)]
          + [[_("Total"), _n(figures.posted), _n(figures.mediated), _n(figures.loans), _n(avoided.co2e),
              _n(avoided.saved)]], (3, 2, 2, 2, 2, 2))

    heading(_("Per department"))
    if impact_figures.departments:
        table([_("Department"), _("kg CO₂e avoided"), _("SEK saved"), _("kg CO₂e contributed")],
              [[(f"{row.administration} › " if row.administration else "") + row.department,
                _n(row.avoided.co2e), _n(row.avoided.saved), _n(row.contributed.co2e)]
               for row in impact_figures.departments], (5, 2, 2, 2))
    else:
        paragraph(_("No department received or gave anything this year."))

    heading(_("How it is counted"))
    for rule in (
        _("Each item given away or sold to a new user counts as one new purchase avoided: its CO₂e and money saved "
          "are credited once, to the receiving organisation and department. The giving department has contributed "
          "it."),
        _("A loan or rental is reported as days of use, never as a purchase avoided."),
        _("Money saved per item is the reference new price minus the price paid, never below zero."),
        _("Each item is counted with the factor version in force when it changed hands; a new version never "
          "changes a figure already reported."),
    ):
        paragraph("• " + rule)
    paragraph(_("The methodology and the whole factor table: %(url)s") % {"url": methodology_url})

    heading(_("Factor versions and sources"))
    versions = impact_figures.versions
    if not versions:
        paragraph(_("No item avoided a purchase this year: no factor version was used."))
    for number in versions:
        version = impact.version_by_number(number=number)
        if version is None:
            continue
        heading(_("Version %(number)s, in force from %(date)s") % {
            "number": number, "date": date_format(timezone.localtime(version.valid_from), "DATE_FORMAT")}, 11)
        for source in impact.sources(version=version):
            paragraph(f"{source.name} ({source.year}){' – ' + source.url if source.url else ''}")
    return bytes(pdf.output())


def translation_language() -> str:
    from django.utils.translation import get_language

    return get_language() or "sv"
