"""The statistics page of an organisation's host, for every member of its staff."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import selectors


@login_required
@require_GET
def statistics(request):
    years = selectors.statistics_years()
    try:
        year = int(request.GET.get("ar", years[0]))
    except ValueError:
        year = years[0]
    if year not in years:
        year = years[0]
    figures = selectors.statistics(organisation_id=request.tenant.pk, year=year)
    peak = max([max(m.posted, m.mediated, m.loans, m.given, m.received) for m in figures.months] + [1])
    return render(request, "reports/statistics.html", {
        "figures": figures, "years": years, "peak": peak, "this_year": timezone.localdate().year,
        "impact": selectors.organisation_impact(organisation_id=request.tenant.pk, year=year),  # decision 0032
    })
