"""Rules found in review: a handover takes two people, statistics do not move with a listing, titles are one line
of composed Unicode, and search counts and corrections say exactly what happened."""

from __future__ import annotations

import unicodedata

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from bookings import services as booking_services
from catalog import search, selectors, services
from catalog.errors import CatalogError
from catalog.models import SearchWord

from .catalog_factories import make_listing
from .conftest import user_in
from .factories import DepartmentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def test_whoever_reserved_cannot_confirm_their_own_handover(ystad):
    with schema_context(ystad.schema_name):
        # given an operator who reserved something from a colleague
        operator = user_in(ystad, "operator")
        listing = make_listing(author=user_in(ystad, "personal"), title="Ritbord granskning")
        reservation = booking_services.reserve_listing(listing=listing, by=operator, notify=False)

        # then the operator may not confirm it; the owner may
        with pytest.raises(CatalogError) as refused:
            booking_services.confirm_handover(booking=reservation, by=operator)
        assert refused.value.code == "own_handover"
        booking_services.confirm_handover(booking=reservation, by=user_in(ystad, "personal"))


def test_moving_a_listing_does_not_move_its_past_handovers_in_the_statistics(ystad):
    with schema_context(ystad.schema_name):
        # given a handover from one department
        giver, other = DepartmentFactory(name="Givande enheten"), DepartmentFactory(name="Andra enheten")
        owner = UserFactory(department=giver)
        listing = make_listing(author=owner, title="Arkivskåp granskning", quantity=2)
        reservation = booking_services.reserve_listing(listing=listing, by=user_in(ystad, "chef"), notify=False)
        booking_services.confirm_handover(booking=reservation, by=owner)

        # when an operator moves the listing to another department
        listing.refresh_from_db()
        services.update_listing(
            listing=listing, editor=user_in(ystad, "operator"),
            details=services.ListingDetails(
                title=listing.title, category=listing.category, department=other, contact_person=owner, quantity=2
            ),
        )

        # then the item is still counted as mediated by the giving department
        figures = {row.department: row.mediated for row in selectors.statistics(year=timezone.localdate().year)
                   .departments}
        assert figures["Givande enheten"] == 1
        assert figures.get("Andra enheten", 0) == 0


def test_a_title_is_one_line_of_composed_unicode_and_found_as_typed(ystad):
    with schema_context(ystad.schema_name):
        # given a title pasted with a line break and a decomposed "ä" (as from a Mac or a PDF)
        decomposed = unicodedata.normalize("NFD", "Granskningsskärm\nDell")
        listing = make_listing(author=user_in(ystad, "personal"), title=decomposed)

        # then it is stored as one composed line, and both spellings of the word find it
        assert listing.title == "Granskningsskärm Dell"
        for typed in ("granskningsskärm", unicodedata.normalize("NFD", "granskningsskärm")):
            assert listing.pk in selectors.search_listings(query=typed).ids


def test_the_count_is_exact_up_to_the_limit_and_says_more_beyond_it(ystad, monkeypatch):
    monkeypatch.setattr(search, "RANKED", 2)
    with schema_context(ystad.schema_name):
        author = user_in(ystad, "personal")
        make_listing(author=author, title="Kvastgranskning ett")
        make_listing(author=author, title="Kvastgranskning två")
        exactly = selectors.search_listings(query="kvastgranskning")
        assert (exactly.count(), exactly.capped) == (2, False)

        make_listing(author=author, title="Kvastgranskning tre")
        more = selectors.search_listings(query="kvastgranskning")
        assert (more.count(), more.capped) == (2, True)
        assert "Kvastgranskning ett" not in [listing.title for listing in more]  # the oldest is left out


def test_drafts_add_no_words_and_a_correction_that_finds_nothing_is_not_offered(ystad):
    with schema_context(ystad.schema_name):
        # given a draft with a word no published title has
        make_listing(author=user_in(ystad, "personal"), title="Hemligutkastord", publish=False)

        # then the word is not in the vocabulary, and a near miss neither finds nor claims anything
        assert not SearchWord.objects.filter(word="hemligutkastord").exists()
        results = selectors.search_listings(query="hemligutkastort")
        assert (results.count(), results.corrected_query) == (0, "")


def test_an_edit_started_before_someone_elses_is_refused_but_a_reservation_meanwhile_is_fine(ystad):
    with schema_context(ystad.schema_name):
        # given two people who opened the same listing's edit form
        owner, operator = user_in(ystad, "personal"), user_in(ystad, "operator")
        listing = make_listing(author=owner, title="Whiteboard granskning", quantity=3)
        started = listing.edited_at

        def details(title):
            return services.ListingDetails(
                title=title, category=listing.category, department=listing.department, contact_person=owner, quantity=3
            )

        # when a colleague reserves one meanwhile, the first edit still goes through
        booking_services.reserve_listing(listing=listing, by=user_in(ystad, "chef"), notify=False)
        services.update_listing(listing=listing, editor=owner, details=details("Whiteboard, stor"),
                                unchanged_since=started)

        # then the second edit, started from the same moment, is refused instead of overwriting the first
        with pytest.raises(CatalogError) as refused:
            services.update_listing(listing=listing, editor=operator, details=details("Whiteboard, liten"),
                                    unchanged_since=started)
        assert (refused.value.code, refused.value.http_status) == ("edited_meanwhile", 409)
        listing.refresh_from_db()
        assert listing.title == "Whiteboard, stor"


def test_the_edit_page_carries_the_moment_it_started_from(ystad):
    from .conftest import client_for

    with schema_context(ystad.schema_name):
        owner = user_in(ystad, "personal")
        listing = make_listing(author=owner, title="Pärmhylla granskning")
    client = client_for(ystad, owner)
    form = client.get(f"/annonser/{listing.uuid}/andra/").context["form"]
    posted = {name: value for name, value in form.initial.items() if value is not None}
    posted.update({"title": "Pärmhylla, vit", "publish": "1"})
    # someone else saves first
    with schema_context(ystad.schema_name):
        listing.refresh_from_db()
        services.update_listing(
            listing=listing, editor=user_in(ystad, "operator"),
            details=services.ListingDetails(title="Pärmhylla, grå", category=listing.category,
                                            department=listing.department, contact_person=owner),
        )
    response = client.post(f"/annonser/{listing.uuid}/andra/", posted)
    assert response.status_code == 200
    assert "edited_meanwhile" not in response.content.decode()  # a message, not a code
    assert any("while you were editing" in str(error) or "medan du ändrade" in str(error)
               for error in response.context["form"].non_field_errors())
    with schema_context(ystad.schema_name):
        listing.refresh_from_db()
        assert listing.title == "Pärmhylla, grå"
