"""The networks pages on an organisation's host, for its admins: the networks it is in, invitations to answer,
inviting another organisation, leaving. Each view checks the role, then calls exchange.services with the
organisation's id and a snapshot of the person acting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog import selectors as catalog_selectors
from catalog import services as catalog_services
from catalog.errors import CatalogError
from impact import selectors as impact_selectors
from platform_ import charts

from . import selectors, services
from .errors import ExchangeError
from .forms import AnswerForm, DefaultReachForm, InviteForm, NetworkForm, OrganisationSearchForm


def _actor(request) -> services.Actor:
    """The organisation of this host and the person acting for it, as a snapshot (their UUID once staff have one)."""
    user = request.user
    return services.Actor(
        organisation_id=request.tenant.pk, name=user.get_full_name(), email=user.email,
        person=getattr(user, "uuid", None),
    )


def _require_org_admin(request) -> None:
    if not request.user.is_org_admin:
        raise PermissionDenied


def _network_or_404(request, pk: int):
    network = selectors.network_for(pk=pk, organisation_id=request.tenant.pk)
    if network is None:
        raise Http404
    return network


@login_required
def networks(request):
    _require_org_admin(request)
    form = NetworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            network = services.create_network(name=form.cleaned_data["name"], by=_actor(request))
        except ExchangeError as refused:
            form.add_error("name", refused.message)
        else:
            messages.success(request, _("The network “%(name)s” is created. Invite the organisations you share with.")
                             % {"name": network.name})
            return redirect("network_detail", pk=network.pk)
    organisation_id = request.tenant.pk
    return render(request, "exchange/networks.html", {
        "networks": list(selectors.networks_of(organisation_id=organisation_id)),
        "invitations": list(selectors.open_invitations(organisation_id=organisation_id)),
        "form": form,
        "reach_form": DefaultReachForm(initial={"default_reach": catalog_selectors.default_reach()}),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def default_reach(request):
    """How far the organisation's new listings are shared by default (kept with its listings, in its schema)."""
    _require_org_admin(request)
    form = DefaultReachForm(request.POST)
    if form.is_valid():
        reach = form.cleaned_data["default_reach"]
        try:
            catalog_services.set_default_reach(by=request.user, reach=reach)
        except CatalogError as refused:
            messages.error(request, refused.message)
        else:
            label = dict(catalog_selectors.reach_choices())[reach]
            messages.success(request, _("Saved: new listings are visible to “%(reach)s” unless their poster "
                                        "chooses otherwise.") % {"reach": label})
    else:
        messages.error(request, _("Choose who new listings are visible to."))
    return redirect("networks")


@login_required
def network_detail(request, pk: int):
    _require_org_admin(request)
    network = _network_or_404(request, pk)
    search = OrganisationSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    found = selectors.invitable_organisations(network=network, name_contains=query) if query else []
    memberships = network.shown_memberships
    members = [m for m in memberships if m.state == "member"]
    years = _figure_years(network)
    try:
        year = int(request.GET.get("ar", years[0]))
    except ValueError:
        year = years[0]
    if year not in years:
        year = years[0]
    start, end = catalog_selectors.statistics_period(year=year)
    figures = selectors.network_figures(members={m.organisation_id: m.organisation.name for m in members},
                                        start=start, end=end)
    offer_types = catalog_selectors.offer_labels()["offer_type"]
    # CO₂e and SEK of the deals between the members (decision 0032), per month for the charts; the year's total is
    # their sum (one query for both).
    impact_by_month = selectors.network_impact_by_month(members=[m.organisation_id for m in members], start=start,
                                                        end=end)
    total = impact_selectors.Impact()
    for figures_of_month in impact_by_month.values():
        total.add(figures_of_month)
    months = [NetworkMonth(month=date(year, m, 1), items=figures.items_by_month.get(m, 0),
                           impact=impact_by_month.get(m, impact_selectors.Impact())) for m in range(1, 13)]
    return render(request, "exchange/network_detail.html", {
        "network": network,
        "members": members,
        "invited": [m for m in memberships if m.state == "invited"],
        "search": search,
        "query": query,
        "found": found,
        "figures": figures,
        "by_offer_type": [(offer_types.get(row.offer_type, row.offer_type), row) for row in figures.by_offer_type],
        "year": year,
        "years": years,
        "impact": total,
        "months": months,
        "charts": charts.network_charts(year=year, months=months),  # decision 0034
    })


@dataclass(frozen=True)
class NetworkMonth:
    month: date
    items: int
    impact: impact_selectors.Impact


def _figure_years(network) -> list[int]:
    """The years a network's figures may be shown for: from the year it was made to this one, newest first."""
    this_year = timezone.localdate().year
    first = min(timezone.localtime(network.created_at).year, this_year)
    return list(range(this_year, first - 1, -1))


@login_required
@require_POST
def network_invite(request, pk: int):
    _require_org_admin(request)
    network = _network_or_404(request, pk)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an organisation to invite."))
        return redirect("network_detail", pk=network.pk)
    try:
        membership = services.invite_organisation(
            network=network, organisation_id=form.cleaned_data["organisation"], by=_actor(request)
        )
    except ExchangeError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("%(name)s is invited. Its organisation admins have been e-mailed.")
                         % {"name": membership.organisation.name})
    return redirect("network_detail", pk=network.pk)


@login_required
@require_POST
def network_answer(request, pk: int):
    _require_org_admin(request)
    network = selectors.invitation_for(network_pk=pk, organisation_id=request.tenant.pk)
    if network is None:
        raise Http404
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return redirect("networks")
    accept = form.cleaned_data["answer"] == "accept"
    try:
        if accept:
            services.accept_invitation(network=network, by=_actor(request))
        else:
            services.decline_invitation(network=network, by=_actor(request))
    except ExchangeError as refused:
        messages.error(request, refused.message)
        return redirect("networks")
    if accept:
        messages.success(request, _("Your organisation is now a member of “%(name)s”.") % {"name": network.name})
        return redirect("network_detail", pk=network.pk)
    messages.success(request, _("You have declined the invitation to “%(name)s”.") % {"name": network.name})
    return redirect("networks")


@login_required
def network_leave(request, pk: int):
    _require_org_admin(request)
    network = _network_or_404(request, pk)
    if request.method == "POST":
        try:
            services.leave_network(network=network, by=_actor(request))
        except ExchangeError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Your organisation has left “%(name)s”.") % {"name": network.name})
        return redirect("networks")
    return render(request, "exchange/network_leave.html", {"network": network})
