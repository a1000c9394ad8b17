from datetime import date

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reports.selectors import open_data

# Where anyone dissatisfied with our answer reports a lack of accessibility to the supervisory authority, DIGG.
DIGG_REPORT_URL = ("https://www.digg.se/analys-och-uppfoljning/lagen-om-tillganglighet-till-digital-offentlig-service-"
                   "dos-lagen/anmal-bristande-tillganglighet")


# When the statement was last reviewed and the service last assessed (DIGG's model asks for both). Update them with
# the statement whenever the assessment is repeated (docs/decisions/0040-accessibility-statement-and-audits.md).
STATEMENT_DATE = date(2026, 11, 30)
ASSESSED_ON = date(2026, 11, 30)


def accessibility_statement(request):
    return render(request, "accessibility.html", {
        "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
        "contact_phone": settings.ACCESSIBILITY_CONTACT_PHONE,
        "statement_date": STATEMENT_DATE,
        "assessed_on": ASSESSED_ON,
        "digg_report_url": DIGG_REPORT_URL,
    })


@require_GET
def open_impact_data(request):
    """Open data (decision 0034, docs/api.md): aggregates per organisation and year — items posted, mediated, lent,
    received, kg CO₂e avoided, SEK saved and the factor versions — with no personal data, from the cache (an hour)."""
    data = {
        "description": "Delbar: reuse per organisation and year. CO₂e and SEK are credited to the receiving "
                       "organisation, at the platform's reference prices; see methodology. What "
                       "happened inside each organisation is as of 'as_of' (refreshed every night); deals "
                       "between organisations are counted as they happen.",
        "methodology": request.build_absolute_uri("/metod/"),
        "licence": "CC0-1.0",
        **open_data(),
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response
