"""The pages of deals between organisations, on either organisation's host (decision 0030): another organisation's
offer with the form to ask for it; the deal with its terms, steps and messages, and the actions the viewer may take
on it; its agreement, printable; and the organisation's deals both ways. Anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors as people
from bookings import selectors as bookings
from catalog import selectors as catalog
from platform_.errors import DomainError

from . import selectors, services
from .deal_labels import labelled, step_label
from .deal_lifecycle import DEAL
from .forms import DealFilterForm, DealRequestForm
from .models import DealStatus, LegalBasis

DEALS_PAGE_SIZE = 50
# What the asking side may still take back (exchange.services.cancel_deal).
CANCELLABLE = (DealStatus.AWAITING_APPROVAL, DealStatus.REQUESTED, DealStatus.ACCEPTED)
LENT = ("lend", "rent")
# A refusal of request_deal names the input it is about (ExchangeError.field); the form's field of that name.
REQUEST_FIELDS = {"quantity": "quantity", "transport": "transport", "message": "message",
                  "starts_at": "starts_on", "ends_at": "ends_on"}
# ---------------------------------------------------------------------------------------------- the offer


def _offer_or_404(request, pk: int):
    """Another organisation's offer that this organisation may see; the organisation's own offers are its listings,
    reserved on their own pages, so they are 404 here as well."""
    offer = selectors.offers_visible_to(organisation_id=request.tenant.pk).filter(pk=pk).first()
    if offer is None:
        raise Http404
    labels = catalog.offer_labels()
    offer.condition_label = labels["condition"].get(offer.condition, offer.condition)
    offer.offer_type_label = labels["offer_type"].get(offer.offer_type, offer.offer_type)
    offer.rent_period_label = labels["rent_period"].get(offer.rent_period, offer.rent_period)
    return offer


def _request_form(request, offer, data=None) -> DealRequestForm:
    department = getattr(request.user, "department_id", None)
    return DealRequestForm(
        data, lent=offer.offer_type in LENT, available=offer.quantity_available,
        departments=people.department_choices(), initial={"receiving_department": department},
    )


def _asker(request, form: DealRequestForm) -> services.Asker:
    department_id = form.cleaned_data.get("receiving_department")
    names = dict(form.fields["receiving_department"].choices)
    name = str(names.get(department_id, "")).strip("\u2003 ") if department_id else ""
    return services.Asker(party=people.party_of(user=request.user), department_id=department_id,
                          department_name=name)


@login_required
@require_http_methods(["GET", "POST"])
def offer_detail(request, pk: int):
    offer = _offer_or_404(request, pk)
    status = 200
    if request.method == "POST":
        form = _request_form(request, offer, request.POST)
        status = 400
        if form.is_valid():
            starts_at, ends_at = form.period()
            data = form.cleaned_data
            try:
                deal = services.request_deal(
                    request=services.DealRequest(
                        offer=offer.pk, quantity=data["quantity"], transport=data["transport"],
                        buyer_reference=data["buyer_reference"], message=data["message"],
                        starts_at=starts_at, ends_at=ends_at,
                    ),
                    by=_asker(request, form),
                )
            except DomainError as refused:
                form.add_error(REQUEST_FIELDS.get(getattr(refused, "field", None) or ""), refused.message)
                status = refused.http_status if refused.http_status in (400, 409) else 400
            else:
                if deal.status == DealStatus.AWAITING_APPROVAL:
                    messages.success(request, _("Your request waits for your manager's approval before it is sent "
                                                "to %(organisation)s. You will get an e-mail when it is answered.")
                                     % {"organisation": deal.owner_name})
                else:
                    messages.success(request, _("Your request has been sent to %(organisation)s. You will get an "
                                                "e-mail when they answer.") % {"organisation": deal.owner_name})
                return redirect("deal_detail", uuid=deal.uuid)
    else:
        form = _request_form(request, offer)
    return render(request, "exchange/offer_detail.html", {"offer": offer, "form": form}, status=status)


# ---------------------------------------------------------------------------------------------- one deal


def _deal_or_404(request, uuid):
    deal = selectors.deal_for(uuid=uuid, user=request.user, organisation_id=request.tenant.pk)
    if deal is None:
        raise Http404
    return deal


@login_required
@require_GET
def deal_detail(request, uuid):
    deal = labelled([_deal_or_404(request, uuid)])[0]
    events, thread = selectors.deal_thread(deal=deal)
    for event in events:
        event.step_label = step_label(event.step)
    owner_side = selectors.is_owner_side(deal=deal, organisation_id=request.tenant.pk)
    # The owner confirms handover, pick-up and return on its booking, in its own schema (this host's).
    booking = bookings.booking_for_deal(deal=deal.uuid) if owner_side and deal.booking else None
    return render(request, "exchange/deal_detail.html", {
        "deal": deal,
        "events": events,
        "thread": thread,
        "owner_side": owner_side,
        "booking": booking,
        "can_answer": owner_side and DEAL.can(deal.status, "accept"),
        "can_cancel": not owner_side and deal.status in CANCELLABLE,
        "can_write": selectors.was_asked(deal),
        "can_approve": (not owner_side and deal.status == DealStatus.AWAITING_APPROVAL
                        and getattr(request.user, "uuid", None) != deal.person
                        and selectors.approves_deal(user=request.user, deal=deal)),
        "legal_bases": LegalBasis.choices,
        "agreement": getattr(deal, "agreement", None),
    })


@login_required
@require_GET
def deal_agreement(request, uuid):
    """The agreement record of an accepted deal, for either side to print or keep. 404 until there is one."""
    deal = _deal_or_404(request, uuid)
    agreement = getattr(deal, "agreement", None)
    if agreement is None:
        raise Http404
    labels = catalog.offer_labels()
    return render(request, "exchange/deal_agreement.html", {
        "deal": deal,
        "agreement": agreement,
        "offer_type_label": labels["offer_type"].get(agreement.offer_type, agreement.offer_type),
        "rent_period_label": labels["rent_period"].get(agreement.rent_period, "") if agreement.rent_period else "",
        "vat_percent": (agreement.vat_rate * 100).normalize(),
    })


def _act(request, uuid, action, done: str):
    deal = _deal_or_404(request, uuid)
    try:
        action(deal)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done)
    return redirect("deal_detail", uuid=deal.uuid)


@login_required
@require_POST
def deal_accept(request, uuid):
    return _act(request, uuid, lambda deal: services.accept_deal(
        deal_uuid=deal.uuid, by=request.user, legal_basis=request.POST.get("legal_basis", ""),
        legal_note=request.POST.get("legal_note", ""),
    ), _("Accepted. The item is booked for them, and they have been told."))


@login_required
@require_POST
def deal_decline(request, uuid):
    return _act(request, uuid, lambda deal: services.decline_deal(
        deal_uuid=deal.uuid, by=request.user, reason=request.POST.get("reason", ""),
    ), _("Declined. They have been told."))


@login_required
@require_POST
def deal_cancel(request, uuid):
    waiting = _deal_or_404(request, uuid).status == DealStatus.AWAITING_APPROVAL
    return _act(request, uuid, lambda deal: services.cancel_deal(
        deal_uuid=deal.uuid, by=request.user, reason=request.POST.get("reason", ""),
    ), _("Withdrawn before it was sent.") if waiting else _("Cancelled. The other organisation has been told."))


@login_required
@require_POST
def deal_message(request, uuid):
    return _act(request, uuid, lambda deal: services.post_message(
        deal_uuid=deal.uuid, by=request.user, body=request.POST.get("body", ""),
    ), _("Your message has been sent."))


# ---------------------------------------------------------------------------------------------- all deals


@login_required
@require_GET
def deals(request):
    """The organisation's deals both ways, for those who run the service (operators and admins): every one. Anyone
    else sees the deals they take part in (their requests, and requests for listings they manage)."""
    organisation_id = request.tenant.pk
    form = DealFilterForm(request.GET or None)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    # The page's short words for the directions ("in", "out") are the selector's incoming and outgoing.
    direction = {"in": selectors.INCOMING, "out": selectors.OUTGOING}.get(filters.get("direction"), "")
    queryset = selectors.visible_deals(user=request.user, organisation_id=organisation_id,
                                       status=filters.get("status") or "", direction=direction)
    page = Paginator(queryset, DEALS_PAGE_SIZE).get_page(request.GET.get("sida"))
    query_string = request.GET.copy()
    query_string.pop("sida", None)
    return render(request, "exchange/deals.html", {
        "form": form,
        "page": page,
        "deals": labelled(list(page.object_list)),
        "organisation_id": organisation_id,
        "runs_the_service": catalog.runs_the_service(request.user),
        "query_string": query_string.urlencode(),
    })
