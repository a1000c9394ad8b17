"""Writes of wanted ads (decision 0036): post one, close it, mark its matches seen, expire the ads whose day has
passed. Keyword-only arguments, one transaction each; refusals are ``WantedError``s. Matching what is published
against the open ads is wanted.matching."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog import selectors as catalog
from tenants.selectors import is_billing_read_only

from . import selectors
from .errors import READ_ONLY_MESSAGE, WantedError
from .models import DESCRIPTION_MAX_LENGTH, SEARCH_CONFIG, WHAT_MAX_LENGTH, WantedAd, WantedStatus

QUANTITY_MAX = 10_000
DEFAULT_DAYS = 60  # an ad is wanted for 60 days unless its person says otherwise
MAX_DAYS = 365


@dataclass(frozen=True)
class WantedDetails:
    what: str
    quantity: int = 1
    expires_on: date | None = None  # None: DEFAULT_DAYS from today
    category: object | None = None  # catalog's Category
    description: str = ""


def default_expiry(*, today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=DEFAULT_DAYS)


def keywords(*, what: str) -> list[str]:
    """The Swedish full-text lexemes of the words of ``what``, as catalog's search makes them of a query
    (``to_tsquery('swedish', 'word:*')``): stemmed, stop words left out, in order, each once."""
    terms = catalog.search_terms(query=what)
    if not terms:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lexeme FROM unnest(to_tsvector(%s::regconfig, %s)) ORDER BY positions[1]",
            [SEARCH_CONFIG, " ".join(terms)],
        )
        found = [lexeme for (lexeme,) in cursor.fetchall()]
    return list(dict.fromkeys(found))


def _check(details: WantedDetails, *, today: date) -> list[str]:
    what = details.what.strip()
    if not what:
        raise WantedError("what_required", _("Say what you are looking for."), field="what")
    if len(what) > WHAT_MAX_LENGTH:
        raise WantedError("what_too_long", _("Say it in at most 200 characters."), field="what")
    if len(details.description) > DESCRIPTION_MAX_LENGTH:
        raise WantedError("description_too_long", _("The description may be at most 2,000 characters."),
                          field="description")
    if not 1 <= details.quantity <= QUANTITY_MAX:
        raise WantedError("quantity_out_of_range", _("The quantity must be between 1 and 10,000."), field="quantity")
    expires_on = details.expires_on or default_expiry(today=today)
    if expires_on < today:
        raise WantedError("expires_on_past", _("The date has passed: say until when you want it, today or later."),
                          field="expires_on")
    if expires_on > today + timedelta(days=MAX_DAYS):
        raise WantedError("expires_on_too_far", _("A wanted ad runs for at most a year."), field="expires_on")
    found = keywords(what=what)
    if not found:
        raise WantedError("what_too_common", _("Use words that say what it is (“kontorsstol”, “projektor”): "
                                               "these words are too common to search for."), field="what")
    return found


def post_wanted_ad(*, by, details: WantedDetails, need=None) -> WantedAd:
    """Post what ``by`` is looking for. ``need``: the UUID of the need it is made from (one ad per need: a second
    refusal names the first)."""
    today = timezone.localdate()
    found = _check(details, today=today)
    if is_billing_read_only():  # an overdue payment to Delbar: nothing new is published (decision 0052)
        raise WantedError("read_only", READ_ONLY_MESSAGE, http_status=403)
    with transaction.atomic():
        if need is not None and (existing := selectors.ad_for_need(need=need)) is not None:
            raise WantedError("need_has_ad", _("This need already has a wanted ad."), http_status=409,
                              field=str(existing.uuid))
        return WantedAd.objects.create(
            person=by, what=details.what.strip(), description=details.description.strip(),
            category=details.category, category_key=getattr(details.category, "platform_key", "") or "",
            quantity=details.quantity, expires_on=details.expires_on or default_expiry(today=today),
            keywords=found, search_suffixes=catalog.title_endings(title=details.what), need=need,
        )


def close_wanted_ad(*, ad: WantedAd, by) -> WantedAd:
    """Close an open ad (found it, no longer needed): its person, or those who run the service."""
    with transaction.atomic():
        locked = WantedAd.objects.select_for_update().get(pk=ad.pk)
        if not selectors.can_close(by, locked):
            raise WantedError("not_allowed", _("Only the person who posted the wanted ad, or those who run the "
                                               "service, may close it."), http_status=403)
        if not locked.is_open:
            raise WantedError("not_open", _("This wanted ad is no longer open."), http_status=409)
        locked.status = WantedStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at"])
    return locked


def mark_seen(*, ad: WantedAd, by) -> None:
    """The ad's person has seen its matches (its page): the unread count starts again from now."""
    if by.pk != ad.person_id:
        return
    ad.seen_at = timezone.now()
    WantedAd.objects.filter(pk=ad.pk).update(seen_at=ad.seen_at)


def expire_ads(*, today: date) -> int:
    """Ads whose last day is before ``today`` expire (the daily job). One statement; returns how many."""
    return WantedAd.objects.filter(status=WantedStatus.OPEN, expires_on__lt=today).update(
        status=WantedStatus.EXPIRED, closed_at=timezone.now())


def backdate_ad(*, ad: WantedAd, created_at) -> WantedAd:
    """Move an ad's posting back (the demo's ads were posted over the past weeks)."""
    WantedAd.objects.filter(pk=ad.pk).update(created_at=created_at)
    ad.refresh_from_db()
    return ad


def match_listing(*, uuid, silent: bool = False) -> list[int]:
    """Match one of the organisation's published listings against its open ads now (wanted.matching), as its
    publication's outbox event does; ``silent``: the matches are recorded as told, no e-mail (the demo's)."""
    from . import matching

    return matching.match_listing(uuid=uuid, silent=silent)
