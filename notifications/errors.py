"""The notifications' domain errors (decision 0047)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from platform_.errors import DomainError


class NotificationError(DomainError):
    @classmethod
    def not_found(cls) -> NotificationError:
        return cls("not_found", _("There is no such notification."), http_status=404)
