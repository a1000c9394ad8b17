"""The public site on the root domain (decision 0055, docs/public-site.md): thin views over public_site.selectors."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from . import selectors
from .forms import OrganisationSearchForm


def _search(request) -> dict:
    """The search's context: nothing until a name is typed, a message for one character, else what matches."""
    form = OrganisationSearchForm(request.GET if "q" in request.GET else None, live_url=reverse("public_find"))
    context = {"form": form, "query": "", "found": None, "more": False}
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        context["query"] = form.cleaned_data["q"]
        context["found"], context["more"] = selectors.find_organisations(query=context["query"])
    return context


@require_GET
def home(request):
    figures = selectors.platform_figures()
    return render(request, "public/home.html", {
        "figures": figures,
        # the platform's CO₂e and SEK (decisions 0032, 0035), as the methodology describes them
        "impact": figures.impact,
        "impact_as_of": figures.as_of,
        "form": OrganisationSearchForm(live_url=reverse("public_find")),
    })


@require_GET
def find_organisation(request):
    """"Find your organisation": the whole page without JavaScript, the results alone for htmx (into the home
    page's live region, or this page's)."""
    context = _search(request)
    template = "public/_organisation_results.html" if request.htmx else "public/find.html"
    return render(request, template, context)


@require_GET
def how_it_works(request):
    return render(request, "public/how.html", {"history_years": settings.HISTORY_RETENTION_DAYS // 365})


@require_GET
def prices(request):
    return render(request, "public/prices.html", {
        "plans": selectors.plan_offers(),
        "card_payment": selectors.card_payment_available(),
        "payment_days": settings.BILLING_PAYMENT_DAYS,
    })


@require_GET
def data_and_security(request):
    language = (get_language() or "sv")[:2]
    hosting = settings.HOSTING_DESCRIPTION
    # The configured description in the page's language, else the other one (marked with its language).
    hosting_language = language if hosting.get(language) else next((code for code, text in hosting.items() if text),
                                                                     None)
    return render(request, "public/data.html", {
        "hosting": hosting.get(hosting_language, "") if hosting_language else "",
        "hosting_language": hosting_language,
        "dpa_url": settings.DATA_PROCESSING_AGREEMENT_URL,
        "contact_email": settings.PUBLIC_CONTACT_EMAIL,
        "history_years": settings.HISTORY_RETENTION_DAYS // 365,
    })


@require_GET
def contact(request):
    return render(request, "public/contact.html", {
        "contact_email": settings.PUBLIC_CONTACT_EMAIL,
        "contact_phone": settings.PUBLIC_CONTACT_PHONE,
        "security_email": settings.SECURITY_CONTACT_EMAIL,
        "accessibility_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
    })
