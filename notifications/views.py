"""The notifications page, /aviseringar/ (decision 0047): the person's notifications newest first, read and unread;
opening one (a POST) marks it read and goes where it leads; "Mark all as read"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .errors import NotificationError


@login_required
@require_GET
def notification_list(request):
    page = Paginator(selectors.notifications(user=request.user), selectors.PAGE_SIZE).get_page(request.GET.get("sida"))
    unread = selectors.unread_count(user=request.user, fresh=True)  # the page is the truth: it heals the cache
    return render(request, "notifications/notification_list.html", {"page": page, "unread": unread})


@login_required
@require_POST
def open_notification(request, pk: int):
    try:
        notification = services.mark_read(user=request.user, pk=pk)
    except NotificationError as error:
        raise Http404 from error
    link = notification.link
    if link and link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("notifications")


@login_required
@require_POST
def mark_all_read(request):
    marked = services.mark_all_read(user=request.user)
    if marked:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications")
