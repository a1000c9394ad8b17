"""The pages of a deal between organisations, on either organisation's host (decision 0030): the deal with its
terms, steps and messages, and the actions the viewer may take on it. Anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from platform_.errors import DomainError

from . import selectors, services
from .deal_lifecycle import DEAL
from .models import DealStatus, LegalBasis


def _deal_or_404(request, uuid):
    deal = selectors.deal_for(uuid=uuid, user=request.user, organisation_id=request.tenant.pk)
    if deal is None:
        raise Http404
    return deal


@login_required
def deal_detail(request, uuid):
    deal = _deal_or_404(request, uuid)
    events, thread = selectors.deal_thread(deal=deal)
    owner_side = selectors.is_owner_side(deal=deal, organisation_id=request.tenant.pk)
    return render(request, "exchange/deal_detail.html", {
        "deal": deal,
        "events": events,
        "thread": thread,
        "owner_side": owner_side,
        "can_answer": owner_side and DEAL.can(deal.status, "accept"),
        "can_cancel": not owner_side and deal.status in (DealStatus.REQUESTED, DealStatus.ACCEPTED),
        "legal_bases": LegalBasis.choices,
        "agreement": getattr(deal, "agreement", None),
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
    return _act(request, uuid, lambda deal: services.cancel_deal(
        deal_uuid=deal.uuid, by=request.user, reason=request.POST.get("reason", ""),
    ), _("Cancelled. The other organisation has been told."))


@login_required
@require_POST
def deal_message(request, uuid):
    return _act(request, uuid, lambda deal: services.post_message(
        deal_uuid=deal.uuid, by=request.user, body=request.POST.get("body", ""),
    ), _("Your message has been sent."))
