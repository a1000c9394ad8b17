"""The needs pages (decision 0033): register a need, my needs, a need with its matches in the organisation and its
networks at once and its closing, and the compliance report per department and period (with its CSV)."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors as people
from catalog import selectors as catalog
from wanted import selectors as wanted
from wanted import services as wanted_services
from wanted.errors import WantedError

from . import selectors, services
from .errors import NeedError
from .forms import CloseForm, NeedForm, ReportForm
from .models import NeedStatus


@login_required
@require_GET
def my_needs(request):
    return render(request, "needs/my_needs.html", {
        "needs": list(selectors.my_needs(user=request.user)),
        "can_read_report": selectors.can_read_report(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def need_create(request):
    form = NeedForm(request.POST or None, categories=catalog.category_choices(),
                    departments=people.department_choices(),
                    initial={"department": request.user.department_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = services.NeedDetails(
            what=data["what"], quantity=data["quantity"], needed_by=data["needed_by"],
            department=people.department(pk=data["department"]),
            category=catalog.category(pk=data["category"]) if data["category"] else None,
            budget=data["budget"], description=data["description"],
        )
        try:
            need = services.register_need(by=request.user, details=details)
        except NeedError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your need is registered. Here is what Delbar found."))
            return redirect("need_detail", uuid=need.uuid)
    return render(request, "needs/need_form.html", {"form": form})


def _need_or_404(request, uuid):
    need = selectors.need_for(uuid=uuid, user=request.user)
    if need is None:
        raise Http404
    return need


def _links(need, organisation_id: int) -> list[tuple[str, str]]:
    """The person's reservations and requests to other organisations, as choices ("b:<uuid>", "d:<uuid>")."""
    links = []
    for booking in selectors.reservations_of(person=need.person)[:50]:
        when = formats.date_format(timezone.localtime(booking.reserved_at), "SHORT_DATE_FORMAT")
        links.append((f"b:{booking.uuid}", _("Reservation: %(title)s, %(n)s pcs, %(date)s") % {
            "title": booking.listing.title, "n": booking.quantity, "date": when}))
    for deal in selectors.deals_of(person=need.person, organisation_id=organisation_id)[:50]:
        when = formats.date_format(timezone.localtime(deal.requested_at), "SHORT_DATE_FORMAT")
        links.append((f"d:{deal.uuid}", _("From %(organisation)s: %(title)s, %(n)s pcs, %(date)s") % {
            "organisation": deal.owner_name, "title": deal.title, "n": deal.quantity, "date": when}))
    return links


def _detail(request, need, close_form=None, status=200):
    organisation_id = request.tenant.pk
    can_close = need.is_open and selectors.can_close_need(request.user, need)
    context = {
        "need": need,
        "matches": selectors.matches_for(need=need, organisation_id=organisation_id) if need.is_open else None,
        "evidence": selectors.evidence_of(need=need),
        "can_close": can_close,
        "close_form": (close_form or CloseForm(links=_links(need, organisation_id))) if can_close else None,
        "reservation": selectors.linked_reservation(need=need),
        "deal": selectors.linked_deal(need=need, organisation_id=organisation_id),
        "wanted_ad": wanted.ad_for_need(need=need.uuid),
    }
    return render(request, "needs/need_detail.html", context, status=status)


@login_required
@require_GET
def need_detail(request, uuid):
    return _detail(request, _need_or_404(request, uuid))


@login_required
@require_POST
def need_close(request, uuid):
    need = _need_or_404(request, uuid)
    form = CloseForm(request.POST, links=_links(need, request.tenant.pk) if need.is_open else [])
    if not form.is_valid():
        if not need.is_open:  # closed in the meantime: say so, whatever was sent
            form = None
        else:
            return _detail(request, need, close_form=form, status=400)
    data = form.cleaned_data if form is not None else {}
    link = data.get("link", "")
    try:
        services.close_need(
            need=need, by=request.user, outcome=data.get("outcome", ""),
            booking=link[2:] if link.startswith("b:") else None, deal=link[2:] if link.startswith("d:") else None,
            reason=data.get("reason", ""), note=data.get("note", ""),
        )
    except NeedError as error:
        if error.code == "already_closed" or form is None:
            messages.error(request, error.message)
            return redirect("need_detail", uuid=need.uuid)
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _detail(request, need, close_form=form, status=error.http_status)
    messages.success(request, _("The need is closed."))
    return redirect("need_detail", uuid=need.uuid)


