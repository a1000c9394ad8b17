"""The one base of every app's business-rule refusals (decision 0020).

A service that says no raises a subclass of ``DomainError`` (``accounts.errors.AccountError``,
``catalog.errors.CatalogError``, ...). The pages show ``message`` in the person's language; the API
(platform_.api_errors) answers ``{"error": {"code", "message", "fields"?}}`` with ``http_status``, without knowing
which app raised it.
"""

from __future__ import annotations


class DomainError(Exception):
    """A refusal: a stable ``code`` for programs, a ``message`` for people (a lazy translation, rendered in the
    language of whoever reads it), the HTTP status the API answers with, and optionally ``fields``: messages per
    input field, as for invalid input."""

    http_status = 400

    def __init__(self, code: str, message, http_status: int | None = None, fields: dict | None = None) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        if http_status is not None:
            self.http_status = http_status
        self.fields = fields
