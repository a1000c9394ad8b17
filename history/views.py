"""The history pages (decision 0042): an item's history on ``/annonser/<uuid>/historik/`` and the organisation's
export for a period on ``/historik/`` (CSV or XLSX, streamed), for operators and organisation admins only."""

from __future__ import annotations

import csv
import tempfile
from datetime import date, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django_tenants.utils import schema_context

from catalog import selectors as catalog

from . import selectors

MAX_PERIOD_DAYS = 3 * 366


def _only_those_who_run_the_service(request) -> None:
    if not catalog.runs_the_service(request.user):
        raise PermissionDenied


@login_required
@require_GET
def listing_history(request, uuid):
    _only_those_who_run_the_service(request)
    listing = catalog.listing_for(uuid=uuid, user=request.user)
    if listing is None:
        raise Http404
    return render(request, "history/listing_history.html", {
        "listing": listing, "entries": selectors.listing_history(listing=listing),
    })


class PeriodForm(forms.Form):
    fran = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    till = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "Excel (XLSX)")],
                               initial="csv")

    def clean(self):
        data = super().clean()
        since, until = data.get("fran"), data.get("till")
        if since and until:
            if until < since:
                self.add_error("till", _("The end of the period is before its start."))
            elif (until - since).days > MAX_PERIOD_DAYS:
                self.add_error("till", _("At most three years at a time."))
        return data


@login_required
@require_GET
def export_page(request):
    """The form (``?fran=&till=&format=``); with a valid period the file itself."""
    _only_those_who_run_the_service(request)
    today = timezone.localdate()
    if "fran" in request.GET:
        form = PeriodForm(request.GET)
        if form.is_valid():
            return _export(request, **form.cleaned_data)
    else:
        form = PeriodForm(initial={"fran": today - timedelta(days=30), "till": today, "format": "csv"})
    return render(request, "history/export.html", {"form": form}, status=400 if form.is_bound else 200)


def _export(request, *, fran: date, till: date, format: str):
    entries = selectors.organisation_events(organisation=request.tenant, since=fran, until=till)
    rows = selectors.export_rows(entries)
    name = f"delbar-{request.tenant.schema_name}-historik-{fran:%Y%m%d}-{till:%Y%m%d}.{format}"
    if format == "xlsx":
        return FileResponse(_xlsx(selectors.export_header(), rows), as_attachment=True, filename=name,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response = StreamingHttpResponse(_as_asked(request, _csv_lines(selectors.export_header(), rows)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class _Echo:
    def write(self, value):
        return value


def _csv_lines(header, rows):
    """Semicolons and a byte-order mark, as Swedish spreadsheets read them (as the statistics' exports)."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def _as_asked(request, lines):
    """Stream in the request's language, time zone and schema: the answer is read after the view has returned."""
    language, zone, schema = get_language(), timezone.get_current_timezone(), request.tenant.schema_name
    with translation.override(language), timezone.override(zone), schema_context(schema):
        yield from lines


def _xlsx(header, rows):
    """openpyxl's write-only mode: rows go to a temporary file as they are read, which is streamed back."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("History"))[:31])
    sheet.freeze_panes = "A2"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    output = tempfile.TemporaryFile()
    workbook.save(output)
    output.seek(0)
    return output
