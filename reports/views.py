"""The statistics page of an organisation's host, for every member of its staff."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tenants.utils import schema_context

from catalog import selectors as catalog
from platform_ import charts

from . import annual_pdf, exports, selectors


def _year(request) -> int:
    """The year asked for (``?ar=``), if the organisation has statistics for it; else the newest."""
    years = selectors.statistics_years()
    try:
        year = int(request.GET.get("ar", years[0]))
    except ValueError:
        year = years[0]
    return year if year in years else years[0]


@login_required
@require_GET
def statistics(request):
    years = selectors.statistics_years()
    year = _year(request)
    figures = selectors.statistics(organisation_id=request.tenant.pk, year=year)
    peak = max([max(m.posted, m.mediated, m.loans, m.given, m.received) for m in figures.months] + [1])
    impact = selectors.organisation_impact(organisation_id=request.tenant.pk, year=year)  # decision 0032
    return render(request, "reports/statistics.html", {
        "figures": figures, "years": years, "peak": peak, "this_year": timezone.localdate().year,
        "impact": impact, "charts": charts.statistics_charts(figures=figures, impact=impact),  # decision 0034
        "department_rows": selectors.department_rows(figures=figures),  # in the tree's order (decision 0038)
        # Who may change what the figures count with (decision 0032): no query, the user is loaded.
        "can_set_prices": request.user.is_org_admin, "can_correct": catalog.runs_the_service(request.user),
    })


# ------------------------------------------------------------------------------------- exports (decision 0034)


def _file_name(kind: str, year: int, request, extension: str) -> str:
    return f"delbar-{request.tenant.schema_name}-{kind}-{year}.{extension}"


@login_required
@require_GET
def export_csv(request):
    """``?ar=`` the year, ``?vy=`` manader (per month, the default), enheter (per department) or poster (every
    handover, streamed)."""
    year = _year(request)
    view = VIEWS.get(request.GET.get("vy", "manader"))
    if view is None:
        raise Http404
    if view == "handovers":
        header, rows = exports.handover_header(), exports.handover_rows(organisation_id=request.tenant.pk, year=year)
    else:
        figures = selectors.statistics(organisation_id=request.tenant.pk, year=year)
        impact = selectors.organisation_impact(organisation_id=request.tenant.pk, year=year)
        make = exports.month_rows if view == "months" else exports.department_rows
        header, rows = make(figures=figures, impact_figures=impact)
    lines = exports.csv_lines(header, rows, decimal_comma=get_language() == "sv")
    response = StreamingHttpResponse(_as_asked(request, lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(view, year, request, "csv")}"'
    return response


@login_required
@require_GET
def export_xlsx(request):
    """One workbook: per month, per department and every handover of the year (written to a temporary file by
    openpyxl's write-only mode, streamed back)."""
    year = _year(request)
    figures = selectors.statistics(organisation_id=request.tenant.pk, year=year)
    impact = selectors.organisation_impact(organisation_id=request.tenant.pk, year=year)
    output = exports.write_xlsx([
        (_("Per month"), *exports.month_rows(figures=figures, impact_figures=impact)),
        (_("Per department"), *exports.department_rows(figures=figures, impact_figures=impact)),
        (_("Handovers"), exports.handover_header(),
         exports.handover_rows(organisation_id=request.tenant.pk, year=year)),
    ])
    return FileResponse(output, as_attachment=True, filename=_file_name("statistik", year, request, "xlsx"),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _as_asked(request, lines):
    """Stream ``lines`` in the request's language, time zone and organisation schema: a streamed answer is read
    after the view has returned, when the middleware has put them back."""
    language, zone, schema = get_language(), timezone.get_current_timezone(), request.tenant.schema_name
    with translation.override(language), timezone.override(zone), schema_context(schema):
        yield from lines


VIEWS = {"manader": "months", "enheter": "departments", "poster": "handovers"}


@login_required
@require_GET
def annual_report(request):
    """The year's report as PDF, for sustainability reporting (``?ar=``; decision 0034)."""
    year = _year(request)
    pdf = annual_pdf.annual_report(
        organisation_name=request.tenant.name, year=year,
        figures=selectors.statistics(organisation_id=request.tenant.pk, year=year),
        impact_figures=selectors.organisation_impact(organisation_id=request.tenant.pk, year=year),
        methodology_url=request.build_absolute_uri(reverse("impact_methodology")),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_file_name("rapport", year, request, "pdf")}"'
    return response
