"""Reads of deals between organisations (decision 0030). Other apps reach these through exchange.selectors.

A deal is seen by its two organisations only, and within each by those it concerns: on the asking side the person
who asked and those who run the service (operators, admins); on the owning side whoever manages the listing (its
poster and contact person, managers of its department, operators, admins). Anyone else is answered as if there were
no such deal.

A deal waiting for a department manager's approval on the asking side (decision 0048) has not been asked of the owner:
the owning organisation does not see it (nor one refused or withdrawn while waiting) until it is approved (``ASKED``).
On the asking side the managers who approve it see it too."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts import selectors as people
from catalog import selectors as catalog

from .deal_lifecycle import CHANGED_HANDS, OPEN
from .models import Deal, DealStatus

# The deals the owner has been asked: no approval was needed, or a manager approved (decision 0048).
ASKED = Q(approval_department_id__isnull=True) | Q(approved_at__isnull=False)


def _deals() -> QuerySet[Deal]:
    return Deal.objects.select_related("agreement")


def was_asked(deal: Deal) -> bool:
    """Whether the owner has been asked for ``deal`` (``ASKED`` for one row)."""
    return deal.approval_department_id is None or deal.approved_at is not None


def approves_deal(*, user, deal: Deal) -> bool:
    """Whether ``user`` (of the asking organisation) is a manager who approves ``deal`` (decision 0048)."""
    return deal.approval_department_id is not None and deal.approval_department_id in people.approved_departments(
        user=user)


def can_see_deal(*, user, deal: Deal, organisation_id: int) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if deal.requester_id == organisation_id:
        return (getattr(user, "uuid", None) == deal.person or catalog.runs_the_service(user)
                or approves_deal(user=user, deal=deal))
    if deal.owner_id == organisation_id and was_asked(deal):
        if catalog.runs_the_service(user):
            return True
        listing = catalog.listing_by_uuid(uuid=deal.listing)
        return listing is not None and catalog.can_manage_listing(user, listing)
    return False


def is_owner_side(*, deal: Deal, organisation_id: int) -> bool:
    return deal.owner_id == organisation_id


def deal_for(*, uuid, user, organisation_id: int) -> Deal | None:
    """The deal if ``user`` of this organisation may see it (the module's docstring); else None."""
    deal = _deals().filter(Q(owner_id=organisation_id) & ASKED | Q(requester_id=organisation_id), uuid=uuid).first()
    return deal if deal is not None and can_see_deal(user=user, deal=deal, organisation_id=organisation_id) else None


def deal_thread(*, deal: Deal) -> tuple[list, list]:
    """The deal's events and messages, oldest first (two queries)."""
    return list(deal.events.all()), list(deal.messages.all())


def incoming_deals(*, organisation_id: int, listing_uuids=None, open_only: bool = False) -> QuerySet[Deal]:
    """Other organisations' requests for this organisation's listings, newest first: of ``listing_uuids`` only (the
    person's own listings on "Mina annonser"), or all (the operator's view)."""
    deals = _deals().filter(ASKED, owner_id=organisation_id)
    if listing_uuids is not None:  # a subquery (catalog.selectors.managed_listing_uuids) or UUIDs
        deals = deals.filter(listing__in=listing_uuids if isinstance(listing_uuids, QuerySet) else list(listing_uuids))
    if open_only:
        deals = deals.filter(status__in=OPEN)
    return deals.order_by("-requested_at", "-id")


def outgoing_deals(*, organisation_id: int, person=None) -> QuerySet[Deal]:
    """This organisation's requests to others, newest first: of one person (``person``, their UUID), or all."""
    deals = _deals().filter(requester_id=organisation_id)
    if person is not None:
        deals = deals.filter(person=person)
    return deals.order_by("-requested_at", "-id")


INCOMING = "incoming"
OUTGOING = "outgoing"


def visible_deals(*, user, organisation_id: int, status: str = "", direction: str = "") -> QuerySet[Deal]:
    """Every deal of the organisation ``user`` may see, both ways, newest first: all of them for operators and
    admins; otherwise the person's requests and the requests for listings they manage. ``status`` and ``direction``
    (INCOMING: other organisations' requests for ours; OUTGOING: ours to them) narrow it."""
    if catalog.runs_the_service(user):
        deals = _deals().filter(Q(owner_id=organisation_id) & ASKED | Q(requester_id=organisation_id))
    else:
        managed = catalog.managed_listing_uuids(user=user)
        deals = _deals().filter(
            Q(requester_id=organisation_id, person=getattr(user, "uuid", None))
            | Q(ASKED, owner_id=organisation_id, listing__in=managed)
        )
    if status:
        deals = deals.filter(status=status)
    if direction == INCOMING:
        deals = deals.filter(owner_id=organisation_id)
    elif direction == OUTGOING:
        deals = deals.filter(requester_id=organisation_id)
    return deals.order_by("-requested_at", "-id")


def deals_awaiting_approval(*, organisation_id: int, department_ids: list[int]) -> QuerySet[Deal]:
    """This organisation's requests to others that wait for the approval of a manager of ``department_ids``, oldest
    first (the queue "Att godkänna", decision 0048)."""
    return Deal.objects.filter(requester_id=organisation_id, status=DealStatus.AWAITING_APPROVAL,
                               approval_department_id__in=department_ids).order_by("requested_at", "id")


def deals_awaiting_answer(*, organisation_id: int, listing_uuids) -> int:
    return Deal.objects.filter(owner_id=organisation_id, listing__in=list(listing_uuids),
                               status=DealStatus.REQUESTED).count()


def changed_hands_between(*, start, end, organisation_id: int | None = None, network_members=None) -> QuerySet[Deal]:
    """Deals whose items changed hands in [start, end): handed over, or a loan picked up (then returned or not).
    Of one organisation, either side; or between members of a network."""
    deals = Deal.objects.filter(status__in=CHANGED_HANDS, handed_over_at__gte=start, handed_over_at__lt=end)
    if organisation_id is not None:
        deals = deals.filter(Q(owner_id=organisation_id) | Q(requester_id=organisation_id))
    if network_members is not None:
        deals = deals.filter(owner_id__in=network_members, requester_id__in=network_members)
    return deals
