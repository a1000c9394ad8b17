"""The catalogue pages: find, post, reserve, count. Each view calls services and selectors only; the pages of
bookings themselves (a loan's calendar, handovers) are ``bookings.views``; "Mina annonser" and "Mina reservationer"
are composed above both, with the deals between organisations, in ``exchange.mine_views``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors as people
from bookings import selectors as bookings
from bookings import services as booking_services

from . import permissions, selectors, services
from .errors import CatalogError
from .forms import ListingForm, ReasonForm, ReserveForm, SearchForm
from .lifecycle import LISTING, ListingStatus
from .photo_files import photo_response
from .search import RANKED

PAGE_SIZE = 24


@login_required
@require_GET
def browse(request):
    tree = people.department_tree()
    departments = [(department.pk, "\u2003" * depth + department.name) for department, depth in tree]
    form = SearchForm(request.GET or None, departments=departments)
    form.is_valid()
    # A stale value (a category removed since the address was bookmarked) drops that filter only, not the words.
    filters = getattr(form, "cleaned_data", {})
    category = selectors.category(pk=filters["category"]) if filters.get("category") else None
    by_id = {department.pk: department for department, _depth in tree}
    department = by_id.get(filters["department"]) if filters.get("department") else None
    order = filters.get("sort", "")
    listings = selectors.search_listings(
        query=filters.get("q", ""),
        category=category,
        offer_type=filters.get("offer_type", ""),
        condition=filters.get("condition", ""),
        department=department,
        order=order,
        near=selectors.nearness(user=request.user, tree=tree) if order == "nearest" else None,
    )
    page = Paginator(listings, PAGE_SIZE).get_page(request.GET.get("sida"))
    query_string = request.GET.copy()
    query_string.pop("sida", None)
    active = [name for name in SearchForm.FILTERS if filters.get(name)]
    context = {
        "form": form,
        "page": page,
        "query": filters.get("q", ""),
        "filtered": bool(filters.get("q")) or bool(active),
        "results_summary": _summary(listings, page, filters.get("q", ""), getattr(listings, "corrected_query", "")),
        "query_string": query_string.urlencode(),
        "capped": getattr(listings, "capped", False),
        "corrected_query": getattr(listings, "corrected_query", ""),
        "translated": getattr(listings, "translated", []),
        "translated_only": getattr(listings, "translated_only", False),
        "ranked_limit": RANKED,
    }
    # htmx asks for the whole page again when it restores a history entry it no longer has cached.
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, "catalog/_results.html" if partial else "catalog/browse.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _summary(listings, page, query: str, corrected: str) -> str:
    """"12 listings for “stol”": the results' heading, and what the status region announces when they change."""
    if getattr(listings, "capped", False):
        text = _("More than %(ranked_limit)s listings") % {"ranked_limit": RANKED}
    else:
        count = page.paginator.count
        text = ngettext("%(counter)s listing", "%(counter)s listings", count) % {"counter": number_format(
            count, force_grouping=True)}
    if query:
        text += " " + _("for “%(shown)s”") % {"shown": corrected or query}
    return text


def _listing_or_404(request, uuid):
    listing = selectors.listing_for(uuid=uuid, user=request.user)
    if listing is None:
        raise Http404
    return listing


def _detail_context(request, listing, reserve_form=None) -> dict:
    can_manage = permissions.can_manage_listing(request.user, listing)
    own = permissions.is_poster_or_contact(request.user, listing)
    lent = listing.offer_type in bookings.LENT_OFFERS
    open_for_bookings = not own and LISTING.can(listing.status, "reserve")
    out_now = lent and listing.quantity_available <= 0
    return {
        "listing": listing,
        "photos": list(listing.photos.all()),
        "can_manage": can_manage,
        # Operators and admins correct what a listing's items count for in the impact figures (decision 0032).
        "can_correct_impact": permissions.can_post_for_any_department(request.user) and not lent,
        "lent": lent,
        "can_reserve": open_for_bookings and not lent and listing.quantity_available > 0,
        "can_book": open_for_bookings and lent,
        "can_publish": can_manage and LISTING.can(listing.status, "publish"),
        "can_withdraw": can_manage and LISTING.can(listing.status, "withdraw"),
        "can_edit": can_manage and LISTING.can(listing.status, "edit"),
        "reserve_form": reserve_form or ReserveForm(available=listing.quantity_available),
        "reservations": bookings.listing_bookings(listing=listing) if can_manage else [],
        "my_reservations": bookings.my_bookings_of(listing=listing, user=request.user),
        "out_now": out_now,
        "waiting": bookings.waitlist_entry(listing=listing, user=request.user) if out_now else None,
    }


@login_required
@require_GET
def listing_detail(request, uuid):
    listing = _listing_or_404(request, uuid)
    return render(request, "catalog/listing_detail.html", _detail_context(request, listing))


def _details_from(form: ListingForm) -> services.ListingDetails:
    return services.ListingDetails(**{name: form.cleaned_data[name] for name in services.DETAIL_FIELDS})


