"""Writes of the exchange: networks and memberships (public schema).

An organisation acts through an ``Actor``: its id and a snapshot of the person acting, made by the page that checked
the person's role (only organisation admins act on networks). Every change of a network's memberships locks the
network row first, so two admins answering or inviting at once are taken one after the other.
"""

from __future__ import annotations

import uuid
from contextlib import nullcontext
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from catalog import selectors as catalog
from outbox import services as outbox
from tenants import selectors as organisations

from . import errors, offer_photos

# Deals between organisations have modules of their own; other apps reach them here.
from .deal_services import (  # noqa: F401
    Asker,
    DealRequest,
    accept_deal,
    approve_deal,
    cancel_deal,
    decline_deal,
    post_message,
    refuse_deal,
    request_deal,
)
from .deal_sync import follow as follow_deal_booking  # noqa: F401
from .deal_sync import repair as repair_deals  # noqa: F401
from .models import NETWORK_NAME_MAX_LENGTH, Membership, MembershipChange, MembershipState, Network, Offer
from .offer_photos import PhotoSnapshot

INVITATION_KIND = "exchange.network_invitation"


@dataclass(frozen=True)
class Actor:
    """An organisation acting, and the person acting for it as they are now (name and work e-mail; their UUID when
    their organisation's staff have one). Stored as a snapshot: the person stays in their organisation's schema."""

    organisation_id: int
    name: str
    email: str
    person: uuid.UUID | None = None


def _stamp(actor: Actor, prefix: str) -> dict:
    return {f"{prefix}_person": actor.person, f"{prefix}_name": actor.name[:200], f"{prefix}_email": actor.email}


def _record(membership: Membership, action: str, actor: Actor) -> MembershipChange:
    return MembershipChange.objects.create(
        membership=membership, action=action, acting_organisation_id=actor.organisation_id,
        person=actor.person, person_name=actor.name[:200], person_email=actor.email,
    )


def _check_acting(actor: Actor):
    organisation = organisations.active_organisation(pk=actor.organisation_id)
    if organisation is None:
        errors.raise_error(errors.ORGANISATION_UNAVAILABLE)
    return organisation


def _locked_network(network: Network) -> Network:
    return Network.objects.select_for_update().get(pk=network.pk)


def _membership(network: Network, organisation_id: int) -> Membership | None:
    return Membership.objects.select_for_update().filter(network=network, organisation_id=organisation_id).first()


@transaction.atomic
def create_network(*, name: str, by: Actor) -> Network:
    """A new network with the acting organisation as its first member."""
    name = " ".join(name.split())
    if not name:
        errors.raise_error(errors.NETWORK_NAME_REQUIRED, field="name")
    if len(name) > NETWORK_NAME_MAX_LENGTH:
        errors.raise_error(errors.NETWORK_NAME_TOO_LONG, field="name", limit=NETWORK_NAME_MAX_LENGTH)
    _check_acting(by)
    try:
        with transaction.atomic():
            network = Network.objects.create(
                name=name, created_by_organisation_id=by.organisation_id, **_stamp(by, "created_by")
            )
    except IntegrityError:
        errors.raise_error(errors.NETWORK_NAME_TAKEN, field="name")
    membership = Membership.objects.create(
        network=network, organisation_id=by.organisation_id, state=MembershipState.MEMBER,
        changed_at=timezone.now(), **_stamp(by, "changed_by"),
    )
    _record(membership, MembershipChange.Action.CREATED, by)
    return network


