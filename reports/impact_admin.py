"""The organisation's own impact decisions, on its host (decision 0032; issue 12): its reference new prices per
platform category (organisation admins), and corrections of what one listing's items count for (operators and
organisation admins). Writes go through impact.services, which checks every value and requires a note; the
statistics page shows the figures with them (items counted with a correction, prices of our own)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog import selectors as catalog
from impact import selectors as impact
from impact import services as impact_services
from impact.errors import ImpactError
from taxonomy import selectors as taxonomy

from .forms import CorrectionForm, PriceOverrideForm, with_service_errors


def _admins_only(request) -> None:
    if not getattr(request.user, "is_org_admin", False):
        raise PermissionDenied


def _service_runners_only(request) -> None:
    if not catalog.runs_the_service(request.user):
        raise PermissionDenied


# ------------------------------------------------------------------------------------------ reference prices


@dataclass(frozen=True)
class PriceRow:
    key: str
    label: str
    factor_price: object  # Decimal | None
    own: object  # PriceOverride | None


@login_required
@require_GET
def price_list(request):
    """Every platform category: the factor table's reference price beside ours, if we set one (three queries)."""
    _admins_only(request)
    version = impact.current_version()
    factors = {row.key: row.factor for row in impact.factor_table(version=version)} if version else {}
    own = {override.category_key: override for override in impact.price_overrides()}
    rows = [PriceRow(key, label, factors[key].reference_price if key in factors else None, own.get(key))
            for key, label in taxonomy.labels().items()]
    return render(request, "reports/impact_prices.html", {
        "rows": rows, "version": version, "own_count": len(own),
    })


def _category_or_404(key: str) -> str:
    if not taxonomy.is_key(key):
        raise Http404
    return key


@login_required
@require_http_methods(["GET", "POST"])
def price_edit(request, key):
    _admins_only(request)
    key = _category_or_404(key)
    own = impact.price_override(category_key=key)
    form = PriceOverrideForm(request.POST or None, initial={
        "reference_price": own.reference_price if own else "", "note": own.note if own else ""})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                impact_services.set_price_override(
                    category_key=key, reference_price=form.cleaned_data["reference_price"].replace(",", ".").strip(),
                    note=form.cleaned_data["note"], by=request.user)
            except ImpactError as error:
                with_service_errors(form, error)
            else:
                messages.success(request, _("Our reference price for %(category)s is saved.") % {
                    "category": taxonomy.label(key)})
                return redirect("impact_prices")
        status = 400
    return render(request, "reports/impact_price_form.html", {
        "form": form, "key": key, "label": taxonomy.label(key), "own": own,
        "factor": impact.current_factor(category_key=key),
    }, status=status)


@login_required
@require_POST
def price_clear(request, key):
    _admins_only(request)
    key = _category_or_404(key)
    if impact_services.remove_price_override(category_key=key):
        messages.success(request, _("Our own price for %(category)s is removed: the platform's reference price "
                                    "applies again.") % {"category": taxonomy.label(key)})
    return redirect("impact_prices")


# -------------------------------------------------------------------------------------- listing corrections


@login_required
@require_GET
def correction_list(request):
    """Every correction of this organisation, newest first (one query)."""
    _service_runners_only(request)
    return render(request, "reports/impact_corrections.html", {"corrections": impact.corrections()})


def _listing_or_404(uuid):
    listing = catalog.listing_by_uuid(uuid=uuid)
    if listing is None:  # another organisation's listing, or none: not here
        raise Http404
    return listing


@login_required
@require_http_methods(["GET", "POST"])
def correction_edit(request, uuid):
    _service_runners_only(request)
    listing = _listing_or_404(uuid)
    correction = impact.correction_of(listing_uuid=listing.uuid)
    initial = {}
    if correction is not None:
        initial = {"kind": CorrectionForm.NOT_BOUGHT if correction.not_bought else CorrectionForm.WEIGHT,
                   "weight_kg": correction.weight_kg or "", "note": correction.note}
    form = CorrectionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            not_bought = form.cleaned_data["kind"] == CorrectionForm.NOT_BOUGHT
            weight = "" if not_bought else form.cleaned_data["weight_kg"].replace(",", ".").strip()
            try:
                impact_services.correct_listing(
                    listing_uuid=listing.uuid, listing_title=listing.title, note=form.cleaned_data["note"],
                    by=request.user, weight_kg=weight, not_bought=not_bought)
            except ImpactError as error:
                with_service_errors(form, error)
            else:
                messages.success(request, _("The correction of “%(title)s” is saved.") % {"title": listing.title})
                return redirect("impact_corrections")
        status = 400
    key = listing.category.platform_key  # what the figures count its items by
    return render(request, "reports/impact_correction_form.html", {
        "form": form, "listing": listing, "correction": correction,
        "label": taxonomy.label(key) if key else "",
        "factor": impact.current_factor(category_key=key) if key else None,
    }, status=status)


@login_required
@require_POST
def correction_clear(request, uuid):
    _service_runners_only(request)
    listing = _listing_or_404(uuid)
    if impact_services.remove_correction(listing_uuid=listing.uuid):
        messages.success(request, _("The correction of “%(title)s” is removed: its items count by the factor "
                                    "table again.") % {"title": listing.title})
    return redirect("impact_corrections")
