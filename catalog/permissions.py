"""Who may do what with a listing, inside one organisation.

The owner side of a listing is the person who posted it, its contact person, the operators (the labour-market
unit runs the service and posts for departments), organisation admins, and the manager of the owning department
or of the förvaltning it belongs to.
People are compared by their stable UUID, never by the integer id of one organisation's schema. Who may take a step
on a booking is ``bookings``' rule, built on ``can_manage_listing``.
"""

from __future__ import annotations

from accounts.roles import Role

from .lifecycle import ListingStatus
from .models import Listing

RUNS_THE_SERVICE = {Role.OPERATOR, Role.ORG_ADMIN}
# Seen only by those who manage the listing.
UNPUBLISHED = (ListingStatus.DRAFT, ListingStatus.STORED, ListingStatus.WITHDRAWN)
DEPARTMENT_MANAGER = Role.DEPARTMENT_MANAGER


def is_poster_or_contact(user, listing: Listing) -> bool:
    return user.uuid in (listing.created_by.uuid, listing.contact_person.uuid)


def can_manage_listing(user, listing: Listing) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role in RUNS_THE_SERVICE:
        return True
    if is_poster_or_contact(user, listing):
        return True
    if user.role != Role.DEPARTMENT_MANAGER or user.department_id is None:
        return False
    # The manager of a förvaltning manages its enheter's listings too (the department tree, decision 0038).
    return listing.department_id == user.department_id or listing.department.parent_id == user.department_id


def can_see_listing(user, listing: Listing) -> bool:
    """Published, reserved and handed-over listings are for everyone in the organisation; drafts, stored and
    withdrawn listings only for those who manage them."""
    hidden = listing.status in UNPUBLISHED
    return not hidden or can_manage_listing(user, listing)


def can_post_for_any_department(user) -> bool:
    return user.role in RUNS_THE_SERVICE


def can_run_organisation(user) -> bool:
    """Moving a department's or a leaver's listings in bulk belongs to those who run the organisation: its admins."""
    return user.is_authenticated and user.is_active and user.role == Role.ORG_ADMIN


def can_manage_categories(user) -> bool:
    """The category tree is the organisation's: its admins shape it (at /administrera/kategorier/), and platform
    staff may on their behalf (a superuser of the schema, in Django admin at /admin/, decision 0039)."""
    return user.is_authenticated and user.is_active and (user.role == Role.ORG_ADMIN or user.is_superuser)


def can_manage_sharing(user) -> bool:
    """How far the organisation shares by default is the organisation's decision: its admins set it."""
    return user.is_authenticated and user.is_active and user.role == Role.ORG_ADMIN


def can_manage_places(user) -> bool:
    """The organisation's saved places (storage rooms, buildings) are kept by its admins."""
    return user.is_authenticated and user.is_active and user.role == Role.ORG_ADMIN


def can_manage_storage(user) -> bool:
    """Storage, labels and stock-taking are the work of those who run the service: operators and admins."""
    return user.is_authenticated and user.is_active and user.role in RUNS_THE_SERVICE