@transaction.atomic
def invite_organisation(*, network: Network, organisation_id: int, by: Actor, notify: bool = True) -> Membership:
    """Invite an active organisation to a network the acting organisation is a member of. Its admins are e-mailed
    (through the outbox) once this commits. An organisation that declined or left may be invited again. Refused
    while the acting organisation is read-only (decision 0057)."""
    if _check_acting(by).billing_read_only:
        errors.raise_error(errors.READ_ONLY)
    network = _locked_network(network)
    own = _membership(network, by.organisation_id)
    if own is None or own.state != MembershipState.MEMBER:
        errors.raise_error(errors.NOT_A_MEMBER)
    if organisation_id == by.organisation_id:
        errors.raise_error(errors.OWN_ORGANISATION, field="organisation")
    invited = organisations.active_organisation(pk=organisation_id)
    if invited is None:
        errors.raise_error(errors.ORGANISATION_UNAVAILABLE, field="organisation")
    now = timezone.now()
    membership = _membership(network, organisation_id)
    if membership is not None and membership.state == MembershipState.MEMBER:
        errors.raise_error(errors.ALREADY_MEMBER, field="organisation", name=invited.name)
    if membership is not None and membership.state == MembershipState.INVITED:
        errors.raise_error(errors.ALREADY_INVITED, field="organisation", name=invited.name)
    membership = membership or Membership(network=network, organisation_id=organisation_id)
    membership.state = MembershipState.INVITED
    membership.invited_by_organisation_id = by.organisation_id
    membership.invited_at = now
    membership.changed_at = now
    for name, value in {**_stamp(by, "invited_by"), **_stamp(by, "changed_by")}.items():
        setattr(membership, name, value)
    membership.save()
    change = _record(membership, MembershipChange.Action.INVITED, by)
    if notify:
        _enqueue_invitation(membership, change)
    return membership


def _enqueue_invitation(membership: Membership, change: MembershipChange) -> None:
    """The invitation e-mail, as a message of the exchange's own, in the public schema (decision 0024).

    The invited organisation's admins live in its schema; the handler (exchange.notices) reads them there and writes
    the e-mail to that organisation's outbox. The inviting organisation's request never touches that schema."""
    public = get_public_schema_name()
    with nullcontext() if connection.schema_name == public else schema_context(public):
        outbox.enqueue(
            kind=INVITATION_KIND, key=f"exchange.invitation:{change.pk}",
            payload={"membership": membership.pk, "change": change.pk},
        )


def _answer(network: Network, by: Actor, *, state: str, action: str) -> Membership:
    _check_acting(by)
    network = _locked_network(network)
    membership = _membership(network, by.organisation_id)
    if membership is None or membership.state != MembershipState.INVITED:
        errors.raise_error(errors.NO_INVITATION)
    membership.state = state
    membership.changed_at = timezone.now()
    for name, value in _stamp(by, "changed_by").items():
        setattr(membership, name, value)
    membership.save()
    _record(membership, action, by)
    return membership


@transaction.atomic
def accept_invitation(*, network: Network, by: Actor) -> Membership:
    return _answer(network, by, state=MembershipState.MEMBER, action=MembershipChange.Action.ACCEPTED)


@transaction.atomic
def decline_invitation(*, network: Network, by: Actor) -> Membership:
    return _answer(network, by, state=MembershipState.DECLINED, action=MembershipChange.Action.DECLINED)


@transaction.atomic
def leave_network(*, network: Network, by: Actor) -> Membership:
    """The acting organisation leaves; what it shared with the network is no longer shown to the others."""
    _check_acting(by)
    network = _locked_network(network)
    membership = _membership(network, by.organisation_id)
    if membership is None or membership.state != MembershipState.MEMBER:
        errors.raise_error(errors.NOT_A_MEMBER)
    membership.state = MembershipState.LEFT
    membership.changed_at = timezone.now()
    for name, value in _stamp(by, "changed_by").items():
        setattr(membership, name, value)
    membership.save()
    _record(membership, MembershipChange.Action.LEFT, by)
    return membership


# ------------------------------------------------------------------------------------------------ offers


