"""The catalogue pages: find, post, reserve, count. Each view calls services and selectors only; the pages of
bookings themselves (a loan's calendar, handovers) are ``bookings.views``; "Mina annonser" and "Mina reservationer"
are composed above both, with the deals between organisations, in ``exchange.mine_views``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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
from .forms import ListingForm, PlaceForm, ReasonForm, ReserveForm, SearchForm
from .lifecycle import LISTING, ListingStatus
from .photo_files import file_response, photo_response
from .search import RANKED

PAGE_SIZE = 24


@login_required
@require_GET
def browse(request):
    tree = people.department_order()
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
        # Operators and admins see every change of the listing (decision 0042).
        "can_see_history": permissions.can_post_for_any_department(request.user),
        # Its label's code, when it was last seen, and the stock-taking button (decision 0043).
        "storage_panel": permissions.can_manage_storage(request.user),
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


def _pending_ids(request) -> list[str]:
    """The pending photos the form carries (hidden inputs, in the order shown), less those ticked for removal
    (without JavaScript), which are removed for good."""
    removed = set(request.POST.getlist("remove_pending"))
    for uuid in removed:
        photo = selectors.pending_photo(owner=request.user, uuid=uuid)
        if photo is not None:
            services.remove_pending_photo(owner=request.user, uuid=photo.uuid)
    return [uuid for uuid in request.POST.getlist("pending_photos") if uuid not in removed]


def _keep_uploads(request, form: ListingForm) -> list[str]:
    """Keep the photos posted with the form as pending photos, whatever else is wrong with it, so that a form that
    comes back with an error still has them (without JavaScript; with it they were uploaded as they were picked).
    A bad photo refuses the request's photos together, with the reason by the photos."""
    uploads = request.FILES.getlist("photos")
    if not uploads or "photos" in form.errors:
        return []
    try:
        records = services.add_pending_photos(owner=request.user, uploads=uploads)
    except CatalogError as error:
        form.add_error("photos", error.message)
        return []
    return [str(record.uuid) for record in records]


