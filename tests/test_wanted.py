"""Wanted ads (issue 10 part 4, decision 0036): posted, searched by staff, matched against what is published in the
organisation and by its network partners with one query over a GIN index, alerts in the product and by e-mail at
most once a day per ad through the outbox, expiry, a need turned into an ad, pages in Swedish and English with
query counts flat with the data, and another organisation's person getting 404."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from catalog import selectors as catalog_selectors
from catalog import services as catalog_services
from catalog.models import Category, Listing
from needs import services as needs_services
from notifications.models import Notification
from outbox.models import OutboxMessage
from wanted import jobs, matching, selectors, services
from wanted.errors import WantedError
from wanted.models import WantedAd, WantedMatch, WantedStatus

from .catalog_factories import make_listing
from .conftest import client_for, user_in
from .deal_support import relay as _relay
from .deal_support import shared_listing

pytestmark = pytest.mark.django_db

WORD = "pallkudde"  # a word no demo listing or ad has


def relay(*organisations) -> None:
    """Make catalog's and the exchange's events due now (they wait a second, for the sweep or the next relay), and
    relay every outbox, as the worker would."""
    for schema in [o.schema_name for o in organisations] + [get_public_schema_name()]:
        with schema_context(schema):
            OutboxMessage.objects.filter(delivered_at__isnull=True, kind__in=[
                matching.LISTING_PUBLISHED, matching.OFFER_PUBLISHED]).update(available_at=timezone.now())
    _relay(*organisations)


def _post(organisation, local: str = "personal", *, what: str = WORD, category: str | None = None,
          **details) -> WantedAd:
    person = user_in(organisation, local)
    with schema_context(organisation.schema_name):
        return services.post_wanted_ad(by=person, details=services.WantedDetails(
            what=what, category=Category.objects.get(name=category) if category else None, **details))


def _publish(organisation, *, title: str = "Pallkuddar blå, fyra stycken", author: str = "operator", **details):
    with schema_context(organisation.schema_name):
        return make_listing(author=user_in(organisation, author), title=title, **details)


def _matches(organisation, ad) -> list[WantedMatch]:
    with schema_context(organisation.schema_name):
        return list(WantedMatch.objects.filter(ad=ad).order_by("pk"))


def _alerts(organisation) -> list[OutboxMessage]:
    with schema_context(organisation.schema_name):
        return list(OutboxMessage.objects.filter(key__startswith="wanted:").order_by("pk"))


# --- posting -------------------------------------------------------------------------------------------------------


def test_posting_keeps_the_words_as_swedish_lexemes_and_wants_it_for_sixty_days_by_default(ystad):
    ad = _post(ystad, what="Kontorsstolar och skrivbord")

    assert ad.keywords == ["kontorsstol", "skrivbord"]  # stemmed, "och" left out
    assert ad.expires_on == timezone.localdate() + timedelta(days=60)
    assert ad.status == WantedStatus.OPEN and ad.person == user_in(ystad, "personal")


@pytest.mark.parametrize(("details", "code"), [
    ({"what": "  "}, "what_required"),
    ({"what": "och att"}, "what_too_common"),
    ({"quantity": 0}, "quantity_out_of_range"),
    ({"expires_on": "past"}, "expires_on_past"),
    ({"expires_on": "far"}, "expires_on_too_far"),
])
def test_posting_refuses_bad_input(ystad, details, code):
    if details.get("expires_on") == "past":
        details["expires_on"] = timezone.localdate() - timedelta(days=1)
    if details.get("expires_on") == "far":
        details["expires_on"] = timezone.localdate() + timedelta(days=400)
    with pytest.raises(WantedError) as refused:
        _post(ystad, **details)
    assert refused.value.code == code


# --- matching inside the organisation ------------------------------------------------------------------------------


def test_a_listing_published_in_the_organisation_matches_the_ad_and_tells_its_person(ystad, media):
    # given a colleague's wanted ad
    ad = _post(ystad)
    mail.outbox.clear()

    # when the operator publishes a matching listing ("pallkudde" inside "Pallkuddar"), and the outbox relays
    listing = _publish(ystad)
    relay(ystad)

    # then the ad has the match, and one e-mail to its person names it and links to the ad
    assert [(m.title, m.listing, m.source) for m in _matches(ystad, ad)] == [(listing.title, listing.uuid, "listing")]
    sent = [m for m in mail.outbox if ad.what in m.subject]
    assert len(sent) == 1 and sent[0].to == [user_in(ystad, "personal").email]
    assert listing.title in sent[0].body and f"/efterlysningar/{ad.uuid}/" in sent[0].body


def test_matching_is_catalogs_search_turned_round(ystad, media):
    # given ads whose words do and do not find the listing with catalog's own search
    listing = _publish(ystad, title="Höj- och sänkbart skrivbord Zq7", description="Elektriskt, vit skiva.")
    hits = [_post(ystad, what=w) for w in ("skrivbord", "sänkbara skrivborden", "elektriska", "bord zq7")]
    misses = [_post(ystad, what=w) for w in ("skrivbordsstol", "svart skrivbord", "zq8")]

    # when the listing is matched
    with schema_context(ystad.schema_name):
        matched = set(matching.match_listing(uuid=listing.uuid, notify=False))

    # then exactly the ads whose words catalog's full-text query finds it for (its search before any correction
    # of misspelt words)
    with schema_context(ystad.schema_name):
        for ad in hits + misses:
            query = catalog_selectors.text_search_query(terms=catalog_selectors.search_terms(query=ad.what))
            found = Listing.objects.filter(pk=listing.pk, search_vector=query).exists()
            assert (ad.pk in matched) == found, ad.what
    assert {ad.pk for ad in hits} == matched


def test_the_category_narrows_the_match(ystad, media):
    chairs = _post(ystad, what=WORD, category="Kontorsstolar")
    furniture = _post(ystad, what=WORD, category="Möbler")
    desks = _post(ystad, what=WORD, category="Skrivbord")

    listing = _publish(ystad, category_name="Kontorsstolar")
    with schema_context(ystad.schema_name):
        matched = set(matching.match_listing(uuid=listing.uuid, notify=False))

    assert matched == {chairs.pk, furniture.pk}
    assert desks.pk not in matched


def test_a_draft_or_a_closed_or_expired_ad_gets_no_match(ystad, media):
    closed = _post(ystad)
    with schema_context(ystad.schema_name):
        services.close_wanted_ad(ad=closed, by=user_in(ystad, "personal"))
    draft = _publish(ystad, publish=False)
    with schema_context(ystad.schema_name):
        assert matching.match_listing(uuid=draft.uuid) == []
    listing = _publish(ystad)
    with schema_context(ystad.schema_name):
        assert closed.pk not in matching.match_listing(uuid=listing.uuid)


def test_publishing_writes_the_event_once_and_an_edit_or_a_reopening_does_not(ystad, media):
    # given a draft
    with schema_context(ystad.schema_name):
        listing = make_listing(author=user_in(ystad, "operator"), title=f"Utkast {WORD}", publish=False)
        before = OutboxMessage.objects.filter(kind=matching.LISTING_PUBLISHED, payload__listing=str(listing.uuid))
        assert not before.exists()

        # when it is published, then edited
        published = catalog_services.publish_listing(listing=listing, by=user_in(ystad, "operator"))
        catalog_services.update_listing(listing=published, editor=user_in(ystad, "operator"),
                                        details=_details_of(published, title=f"Utkast {WORD} ändrad"))

        # then one event, for the publication
        assert before.count() == 1


def _details_of(listing, **changes):
    from catalog.services import ListingDetails
    values = dict(title=listing.title, description=listing.description, category=listing.category,
                  department=listing.department, contact_person=listing.contact_person, quantity=listing.quantity)
    values.update(changes)
    return ListingDetails(**values)


# --- e-mail at most once a day -------------------------------------------------------------------------------------


def test_at_most_one_email_a_day_per_ad_and_the_rest_the_next_morning(ystad, media):
    # given an ad, and a first listing matched today
    ad = _post(ystad)
    first = _publish(ystad, title=f"{WORD} röd")
    second = _publish(ystad, title=f"{WORD} grön")
    today = timezone.localdate()
    with schema_context(ystad.schema_name):
        matching.match_listing(uuid=first.uuid)

        # when a second matches the same day
        matching.match_listing(uuid=second.uuid)

        # then both are on the ad, but one e-mail was written
        assert WantedMatch.objects.filter(ad=ad).count() == 2
        assert [m.key for m in _alerts(ystad)] == [f"wanted:{ad.uuid}:{today.isoformat()}"]
        assert WantedMatch.objects.get(ad=ad, listing=second.uuid).emailed_at is None

        # and the next morning's job e-mails the second, once
        jobs.daily(organisation=ystad, local_date=today + timedelta(days=1))
        jobs.daily(organisation=ystad, local_date=today + timedelta(days=1))
    keys = [m.key for m in _alerts(ystad)]
    assert keys == [f"wanted:{ad.uuid}:{today.isoformat()}", f"wanted:{ad.uuid}:{(today + timedelta(days=1))}"]
    assert second.title in _alerts(ystad)[1].payload["body"] and first.title not in _alerts(ystad)[1].payload["body"]


def test_the_daily_job_expires_ads_past_their_day(ystad):
    ad = _post(ystad, expires_on=timezone.localdate())
    with schema_context(ystad.schema_name):
        jobs.daily(organisation=ystad, local_date=timezone.localdate())
        assert WantedAd.objects.get(pk=ad.pk).status == WantedStatus.OPEN
        jobs.daily(organisation=ystad, local_date=timezone.localdate() + timedelta(days=1))
        assert WantedAd.objects.get(pk=ad.pk).status == WantedStatus.EXPIRED


# --- across a network ----------------------------------------------------------------------------------------------


def test_an_offer_of_a_network_partner_matches_and_tells_the_person(ystad, skurup, tomelilla, media,
                                                                    django_capture_on_commit_callbacks):
    # given Ystad's and Tomelilla's ads (Tomelilla is in no network with Skurup)
    ad = _post(ystad)
    outsider = _post(tomelilla, local="personal")

    # when Skurup shares a matching listing with its networks and the relays run (public's queues the matching)
    listing, offer = shared_listing(skurup, title=f"Pallkuddar {WORD} Skurup")
    with django_capture_on_commit_callbacks(execute=True):
        relay(skurup)

    # then Ystad's ad has the offer, with Skurup's name; Tomelilla's nothing
    found = _matches(ystad, ad)
    offers = [m for m in found if m.source == "offer"]
    assert [(m.offer, m.organisation_name, m.listing) for m in offers] == [(offer.pk, skurup.name, listing.uuid)]
    assert _matches(tomelilla, outsider) == []
    assert len(_alerts(ystad)) == 1


def test_offers_are_matched_by_platform_key(ystad, skurup, media):
    chairs = _post(ystad, what=WORD, category="Kontorsstolar")
    desks = _post(ystad, what=WORD, category="Skrivbord")
    _, offer = shared_listing(skurup, title=f"{WORD} Skurup", category_name="Kontorsstolar")

    with schema_context(ystad.schema_name):
        matched = set(matching.match_offers(offer_ids=[offer.pk], notify=False))

    assert chairs.pk in matched and desks.pk not in matched


def test_the_daily_job_catches_up_offers_whose_task_was_lost(ystad, skurup, media):
    ad = _post(ystad)
    shared_listing(skurup, title=f"{WORD} Skurup")  # no commit: the task after the public handler never ran
    assert _matches(ystad, ad) == []
    with schema_context(ystad.schema_name):
        jobs.daily(organisation=ystad, local_date=timezone.localdate())
    assert len(_matches(ystad, ad)) == 1


# --- pages ---------------------------------------------------------------------------------------------------------


def test_posting_through_the_page_leads_to_the_ad(ystad):
    client = client_for(ystad, user_in(ystad, "personal"))
    response = client.post("/efterlysningar/ny/", {"what": f"Whiteboard {WORD}", "quantity": 2,
                                                    "expires_on": (timezone.localdate() + timedelta(days=9))})
    with schema_context(ystad.schema_name):
        ad = WantedAd.objects.get(what=f"Whiteboard {WORD}")
    assert response.status_code == 302 and response["Location"] == f"/efterlysningar/{ad.uuid}/"
    assert ad.quantity == 2


def test_the_form_refuses_a_date_that_has_passed_in_swedish(ystad):
    client = client_for(ystad, user_in(ystad, "personal"))
    response = client.post("/efterlysningar/ny/", {"what": WORD, "quantity": 1,
                                                    "expires_on": timezone.localdate() - timedelta(days=1)})
    assert response.status_code == 200 and "Datumet har passerat" in response.content.decode()


def test_the_pages_in_swedish(ystad, media):
    ad = _post(ystad)
    _publish(ystad)
    relay(ystad)
    client = client_for(ystad, user_in(ystad, "personal"))

    mine = client.get("/efterlysningar/mina/").content.decode()
    listing = client.get(f"/efterlysningar/?q={WORD}").content.decode()
    detail = client.get(f"/efterlysningar/{ad.uuid}/").content.decode()

    assert "Mina efterlysningar" in mine and "1 ny" in mine
    assert "Efterlysningar" in listing and ad.what in listing
    assert "Hittat sedan den lades ut" in detail and "Pallkuddar" in detail


def test_the_pages_in_english(ystad, media, in_english):
    ad = _post(ystad)
    client = client_for(ystad, user_in(ystad, "chef"))
    client.cookies["delbar_language"] = "en"

    detail = client.get(f"/efterlysningar/{ad.uuid}/").content.decode()
    listing = client.get("/efterlysningar/").content.decode()

    assert "I have one" in detail and "Post a listing" in detail and "mailto:" in detail
    assert "Wanted" in listing


def _bell(client) -> int:
    found = re.search(r'id="bell-count" aria-hidden="true">(\d+)', client.get("/efterlysningar/mina/").content.decode())
    return int(found.group(1)) if found else 0


def test_the_bell_tells_of_a_match_until_it_is_opened(ystad, media):
    # given the person's unread notifications as they are (the bell replaced the wanted badge, decision 0047)
    client = client_for(ystad, user_in(ystad, "personal"))
    before = _bell(client)
    ad = _post(ystad)

    # when a listing matching their new ad is published
    _publish(ystad)
    relay(ystad)

    # then the bell counts one more, and opening the notification leads to the ad and reads it
    assert _bell(client) == before + 1
    with schema_context(ystad.schema_name):
        notification = Notification.objects.get(kind="wanted.match", link=f"/efterlysningar/{ad.uuid}/")
        assert notification.key == _alerts(ystad)[-1].key
    response = client.post(f"/aviseringar/{notification.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/efterlysningar/{ad.uuid}/"
    assert _bell(client) == before


def test_closing_by_someone_else_is_a_404_and_by_the_person_closes_it(ystad):
    ad = _post(ystad)
    assert client_for(ystad, user_in(ystad, "chef")).post(f"/efterlysningar/{ad.uuid}/stang/").status_code == 404
    assert client_for(ystad, user_in(ystad, "personal")).post(f"/efterlysningar/{ad.uuid}/stang/").status_code == 302
    with schema_context(ystad.schema_name):
        assert WantedAd.objects.get(pk=ad.pk).status == WantedStatus.CLOSED
    # a closed ad is no longer for colleagues to see
    assert client_for(ystad, user_in(ystad, "chef")).get(f"/efterlysningar/{ad.uuid}/").status_code == 404


def test_another_organisations_person_gets_404(ystad, skurup):
    ad = _post(ystad)
    client = client_for(skurup, user_in(skurup, "admin"))
    assert client.get(f"/efterlysningar/{ad.uuid}/").status_code == 404
    assert client.post(f"/efterlysningar/{ad.uuid}/stang/").status_code == 404
    assert ad.what not in client.get("/efterlysningar/").content.decode()


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["list", "mine", "detail", "search"])
def test_pages_cost_the_same_queries_with_more_data(ystad, media, page):
    # given an ad with a match and a listing available now
    person = user_in(ystad, "personal")
    ad = _post(ystad)
    _publish(ystad, title="Pallkudde först")
    relay(ystad)
    client = client_for(ystad, person)
    path = {"list": "/efterlysningar/", "mine": "/efterlysningar/mina/", "detail": f"/efterlysningar/{ad.uuid}/",
            "search": f"/efterlysningar/?q={WORD}"}[page]
    client.get(path)
    before = _queries(client, path)

    # when there are more ads, listings and matches
    for n in range(5):
        _post(ystad, what=f"{WORD} nummer {n}")
    for n in range(3):
        _publish(ystad, title=f"Pallkudde {n}")
    relay(ystad)
    client.get(path)

    # then the page costs the same
    assert _queries(client, path) == before


# --- a need turned into a wanted ad --------------------------------------------------------------------------------


def test_a_need_becomes_a_wanted_ad_with_one_button_and_links_to_it(ystad):
    person = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        need = needs_services.register_need(by=person, details=needs_services.NeedDetails(
            what=f"Grön {WORD}", quantity=3, needed_by=timezone.localdate() + timedelta(days=20),
            department=person.department, category=Category.objects.get(name="Kontorsstolar")))
    client = client_for(ystad, person)
    assert "Gör en efterlysning av det" in client.get(f"/behov/{need.uuid}/").content.decode()

    response = client.post(f"/behov/{need.uuid}/efterlys/")

    with schema_context(ystad.schema_name):
        ad = WantedAd.objects.get(need=need.uuid)
    assert response.status_code == 302 and response["Location"] == f"/efterlysningar/{ad.uuid}/"
    assert (ad.what, ad.quantity, ad.category.name, ad.expires_on) == (
        f"Grön {WORD}", 3, "Kontorsstolar", need.needed_by)
    assert f'href="/efterlysningar/{ad.uuid}/"' in client.get(f"/behov/{need.uuid}/").content.decode()
    # a second press makes no second ad
    client.post(f"/behov/{need.uuid}/efterlys/")
    with schema_context(ystad.schema_name):
        assert WantedAd.objects.filter(need=need.uuid).count() == 1


def test_staff_search_the_open_ads(ystad):
    ad = _post(ystad, what=f"Projektorduk {WORD}")
    with schema_context(ystad.schema_name):
        assert ad in list(selectors.open_ads(query="duk"))
        assert ad not in list(selectors.open_ads(query="stolar"))
