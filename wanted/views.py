"""The wanted-ad pages (decision 0036): the organisation's open ads, searchable ("Efterlysningar"), post one, my
ads with their unread matches, an ad with its matches, what is available now and "I have one", and closing it."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog import selectors as catalog

from . import selectors, services
from .errors import WantedError
from .forms import SearchForm, WantedForm


@login_required
@require_GET
def wanted_list(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.open_ads(query=query), selectors.PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(request, "wanted/wanted_list.html", {"form": form, "page": page, "query": query})


@login_required
@require_http_methods(["GET", "POST"])
def wanted_create(request):
    form = WantedForm(request.POST or None, categories=catalog.category_choices(),
                      initial={"expires_on": services.default_expiry(), "quantity": 1})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = services.WantedDetails(
            what=data["what"], quantity=data["quantity"], expires_on=data["expires_on"],
            category=catalog.category(pk=data["category"]) if data["category"] else None,
            description=data["description"],
        )
        try:
            ad = services.post_wanted_ad(by=request.user, details=details)
        except WantedError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your wanted ad is posted. You will be told when something matching it "
                                        "is published."))
            return redirect("wanted_detail", uuid=ad.uuid)
    return render(request, "wanted/wanted_form.html", {"form": form})


@login_required
@require_GET
def my_wanted(request):
    ads = list(selectors.my_ads(user=request.user))
    return render(request, "wanted/my_wanted.html", {"ads": ads})


def _ad_or_404(request, uuid):
    ad = selectors.ad_for(uuid=uuid, user=request.user)
    if ad is None:
        raise Http404
    return ad


@login_required
@require_GET
def wanted_detail(request, uuid):
    ad = _ad_or_404(request, uuid)
    matches = selectors.matches_of(ad=ad)
    unread_since = ad.seen_at
    mine = ad.person_id == request.user.pk
    if mine:
        services.mark_seen(ad=ad, by=request.user)
    subject = _("Your wanted ad on Delbar: %(what)s") % {"what": ad.what}
    return render(request, "wanted/wanted_detail.html", {
        "ad": ad, "matches": matches, "unread_since": unread_since, "mine": mine,
        "can_close": ad.is_open and selectors.can_close(request.user, ad),
        "available": selectors.available_now(ad=ad, organisation_id=request.tenant.pk) if ad.is_open else None,
        "mailto": f"mailto:{ad.person.email}?subject={quote(subject)}",
    })


@login_required
@require_POST
def wanted_close(request, uuid):
    ad = _ad_or_404(request, uuid)
    try:
        services.close_wanted_ad(ad=ad, by=request.user)
    except WantedError as error:
        if error.http_status == 403:
            raise Http404 from error
        messages.error(request, error.message)
    else:
        messages.success(request, _("The wanted ad is closed."))
    return redirect("wanted_detail", uuid=ad.uuid)