def _save_listing(request, form: ListingForm, listing=None, *, pending=()):
    """Run the create or update service for a valid form; errors land on the form. Returns the listing or None."""
    try:
        if listing is None:
            return services.create_listing(
                author=request.user, details=_details_from(form), pending_photos=pending,
                publish="publish" in request.POST,
            )
        listing = services.update_listing(
            listing=listing,
            editor=request.user,
            details=_details_from(form),
            pending_photos=pending,
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


def _suggestions_for(request) -> list:
    """Categories for the posted title, when the form comes back without a category chosen (no JavaScript)."""
    if request.method != "POST" or request.POST.get("category") or not request.POST.get("title"):
        return []
    return selectors.suggest_categories(title=request.POST["title"])


def _form_page(request, form: ListingForm, *, listing=None, photos=(), pending=()):
    return render(request, "catalog/listing_form.html", {
        "form": form, "listing": listing, "photos": photos,
        "pending": selectors.pending_photos(owner=request.user, uuids=pending),
        "photo_limit": settings.PHOTOS_PER_LISTING,
    })


@login_required
def listing_create(request):
    form = ListingForm(
        request.POST or None, request.FILES or None, user=request.user,
        initial=selectors.posting_defaults(user=request.user), suggestions=_suggestions_for(request),
    )
    pending: list[str] = []
    if request.method == "POST":
        valid = form.is_valid()
        pending = _pending_ids(request) + _keep_uploads(request, form)
        if valid and not form.errors:
            listing = _save_listing(request, form, pending=pending)
            if listing is not None:
                _saved_message(request, listing)
                return redirect("listing_detail", uuid=listing.uuid)
    return _form_page(request, form, pending=pending)


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
    initial = {name: getattr(listing, f"{name}_id", getattr(listing, name)) for name in services.DETAIL_FIELDS
               if name != "place"}
    initial["place"] = listing.place_id
    initial["edited_at"] = listing.edited_at.isoformat()
    form = ListingForm(
        request.POST or None, request.FILES or None, user=request.user, photos=photos, initial=initial,
        current_department_id=listing.department_id, current_place_id=listing.place_id,
        suggestions=_suggestions_for(request),
    )
    pending: list[str] = []
    if request.method == "POST":
        valid = form.is_valid()
        pending = _pending_ids(request) + _keep_uploads(request, form)
        if valid and not form.errors:
            saved = _save_listing(request, form, listing, pending=pending)
            if saved is not None:
                _saved_message(request, saved)
                if "publish" in request.POST and saved.status != ListingStatus.PUBLISHED:
                    return redirect("listing_edit", uuid=saved.uuid)  # saved but not published: why is in messages
                return redirect("listing_detail", uuid=saved.uuid)
    return _form_page(request, form, listing=listing, photos=photos, pending=pending)


# ------------------------------------------------------------------------- photos picked before the form is saved


def _photo_json(record) -> dict:
    return {"id": str(record.uuid), "thumbnail": reverse("pending_photo", args=[record.uuid])}


@login_required
@require_POST
def pending_photo_upload(request):
    """Photos as the person picks them (the form's script posts each here): kept as pending photos, answered with
    their ids and thumbnails, or with why they were refused (400; 429 over the hourly quota)."""
    uploads = request.FILES.getlist("photos")
    if not uploads:
        return JsonResponse({"error": {"code": "photo_required", "message": _("Choose a photo.")}}, status=400)
    if len(uploads) > settings.PHOTOS_PER_LISTING:
        message = _("A listing can have at most %(limit)s photos.") % {"limit": settings.PHOTOS_PER_LISTING}
        return JsonResponse({"error": {"code": "too_many_photos", "message": message}}, status=400)
    try:
        records = services.add_pending_photos(owner=request.user, uploads=uploads)
    except CatalogError as error:
        response = JsonResponse({"error": {"code": error.code, "message": str(error.message)}},
                                status=error.http_status)
        if getattr(error, "retry_after", None):
            response["Retry-After"] = str(error.retry_after)
        return response
    return JsonResponse({"photos": [_photo_json(record) for record in records]}, status=201)


@login_required
@require_GET
def pending_photo(request, uuid):
    """A pending photo's thumbnail, for its uploader only."""
    record = selectors.pending_photo(owner=request.user, uuid=uuid)
    if record is None:
        raise Http404
    return file_response(record.thumbnail)


@login_required
@require_POST
def pending_photo_remove(request, uuid):
    if not services.remove_pending_photo(owner=request.user, uuid=uuid):
        raise Http404
    return HttpResponse(status=204)


@login_required
@require_GET
def category_suggestions(request):
    """The categories suggested for a title, as the buttons the form's script shows (one tap chooses one)."""
    suggestions = selectors.suggest_categories(title=request.GET.get("titel", "")[:200])
    return render(request, "catalog/_category_suggestions.html", {"suggestions": suggestions})


# ------------------------------------------------------------------------------------ saved places (admins)


def _places_admin(request) -> None:
    if not permissions.can_manage_places(request.user):
        raise PermissionDenied


def _place_errors(form, error: CatalogError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def places(request):
    """The organisation's saved places: list, add (organisation admins)."""
    _places_admin(request)
    form = PlaceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                place = services.create_place(by=request.user, details=services.PlaceDetails(**form.cleaned_data))
            except CatalogError as error:
                _place_errors(form, error)
            else:
                messages.success(request, _("“%(name)s” is added.") % {"name": place.name})
                return redirect("places")
        status = 400
    return render(request, "catalog/places.html", {
        "form": form, "places": list(selectors.places(include_retired=True)),
    }, status=status)


@login_required
def place_edit(request, pk: int):
    """Rename a saved place, change its address, retire it or take it into use again (organisation admins)."""
    _places_admin(request)
    place = selectors.place(pk=pk)
    if place is None:
        raise Http404
    if request.method == "POST" and request.POST.get("in_use") in ("0", "1"):
        in_use = request.POST["in_use"] == "1"
        services.set_place_in_use(place=place, by=request.user, in_use=in_use)
        messages.success(request, (_("“%(name)s” is offered again.") if in_use else
                                   _("“%(name)s” is no longer offered.")) % {"name": place.name})
        return redirect("places")
    initial = {name: getattr(place, name) for name in ("name", "address", "building", "room")}
    form = PlaceForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                place = services.update_place(
                    place=place, by=request.user, details=services.PlaceDetails(**form.cleaned_data)
                )
            except CatalogError as error:
                _place_errors(form, error)
            else:
                messages.success(request, _("“%(name)s” is saved.") % {"name": place.name})
                return redirect("places")
        status = 400
    return render(request, "catalog/place_edit.html", {"form": form, "place": place}, status=status)


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
            booking = booking_services.reserve_listing(
                listing=listing, by=request.user,
                quantity=form.cleaned_data["quantity"], message=form.cleaned_data["message"],
            )
        except CatalogError as error:
            form.add_error("quantity", error.message)
            status = error.http_status
        else:
            if booking_services.awaits_approval(booking=booking):
                messages.success(request, _("Your request for “%(title)s” waits for your manager's approval. You "
                                            "will get an e-mail when it is answered.") % {"title": listing.title})
                return redirect("listing_detail", uuid=listing.uuid)
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
