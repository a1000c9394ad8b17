from django.shortcuts import render

from reports.selectors import platform_impact
from tenants.selectors import active_organisations


def public_home(request):
    return render(request, "public/home.html", {
        "organisations": active_organisations().only("name", "slug"),
        # The platform's CO₂e avoided and SEK saved, cached for ten minutes (decision 0032).
        "impact": platform_impact().total,
    })


def accessibility_statement(request):
    return render(request, "accessibility.html")
