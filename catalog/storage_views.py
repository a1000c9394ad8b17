"""Storage, QR labels and stock-taking (decision 0043): pages for the operators and organisation admins who run the
service, and the address a label's QR code opens (/l/<code>/), for everyone in the organisation.

Each view calls services and selectors only; the PDF is drawn by catalog.labels from what the service returns."""

from __future__ import annotations

import re
from datetime import datetime, time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import labels, permissions, selectors, services
from .errors import CatalogError
from .forms import LabelsForm, SeenForm, StocktakingForm, StorageForm
from .lifecycle import ListingStatus
from .short_codes import from_scan, normalised
from .views import _keep_uploads, _pending_ids

PAGE_SIZE = 100


def _storage_staff(request) -> None:
    if not permissions.can_manage_storage(request.user):
        raise PermissionDenied


def _layouts() -> list[labels.LabelLayout]:
    return list(labels.LAYOUTS.values())


@login_required
def storage(request):
    """What is in storage, to choose from: print their labels, publish them."""
    _storage_staff(request)
    place = None
    if request.GET.get("plats", "").isdigit():
        place = selectors.place(pk=int(request.GET["plats"]))
    query = request.GET.get("q", "")[:100]
    page = Paginator(selectors.stored_listings(place=place, query=query), PAGE_SIZE).get_page(request.GET.get("sida"))
    query_string = request.GET.copy()
    query_string.pop("sida", None)
    return render(request, "catalog/storage.html", {
        "query_string": query_string.urlencode(),
        "page": page, "places": list(selectors.places(include_retired=True)), "place": place, "query": query,
        "labels_form": LabelsForm(layouts=_layouts()),
    })


def _register_initial(request) -> dict:
    defaults = selectors.posting_defaults(user=request.user)
    initial = {name: defaults[name] for name in ("department", "place", "room") if defaults.get(name)}
    if request.GET.get("kategori", "").isdigit():
        initial["category"] = int(request.GET["kategori"])
    return initial


@login_required
def storage_register(request):
    """Register things into storage one after another from a phone: photo, title, category, place, quantity. The
    place, category and department stay chosen for the next one."""
    _storage_staff(request)
    form = StorageForm(request.POST or None, request.FILES or None, initial=_register_initial(request))
    pending: list[str] = []
    status = 200
    if request.method == "POST":
        valid = form.is_valid()
        pending = _pending_ids(request) + _keep_uploads(request, form)
        if valid and not form.errors:
            data = form.cleaned_data
            details = services.ListingDetails(
                title=data["title"], category=data["category"], department=data["department"],
                contact_person=request.user, quantity=data["quantity"], condition=data["condition"],
                place=data["place"], room=data["room"] or "",
            )
            try:
                listing = services.register_in_storage(by=request.user, details=details, pending_photos=pending)
            except CatalogError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("“%(title)s” is in storage with the code %(code)s.") % {
                    "title": listing.title, "code": listing.short_code})
                return redirect(f"{reverse('storage_register')}?kategori={listing.category_id}")
        status = 400
    return render(request, "catalog/storage_register.html", {
        "form": form, "pending": selectors.pending_photos(owner=request.user, uuids=pending),
        "photo_limit": settings.PHOTOS_PER_LISTING, "recent": selectors.recently_stored(by=request.user),
    }, status=status)


def _refused(request, error: CatalogError):
    return render(request, "catalog/storage_refused.html", {"message": error.message}, status=error.http_status)


@login_required
@require_POST
def storage_labels(request):
    """A PDF of labels for the chosen items (all of them, or none and why)."""
    _storage_staff(request)
    form = LabelsForm(request.POST, layouts=_layouts())
    if not form.is_valid():
        return _refused(request, CatalogError("invalid", _("Choose a label sheet."), 400))
    layout = labels.LAYOUTS[form.cleaned_data["layout"]]
    try:
        listings = services.listings_for_labels(by=request.user, uuids=request.POST.getlist("listings"))
    except CatalogError as error:
        return _refused(request, error)
    base = f"{request.scheme}://{request.get_host()}"
    sheet = labels.sheet(
        labels=[
            labels.Label(
                code=listing.short_code, title=listing.title,
                url=base + reverse("label_code", args=[listing.short_code]),
                place=listing.place.name if listing.place_id else listing.location,
            )
            for listing in listings
        ],
        layout=layout,
        title=_("Labels – %(organisation)s") % {"organisation": request.tenant.name},
        skip=min(form.cleaned_data.get("skip") or 0, layout.per_sheet - 1),
    )
    response = HttpResponse(sheet, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="etiketter-{timezone.localdate():%Y-%m-%d}.pdf"'
    return response


@login_required
@require_POST
def storage_publish(request):
    """Publish the chosen stored items together, or none (and say which cannot be published and why)."""
    _storage_staff(request)
    listings = selectors.listings_by_uuids(uuids=request.POST.getlist("listings"))
    if len(listings) != len(set(request.POST.getlist("listings"))):
        return _refused(request, CatalogError(
            "not_ours", _("Some of the chosen items are not in your organisation. Nothing was published."), 404))
    try:
        published = services.publish_stored(by=request.user, listings=listings)
    except CatalogError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Published: %(titles)s.") % {
            "titles": ", ".join(f"“{listing.title}”" for listing in published)})
    return redirect("storage")


