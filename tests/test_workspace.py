"""The operator's workspace and listings that stay current (issue 10 parts 1 and 2, decision 0044): the page in
Swedish and English, who may see it, query counts flat at 5,000 listings, bulk actions all-or-nothing or "the
rest", duplicating, posting for a department (the contact person told by name), expiry with its reminder and the
one-click renewal link, the daily job run twice, and the race of expiring against reserving."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from bookings import services as booking_services
from catalog import jobs, services
from catalog.errors import CatalogError
from catalog.lifecycle import ListingStatus
from catalog.models import Category, Listing
from outbox.models import OutboxMessage
from tenants import services as tenant_services

from .catalog_factories import make_listing
from .conftest import client_for, user_in

pytestmark = pytest.mark.django_db

WORD = "Arbetsytestol"  # a word no demo listing has


def _listing(organisation, local: str = "operator", *, title: str = f"{WORD} Alfa",
             published_days_ago: int | None = None, **details) -> Listing:
    with schema_context(organisation.schema_name):
        listing = make_listing(author=user_in(organisation, local), title=title, **details)
        if published_days_ago is not None:
            services.backdate_listing(listing=listing, published_at=timezone.now() - timedelta(days=published_days_ago))
            listing.refresh_from_db()
        return listing


def _zone(organisation):
    return ZoneInfo(organisation.time_zone)


def _today(organisation):
    return timezone.now().astimezone(_zone(organisation)).date()


def _emails_to(organisation, address: str, key_start: str) -> list[OutboxMessage]:
    with schema_context(organisation.schema_name):
        return list(OutboxMessage.objects.filter(key__startswith=key_start, payload__to=[address]))


# --- the page ------------------------------------------------------------------------------------------------------


def test_operators_and_admins_see_the_workspace_in_swedish_and_english_others_get_404(ystad, skurup, settings):
    # given a listing without a photo among Ystad's
    bare = _listing(ystad, title=f"{WORD} utan foto", photos=0, publish=False)

    # when the operator opens the workspace, in Swedish and in English
    operator = client_for(ystad, user_in(ystad, "operator"))
    swedish = operator.get("/arbetsyta/")
    english_client = client_for(ystad, user_in(ystad, "operator"))
    english_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = english_client.get("/arbetsyta/")

    # then both show today's work and the listings
    assert swedish.status_code == 200 and english.status_code == 200
    assert "Arbetsyta" in swedish.content.decode() and "Workspace" in english.content.decode()
    assert "Today" in english.content.decode() and "All listings" in english.content.decode()
    # and the filter for listings without a photo finds the bare one
    found = operator.get("/arbetsyta/", {"q": WORD, "utan_foto": "on"})
    assert [listing.uuid for listing in found.context["page"].object_list] == [bare.uuid]
    # and an admin sees it too; a manager and a member get 404
    assert client_for(ystad, user_in(ystad, "admin")).get("/arbetsyta/").status_code == 200
    assert client_for(ystad, user_in(ystad, "chef")).get("/arbetsyta/").status_code == 404
    assert client_for(ystad, user_in(ystad, "personal")).get("/arbetsyta/").status_code == 404
    # and another organisation's admin, at their own host, cannot duplicate Ystad's listing nor act on it in bulk
    other = client_for(skurup, user_in(skurup, "admin"))
    assert other.post(f"/arbetsyta/annonser/{bare.uuid}/kopiera/").status_code == 404
    other.post("/arbetsyta/atgard/", {"action": "renew", "listings": [str(bare.uuid)]})
    with schema_context(ystad.schema_name):
        assert Listing.objects.get(pk=bare.pk).renewed_at is None


def test_a_department_filter_includes_its_units(ystad):
    # given a listing of the operator's unit (an enhet under a förvaltning)
    operator = user_in(ystad, "operator")
    listing = _listing(ystad, title=f"{WORD} enhetens")
    parent_id = operator.department.parent_id
    assert parent_id is not None

    # when the workspace is filtered by the förvaltning
    page = client_for(ystad, operator).get("/arbetsyta/", {"q": WORD, "avdelning": parent_id}).context["page"]

    # then the unit's listing is there
    assert listing.uuid in [row.uuid for row in page.object_list]


def _bulk_listings(organisation, count: int) -> None:
    with schema_context(organisation.schema_name):
        operator = user_in(organisation, "operator")
        category = Category.objects.get(name="Kontorsstolar")
        now = timezone.now()
        Listing.objects.bulk_create([
            Listing(title=f"Massartikel {n}", category=category, department=operator.department,
                    contact_person=operator, created_by=operator, status=ListingStatus.PUBLISHED,
                    published_at=now - timedelta(days=n % 120))
            for n in range(count)
        ], batch_size=1000)


def test_the_workspace_queries_do_not_grow_with_5000_listings(ystad):
    # given the workspace as it is
    operator = client_for(ystad, user_in(ystad, "operator"))
    operator.get("/arbetsyta/")  # sessions, caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert operator.get("/arbetsyta/").status_code == 200
        return len(captured)

    before = queries()

    # when 5,000 more listings are there (some expiring, none with a photo)
    _bulk_listings(ystad, 5000)

    # then the page costs as many queries
    assert queries() == before
    assert operator.get("/arbetsyta/").context["total"] >= 5000


# --- bulk actions --------------------------------------------------------------------------------------------------


def test_a_bulk_renewal_with_one_that_may_not_be_renewed_changes_none_or_with_the_rest_chosen_the_rest(ystad):
    # given two published listings and a draft
    a, b = _listing(ystad, title=f"{WORD} A"), _listing(ystad, title=f"{WORD} B")
    draft = _listing(ystad, title=f"{WORD} utkast", publish=False)
    operator = user_in(ystad, "operator")
    chosen = [a.uuid, b.uuid, draft.uuid]

    with schema_context(ystad.schema_name):
        # when all three are renewed
        with pytest.raises(services.BulkRefused) as refused:
            services.renew_listings(uuids=chosen, by=operator)

        # then none is, and the refusal names the draft
        assert [r.listing.uuid for r in refused.value.refused] == [draft.uuid]
        assert not Listing.objects.filter(pk__in=[a.pk, b.pk], renewed_at__isnull=False).exists()

        # when "change the rest" is chosen
        result = services.renew_listings(uuids=chosen, by=operator, skip_refused=True)

        # then the two are renewed and the draft is named as left
        assert {listing.uuid for listing in result.changed} == {a.uuid, b.uuid}
        assert [r.listing.uuid for r in result.refused] == [draft.uuid]
        assert Listing.objects.filter(pk__in=[a.pk, b.pk], renewed_at__isnull=False).count() == 2


def test_bulk_withdraw_move_and_contact_through_the_page(ystad):
    # given two listings of the operator and a place
    a, b = _listing(ystad, title=f"{WORD} C"), _listing(ystad, title=f"{WORD} D")
    operator = client_for(ystad, user_in(ystad, "operator"))
    personal = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        place = services.create_place(by=user_in(ystad, "admin"), details=services.PlaceDetails(
            name="Arbetsytelagret", address="Lagergatan 1"))

    # when they are moved to the place and given another contact person, on the page
    moved = operator.post("/arbetsyta/atgard/", {"action": "move", "place": place.pk,
                                                  "listings": [a.uuid, b.uuid], "query": f"q={WORD}"})
    operator.post("/arbetsyta/atgard/", {"action": "contact", "contact_person": personal.pk,
                                         "listings": [a.uuid, b.uuid]})

    # then both are changed, and the page is back at the same filters
    assert moved.status_code == 302 and moved.url.endswith(f"/arbetsyta/?q={WORD}#listings")
    with schema_context(ystad.schema_name):
        rows = list(Listing.objects.filter(pk__in=[a.pk, b.pk]))
        assert {(row.place_id, row.address, row.contact_person_id) for row in rows} == {
            (place.pk, "Lagergatan 1", personal.pk)}

    # when withdrawing without a reason, then nothing is withdrawn and the reason is asked for
    response = operator.post("/arbetsyta/atgard/", {"action": "withdraw", "listings": [a.uuid]}, follow=True)
    assert "orsak" in response.content.decode().lower()
    # when with a reason, then both are withdrawn with it
    operator.post("/arbetsyta/atgard/", {"action": "withdraw", "reason": "Inventerad bort",
                                         "listings": [a.uuid, b.uuid]})
    with schema_context(ystad.schema_name):
        assert set(Listing.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", "withdrawn_reason")) == {
            ("withdrawn", "Inventerad bort")}


def test_duplicating_makes_a_draft_with_its_own_photo_files(ystad, media):
    # given a published listing with a photo
    listing = _listing(ystad, title=f"{WORD} original")

    # when the operator duplicates it
    response = client_for(ystad, user_in(ystad, "operator")).post(f"/arbetsyta/annonser/{listing.uuid}/kopiera/")

    # then a draft copy opens for editing, with a photo of its own
    with schema_context(ystad.schema_name):
        copy = Listing.objects.exclude(pk=listing.pk).get(title=f"{WORD} original")
        assert response.url == reverse("listing_edit", args=[copy.uuid])
        assert copy.status == ListingStatus.DRAFT
        original_photo, copied_photo = listing.photos.get(), copy.photos.get()
        assert copied_photo.image.name != original_photo.image.name
        assert copied_photo.image.size == original_photo.image.size


def test_posting_for_a_department_tells_the_contact_person_by_name(ystad):
    # given the operator posting with a colleague as the contact person
    personal = user_in(ystad, "personal")

    # when the listing is posted
    listing = _listing(ystad, title=f"{WORD} för förvaltningen", contact_person=personal)

    # then the colleague gets one e-mail that names them, not "Din annons"
    (email,) = _emails_to(ystad, personal.email, f"catalog.posted_for:{listing.uuid}")
    assert (personal.get_full_name() or personal.email) in email.payload["body"]
    assert "Din annons" not in email.payload["subject"] + email.payload["body"]
    # and posting with oneself as contact tells nobody
    own = _listing(ystad, title=f"{WORD} egen")
    assert not _emails_to(ystad, user_in(ystad, "operator").email, f"catalog.posted_for:{own.uuid}")


# --- listings stay current -----------------------------------------------------------------------------------------


def test_the_limit_is_a_setting_of_the_organisation(ystad):
    from django.core.exceptions import ValidationError

    # when an admin sets 60 days, then it is kept; 5 is refused
    assert tenant_services.update_settings(organisation=ystad, listing_days=60).listing_days == 60
    with pytest.raises(ValidationError):
        tenant_services.update_settings(organisation=ystad, listing_days=5)
    # and the settings page shows the field
    page = client_for(ystad, user_in(ystad, "admin")).get("/installningar/")
    assert 'name="listing_days"' in page.content.decode()


def test_a_listing_is_reminded_before_it_expires_renewed_from_the_email_and_expires_once_when_not(ystad):
    # given a listing published 85 days ago (limit 90) with a colleague as contact
    personal = user_in(ystad, "personal")
    listing = _listing(ystad, title=f"{WORD} snart", contact_person=personal, published_days_ago=85)
    with schema_context(ystad.schema_name):
        # when the daily job runs, twice
        jobs.listings(organisation=ystad, local_date=_today(ystad))
        jobs.listings(organisation=ystad, local_date=_today(ystad))

    # then the contact person was reminded once, by name, with a renewal link; the listing is still published
    (email,) = _emails_to(ystad, personal.email, f"catalog.expiry_reminder:{listing.uuid}")
    body = email.payload["body"]
    assert (personal.get_full_name() or personal.email) in body
    link = next(line for line in body.splitlines() if "/arbetsyta/fornya/" in line).strip()
    path = link[link.index("/arbetsyta/"):]
    with schema_context(ystad.schema_name):
        assert Listing.objects.get(pk=listing.pk).status == ListingStatus.PUBLISHED

    # when the link is opened without logging in, then login comes first
    assert "/konto/" in client_for(ystad).get(path).url
    # when the contact opens it logged in, then the listing is renewed and its page opens
    response = client_for(ystad, personal).get(path)
    assert response.status_code == 302 and response.url == reverse("listing_detail", args=[listing.uuid])
    with schema_context(ystad.schema_name):
        renewed = Listing.objects.get(pk=listing.pk)
        assert renewed.renewed_at is not None and renewed.expiry_reminded_at is None
        # and the next run 10 days later neither expires nor reminds it
        jobs.listings(organisation=ystad, local_date=_today(ystad) + timedelta(days=10))
        assert Listing.objects.get(pk=listing.pk).status == ListingStatus.PUBLISHED
    # and a tampered link renews nothing
    assert client_for(ystad, personal).get(path[:-3] + "xyz/").status_code == 404


def test_an_expired_listing_is_shown_to_the_operator_refuses_reservations_and_renews_back(ystad):
    # given a listing published 95 days ago
    listing = _listing(ystad, title=f"{WORD} gammal", published_days_ago=95)
    with schema_context(ystad.schema_name):
        # when the daily job runs twice
        expired = services.expire_listings(today=_today(ystad), days=90, zone=_zone(ystad))
        again = services.expire_listings(today=_today(ystad), days=90, zone=_zone(ystad))

        # then it expired once: withdrawn, with the day and the reason
        assert listing.pk in [row.pk for row in expired] and listing.pk not in [row.pk for row in again]
        row = Listing.objects.get(pk=listing.pk)
        assert row.status == ListingStatus.WITHDRAWN and row.expired_at is not None and row.withdrawn_reason
        # and a reservation is refused with a message
        with pytest.raises(CatalogError):
            booking_services.reserve_listing(listing=row, by=user_in(ystad, "personal"), notify=False)

    # and the operator sees it among the expired, and filtered by "expired"
    operator = client_for(ystad, user_in(ystad, "operator"))
    # (beside the demo's, expired when it was seeded: the newest ten are listed, all counted)
    assert operator.get("/arbetsyta/").context["attention"].expired_count >= 1
    filtered = operator.get("/arbetsyta/", {"q": WORD, "status": "expired"}).context["page"].object_list
    assert [row.uuid for row in filtered] == [listing.uuid]
    # when the operator renews it, then it is published again
    operator.post("/arbetsyta/atgard/", {"action": "renew", "listings": [listing.uuid]})
    with schema_context(ystad.schema_name):
        row = Listing.objects.get(pk=listing.pk)
        assert row.status == ListingStatus.PUBLISHED and row.expired_at is None and row.renewed_at is not None


def test_a_listing_with_a_reservation_waiting_does_not_expire(ystad):
    # given an old listing of two with one reserved (still published, a handover waiting)
    listing = _listing(ystad, title=f"{WORD} reserverad", published_days_ago=95, quantity=2)
    with schema_context(ystad.schema_name):
        booking_services.reserve_listing(listing=listing, by=user_in(ystad, "personal"), notify=False)

        # when the job runs
        services.expire_listings(today=_today(ystad), days=90, zone=_zone(ystad))

        # then it waits for the handover
        assert Listing.objects.get(pk=listing.pk).status == ListingStatus.PUBLISHED
