"""The unread-matches badge in the header, read from the cache only (never a query on a page that is not ours):
set by the matcher when it records a match for someone, and by "Mina efterlysningar" from the database. A badge
missing after the cache was cleared comes back with the next match or visit; the ads' pages are the truth."""

from __future__ import annotations

from django.core.cache import cache


def badge_key(person_id: int) -> str:
    return f"wanted:unread:{person_id}"  # per schema: the cache's key function prefixes it (docs, "Caches")


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if getattr(request, "tenant", None) is None or user is None or not user.is_authenticated:
        return {}
    return {"wanted_unread": cache.get(badge_key(user.pk)) or 0}
