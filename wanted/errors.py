"""Why a wanted ad could not be posted or closed: a stable ``code`` and a ``message`` for people."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from platform_.errors import DomainError

READ_ONLY_MESSAGE = _("Nothing new can be published while your organisation's payment to Delbar is overdue. Your "
                      "organisation's administrator can see the invoice under Administer → Subscription.")


class WantedError(DomainError):
    """``field`` names the input the refusal is about, when it is about one (a form shows the message there)."""

    def __init__(self, code: str, message, http_status: int = 400, field: str | None = None) -> None:
        super().__init__(code, message, http_status)
        self.field = field
