from django.shortcuts import render

from tenants.selectors import active_organisations


def public_home(request):
    return render(request, "public/home.html", {"organisations": active_organisations().only("name", "slug")})


def accessibility_statement(request):
    return render(request, "accessibility.html")
