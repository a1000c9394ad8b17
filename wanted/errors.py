"""Why a wanted ad could not be posted or closed: a stable ``code`` and a ``message`` for people."""

from __future__ import annotations

from platform_.errors import DomainError
from tenants.errors import READ_ONLY_MESSAGE  # noqa: F401  (one message for every app, decision 0057)


class WantedError(DomainError):
    """``field`` names the input the refusal is about, when it is about one (a form shows the message there)."""

    def __init__(self, code: str, message, http_status: int = 400, field: str | None = None) -> None:
        super().__init__(code, message, http_status)
        self.field = field