@dataclass(frozen=True)
class OfferSnapshot:
    """What an organisation publishes of one listing, at one version (made by exchange.publication from
    catalog.selectors.shared_listing)."""

    organisation_id: int
    listing: uuid.UUID | str
    version: int
    reach: str
    title: str
    excerpt: str
    category_key: str
    condition: str
    quantity_available: int
    offer_type: str
    price: Decimal | None
    rent_period: str
    contact_name: str
    contact_email: str
    published_at: datetime | None
    # In the listing's order; copied to the exchange's own folder with the offer (decision 0029).
    photos: tuple[PhotoSnapshot, ...] = ()


_OFFER_FIELDS = [field.name for field in fields(OfferSnapshot)
                 if field.name not in ("organisation_id", "listing", "photos")]


@transaction.atomic
def publish_offer(*, offer: OfferSnapshot) -> bool:
    """Write the exchange's copy of a listing, unless it already holds a newer version. True if anything was written.

    One statement, ``INSERT … ON CONFLICT DO UPDATE … WHERE version < the new one``: whatever order deliveries and
    the reconciliation arrive in, an older version never replaces a newer one. The statement locks the offer's row
    either way; then, if the copy is at this version (just written, or already), its photos are made the snapshot's
    in the same transaction (exchange.offer_photos.sync): a newer copy keeps its own photos, and a copy at the same
    version whose photos went missing gets them back."""
    if offer.reach not in Offer.Reach.values:
        raise ValueError(f"An offer reaches the networks or everyone, not {offer.reach!r}")
    if _new_offer_of_read_only(offer):
        return False
    columns = ["organisation_id", "listing", *_OFFER_FIELDS, "search_suffixes", "updated_at"]
    values = [offer.organisation_id, str(offer.listing), *(getattr(offer, name) for name in _OFFER_FIELDS),
              catalog.title_endings(title=offer.title), timezone.now()]
    table = _public_table(Offer)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in columns[2:])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
            f"ON CONFLICT (organisation_id, listing) DO UPDATE SET {updates} "
            f"WHERE {table}.version < EXCLUDED.version RETURNING id, (xmax = 0)",
            values,
        )
        written = cursor.fetchone()
        if written is None:
            cursor.execute(
                f"SELECT id FROM {table} WHERE organisation_id = %s AND listing = %s AND version = %s",
                [offer.organisation_id, str(offer.listing), offer.version],
            )
            same = cursor.fetchone()
    if written is None and same is None:
        return False  # the exchange holds a newer version
    offer_id = written[0] if written is not None else same[0]
    if written is not None and written[1]:
        _announce_offer(offer_id=offer_id, organisation_id=offer.organisation_id)
    photos_changed = offer_photos.sync(
        offer_id=offer_id, organisation_id=offer.organisation_id, listing=offer.listing, photos=offer.photos
    )
    return written is not None or photos_changed


def _new_offer_of_read_only(offer: OfferSnapshot) -> bool:
    """A listing the exchange does not hold yet, of an organisation in read-only mode (decision 0057): not copied.
    Copies already held are still updated (and withdrawn). The reconciliation (exchange.publication.reconcile, daily)
    copies it once the organisation is out of read-only mode. Publishing in catalog is refused anyway; this catches a
    listing already published inside the organisation and shared with the networks or everyone afterwards."""
    organisation = organisations.organisation_by_id(pk=offer.organisation_id)
    if organisation is None or not organisation.billing_read_only:
        return False
    return not Offer.objects.filter(organisation_id=offer.organisation_id, listing=str(offer.listing)).exists()


OFFER_PUBLISHED_KIND = "exchange.offer_published"


def _announce_offer(*, offer_id: int, organisation_id: int) -> None:
    """A new offer (a listing shared that the exchange did not hold) is told in the public outbox, in the offer's
    transaction: the apps above the exchange that care register a handler for the kind (wanted ads tell the partner
    organisations, decision 0036). The exchange names the event, never the app that listens."""
    public = get_public_schema_name()
    with nullcontext() if connection.schema_name == public else schema_context(public):
        # Due a moment from now, so that writing it queues no relay of its own: the outbox's sweep (every 30 s) or
        # public's next relay delivers it. Nothing waits for it.
        outbox.enqueue(kind=OFFER_PUBLISHED_KIND, key=f"exchange.offer_published:{offer_id}",
                       payload={"offer": offer_id, "organisation": organisation_id},
                       available_at=timezone.now() + timedelta(seconds=1))


