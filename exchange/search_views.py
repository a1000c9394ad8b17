"""The search of other organisations' offers (decision 0028): "I våra nätverk" and "Alla organisationer", next to
catalog's own search ("Hos oss", the page ``/``). Its own page, because catalog may not import the exchange; both
pages show the same scope links (templates/_search_scopes.html)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.formats import number_format
from django.views.decorators.http import require_GET

from catalog import selectors as catalog

from . import selectors
from .forms import OfferSearchForm
from .search import BROWSE_COUNT_LIMIT, Scope, count_capped

PAGE_SIZE = 24
# Offers counted at most, without words (a browse or filters only): "more than 1 000" beyond.
COUNT_LIMIT = BROWSE_COUNT_LIMIT


def _labelled(offers, labels: dict[str, dict[str, str]]) -> None:
    for offer in offers:
        offer.condition_label = labels["condition"].get(offer.condition, offer.condition)
        offer.offer_type_label = labels["offer_type"].get(offer.offer_type, offer.offer_type)
        offer.rent_period_label = labels["rent_period"].get(offer.rent_period, offer.rent_period)


@login_required
@require_GET
def offer_search(request):
    organisation_id = request.tenant.pk
    scope = Scope.EVERYONE if request.GET.get("omfang") == Scope.EVERYONE else Scope.NETWORKS
    organisations = selectors.offering_organisations(organisation_id=organisation_id, scope=scope)
    form = OfferSearchForm(request.GET or None, organisations=organisations, initial={"omfang": scope})
    form.is_valid()
    # A stale value (a category removed, an organisation gone since the address was bookmarked) drops that filter.
    filters = getattr(form, "cleaned_data", {})
    category = catalog.category(pk=filters["category"]) if filters.get("category") else None
    offers = selectors.search_offers(
        organisation_id=organisation_id,
        scope=scope,
        query=filters.get("q", ""),
        category_keys=catalog.platform_keys_under(category=category) if category is not None else None,
        offer_type=filters.get("offer_type", ""),
        offering_organisation_id=filters.get("organisation"),
    )
    offers = count_capped(offers, limit=COUNT_LIMIT)
    page = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("sida"))
    _labelled(page.object_list, catalog.offer_labels())
    selectors.with_cover_photos(offers=page.object_list)
    query_string = request.GET.copy()
    query_string.pop("sida", None)
    query_string["omfang"] = scope
    context = {
        "form": form,
        "scope": scope,
        "page": page,
        "query": filters.get("q", ""),
        "filtered": any(filters.get(name) for name in ("q", "category", "offer_type", "organisation")),
        "query_string": query_string.urlencode(),
        "capped": getattr(offers, "capped", False),
        "corrected_query": getattr(offers, "corrected_query", ""),
        "ranked_limit": catalog.search_ranked_limit(),
        "more_than_counted": getattr(offers, "more_than", False),
        "count_limit": number_format(COUNT_LIMIT, force_grouping=True),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, "exchange/_offer_results.html" if partial else "exchange/offer_search.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response
