"""Rules found in review: a handover takes two people, statistics do not move with a listing, titles are one line
of composed Unicode, and search counts and corrections say exactly what happened."""

from __future__ import annotations

import unicodedata

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

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
        reservation = services.reserve_listing(listing=listing, by=operator, notify=False)

        # then the operator may not confirm it; the owner may
        with pytest.raises(CatalogError) as refused:
            services.confirm_handover(reservation=reservation, by=operator)
        assert refused.value.code == "own_handover"
        services.confirm_handover(reservation=reservation, by=user_in(ystad, "personal"))


def test_moving_a_listing_does_not_move_its_past_handovers_in_the_statistics(ystad):
    with schema_context(ystad.schema_name):
        # given a handover from one department
        giver, other = DepartmentFactory(name="Givande enheten"), DepartmentFactory(name="Andra enheten")
        owner = UserFactory(department=giver)
        listing = make_listing(author=owner, title="Arkivskåp granskning", quantity=2)
        reservation = services.reserve_listing(listing=listing, by=user_in(ystad, "chef"), notify=False)
        services.confirm_handover(reservation=reservation, by=owner)

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
