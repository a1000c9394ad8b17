"""Reading a person's notifications (decision 0047): the bell's unread count, cached per person so that a page pays
at most one cheap query for it (none while cached), and the list, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import QuerySet

from .models import Notification

if TYPE_CHECKING:
    from accounts.models import User

PAGE_SIZE = 25
COUNT_SECONDS = 600


def count_key(user_id: int) -> str:
    """The cache key of a person's unread count (per schema: the cache's key function prefixes it)."""
    return f"notifications:unread:{user_id}"


def unread_count(*, user: User, fresh: bool = False) -> int:
    """How many of ``user``'s notifications are unread: from the cache, else (or ``fresh``) one query over a
    partial index."""
    key = count_key(user.pk)
    count = None if fresh else cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, timeout=COUNT_SECONDS)
    return count


def notifications(*, user: User) -> QuerySet[Notification]:
    """``user``'s notifications, newest first (one query per page of them)."""
    return (Notification.objects.filter(recipient=user)
            .only("pk", "recipient_id", "kind", "text", "link", "created_at", "read_at")
            .order_by("-created_at", "-pk"))


def notification_for(*, user: User, pk: int) -> Notification | None:
    """``user``'s notification ``pk``; None if there is none, or it is someone else's."""
    return Notification.objects.filter(recipient=user, pk=pk).first()
