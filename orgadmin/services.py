"""What an organisation admin does to departments and people when it touches listings and bookings too: one
transaction each, composed from accounts', catalog's and bookings' services (decision 0039).

accounts sits below catalog and bookings (apps-depend-downwards), so it cannot move a department's listings or a
leaver's bookings itself; this module, above all three, does the whole change at once or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts import errors as account_errors
from accounts import selectors as people
from accounts import services as accounts
from bookings import selectors as booking_selectors
from bookings import services as bookings
from catalog import selectors as listing_selectors
from catalog import services as catalog

MOVE = "move"
WITHDRAW = "withdraw"
WOUND_UP_REASON = _("The department has been wound up.")


@dataclass(frozen=True)
class Outcome:
    people: int = 0
    listings: int = 0
    bookings: int = 0
    units: int = 0


@transaction.atomic
def merge_departments(*, by, source, target) -> Outcome:
    """``source`` is merged into ``target``: its people, open invitations, units and listings move there, and it is
    wound up (kept, inactive, for the history that names it)."""
    moved = accounts.merge_department_people(by=by, source=source, target=target)
    listings = catalog.move_department_listings(by=by, from_department=source, to_department=target)
    return Outcome(people=moved["people"], listings=listings, units=moved["units"])


@transaction.atomic
def wind_up_department(*, by, department, listings: str, move_to=None) -> Outcome:
    """Deactivate ``department``; its listings move to ``move_to`` (``listings="move"``) or are withdrawn, with their
    open bookings cancelled (``"withdraw"``). Refused while people or active units still belong to it."""
    if listings == MOVE:
        if move_to is None:
            account_errors.raise_error(account_errors.DEPARTMENT_REQUIRED, field="move_to")
        if move_to.pk == department.pk:
            account_errors.raise_error(account_errors.DEPARTMENT_MERGE_SAME, field="move_to")
        if not move_to.is_active:
            account_errors.raise_error(account_errors.DEPARTMENT_INACTIVE, field="move_to", name=move_to.name)
    accounts.deactivate_department(by=by, department=department)
    if listings == MOVE:
        count = catalog.move_department_listings(by=by, from_department=department, to_department=move_to)
    else:
        # Stored text, read by colleagues whatever language the admin uses: the organisation's.
        with translation.override(settings.LANGUAGE_CODE):
            reason = str(WOUND_UP_REASON)
        count = catalog.withdraw_department_listings(by=by, department=department, reason=reason)
    return Outcome(listings=count)


def what_a_leaver_has(*, person) -> Outcome:
    """What ``person`` would hand over: listings in their charge and open bookings (two queries)."""
    return Outcome(
        listings=listing_selectors.listings_in_charge_count(user=person),
        bookings=booking_selectors.open_bookings_of_count(party=people.party_of(user=person)),
    )


@transaction.atomic
def hand_over(*, by, leaver, colleague) -> Outcome:
    """``colleague`` takes over ``leaver``'s listings (as contact person), open bookings and waiting-list places."""
    accounts.check_colleague(leaver=leaver, colleague=colleague)
    listings = catalog.hand_over_listings(by=by, from_person=leaver, to_person=colleague)
    changed = bookings.hand_over_bookings(
        by=by, from_person=people.party_of(user=leaver), to_person=people.party_of(user=colleague)
    )
    return Outcome(listings=listings, bookings=changed)


@transaction.atomic
def deactivate_person(*, by, person, colleague=None) -> Outcome:
    """``person`` leaves: what is in their charge goes to ``colleague`` first (required when there is something to
    hand over), then they are deactivated."""
    outcome = Outcome()
    if colleague is not None:
        outcome = hand_over(by=by, leaver=person, colleague=colleague)
    else:
        left = what_a_leaver_has(person=person)
        if left.listings or left.bookings:
            account_errors.raise_error(account_errors.HANDOVER_REQUIRED, field="colleague",
                                       listings=left.listings, bookings=left.bookings)
    accounts.deactivate_person(by=by, person=person)
    return outcome
