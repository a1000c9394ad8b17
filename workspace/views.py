"""The operator's workspace (decision 0044): /arbetsyta/ for operators and organisation admins (anyone else gets
404), the bulk actions it posts, duplicating a listing, and the one-click renewal from the reminder e-mail.

Reads through catalog's, bookings' and the exchange's selectors, writes through catalog.services; the page's
queries do not grow with the organisation's listings (tests/test_workspace.py measures it at 5,000)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import selectors as people
from bookings import selectors as bookings
from catalog import selectors as catalog
from catalog import services as catalog_services
from catalog.errors import CatalogError
from exchange import selectors as exchange

from .forms import BulkForm, FilterForm

EXPIRED_SHOWN_DAYS = 30


def _operator(request) -> None:
    if not catalog.runs_the_service(request.user):
        raise Http404


def _today_bounds(request) -> tuple[datetime, datetime]:
    zone = ZoneInfo(request.tenant.time_zone)
    today = timezone.now().astimezone(zone).date()
    start = datetime.combine(today, datetime.min.time(), tzinfo=zone)
    return start, start + timedelta(days=1)


@login_required
def workspace(request):
    _operator(request)
    start, end = _today_bounds(request)
    days = request.tenant.listing_days
    form = FilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else catalog.WorkspaceFilters()
    listings = catalog.workspace_listings(filters=filters)
    page = Paginator(listings, catalog.WORKSPACE_PAGE).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    deals = exchange.incoming_deals(organisation_id=request.tenant.pk, open_only=True)
    context = {
        "today_start": start,
        "work": bookings.todays_bookings(end_of_today=end),
        "deals": list(deals[:20]),
        "deals_count": deals.count(),
        "attention": catalog.listings_needing_attention(
            expiring_before=start - timedelta(days=days - catalog_services.REMIND_DAYS_BEFORE),
            expired_since=start - timedelta(days=EXPIRED_SHOWN_DAYS),
        ),
        "expired_shown_days": EXPIRED_SHOWN_DAYS,
        "listing_days": days,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "bulk": BulkForm(),
        "total": page.paginator.count,
    }
    return render(request, "workspace/workspace.html", context)


def _back(request):
    query = request.POST.get("query", "")
    return redirect(reverse("workspace") + (f"?{query}" if query else "") + "#listings")


def _names(refusals) -> str:
    return "; ".join(f"“{refusal.listing.title}”: {refusal.message}" for refusal in refusals[:20]) + (
        " …" if len(refusals) > 20 else ""
    )


@login_required
@require_POST
def bulk_action(request):
    _operator(request)
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action."))
        return _back(request)
    data = form.cleaned_data
    if data["all_matching"]:
        filters = FilterForm(QueryDict(request.POST.get("query", ""))).filters()
        uuids = [str(value) for value in catalog.workspace_listings(filters=filters)
                 .values_list("uuid", flat=True)[:catalog_services.BULK_LIMIT + 1]]
    else:
        uuids = form.chosen()
    common = {"uuids": uuids, "by": request.user, "skip_refused": data["skip_refused"]}
    try:
        if data["action"] == "renew":
            result = catalog_services.renew_listings(**common)
        elif data["action"] == "withdraw":
            result = catalog_services.withdraw_listings(reason=data["reason"] or "", **common)
        elif data["action"] == "move":
            department = people.department(pk=data["department"]) if data["department"] else None
            place = catalog.place(pk=data["place"]) if data["place"] else None
            result = catalog_services.move_listings(department=department, place=place, **common)
        else:
            person = people.active_people().filter(pk=data["contact_person"]).first() if data[
                "contact_person"] else None
            result = catalog_services.change_contact(contact_person=person, **common)
    except catalog_services.BulkRefused as refused:
        messages.error(request, f"{refused.message} {_names(refused.refused)}")
        return _back(request)
    except CatalogError as error:
        messages.error(request, str(error.message))
        return _back(request)
    changed = len(result.changed)
    messages.success(request, ngettext("%(count)s listing was changed.", "%(count)s listings were changed.",
                                       changed) % {"count": changed})
    if result.refused:
        messages.warning(request, ngettext(
            "%(count)s listing was left as it was:", "%(count)s listings were left as they were:",
            len(result.refused)) % {"count": len(result.refused)} + " " + _names(result.refused))
    return _back(request)


@login_required
@require_POST
def duplicate(request, uuid):
    _operator(request)
    listing = catalog.listing_for(uuid=uuid, user=request.user)
    if listing is None:
        raise Http404
    try:
        copy = catalog_services.duplicate_listing(listing=listing, by=request.user)
    except CatalogError as error:
        messages.error(request, str(error.message))
        return redirect("listing_detail", uuid)
    messages.success(request, _("A copy was made as a draft: check it and publish it."))
    return redirect("listing_edit", copy.uuid)


@login_required
def renew(request, token: str):
    """The link in the reminder e-mail: renews the listing it names at once (after login, if needed)."""
    listing = catalog_services.listing_for_renewal(token=token)
    if listing is None:
        return render(request, "workspace/renew_failed.html", {
            "message": _("This renewal link is not valid or too old. Open the listing and renew it there."),
        }, status=404)
    try:
        catalog_services.renew_listing(listing=listing, by=request.user)
    except CatalogError as error:
        return render(request, "workspace/renew_failed.html", {"message": str(error.message), "listing": listing},
                      status=error.http_status if error.http_status != 403 else 404)
    messages.success(request, _("“%(title)s” is renewed for another %(days)s days.") % {
        "title": listing.title, "days": request.tenant.listing_days})
    return redirect("listing_detail", listing.uuid)


__all__ = ["bulk_action", "duplicate", "renew", "workspace"]