def _save_listing(request, form: ListingForm, listing=None):
    """Run the create or update service for a valid form; errors land on the form. Returns the listing or None."""
    try:
        photos = services.prepare_photos(form.cleaned_data["photos"], by=request.user)
        if listing is None:
            return services.create_listing(
                author=request.user, details=_details_from(form), photos=photos, publish="publish" in request.POST
            )
        listing = services.update_listing(
            listing=listing,
            editor=request.user,
            details=_details_from(form),
            add_photos=photos,
            remove_photo_ids=[int(pk) for pk in form.cleaned_data.get("remove_photos", [])],
            unchanged_since=form.cleaned_data.get("edited_at"),
        )
        if "publish" in request.POST and LISTING.can(listing.status, "publish"):
            try:
                listing = services.publish_listing(listing=listing, by=request.user)
            except CatalogError as error:
                # The changes are saved; only publishing was refused. The caller shows the form as it now is.
                messages.error(request, error.message)
        return listing
    except CatalogError as error:
        field = error.field or {
            "photo_required": "photos", "too_many_photos": "photos", "price_required": "price",
            "price_not_allowed": "price", "rent_period_required": "rent_period",
            "quantity_below_claimed": "quantity", "not_allowed": "department",
        }.get(error.code)
        form.add_error(field if field in form.fields else None, error.message)
        return None


def _saved_message(request, listing) -> None:
    if listing.status == ListingStatus.PUBLISHED:
        messages.success(request, _("Your listing “%(title)s” is published.") % {"title": listing.title})
    else:
        messages.success(request, _("Your listing “%(title)s” is saved.") % {"title": listing.title})


@login_required
def listing_create(request):
    initial = {"department": request.user.department_id, "contact_person": request.user.pk}
    form = ListingForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        listing = _save_listing(request, form)
        if listing is not None:
            _saved_message(request, listing)
            return redirect("listing_detail", uuid=listing.uuid)
    return render(request, "catalog/listing_form.html", {"form": form, "listing": None})


@login_required
def listing_edit(request, uuid):
    listing = _listing_or_404(request, uuid)
    if not permissions.can_manage_listing(request.user, listing):
        raise Http404
    if not LISTING.can(listing.status, "edit"):
        messages.error(request, _("A listing that has been handed over can no longer be changed."))
        return redirect("listing_detail", uuid=listing.uuid)
    photos = list(listing.photos.all())
    # Related objects by their ids (category_id, department_id, contact_person_id), as the form posts them.
    initial = {name: getattr(listing, f"{name}_id", getattr(listing, name)) for name in services.DETAIL_FIELDS}
    initial["edited_at"] = listing.edited_at.isoformat()
    form = ListingForm(
        request.POST or None, request.FILES or None, user=request.user, photos=photos, initial=initial,
        current_department_id=listing.department_id,
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_listing(request, form, listing)
        if saved is not None:
            _saved_message(request, saved)
            if "publish" in request.POST and saved.status != ListingStatus.PUBLISHED:
                return redirect("listing_edit", uuid=saved.uuid)  # saved but not published: why is in the messages
            return redirect("listing_detail", uuid=saved.uuid)
    return render(request, "catalog/listing_form.html", {"form": form, "listing": listing, "photos": photos})


@login_required
@require_POST
def listing_publish(request, uuid):
    listing = _listing_or_404(request, uuid)
    try:
        services.publish_listing(listing=listing, by=request.user)
    except CatalogError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your listing “%(title)s” is published.") % {"title": listing.title})
    return redirect("listing_detail", uuid=listing.uuid)


@login_required
def listing_withdraw(request, uuid):
    listing = _listing_or_404(request, uuid)
    if not permissions.can_manage_listing(request.user, listing):
        raise Http404
    form = ReasonForm(request.POST or None)
    form.fields["reason"].required = False
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_listing(listing=listing, by=request.user, reason=form.cleaned_data["reason"])
        except CatalogError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("“%(title)s” has been withdrawn.") % {"title": listing.title})
        return redirect("listing_detail", uuid=listing.uuid)
    return render(request, "catalog/listing_withdraw.html", {"listing": listing, "form": form})


@login_required
@require_POST
def listing_reserve(request, uuid):
    listing = _listing_or_404(request, uuid)
    form = ReserveForm(request.POST, available=listing.quantity_available)
    status = 400
    if form.is_valid():
        try:
            booking_services.reserve_listing(
                listing=listing, by=request.user,
                quantity=form.cleaned_data["quantity"], message=form.cleaned_data["message"],
            )
        except CatalogError as error:
            form.add_error("quantity", error.message)
            status = error.http_status
        else:
            messages.success(
                request,
                _("You have reserved “%(title)s”. The contact person confirms when you have collected it.")
                % {"title": listing.title},
            )
            return redirect("listing_detail", uuid=listing.uuid)
    listing = _listing_or_404(request, uuid)  # as it is now, after someone else's reservation
    return render(request, "catalog/listing_detail.html", _detail_context(request, listing, form), status=status)


@login_required
@require_GET
def photo(request, pk: int, size: str):
    """A listing's photo, only for people who may see the listing, from the organisation's own folder."""
    return photo_response(selectors.photo_for(pk=pk, user=request.user), size)
