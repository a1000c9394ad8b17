"""Publication to the exchange through the outbox (decision 0025): a shared listing's changes reach the exchange's
copy in public, in order, and nothing of a listing that is only the organisation's ever does (checked in the
database itself)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from bookings import services as booking_services
from catalog import services as catalog
from catalog.models import Listing, Reach
from exchange import publication, selectors, services
from exchange.models import Offer
from outbox.models import OutboxMessage
from outbox.services import deliver_due
from tenants.models import OrganisationStatus
from tenants.services import set_status

from .catalog_factories import make_listing
from .conftest import client_for, user_in
from .exchange_support import admin_of, demo_network

pytestmark = pytest.mark.django_db

MARKER = "Kvarnstol Zq7"


def _deliver(organisation) -> None:
    """What the relay does once the organisation's transaction has committed."""
    with schema_context(organisation.schema_name):
        deliver_due()


def _public_columns_holding(text: str) -> set[tuple[str, str]]:
    """Every (table, column) of the public schema in which some row's value contains ``text``."""
    found = set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND data_type IN ('text', 'character varying', 'uuid', 'jsonb', 'json')"
        )
        for table, column in cursor.fetchall():
            cursor.execute(f'SELECT 1 FROM public."{table}" WHERE "{column}"::text ILIKE %s LIMIT 1', [f"%{text}%"])
            if cursor.fetchone():
                found.add((table, column))
    return found


def _offer(organisation, listing) -> Offer | None:
    return Offer.objects.filter(organisation=organisation, listing=listing.uuid).first()


def _details(listing, **changes) -> catalog.ListingDetails:
    values = {name: getattr(listing, name) for name in catalog.DETAIL_FIELDS}
    return catalog.ListingDetails(**{**values, **changes})


def test_nothing_of_a_listing_that_is_only_the_organisations_ever_reaches_public(ystad):
    poster, colleague = user_in(ystad, "personal"), user_in(ystad, "chef")
    with schema_context(ystad.schema_name):
        # given a listing for the organisation only, through its whole life
        listing = make_listing(author=poster, title=MARKER, description=f"{MARKER} beskrivning", quantity=2,
                               reach=Reach.ORGANISATION, publish=False)
        listing = catalog.publish_listing(listing=listing, by=poster)
        listing = catalog.update_listing(listing=listing, editor=poster, details=_details(listing, room="B12"))
        reservation = booking_services.reserve_listing(listing=listing, by=colleague, notify=False)
        booking_services.cancel_booking(booking=reservation, by=colleague, reason="Ångrade mig", notify=False)
        catalog.withdraw_listing(listing=listing, by=poster, notify=False)
        # then it never asked the exchange for anything
        assert not OutboxMessage.objects.filter(kind=publication.KIND, payload__listing=str(listing.uuid)).exists()
    _deliver(ystad)
    # and no table of the public schema holds its title, description or id
    connection.set_schema_to_public()
    assert _public_columns_holding(MARKER) == set()
    assert _public_columns_holding(str(listing.uuid)) == set()


def test_a_draft_shared_with_the_networks_reaches_public_only_once_published(ystad):
    poster = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        listing = make_listing(author=poster, title=MARKER, reach=Reach.NETWORKS, publish=False)
    _deliver(ystad)
    connection.set_schema_to_public()
    assert _public_columns_holding(MARKER) == set()
    assert _public_columns_holding(str(listing.uuid)) == set()
    with schema_context(ystad.schema_name):
        catalog.publish_listing(listing=listing, by=poster)
    _deliver(ystad)
    # then the copy holds what was chosen for publication, and only the copy does
    assert _public_columns_holding(MARKER) == {("exchange_offer", "title")}


