"""The booking pages: a loan's calendar and booking form, a booking's own page with the owner's and the borrower's
steps, handover and cancellation of reservations and the waiting list ("Mina reservationer" is composed in
exchange.mine_views, docs/architecture.md, "The deal pages").

Each view calls services and selectors only. A booking or listing the person may not see is a 404, whichever
organisation they belong to.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from catalog import selectors as listings
from catalog.errors import CatalogError

from . import periods, permissions, selectors, services
from .forms import PICK_UP_AT, RETURN_AT, ExtensionForm, LoanForm, ReasonForm, parse_day, parse_month
from .lifecycle import LOAN, MACHINES, BookingKind

# Which form field a refusal belongs to, so that the message stands next to it.
LOAN_FIELDS = {
    "return_before_pickup": "end", "in_the_past": "start", "period_too_long": "end", "quantity_invalid": "quantity",
    "not_enough": "quantity",
}


def _listing_or_404(request, uuid):
    listing = listings.listing_for(uuid=uuid, user=request.user)
    if listing is None:
        raise Http404
    return listing


def _booking_or_404(request, uuid):
    booking = selectors.booking_for(uuid=uuid, user=request.user)
    if booking is None:
        raise Http404
    return booking


def _back(request, fallback: str, *args):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback, *args)


# ---------------------------------------------------------------------------------------------- the calendar


def _day_links(calendar, *, start: date | None, end: date | None, month: date) -> dict[date, str]:
    """Where a click on each bookable day leads: the first click picks the pick-up day, the second the return day
    (a day before the pick-up starts again)."""
    links = {}
    for week in calendar.weeks:
        for day in week:
            if day.past or day.free == 0 or not day.in_month:
                continue
            if start is not None and end is None and day.day >= start:
                chosen = {"fran": start.isoformat(), "till": day.day.isoformat()}
            else:
                chosen = {"fran": day.day.isoformat()}
            links[day.day] = "?" + urlencode({"manad": month.strftime("%Y-%m"), **chosen}) + "#kalender"
    return links


def _book_context(request, listing, form, *, start: date | None, end: date | None, month: date) -> dict:
    calendar = selectors.month_calendar(listing=listing, first=month, start=start, end=end)
    links = _day_links(calendar, start=start, end=end, month=month)
    selection = {"fran": start.isoformat()} if start else {}
    if end:
        selection["till"] = end.isoformat()
    fee = _fee_preview(listing, form, start=start, end=end)
    return {
        "listing": listing,
        "form": form,
        "calendar": calendar,
        "weeks": [[(day, links.get(day.day)) for day in week] for week in calendar.weeks],
        "previous_url": "?" + urlencode({"manad": calendar.previous.strftime("%Y-%m"), **selection}) + "#kalender"
        if calendar.previous else None,
        "next_url": "?" + urlencode({"manad": calendar.next.strftime("%Y-%m"), **selection}) + "#kalender",
        "start": start,
        "end": end,
        "fee": fee,
        "department": request.user.department,
    }


def _fee_preview(listing, form, *, start: date | None, end: date | None):
    """What renting for the chosen days costs, shown before booking (None when not a rental or no days yet)."""
    if form.is_bound:
        if not form.is_valid():
            return None
        begins, ends = form.period()
    elif start and end:
        zone = timezone.get_current_timezone()
        begins, ends = periods.at(start, PICK_UP_AT, zone), periods.at(end, RETURN_AT, zone)
    else:
        return None
    return services.rental_fee(listing=listing, start=begins, end=ends) if ends > begins else None


@login_required
def listing_book(request, uuid):
    """Pick the days on the calendar (or type them), the times, and book."""
    listing = _listing_or_404(request, uuid)
    if listing.offer_type not in selectors.LENT_OFFERS:
        raise Http404
    start = parse_day(request.GET.get("fran"))
    end = parse_day(request.GET.get("till"))
    if start and end and end < start:
        end = None
    month = parse_month(request.GET.get("manad")) or (start or timezone.localdate()).replace(day=1)
    month = max(month, timezone.localdate().replace(day=1))
    status = 200
    if request.method == "POST":
        form = LoanForm(request.POST, quantity=listing.quantity)
        if form.is_valid():
            begins, ends = form.period()
            try:
                booking = services.book_loan(
                    listing=listing, by=request.user, start=begins, end=ends,
                    quantity=form.cleaned_data["quantity"], message=form.cleaned_data["message"],
                )
            except CatalogError as error:
                form.add_error(LOAN_FIELDS.get(error.code), error.message)
                status = error.http_status
            else:
                messages.success(request, _("You have booked “%(title)s”. The contact person confirms the pick-up "
                                            "and the return.") % {"title": listing.title})
                return redirect("booking_detail", uuid=booking.uuid)
        else:
            status = 400
        start = form.cleaned_data.get("start") if hasattr(form, "cleaned_data") else start
        end = form.cleaned_data.get("end") if hasattr(form, "cleaned_data") else end
        if start:
            month = max(start.replace(day=1), timezone.localdate().replace(day=1))
    else:
        initial = {"start": start, "end": end or start, "quantity": 1}
        form = LoanForm(initial={key: value for key, value in initial.items() if value is not None},
                        quantity=listing.quantity)
    context = _book_context(request, listing, form, start=start, end=end, month=month)
    return render(request, "bookings/book.html", context, status=status)


# ---------------------------------------------------------------------------------------------- one booking


def _booking_context(request, booking, *, extension_form=None) -> dict:
    owner = permissions.acts_for_owner(request.user, booking)
    borrower = permissions.is_borrower(request.user, booking)
    machine = MACHINES[booking.kind]
    loan = booking.kind == BookingKind.LOAN
    can_extend = borrower and loan and LOAN.can(booking.status, "extend") and booking.extension_until is None
    return {
        "booking": booking,
        "listing": booking.listing,
        "events": selectors.events_of(booking=booking),
        "is_owner": owner,
        "is_borrower": borrower,
        "can_hand_over": owner and not borrower and not loan and machine.can(booking.status, "hand_over"),
        "can_pick_up": owner and not borrower and loan and machine.can(booking.status, "pick_up"),
        "can_return": owner and not borrower and loan and machine.can(booking.status, "return"),
        "can_answer": owner and not borrower and loan and booking.extension_until is not None,
        "can_extend": can_extend,
        "can_cancel": machine.can(booking.status, "cancel"),
        "extension_form": extension_form or (ExtensionForm(current_end=booking.ends_at) if can_extend else None),
        "hand_over_by": selectors.hand_over_by(booking=booking, days=request.tenant.reservation_days,
                                               zone=ZoneInfo(request.tenant.time_zone)),
    }


@login_required
@require_GET
def booking_detail(request, uuid):
    booking = _booking_or_404(request, uuid)
    return render(request, "bookings/booking_detail.html", _booking_context(request, booking))


def _owner_action(request, uuid, action, done: str, fallback: str | None = None):
    booking = _booking_or_404(request, uuid)
    try:
        action(booking=booking, by=request.user)
    except CatalogError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done % {"title": booking.listing.title, "name": booking.borrower.name,
                                          "quantity": booking.quantity})
    if fallback:
        return _back(request, fallback)
    return _back(request, "booking_detail", booking.uuid)


@login_required
def reservation_confirm(request, uuid):
    """GET: the step before a handover is confirmed, which cannot be undone (who, what, how many; "Yes" or back).
    POST: confirm it."""
    if request.method == "POST":
        return _owner_action(request, uuid, services.confirm_handover,
                             _("Handover confirmed: %(quantity)s × “%(title)s” to %(name)s."), fallback="my_listings")
    booking = _booking_or_404(request, uuid)
    if not _booking_context(request, booking)["can_hand_over"]:
        messages.error(request, _("This reservation cannot be handed over now."))
        return _back(request, "booking_detail", booking.uuid)
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return render(request, "bookings/confirm_handover.html", {
        "reservation": booking, "next": target,
        "back": target or reverse("booking_detail", args=[booking.uuid]),
    })


@login_required
@require_POST
def booking_pick_up(request, uuid):
    return _owner_action(request, uuid, services.confirm_pick_up,
                         _("Pick-up confirmed: %(name)s has “%(title)s”."))


@login_required
@require_POST
def booking_return(request, uuid):
    return _owner_action(request, uuid, services.confirm_return, _("Return confirmed: “%(title)s” is back."))


@login_required
@require_POST
def booking_extend(request, uuid):
    booking = _booking_or_404(request, uuid)
    form = ExtensionForm(request.POST, current_end=booking.ends_at)
    status = 400
    if form.is_valid():
        try:
            services.request_extension(booking=booking, by=request.user, until=form.until_moment())
        except CatalogError as error:
            form.add_error("until", error.message)
            status = error.http_status
        else:
            messages.success(request, _("You have asked to keep “%(title)s” longer. The contact person answers.")
                             % {"title": booking.listing.title})
            return redirect("booking_detail", uuid=booking.uuid)
    booking = _booking_or_404(request, uuid)
    return render(request, "bookings/booking_detail.html",
                  _booking_context(request, booking, extension_form=form), status=status)


@login_required
@require_POST
def booking_extension_answer(request, uuid):
    accept = request.POST.get("answer") == "accept"
    done = _("Extension accepted: “%(title)s” is lent until the new day.") if accept else _(
        "Extension refused: “%(title)s” is to be returned as booked.")

    def answer(*, booking, by):
        return services.answer_extension(booking=booking, by=by, accept=accept)

    return _owner_action(request, uuid, answer, done)


@login_required
def reservation_cancel(request, uuid):
    booking = _booking_or_404(request, uuid)
    form = ReasonForm(request.POST or None, required=not permissions.is_borrower(request.user, booking))
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_booking(booking=booking, by=request.user, reason=form.cleaned_data["reason"])
        except CatalogError as error:
            messages.error(request, error.message)
        else:
            if booking.kind == BookingKind.LOAN:
                messages.success(request, _("The booking of “%(title)s” is cancelled.")
                                 % {"title": booking.listing.title})
            else:
                messages.success(request, _("The reservation of “%(title)s” is cancelled.")
                                 % {"title": booking.listing.title})
        return _back(request, "my_reservations")
    return render(request, "bookings/cancel.html", {
        "reservation": booking, "form": form, "next": request.GET.get("next", ""),
    })


# ---------------------------------------------------------------------------------------------- approvals


# The queue "Att godkänna" (/att-godkanna/), where these answers come from, composes bookings with the exchange's
# deals and lives above both: exchange.approval_views (decision 0048).


@login_required
@require_POST
def booking_approve(request, uuid):
    booking = _booking_or_404(request, uuid)
    try:
        services.approve_booking(booking=booking, by=request.user)
    except CatalogError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You approved the request for “%(title)s”.") % {"title": booking.listing.title})
    return redirect("approval_queue")


@login_required
@require_POST
def booking_refuse(request, uuid):
    booking = _booking_or_404(request, uuid)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect("approval_queue")
    try:
        services.refuse_booking(booking=booking, by=request.user, reason=form.cleaned_data["reason"])
    except CatalogError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You refused the request for “%(title)s”. %(name)s is told why.")
                         % {"title": booking.listing.title, "name": booking.borrower.name})
    return redirect("approval_queue")


# ---------------------------------------------------------------------------------------------- waiting list


@login_required
@require_POST
def listing_waitlist(request, uuid):
    listing = _listing_or_404(request, uuid)
    joining = request.POST.get("action") != "leave"
    try:
        if joining:
            services.join_waitlist(listing=listing, by=request.user)
        else:
            services.leave_waitlist(listing=listing, by=request.user)
    except CatalogError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You are on the waiting list. You will get an e-mail when it is back.")
                         if joining else _("You have left the waiting list."))
    return redirect("listing_detail", uuid=listing.uuid)