@login_required
@require_POST
def need_to_wanted(request, uuid):
    """Turn an open need into a wanted ad with one button: what, how many, category and description from the need,
    wanted until the day it is needed by (decision 0036). The need's page links to the ad from then on."""
    need = _need_or_404(request, uuid)
    if not (need.is_open and selectors.can_close_need(request.user, need)):
        raise Http404
    today = timezone.localdate()
    details = wanted_services.WantedDetails(
        what=need.what, quantity=need.quantity, category=need.category, description=need.description,
        expires_on=need.needed_by if need.needed_by >= today else None,
    )
    try:
        ad = wanted_services.post_wanted_ad(by=need.person, details=details, need=need.uuid)
    except WantedError as error:
        messages.error(request, error.message)
        return redirect("need_detail", uuid=need.uuid)
    messages.success(request, _("Your wanted ad is posted. You will be told when something matching it is "
                                "published."))
    return redirect("wanted_detail", uuid=ad.uuid)


def _report(request):
    if not selectors.can_read_report(request.user):
        raise Http404  # colleagues see their own needs; the report is for managers and admins
    departments = selectors.report_departments(user=request.user)
    whole = selectors.sees_whole_organisation(request.user)
    form = ReportForm(request.GET or None, departments=departments,
                      everything_label=_("The whole organisation") if whole else _("All my departments"))
    start, end = selectors.default_period()
    chosen = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["fran"] or start, form.cleaned_data["till"] or end
        chosen = form.cleaned_data["avdelning"]
        if end < start:  # only the start given, after today
            end = start
    allowed = selectors.managed_department_ids(request.user)
    if chosen is not None:
        ids = selectors.departments_under(department_id=chosen)
        ids = ids if allowed is None else ids & allowed
    else:
        ids = allowed
    report = selectors.compliance_report(start=start, end=end, department_ids=ids)
    return form, report


@login_required
@require_GET
def report(request):
    form, figures = _report(request)
    return render(request, "needs/report.html", {"form": form, "report": figures, "csv_query": request.GET.urlencode(),
                                                 "outcome_labels": dict(NeedStatus.choices)})


@login_required
@require_GET
def report_csv(request):
    figures = _report(request)[1]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="behov-{figures.start.isoformat()}-{figures.end.isoformat()}.csv"')
    response.write("\ufeff")  # Excel reads UTF-8 with a byte-order mark
    out = csv.writer(response, delimiter=";")
    out.writerow([_("Department"), _("Needs"), _("Open"), _("Reused"), _("Bought used"), _("Bought new"),
                  _("Share reused (%)"), _("kg CO₂e saved"), _("SEK saved")])
    for row in [*figures.departments, figures.total]:
        name = (f"{row.administration} › {row.department}" if row.administration else row.department) or _("Total")
        out.writerow([name, row.needs, row.open, row.reused, row.bought_used, row.bought_new,
                      "" if row.share_reused is None else row.share_reused, row.impact.co2e_kg,
                      row.impact.saved_sek])
    out.writerow([])
    out.writerow([_("Bought new"), _("Department"), _("Quantity"), _("Budget (SEK)"), _("Reason"), _("Note"),
                  _("Closed")])
    for need in figures.purchases:
        out.writerow([need.what, need.department.name, need.quantity, need.budget or "", need.get_reason_display(),
                      need.note, timezone.localtime(need.closed_at).date().isoformat()])
    return response