def test_a_shared_listing_is_copied_with_only_the_published_fields(ystad):
    # given Ystad's operator posts office chairs for the networks, with Ystad's own contact person
    poster = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        listing = make_listing(author=poster, title="Kontorsstol Kinnarps", description="Tolv stolar. " * 60,
                               quantity=12, reach=Reach.NETWORKS)
        listing.refresh_from_db()
    # when the relay runs
    _deliver(ystad)
    # then the exchange has its copy at the listing's version
    offer = _offer(ystad, listing)
    assert offer is not None
    assert (offer.version, offer.reach, offer.title) == (listing.version, "networks", "Kontorsstol Kinnarps")
    assert (offer.category_key, offer.condition, offer.quantity_available, offer.offer_type) == (
        "furniture.office_chairs", "good", 12, "give_away")
    assert (offer.contact_name, offer.contact_email) == ("Erik Svensson", "personal@ystad.example")
    assert len(offer.excerpt) <= 500 and offer.excerpt.startswith("Tolv stolar.")
    assert offer.published_at == listing.published_at
    # and nothing of what was not chosen: no address, room, department or internal ids
    stored = {field.name for field in Offer._meta.concrete_fields}
    assert not stored & {"address", "building", "room", "department", "created_by", "description"}


def _messages_about(listing) -> list[int]:
    return list(
        OutboxMessage.objects.filter(kind=publication.KIND, payload__listing=str(listing.uuid))
        .order_by("pk").values_list("payload__version", flat=True)
    )


@pytest.mark.parametrize("changes", [{"title": "Ny rubrik"}, {"quantity": 5}, {"quantity": 2}])
def test_one_edit_of_a_shared_listing_writes_one_version_and_one_message(ystad, changes):
    poster, colleague = user_in(ystad, "personal"), user_in(ystad, "chef")
    with schema_context(ystad.schema_name):
        # given a shared listing of three, two of them reserved
        listing = make_listing(author=poster, quantity=3, reach=Reach.EVERYONE)
        booking_services.reserve_listing(listing=listing, by=colleague, quantity=2, notify=False)
        listing.refresh_from_db()
        before, sent = listing.version, len(_messages_about(listing))
        # when it is edited once (its text, its quantity raised, its quantity lowered to what is claimed)
        edited = catalog.update_listing(listing=listing, editor=poster, details=_details(listing, **changes))
        # then its version rose by one and the exchange was told once, of that version
        edited.refresh_from_db()
        assert edited.version == before + 1
        assert _messages_about(listing)[sent:] == [before + 1]
    # and the copy follows what was saved
    _deliver(ystad)
    offer = _offer(ystad, listing)
    expected_free = edited.quantity - 2
    assert (offer is None) if expected_free == 0 else (offer.quantity_available == expected_free)


def test_edits_and_reservations_bring_the_copy_up_to_date_and_taking_everything_removes_it(ystad):
    poster, colleague = user_in(ystad, "personal"), user_in(ystad, "chef")
    with schema_context(ystad.schema_name):
        listing = make_listing(author=poster, quantity=3, reach=Reach.EVERYONE)
    _deliver(ystad)
    first = _offer(ystad, listing).version
    # when it is edited
    with schema_context(ystad.schema_name):
        listing = catalog.update_listing(listing=listing, editor=poster, details=_details(listing, title="Ny rubrik"))
    _deliver(ystad)
    assert (_offer(ystad, listing).title, _offer(ystad, listing).version > first) == ("Ny rubrik", True)
    # when a colleague reserves two, then the last one
    with schema_context(ystad.schema_name):
        booking_services.reserve_listing(listing=listing, by=colleague, quantity=2, notify=False)
    _deliver(ystad)
    assert _offer(ystad, listing).quantity_available == 1
    with schema_context(ystad.schema_name):
        last = booking_services.reserve_listing(listing=listing, by=colleague, quantity=1, notify=False)
    _deliver(ystad)
    assert _offer(ystad, listing) is None  # nothing left to ask for
    # when that reservation is cancelled, it is offered again
    with schema_context(ystad.schema_name):
        booking_services.cancel_booking(booking=last, by=colleague, reason="Behövs inte", notify=False)
    _deliver(ystad)
    assert _offer(ystad, listing).quantity_available == 1


@pytest.mark.parametrize("how", ["withdraw", "narrow"])
def test_withdrawing_or_narrowing_to_the_organisation_removes_the_copy(ystad, how):
    poster = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        listing = make_listing(author=poster, title=MARKER, reach=Reach.NETWORKS)
    _deliver(ystad)
    assert _offer(ystad, listing) is not None
    with schema_context(ystad.schema_name):
        if how == "withdraw":
            catalog.withdraw_listing(listing=listing, by=poster, notify=False)
        else:
            catalog.update_listing(listing=listing, editor=poster, details=_details(listing, reach=Reach.ORGANISATION))
    _deliver(ystad)
    assert _offer(ystad, listing) is None
    connection.set_schema_to_public()
    assert _public_columns_holding(MARKER) == set()


