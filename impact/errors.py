"""Why an impact operation was refused: a stable ``code``, a message for people, and the fields it is about."""

from __future__ import annotations

from platform_.errors import DomainError


class ImpactError(DomainError):
    """``fields`` maps each bad input to its message (a form shows each beside its field)."""