# ------------------------------------------------------------------------------------------------ stock-taking

_CODE_SEPARATORS = re.compile(r"[\s,;]+")


def _seen_from_codes(request, text: str) -> tuple[list, list[str], list[str]]:
    """The listings the typed or scanned codes name, the codes that name none, and labels of other hosts."""
    host = request.get_host().split(":")[0].lower()
    codes, unknown, foreign = [], [], []
    for token in [token for token in _CODE_SEPARATORS.split(text) if token]:
        code, scanned_host = from_scan(token)
        if scanned_host and scanned_host != host:
            foreign.append(token)
        elif code:
            codes.append(code)
        else:
            unknown.append(token)
    found = selectors.listings_by_codes(codes=codes)
    unknown += [code for code in codes if code not in found]
    return [found[code] for code in dict.fromkeys(codes) if code in found], unknown, foreign


@login_required
def stocktaking(request):
    """"Inventera": mark things seen by their codes (typed or scanned) or by ticking them; list what was not seen
    since a date."""
    _storage_staff(request)
    filters = StocktakingForm(request.GET or None)
    since = place = None
    if filters.is_bound and filters.is_valid():
        place = filters.cleaned_data["place"]
        if filters.cleaned_data["since"]:
            since = timezone.make_aware(datetime.combine(filters.cleaned_data["since"], time.min))
    seen_form = SeenForm(request.POST or None)
    status = 200
    if request.method == "POST" and seen_form.is_valid():
        listings, unknown, foreign = _seen_from_codes(request, seen_form.cleaned_data["codes"])
        ticked = request.POST.getlist("seen")
        ticked_rows = selectors.listings_by_uuids(uuids=ticked)
        if len(ticked_rows) != len(set(ticked)):
            unknown.append(_("%(count)s ticked item(s)") % {"count": len(set(ticked)) - len(ticked_rows)})
        if foreign:
            seen_form.add_error("codes", _("These labels belong to another organisation: %(codes)s. Nothing was "
                                           "marked.") % {"codes": ", ".join(foreign)})
        if unknown:
            seen_form.add_error("codes", _(
                "These codes are not on any item of your organisation: %(codes)s. Nothing was marked; check them "
                "and try again.") % {"codes": ", ".join(unknown)})
        if not seen_form.errors:
            chosen = {listing.pk: listing for listing in [*listings, *ticked_rows]}
            try:
                count = services.mark_seen(by=request.user, listings=list(chosen.values()))
            except CatalogError as error:
                seen_form.add_error("codes", error.message)
            else:
                messages.success(request, _("Marked as seen now: %(count)s.") % {"count": count})
                return redirect(request.get_full_path())
        status = 400
    elif request.method == "POST":
        status = 400
    page = Paginator(selectors.stocktaking(not_seen_since=since, place=place), PAGE_SIZE).get_page(
        request.GET.get("sida"))
    query_string = request.GET.copy()
    query_string.pop("sida", None)
    return render(request, "catalog/stocktaking.html", {
        "filters": filters, "seen_form": seen_form, "page": page, "since": since,
        "query_string": query_string.urlencode(),
    }, status=status)


@login_required
@require_POST
def listing_seen(request, uuid):
    """Stock-taking from the item's page (opened by scanning its label): seen here, now."""
    _storage_staff(request)
    listings = selectors.listings_by_uuids(uuids=[uuid])
    if not listings:
        return _refused(request, CatalogError("not_ours", _("This item is not in your organisation."), 404))
    services.mark_seen(by=request.user, listings=listings)
    messages.success(request, _("“%(title)s” is marked as seen now.") % {"title": listings[0].title})
    return redirect("listing_detail", uuid=listings[0].uuid)


# ----------------------------------------------------------------------------------------- a label's QR code


@login_required
def label_code(request, code: str):
    """What a label's QR code opens (after logging in, if needed): the item's page, or a page saying why not."""
    wanted = normalised(code)
    listing = selectors.listing_by_code(code=wanted)
    context = {"code": wanted or code[:20], "listing": listing}
    if listing is None:
        return render(request, "catalog/label_code.html", {**context, "reason": "unknown"}, status=404)
    if listing.status == ListingStatus.WITHDRAWN:
        context["can_manage"] = permissions.can_manage_listing(request.user, listing)
        return render(request, "catalog/label_code.html", {**context, "reason": "withdrawn"}, status=410)
    if not permissions.can_see_listing(request.user, listing):
        return render(request, "catalog/label_code.html", {**context, "reason": "not_published"}, status=404)
    return redirect("listing_detail", uuid=listing.uuid)