def test_an_older_version_never_replaces_a_newer_one(ystad):
    def snapshot(version: int, title: str) -> services.OfferSnapshot:
        return services.OfferSnapshot(
            organisation_id=ystad.pk, listing="6f1f3b5e-0000-4000-8000-000000000001", version=version,
            reach="networks", title=title, excerpt="", category_key="furniture.desks", condition="good",
            quantity_available=1, offer_type="give_away", price=None, rent_period="", contact_name="A",
            contact_email="a@ystad.example", published_at=None,
        )

    assert services.publish_offer(offer=snapshot(5, "v5"))
    assert not services.publish_offer(offer=snapshot(3, "v3"))
    assert not services.publish_offer(offer=snapshot(5, "v5 igen"))
    assert Offer.objects.get(title="v5").version == 5
    # a removal of an older version leaves the newer copy
    assert not services.withdraw_offer(organisation_id=ystad.pk, listing=snapshot(1, "").listing, version=4)
    assert services.publish_offer(offer=snapshot(6, "v6"))
    assert services.withdraw_offer(organisation_id=ystad.pk, listing=snapshot(1, "").listing, version=7)
    assert not Offer.objects.filter(organisation=ystad, listing=snapshot(1, "").listing).exists()


def test_messages_delivered_out_of_order_end_with_the_listing_as_it_is(ystad):
    # given three changes, each with its message
    poster = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        listing = make_listing(author=poster, title="Första", reach=Reach.NETWORKS)
        listing = catalog.update_listing(listing=listing, editor=poster, details=_details(listing, title="Andra"))
        listing = catalog.update_listing(listing=listing, editor=poster, details=_details(listing, title="Tredje"))
        messages = list(OutboxMessage.objects.filter(kind=publication.KIND, payload__listing=str(listing.uuid))
                        .order_by("-id"))
        assert [m.payload["version"] for m in messages] == sorted((m.payload["version"] for m in messages),
                                                                   reverse=True)
        # when they are handled newest first
        for message in messages:
            publication.deliver(message)
        current = Listing.objects.get(pk=listing.pk).version
    # then the copy is the newest, whatever the order
    assert (_offer(ystad, listing).title, _offer(ystad, listing).version) == ("Tredje", current)


def test_the_outbox_message_commits_with_the_change_and_the_relay_publishes_it(
    ystad, django_capture_on_commit_callbacks
):
    # given a poster at Ystad's host
    poster = user_in(ystad, "personal")
    client = client_for(ystad, poster)
    with schema_context(ystad.schema_name):
        listing = make_listing(author=poster, reach=Reach.ORGANISATION, title=MARKER)
    # when they widen its reach on the edit page, and the transaction commits
    with schema_context(ystad.schema_name):
        form = {name: getattr(listing, f"{name}_id", getattr(listing, name)) for name in catalog.DETAIL_FIELDS}
    form = {key: "" if value is None else value for key, value in form.items()}
    form.update({"reach": "networks", "edited_at": listing.edited_at.isoformat()})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/annonser/{listing.uuid}/andra/", form)
    assert response.status_code == 302
    # then the relay brought the copy in
    assert _offer(ystad, listing).title == MARKER


