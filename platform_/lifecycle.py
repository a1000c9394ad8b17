"""State machines written once as data, for every app that has a lifecycle (decision 0012, 0023).

A ``Lifecycle`` is a small state machine: named transitions, each allowed from a set of states and leading to one
state. Services ask it before they change a status, so a rule lives in one place and an impossible step (confirming
a cancelled reservation, returning a loan that was never picked up) is refused with a message a person understands.

The machines themselves are data in their apps: ``catalog.lifecycle`` (listings), ``bookings.lifecycle``
(reservations and loans); the exchange between organisations will add its own. This module knows no app.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models


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


def transition(name: str, sources: Iterable[str], target: str | None, refusal) -> Transition:
    return Transition(name=name, sources=frozenset(sources), target=target, refusal=refusal)


class Lifecycle:
    def __init__(self, name: str, states: type[models.TextChoices], transitions: Iterable[Transition]) -> None:
        self.name = name
        self.states = states
        self.transitions: dict[str, Transition] = {}
        known = set(states.values)
        for step in transitions:
            states_named = set(step.sources) | ({step.target} if step.target else set())
            unknown = states_named - known
            if unknown:
                raise ValueError(f"{name}.{step.name} names unknown states {sorted(unknown)}")
            if step.name in self.transitions:
                raise ValueError(f"{name}.{step.name} is declared twice")
            self.transitions[step.name] = step

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
