"""The lifecycle state machines: the generic ``Lifecycle`` (platform_.lifecycle) and the rules of listings,
reservations and loans, as tables."""

from __future__ import annotations

import pytest
from django.db import models
from django.utils import translation
from django.utils.functional import Promise

from bookings.lifecycle import HOLDING, LOAN, RESERVATION, BookingStatus
from catalog.lifecycle import LISTING, ListingStatus
from platform_.lifecycle import Lifecycle, Transition, TransitionNotAllowed


class Door(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    LOCKED = "locked", "Locked"


def door() -> Lifecycle:
    return Lifecycle(
        "door",
        Door,
        [
            Transition("close", frozenset({Door.OPEN}), Door.CLOSED, "Only an open door can be closed."),
            Transition("lock", frozenset({Door.CLOSED}), Door.LOCKED, "Close the door before locking it."),
            Transition("open", frozenset({Door.CLOSED}), Door.OPEN, "A locked door must be unlocked first."),
            Transition("paint", frozenset({Door.OPEN, Door.CLOSED}), None, "Unlock the door to paint it."),
        ],
    )


# --- the generic machine -------------------------------------------------------------------------------------------


def test_an_allowed_transition_leads_to_its_target():
    # given
    machine = door()

    # when
    after = machine.next_state(Door.OPEN, "close")

    # then
    assert after == Door.CLOSED
    assert machine.can(Door.OPEN, "close")


def test_a_transition_without_target_keeps_the_state():
    # given
    machine = door()

    # when / then
    assert machine.next_state(Door.CLOSED, "paint") == Door.CLOSED
    assert machine.next_state(Door.OPEN, "paint") == Door.OPEN


def test_a_refused_transition_says_why():
    # given
    machine = door()

    # when
    with pytest.raises(TransitionNotAllowed) as refused:
        machine.next_state(Door.OPEN, "lock")

    # then
    assert not machine.can(Door.OPEN, "lock")
    assert refused.value.lifecycle == "door"
    assert refused.value.transition == "lock"
    assert refused.value.state == Door.OPEN
    assert refused.value.message == "Close the door before locking it."
    assert "door: lock is not allowed from open" in str(refused.value)


def test_a_state_the_machine_does_not_know_is_refused_not_accepted():
    # given
    machine = door()

    # when / then
    with pytest.raises(TransitionNotAllowed):
        machine.next_state("ajar", "close")
    assert machine.allowed("ajar") == []


def test_an_unknown_transition_is_a_programming_error():
    # given
    machine = door()

    # when / then
    with pytest.raises(ValueError, match="door has no transition 'slam'"):
        machine.next_state(Door.OPEN, "slam")
    with pytest.raises(ValueError, match="no transition"):
        machine.can(Door.OPEN, "slam")


def test_allowed_lists_the_transitions_from_a_state_in_declaration_order():
    # given
    machine = door()

    # when / then
    assert machine.allowed(Door.OPEN) == ["close", "paint"]
    assert machine.allowed(Door.CLOSED) == ["lock", "open", "paint"]
    assert machine.allowed(Door.LOCKED) == []


@pytest.mark.parametrize(
    "transition",
    [
        Transition("kick", frozenset({"ajar"}), Door.OPEN, "-"),
        Transition("kick", frozenset({Door.OPEN}), "broken", "-"),
    ],
    ids=["unknown source", "unknown target"],
)
def test_unknown_states_are_rejected_when_the_machine_is_declared(transition):
    # when / then
    with pytest.raises(ValueError, match="door.kick names unknown states"):
        Lifecycle("door", Door, [transition])


def test_a_transition_declared_twice_is_rejected():
    # given
    twice = [
        Transition("close", frozenset({Door.OPEN}), Door.CLOSED, "-"),
        Transition("close", frozenset({Door.LOCKED}), Door.CLOSED, "-"),
    ]

    # when / then
    with pytest.raises(ValueError, match="declared twice"):
        Lifecycle("door", Door, twice)


# --- the listing's rules -------------------------------------------------------------------------------------------

L = ListingStatus
ALL_LISTING_STATES = list(L)

# transition → {state it may happen from: state after}
LISTING_RULES = {
    "publish": {L.DRAFT: L.PUBLISHED, L.STORED: L.PUBLISHED, L.WITHDRAWN: L.PUBLISHED},
    "store": {L.DRAFT: L.STORED},
    "edit": {L.DRAFT: L.DRAFT, L.STORED: L.STORED, L.PUBLISHED: L.PUBLISHED, L.RESERVED: L.RESERVED,
             L.WITHDRAWN: L.WITHDRAWN},
    "reserve": {L.PUBLISHED: L.PUBLISHED},
    "fully_reserve": {L.PUBLISHED: L.RESERVED},
    "reopen": {L.RESERVED: L.PUBLISHED, L.PUBLISHED: L.PUBLISHED},
    "hand_over_all": {L.RESERVED: L.HANDED_OVER},
    "withdraw": {L.DRAFT: L.WITHDRAWN, L.STORED: L.WITHDRAWN, L.PUBLISHED: L.WITHDRAWN, L.RESERVED: L.WITHDRAWN},
}


def test_the_listing_machine_has_exactly_the_transitions_in_the_table():
    assert set(LISTING.transitions) == set(LISTING_RULES)


@pytest.mark.parametrize(
    ("transition", "state"), [(t, s) for t in LISTING_RULES for s in ALL_LISTING_STATES], ids=str
)
def test_listing_rules(transition, state):
    # given
    expected = LISTING_RULES[transition].get(state)

    # when / then
    if expected is not None:
        assert LISTING.next_state(state, transition) == expected
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            LISTING.next_state(state, transition)
        assert isinstance(refused.value.message, Promise), "refusals are lazily translated"
        assert str(refused.value.message)


def test_a_handed_over_listing_is_final():
    assert LISTING.allowed(L.HANDED_OVER) == []


@pytest.mark.parametrize(
    ("state", "transition", "message"),
    [
        (L.PUBLISHED, "publish", "Only a draft, a stored or a withdrawn listing can be published."),
        (L.HANDED_OVER, "edit", "A listing that has been handed over can no longer be changed."),
        (L.DRAFT, "reserve", "This listing is not open for reservations."),
        (L.WITHDRAWN, "reserve", "This listing is not open for reservations."),
        (L.WITHDRAWN, "withdraw", "A listing that has been handed over or withdrawn cannot be withdrawn."),
        (L.PUBLISHED, "hand_over_all", "Everything must be reserved before it is all handed over."),
    ],
)
def test_listing_refusals_explain_themselves_in_english(state, transition, message):
    # when
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as refused:
        LISTING.next_state(state, transition)

    # then
    with translation.override("en"):
        assert str(refused.value.message) == message


# --- the reservation's rules ---------------------------------------------------------------------------------------

R = BookingStatus

RESERVATION_RULES = {
    "hand_over": {R.RESERVED: R.HANDED_OVER},
    "cancel": {R.RESERVED: R.CANCELLED, R.AWAITING_APPROVAL: R.CANCELLED},
    "lapse": {R.RESERVED: R.LAPSED},
    # A department manager's answer (decision 0045).
    "approve": {R.AWAITING_APPROVAL: R.RESERVED},
    "refuse": {R.AWAITING_APPROVAL: R.NOT_APPROVED},
}


def test_the_reservation_machine_has_exactly_the_transitions_in_the_table():
    assert set(RESERVATION.transitions) == set(RESERVATION_RULES)


@pytest.mark.parametrize(
    ("transition", "state"), [(t, s) for t in RESERVATION_RULES for s in list(R)], ids=str
)
def test_reservation_rules(transition, state):
    # given
    expected = RESERVATION_RULES[transition].get(state)

    # when / then
    if expected is not None:
        assert RESERVATION.next_state(state, transition) == expected
    else:
        with pytest.raises(TransitionNotAllowed):
            RESERVATION.next_state(state, transition)


def test_a_reservation_that_is_handed_over_or_cancelled_is_final():
    # when / then
    assert RESERVATION.allowed(R.RESERVED) == ["hand_over", "cancel", "lapse"]
    assert RESERVATION.allowed(R.HANDED_OVER) == []
    assert RESERVATION.allowed(R.CANCELLED) == []
    assert RESERVATION.allowed(R.LAPSED) == []


def test_confirming_a_cancelled_reservation_is_refused_with_its_message():
    # when
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as refused:
        RESERVATION.next_state(R.CANCELLED, "hand_over")

    # then
    with translation.override("en"):
        assert str(refused.value.message) == "Only an active reservation can be handed over."


# --- the loan's rules ----------------------------------------------------------------------------------------------

LOAN_RULES = {
    "pick_up": {R.RESERVED: R.OUT},
    "return": {R.OUT: R.RETURNED},
    "cancel": {R.RESERVED: R.CANCELLED, R.AWAITING_APPROVAL: R.CANCELLED},
    "extend": {R.RESERVED: R.RESERVED, R.OUT: R.OUT},
    "lapse": {R.RESERVED: R.LAPSED},
    "approve": {R.AWAITING_APPROVAL: R.RESERVED},
    "refuse": {R.AWAITING_APPROVAL: R.NOT_APPROVED},
}


def test_the_loan_machine_has_exactly_the_transitions_in_the_table():
    assert set(LOAN.transitions) == set(LOAN_RULES)


@pytest.mark.parametrize(("transition", "state"), [(t, s) for t in LOAN_RULES for s in list(R)], ids=str)
def test_loan_rules(transition, state):
    # given
    expected = LOAN_RULES[transition].get(state)

    # when / then
    if expected is not None:
        assert LOAN.next_state(state, transition) == expected
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            LOAN.next_state(state, transition)
        assert isinstance(refused.value.message, Promise), "refusals are lazily translated"


def test_a_returned_cancelled_or_lapsed_loan_is_final_and_holds_nothing():
    # when / then
    for state in (R.RETURNED, R.CANCELLED, R.LAPSED, R.NOT_APPROVED):
        assert LOAN.allowed(state) == []
        assert state not in HOLDING
    # A booking awaiting its manager's approval holds the item, so approving never finds it gone (decision 0045).
    assert set(HOLDING) == {R.RESERVED, R.HANDED_OVER, R.OUT, R.AWAITING_APPROVAL}


def test_returning_a_loan_that_was_never_picked_up_is_refused_with_its_message():
    # when
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as refused:
        LOAN.next_state(R.RESERVED, "return")

    # then
    with translation.override("en"):
        assert str(refused.value.message) == "Only a loan that has been picked up can be returned."
