"""Matching what is published against the open wanted ads, and the alerts (decision 0036).

```
catalog: listing published ─▶ org outbox "catalog.listing_published" ─▶ listing_published (org schema, one tx)
exchange: new offer ─▶ public outbox "exchange.offer_published" ─▶ offer_published (public): for each active partner
     organisation, after the commit, the task wanted.tasks.match_offers in that organisation's schema (its own tx)
daily (wanted.jobs): the offers of the last two days again (a task lost with the broker), e-mails still owed
```

**One query per thing published.** An ad's ``keywords`` are the lexemes of its words (wanted.services.keywords).
Catalog's search finds a listing for the words when every word, as a prefix, matches one of the listing's lexemes
(``to_tsquery('swedish', 'w1:* & w2:*') @@ search_vector``). Turned round: the listing matches the ad when every
keyword is a prefix of one of its lexemes, i.e. when ``keywords <@ P``, P being every prefix of every lexeme of the
listing's vector — a few hundred strings, computed in SQL from the vector. ``<@`` on an array is what a GIN index
answers: PostgreSQL looks up P's entries in the index of open ads and rechecks the few it finds, instead of testing
10,000 ads one by one. The same statement inserts the matches (``ON CONFLICT DO NOTHING``), so it returns only the
ads newly matched.

**E-mail at most once a day per ad.** The ads newly matched whose ``last_emailed_on`` is not today are locked
(``SELECT … FOR UPDATE``, so two matchers at once e-mail an ad once) and set to today, and each gets one e-mail
listing its matches not e-mailed yet, all written to the outbox in one statement (``enqueue_emails``), under the key
``wanted:<ad>:<day>``. A match found later the same day waits for the daily job, which e-mails what is owed
(wanted.jobs). Eight statements in all (the organisation, which ads are due, their locks, the day claimed, the
matches owed, marked, the e-mails, and the bell's notification of each e-mail — decision 0047), whatever the number
of ads. The header's own badge of unread matches is gone: the bell tells the person.

**Across organisations without one transaction for both.** The exchange's event is handled in public, where it only
reads who the partners are and queues a task per partner organisation after its commit. Each task runs in its
organisation's schema, in a transaction of its own, where it reads the offers (public tables, read only) and writes
its matches and e-mails in its own schema. A task lost with the broker is made up by the daily job.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from catalog import selectors as catalog
from exchange import selectors as exchange
from notifications import services as notifications
from outbox import services as outbox
from tenants import selectors as organisations

from .models import MatchSource, WantedAd, WantedMatch

log = logging.getLogger("delbar.wanted")

# The events of the apps below, by their kinds (catalog.publication.PUBLISHED_KIND,
# exchange.services.OFFER_PUBLISHED_KIND).
LISTING_PUBLISHED = "catalog.listing_published"
OFFER_PUBLISHED = "exchange.offer_published"
CATCH_UP = timedelta(days=2)  # the daily job matches the offers written in the last two days again
OFFERS_PER_RUN = 2000

_MATCH_SQL = """
INSERT INTO {match} (ad_id, source, organisation_id, organisation_name, listing, offer, title, found_at, emailed_at)
SELECT ad.id, %(source)s, %(organisation)s, %(organisation_name)s, %(listing)s, %(offer)s, %(title)s, %(now)s,
       %(emailed_at)s
FROM {ad} ad
WHERE ad.status = 'open' AND ad.expires_on >= %(today)s AND ad.created_at <= %(now)s
  AND ad.keywords <@ ARRAY(
      SELECT DISTINCT left(u.lexeme, k)
      FROM unnest(%(vector)s::tsvector) AS u(lexeme, positions, weights), generate_series(1, length(u.lexeme)) AS k
  )
  AND {category}
