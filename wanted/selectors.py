"""Reads of wanted ads (decision 0036): who sees which, the open ads searched by staff, one person's ads with their
unread matches, an ad's matches, and what the organisation and its networks hold for it now. Each a fixed number of
queries whatever the data (tests/test_wanted.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import SearchRank
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.roles import Role
from catalog import selectors as catalog
from exchange import selectors as exchange

from .models import WantedAd, WantedMatch, WantedStatus

RUNS_THE_SERVICE = (Role.OPERATOR, Role.ORG_ADMIN)
PAGE_SIZE = 50
MATCHES_SHOWN = 6


def runs_the_service(user) -> bool:
    return user.is_authenticated and user.is_active and user.role in RUNS_THE_SERVICE


def can_see(user, ad: WantedAd) -> bool:
    """Open ads are for every colleague to answer; a closed or expired one only for its person and those who run
    the service."""
    if not (user.is_authenticated and user.is_active):
        return False
    return ad.is_open or ad.person_id == user.pk or runs_the_service(user)


def can_close(user, ad: WantedAd) -> bool:
    return user.is_authenticated and user.is_active and (ad.person_id == user.pk or runs_the_service(user))


def _ads() -> QuerySet[WantedAd]:
    return WantedAd.objects.select_related("person", "category", "category__parent").defer(
        "search_vector", "search_suffixes", "keywords")


def open_ads(*, query: str = "", category=None) -> QuerySet[WantedAd]:
    """Open ads, newest first; with words, those matching every word as catalog's search does (Swedish full text of
    what and the description, endings of the words of what), best first."""
    ads = _ads().filter(status=WantedStatus.OPEN, expires_on__gte=timezone.localdate())
    if category is not None:
        ads = ads.filter(category_id__in=catalog.category_and_descendants(category))
    terms = catalog.search_terms(query=query)
    if not terms:
        return ads.order_by("-created_at", "-pk")
    text = catalog.text_search_query(terms=terms)
    return ads.filter(search_vector=text).annotate(
        rank=SearchRank(F("search_vector"), text, weights=catalog.search_rank_weights())
    ).order_by("-rank", "-created_at", "-pk")


def my_ads(*, user) -> QuerySet[WantedAd]:
    """``user``'s ads, open ones first, each with ``match_count`` and ``unread`` (found since they last looked)."""
    unread = Q(matches__found_at__gt=F("seen_at")) | Q(seen_at__isnull=True, matches__isnull=False)
    return (
        _ads().filter(person=user)
        .annotate(match_count=Count("matches"), unread=Count("matches", filter=unread))
        .order_by(Case(When(status=WantedStatus.OPEN, then=Value(0)), default=Value(1),
                       output_field=IntegerField()), "-created_at", "-pk")
    )


def unread_count(*, user) -> int:
    """How many matches of ``user``'s open ads they have not seen yet (one query)."""
    return WantedMatch.objects.filter(ad__person=user, ad__status=WantedStatus.OPEN).filter(
        Q(ad__seen_at__isnull=True) | Q(found_at__gt=F("ad__seen_at"))).count()


def ad_for(*, uuid, user) -> WantedAd | None:
    ad = _ads().filter(uuid=uuid).first()
    return ad if ad is not None and can_see(user, ad) else None


def ad_for_need(*, need) -> WantedAd | None:
    """The ad made from the need (its UUID), if any."""
    return WantedAd.objects.filter(need=need).only("pk", "uuid", "what", "status").first()


def ads_of(*, person) -> QuerySet[WantedAd]:
    """Every ad of one person (the demo finds its own again)."""
    return WantedAd.objects.filter(person=person)


def matches_of(*, ad: WantedAd) -> list[WantedMatch]:
    """What was found for the ad after it was posted, newest first (one query)."""
    return list(ad.matches.order_by("-found_at", "-pk"))


def ads_owed_an_email() -> list[int]:
    """Open ads with matches not e-mailed yet (the daily job sends them)."""
    return list(WantedMatch.objects.filter(emailed_at__isnull=True, ad__status=WantedStatus.OPEN)
                .values_list("ad_id", flat=True).distinct())


@dataclass
class Available:
    """What the organisation's listings and its network partners' offers hold for an ad now (as a need's page)."""

    own_count: int
    own: list
    network_count: int
    network: list


def available_now(*, ad: WantedAd, organisation_id: int, shown: int = MATCHES_SHOWN) -> Available:
    """The same Swedish search as the search pages, with the ad's words and category: a fixed number of queries."""
    own = catalog.search_listings(query=ad.what, category=ad.category)
    network = exchange.search_offers(
        organisation_id=organisation_id, scope="natverk", query=ad.what,
        category_keys=catalog.platform_keys_under(category=ad.category) if ad.category is not None else None,
    )
    return Available(own_count=own.count(), own=list(own[:shown]), network_count=network.count(),
                     network=list(network[:shown]))