@transaction.atomic
def withdraw_offer(*, organisation_id: int, listing: uuid.UUID | str, version: int) -> bool:
    """Remove the exchange's copy of a listing that is no longer offered (withdrawn, taken, narrowed to the
    organisation, gone), unless the copy is of a newer version. True if one was removed. Its photos go with it, their
    files once this commits."""
    table = _public_table(Offer)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE organisation_id = %s AND listing = %s AND version <= %s FOR UPDATE",
            [organisation_id, str(listing), version],
        )
        found = cursor.fetchone()
        if found is None:
            return False
        offer_photos.remove(offer_id=found[0])
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [found[0]])
        return cursor.rowcount > 0


def _public_table(model) -> str:
    # Schema-qualified: the handlers that write offers run in an organisation's schema.
    return f"{connection.ops.quote_name(get_public_schema_name())}.{connection.ops.quote_name(model._meta.db_table)}"



# ------------------------------------------------------------------------------ an organisation leaves for good


FORGOTTEN_NAME = "(deleted)"


@transaction.atomic
def forget_organisation(*, organisation_id: int) -> dict[str, int]:
    """Before an organisation is deleted for good (console.services, decision 0053): withdraw its offers (their
    photos' files go after the commit) and anonymise its people in the exchange's records — the names and e-mail
    addresses of its staff in deals, agreements, deal messages and events, networks and memberships. Organisation
    names and numbers, amounts and dates are kept: the other side's records and bookkeeping need them. Returns how
    many rows of each kind were changed. Idempotent."""
    from .models import Agreement, Deal, DealEvent, DealMessage

    public = get_public_schema_name()
    with nullcontext() if connection.schema_name == public else schema_context(public):
        blank = {"person_name": FORGOTTEN_NAME, "person_email": ""}
        counts = {
            "offers": Offer.objects.filter(organisation_id=organisation_id).delete()[0],
            "deals_offered": Deal.objects.filter(owner_id=organisation_id).update(
                contact_name=FORGOTTEN_NAME, contact_email="", decided_by_person=None, decided_by_name=FORGOTTEN_NAME,
                decided_by_email=""),
            "deals_asked": Deal.objects.filter(requester_id=organisation_id).update(
                person_name=FORGOTTEN_NAME, person_email="", approval_by_name=""),
            "agreements_offered": Agreement.objects.filter(deal__owner_id=organisation_id).update(
                owner_person_name=FORGOTTEN_NAME, owner_person_email=""),
            "agreements_asked": Agreement.objects.filter(deal__requester_id=organisation_id).update(
                requester_person_name=FORGOTTEN_NAME, requester_person_email=""),
            "deal_events": DealEvent.objects.filter(organisation_id=organisation_id).update(person=None, **blank),
            "deal_messages": DealMessage.objects.filter(organisation_id=organisation_id).update(person=None, **blank),
            "networks": Network.objects.filter(created_by_organisation_id=organisation_id).update(
                created_by_person=None, created_by_name=FORGOTTEN_NAME, created_by_email=""),
            "membership_changes": MembershipChange.objects.filter(acting_organisation_id=organisation_id).update(
                person=None, **blank),
            "memberships": Membership.objects.filter(invited_by_organisation_id=organisation_id).update(
                invited_by_person=None, invited_by_name=FORGOTTEN_NAME, invited_by_email=""),
        }
        transaction.on_commit(lambda: offer_photos.remove_organisation_folder(organisation_id=organisation_id))
    return counts