ON CONFLICT (ad_id, organisation_id, listing) DO NOTHING
RETURNING ad_id
"""
# A listing of ours: an ad without a category, or whose category is the listing's or one above it.
_OWN_CATEGORY = "(ad.category_id IS NULL OR ad.category_id = ANY(%(categories)s))"
# Another organisation's offer: by platform key, the offer's or one above it; an ad whose category has no key finds
# nothing beyond the organisation (decision 0028).
_KEY_CATEGORY = "((ad.category_id IS NULL AND ad.category_key = '') OR ad.category_key = ANY(%(keys)s))"


def _sql(category: str) -> str:
    quote = connection.ops.quote_name
    return _MATCH_SQL.format(match=quote(WantedMatch._meta.db_table), ad=quote(WantedAd._meta.db_table),
                             category=category)


def keys_above(key: str) -> list[str]:
    """A platform key and every key above it: "furniture.office_chairs" → ["furniture", "furniture.office_chairs"]."""
    parts = key.split(".") if key else []
    return [".".join(parts[: n + 1]) for n in range(len(parts))]


def _today() -> date:
    organisation = organisations.current_organisation()
    zone = ZoneInfo(organisation.time_zone) if organisation is not None and organisation.time_zone else None
    return timezone.localdate(timezone=zone) if zone else timezone.localdate()


def match_vector(*, vector: str, source: str, organisation_id: int, organisation_name: str, listing, title: str,
                 offer: int | None = None, categories: list[int] | None = None, keys: list[str] | None = None,
                 today: date, now: datetime, emailed_at: datetime | None = None) -> list[int]:
    """Record a match for every open ad the searchable ``vector`` (a tsvector's text) of one listing or offer
    matches, in one statement; returns the ids of the ads newly matched. ``emailed_at``: record them as told
    already (the demo's matches, which never send e-mail)."""
    params = {"emailed_at": emailed_at, "source": source,
              "organisation": organisation_id, "organisation_name": organisation_name[:200],
              "listing": str(listing), "offer": offer, "title": title[:200], "now": now, "today": today,
              "vector": vector or "", "categories": categories or [], "keys": keys or []}
    with connection.cursor() as cursor:
        cursor.execute(_sql(_OWN_CATEGORY if source == MatchSource.LISTING else _KEY_CATEGORY), params)
        return [ad for (ad,) in cursor.fetchall()]


# ------------------------------------------------------------------------------------------------- e-mails


def _email(ad: WantedAd, matches: list[WantedMatch], *, base_url: str, organisation_name: str,
           day: date) -> outbox.Email:
    with translation.override(settings.LANGUAGE_CODE):
        context = {"ad": ad, "matches": matches, "organisation_name": organisation_name,
                   "ad_url": base_url + reverse("wanted_detail", args=[ad.uuid]), "base_url": base_url}
        subject = render_to_string("wanted/email/alert_subject.txt", context)
        body = render_to_string("wanted/email/alert_body.txt", context)
    return outbox.Email(key=f"wanted:{ad.uuid}:{day.isoformat()}", to=[ad.person.email], subject=subject, body=body)


def send_alerts(*, ad_ids, today: date) -> int:
    """E-mail the people of ``ad_ids`` not e-mailed today about their matches not e-mailed yet: at most one e-mail
    a day per ad. A fixed number of statements, however many ads. Returns how many e-mails were written."""
    ad_ids = sorted(set(ad_ids))
    if not ad_ids:
        return 0
    due = list(
        WantedAd.objects.filter(pk__in=ad_ids, status="open")
        .exclude(last_emailed_on__gte=today)
        .filter(matches__emailed_at__isnull=True).distinct()
        .values_list("pk", flat=True)
    )
    if not due:
        return 0
    # Claim the day under the rows' locks: of two matchers at once, one e-mails the ad.
    claimed = list(
        WantedAd.objects.filter(pk__in=due).exclude(last_emailed_on__gte=today)
        .select_for_update().values_list("pk", flat=True)
    )
    if not claimed:
        return 0
    WantedAd.objects.filter(pk__in=claimed).update(last_emailed_on=today)
    now = timezone.now()
    owed = list(WantedMatch.objects.filter(ad_id__in=claimed, emailed_at__isnull=True)
                .select_related("ad__person").order_by("ad_id", "-found_at", "-pk"))
    WantedMatch.objects.filter(pk__in=[match.pk for match in owed]).update(emailed_at=now)
    by_ad: dict[int, list[WantedMatch]] = defaultdict(list)
    for match in owed:
        by_ad[match.ad_id].append(match)
    organisation = organisations.current_organisation()
    base_url = organisations.organisation_base_url(organisation=organisation) if organisation else ""
    name = organisation.name if organisation else ""
    told = [matches for matches in by_ad.values() if matches[0].ad.person.email]
    emails = [_email(matches[0].ad, matches, base_url=base_url, organisation_name=name, day=today) for matches in told]
    # The bell tells the same (decision 0047): one notification per e-mail, under its key.
    notifications.notify_many(notices=[
        notifications.Notice(recipient_id=matches[0].ad.person_id, kind="wanted.match", text=email.subject,
                             link=reverse("wanted_detail", args=[matches[0].ad.uuid]), key=email.key)
        for matches, email in zip(told, emails, strict=True)
    ])
    return outbox.enqueue_emails(emails=emails)


# ------------------------------------------------------------------------------------- a listing of our own


def match_listing(*, uuid, notify: bool = True, silent: bool = False) -> list[int]:
    """Match one of the organisation's listings, if published, against its open ads; record the matches and e-mail
    the people (``notify``; ``silent``: never, the matches recorded as told — the demo's). Returns the ids of the ads
    newly matched."""
    listing = catalog.listing_by_uuid(uuid=uuid)
    if listing is None or listing.status != "published":
        return []
    today, now = _today(), timezone.now()
    organisation = organisations.current_organisation()
    with transaction.atomic():
        ads = match_vector(
            vector=listing.search_vector, source=MatchSource.LISTING, organisation_id=organisation.pk,
            organisation_name=organisation.name, listing=listing.uuid, title=listing.title,
            categories=catalog.category_ancestry(listing.category), today=today, now=now,
            emailed_at=now if silent else None,
        )
        if notify and not silent:
            send_alerts(ad_ids=ads, today=today)
    return ads


def listing_published(message) -> None:
    """The outbox handler of ``catalog.listing_published`` (in the organisation's schema)."""
    match_listing(uuid=message.payload["listing"])


# ------------------------------------------------------------------------------- other organisations' offers


def offer_published(message) -> None:
    """The outbox handler of ``exchange.offer_published`` (public): queue the matching in each active organisation
    that shares a network with the offering one, after this transaction commits. Nothing is written in their
    schemas here."""
    offering = message.payload["organisation"]
    partners = exchange.partner_organisation_ids(organisation_id=offering)
    schemas = list(organisations.active_organisations().filter(pk__in=partners).values_list("schema_name", flat=True))
    offer = message.payload["offer"]
    for schema_name in schemas:
        transaction.on_commit(lambda schema_name=schema_name: request_offer_matching(
            schema_name=schema_name, offer_ids=[offer]))


def request_offer_matching(*, schema_name: str, offer_ids: list[int] | None = None) -> bool:
    """Queue wanted.tasks.match_offers in the organisation's schema. Never raises: the daily job makes up a task
    the broker did not take."""
    from .tasks import match_offers

    try:
        match_offers.apply_async(args=[schema_name], kwargs={"offer_ids": offer_ids},
                                 headers={"_schema_name": schema_name}, retry=False)
    except Exception:  # noqa: BLE001 — whatever the broker's client raises, the daily job covers it
        log.warning("Could not queue the wanted-ad matching for %s; the daily job will.", schema_name, exc_info=True)
        return False
    return True


def match_offers(*, offer_ids: list[int] | None = None, since: datetime | None = None,
                 notify: bool = True) -> list[int]:
    """Match offers of the organisation's network partners — ``offer_ids``, or those written since ``since`` — that
    it may see now against its open ads, in its schema and one transaction; e-mail the people (``notify``). One
    statement per offer, and the e-mails' seven."""
    organisation = organisations.current_organisation()
    offers = exchange.offers_visible_to(organisation_id=organisation.pk).filter(
        organisation_id__in=exchange.partner_organisation_ids(organisation_id=organisation.pk))
    if offer_ids is not None:
        offers = offers.filter(pk__in=list(offer_ids))
    elif since is not None:
        offers = offers.filter(updated_at__gte=since)
    offers = offers.order_by("updated_at", "pk").only(
        "pk", "listing", "title", "category_key", "search_vector", "organisation__name")[:OFFERS_PER_RUN]
    today, now = _today(), timezone.now()
    matched: list[int] = []
    with transaction.atomic():
        for offer in offers:
            matched += match_vector(
                vector=offer.search_vector, source=MatchSource.OFFER, organisation_id=offer.organisation_id,
                organisation_name=offer.organisation.name, listing=offer.listing, offer=offer.pk, title=offer.title,
                keys=keys_above(offer.category_key), today=today, now=now,
            )
        if notify:
            send_alerts(ad_ids=matched, today=today)
    return matched
