"""The bell in the header (decision 0047): the person's unread count, asked only when a template shows it, from the
cache (else one query over a partial index). It replaces the wanted-ad badge of decision 0036."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from . import selectors


def bell(request) -> dict:
    user = getattr(request, "user", None)
    if getattr(request, "tenant", None) is None or user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": SimpleLazyObject(lambda: selectors.unread_count(user=user))}
