""""Att godkänna", the department manager's queue (decisions 0045 and 0048), composed here above bookings and the
exchange, as "Mina annonser" is (exchange.mine_views): the bookings of the manager's people awaiting approval
(bookings), their requests to other organisations awaiting approval (deals), and their departments' latest bookings.

Bookings are answered by bookings.views (booking_approve, booking_refuse); deals here. Both come back to the queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors as people
from bookings import selectors as bookings
from platform_.errors import DomainError

from . import selectors, services
from .deal_views import _deal_or_404


@login_required
@require_GET
def approval_queue(request):
    """Only for department managers (403 for anyone else); a fixed number of queries whatever waits."""
    departments = people.approved_departments(user=request.user)
    if not departments:
        raise PermissionDenied
    return render(request, "exchange/approval_queue.html", {
        "waiting": list(bookings.awaiting_approval(department_ids=departments)),
        "waiting_deals": list(selectors.deals_awaiting_approval(organisation_id=request.tenant.pk,
                                                                department_ids=departments)),
        "recent": bookings.department_bookings(department_ids=departments),
    })


@login_required
@require_POST
def deal_approve(request, uuid):
    deal = _deal_or_404(request, uuid)
    try:
        services.approve_deal(deal_uuid=deal.uuid, by=request.user)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("You approved the request for “%(title)s”. %(organisation)s has been asked.")
                         % {"title": deal.title, "organisation": deal.owner_name})
    return redirect("approval_queue")


@login_required
@require_POST
def deal_refuse(request, uuid):
    deal = _deal_or_404(request, uuid)
    try:
        services.refuse_deal(deal_uuid=deal.uuid, by=request.user, reason=request.POST.get("reason", ""))
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("You refused the request for “%(title)s”. %(name)s is told why.")
                         % {"title": deal.title, "name": deal.person_name})
    return redirect("approval_queue")