def test_the_reconciliation_repairs_any_drift_and_then_finds_none(ystad):
    poster = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        kept = make_listing(author=poster, title="Behålls", reach=Reach.NETWORKS)
        lost = make_listing(author=poster, title="Försvann", reach=Reach.NETWORKS)
        stale = make_listing(author=poster, title="Gammal", reach=Reach.EVERYONE)
        hidden = make_listing(author=poster, title="Bara vår", reach=Reach.ORGANISATION)
    _deliver(ystad)
    # given drift: a copy lost, one behind, one of a listing that is not shared, one of a listing that never existed
    Offer.objects.filter(listing=lost.uuid).delete()
    Offer.objects.filter(listing=stale.uuid).update(version=1, title="Gammal rubrik")
    extra = services.OfferSnapshot(
        organisation_id=ystad.pk, listing=hidden.uuid, version=1, reach="networks", title="Felaktig",
        excerpt="", category_key="", condition="good", quantity_available=1, offer_type="give_away", price=None,
        rent_period="", contact_name="", contact_email="x@ystad.example", published_at=None,
    )
    services.publish_offer(offer=extra)
    services.publish_offer(offer=services.OfferSnapshot(**{**extra.__dict__,
                                                          "listing": "6f1f3b5e-0000-4000-8000-00000000dead"}))
    # when the daily job runs in Ystad's schema
    with schema_context(ystad.schema_name):
        repaired = publication.reconcile(organisation=ystad)
    # then the exchange holds exactly the shared listings, as they are
    assert (repaired["published"], repaired["removed"]) == (2, 2)
    assert set(Offer.objects.filter(organisation=ystad).values_list("title", flat=True)) >= {"Behålls", "Försvann",
                                                                                             "Gammal"}
    assert not Offer.objects.filter(listing=hidden.uuid).exists()
    assert not Offer.objects.filter(title="Felaktig").exists()
    with schema_context(ystad.schema_name):
        again = publication.reconcile(organisation=ystad)
        assert (again["published"], again["removed"]) == (0, 0)
    assert kept


def test_the_reconciliation_does_not_grow_in_queries_with_the_listings(ystad):
    poster = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        for n in range(2):
            make_listing(author=poster, title=f"Mät {n}", reach=Reach.NETWORKS)
    _deliver(ystad)

    def count() -> int:
        with schema_context(ystad.schema_name), CaptureQueriesContext(connection) as queries:
            publication.reconcile(organisation=ystad)
        return len(queries)

    few = count()
    with schema_context(ystad.schema_name):
        for n in range(2, 12):
            make_listing(author=poster, title=f"Mät {n}", reach=Reach.NETWORKS)
    _deliver(ystad)
    assert count() == few


def test_the_reconciliation_runs_daily_in_every_organisation():
    from tenants.periodic import registered_jobs

    assert "exchange.reconcile_offers" in {job.name for job in registered_jobs()}


def test_who_sees_an_offer_depends_on_its_reach_the_networks_now_and_the_organisation_being_active(
    ystad, skurup, trelleborg, tomelilla
):
    poster = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        networks = make_listing(author=poster, title="För nätverket", reach=Reach.NETWORKS)
        everyone = make_listing(author=poster, title="För alla", reach=Reach.EVERYONE)
    _deliver(ystad)

    def seen_by(organisation) -> set[str]:
        return set(selectors.offers_visible_to(organisation_id=organisation.pk)
                   .filter(listing__in=[networks.uuid, everyone.uuid]).values_list("title", flat=True))

    # then partners in the network see both, an organisation outside it only what is for everyone, Ystad neither
    assert seen_by(skurup) == seen_by(trelleborg) == {"För nätverket", "För alla"}
    assert seen_by(tomelilla) == {"För alla"}
    assert seen_by(ystad) == set()
    # when Skurup leaves the network, it no longer sees what is for the network
    services.leave_network(network=demo_network(), by=admin_of(skurup))
    assert seen_by(skurup) == {"För alla"}
    # when Ystad is suspended, nobody sees its offers
    set_status(organisation=ystad, status=OrganisationStatus.SUSPENDED)
    assert seen_by(trelleborg) == seen_by(tomelilla) == set()


def test_the_demo_organisations_in_the_network_have_their_listings_in_the_exchange(
    ystad, skurup, trelleborg, tomelilla
):
    from catalog import selectors as catalog_selectors

    for organisation in (ystad, skurup, trelleborg):
        # given what each shares with the network
        with schema_context(organisation.schema_name):
            offered = catalog_selectors.offered_versions()
        # then the exchange holds exactly that, each at its version
        held = Offer.objects.filter(organisation=organisation).values_list("listing", "version")
        assert len(offered) >= 10
        assert {str(listing): version for listing, version in held} == offered
    # and a partner sees the others' offers; an organisation outside the network only those offered to everyone
    assert selectors.offers_visible_to(organisation_id=skurup.pk).filter(organisation=ystad, reach="networks").exists()
    outside = selectors.offers_visible_to(organisation_id=tomelilla.pk)
    assert outside.exists() and set(outside.values_list("reach", flat=True)) == {"everyone"}
