"""The lifecycle of listings and reservations, written once as data.

A ``Lifecycle`` is a small state machine: named transitions, each allowed from a set of states and leading to one
state. Services ask it before they change a status, so a rule lives in one place and an impossible step (confirming
a cancelled reservation, reserving a withdrawn listing) is refused with a message a person understands.

Later flows extend this instead of adding status checks of their own: a loan adds ``returned`` after
``handed_over``; an agreement between organisations is another ``Lifecycle`` with its own states.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class TransitionNotAllowed(Exception):
    def __init__(self, lifecycle: str, transition: str, state: str, message) -> None:
        super().__init__(f"{lifecycle}: {transition} is not allowed from {state}")
        self.lifecycle = lifecycle
        self.transition = transition
        self.state = state
        self.message = message


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str | None  # None: the step is allowed but the state stays as it is (editing, a partial reservation)
    refusal: object  # lazily translated message shown when the transition is not allowed


class Lifecycle:
    def __init__(self, name: str, states: type[models.TextChoices], transitions: Iterable[Transition]) -> None:
        self.name = name
        self.states = states
        self.transitions: dict[str, Transition] = {}
        known = set(states.values)
        for transition in transitions:
            states_named = set(transition.sources) | ({transition.target} if transition.target else set())
            unknown = states_named - known
            if unknown:
                raise ValueError(f"{name}.{transition.name} names unknown states {sorted(unknown)}")
            if transition.name in self.transitions:
                raise ValueError(f"{name}.{transition.name} is declared twice")
            self.transitions[transition.name] = transition

    def can(self, state: str, transition: str) -> bool:
        return state in self._get(transition).sources

    def next_state(self, state: str, transition: str) -> str:
        """The state after ``transition`` from ``state``; raises TransitionNotAllowed if it may not happen."""
        step = self._get(transition)
        if state not in step.sources:
            raise TransitionNotAllowed(self.name, transition, state, step.refusal)
        return state if step.target is None else step.target

    def allowed(self, state: str) -> list[str]:
        return [name for name, step in self.transitions.items() if state in step.sources]

    def _get(self, transition: str) -> Transition:
        try:
            return self.transitions[transition]
        except KeyError:
            raise ValueError(f"{self.name} has no transition {transition!r}") from None


def _t(name: str, sources: Iterable[str], target: str, refusal) -> Transition:
    return Transition(name=name, sources=frozenset(sources), target=target, refusal=refusal)


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RESERVED = "reserved", _("Reserved")
    HANDED_OVER = "handed_over", _("Handed over")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReservationStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved")
    HANDED_OVER = "handed_over", _("Handed over")
    CANCELLED = "cancelled", _("Cancelled")


_S = ListingStatus
LISTING = Lifecycle(
    "listing",
    ListingStatus,
    [
        _t("publish", {_S.DRAFT, _S.WITHDRAWN}, _S.PUBLISHED,
           _("Only a draft or a withdrawn listing can be published.")),
        _t("edit", {_S.DRAFT, _S.PUBLISHED, _S.RESERVED, _S.WITHDRAWN}, None,
           _("A listing that has been handed over can no longer be changed.")),
        # Reserving takes part of the quantity; the listing itself is reserved once nothing is left.
        _t("reserve", {_S.PUBLISHED}, None, _("This listing is not open for reservations.")),
        _t("fully_reserve", {_S.PUBLISHED}, _S.RESERVED, _("This listing is not open for reservations.")),
        # A cancelled reservation gives its quantity back.
        _t("reopen", {_S.RESERVED, _S.PUBLISHED}, _S.PUBLISHED, _("This listing cannot be reopened.")),
        _t("hand_over_all", {_S.RESERVED}, _S.HANDED_OVER,
           _("Everything must be reserved before it is all handed over.")),
        _t("withdraw", {_S.DRAFT, _S.PUBLISHED, _S.RESERVED}, _S.WITHDRAWN,
           _("A listing that has been handed over or withdrawn cannot be withdrawn.")),
    ],
)

_R = ReservationStatus
RESERVATION = Lifecycle(
    "reservation",
    ReservationStatus,
    [
        _t("hand_over", {_R.RESERVED}, _R.HANDED_OVER, _("Only an active reservation can be handed over.")),
        _t("cancel", {_R.RESERVED}, _R.CANCELLED, _("Only an active reservation can be cancelled.")),
    ],
)
