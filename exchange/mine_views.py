""""Mina annonser" and "Mina reservationer", composed here, above catalog and bookings (docs/architecture.md,
"The deal pages").

Each page shows what is the person's inside the organisation (catalog's listings, bookings' reservations and loans)
and, since deals between organisations, what is theirs with other organisations: the requests other organisations
made for their listings, and their own requests to other organisations. The layers (pyproject.toml,
apps-depend-downwards) let the exchange read catalog and bookings but not the other way round, so the page that
shows both is the exchange's: its view reads the lower apps through their selectors, its template extends theirs
(catalog/my_listings.html, bookings/my_reservations.html) and fills the block they leave for it. One request, one
page — not a second page to find, and not a part loaded afterwards that a screen reader would meet late.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from bookings import selectors as bookings
from catalog import selectors as catalog

from . import selectors
from .deal_labels import labelled

MY_PAGE_SIZE = 50  # an operator posting for the whole organisation has hundreds
DEALS_SHOWN = 20


@login_required
@require_GET
def my_listings(request):
    status = request.GET.get("status", "")
    if status not in catalog.ListingStatus.values:
        status = ""
    departments = catalog.departments_to_list(user=request.user)
    department_id = request.GET.get("avdelning", "")
    department_id = int(department_id) if department_id.isdigit() else None
    if department_id not in {pk for pk, _label in departments}:
        department_id = None
    listings = (catalog.department_listings(department_id=department_id, status=status) if department_id
                else catalog.my_listings(user=request.user, status=status))
    page = Paginator(listings, MY_PAGE_SIZE).get_page(request.GET.get("sida"))
    kept = {"status": status, "avdelning": department_id or ""}
    incoming = selectors.incoming_deals(
        organisation_id=request.tenant.pk, listing_uuids=catalog.managed_listing_uuids(user=request.user),
    )
    return render(request, "exchange/my_listings.html", {
        "page": page,
        "listings": page.object_list,
        "awaiting": list(bookings.awaiting_owner(user=request.user)),
        "status": status,
        "statuses": catalog.ListingStatus.choices,
        "query_string": urlencode({name: value for name, value in kept.items() if value}),
        "department_query": f"&avdelning={department_id}" if department_id else "",
        "departments": departments,
        "department_id": department_id,
        "incoming_deals": labelled(list(incoming[:DEALS_SHOWN])),
    })


@login_required
@require_GET
def my_reservations(request):
    page = Paginator(bookings.my_bookings(user=request.user), MY_PAGE_SIZE).get_page(request.GET.get("sida"))
    reservations = list(page.object_list)
    days, zone = request.tenant.reservation_days, ZoneInfo(request.tenant.time_zone)
    for booking in reservations:
        booking.hand_over_by = bookings.hand_over_by(booking=booking, days=days, zone=zone)
    outgoing = selectors.outgoing_deals(organisation_id=request.tenant.pk, person=request.user.uuid)
    return render(request, "exchange/my_reservations.html", {
        "page": page,
        "reservations": reservations,
        "outgoing_deals": labelled(list(outgoing[:DEALS_SHOWN])),
    })
