"""How many photos one person may upload an hour (PHOTO_UPLOADS_PER_HOUR), counted in the cache.

A counter per person and clock hour: Redis in production, so every web process counts together; the cache's key
function (django_tenants.cache.make_key) puts the organisation's schema in front, so the same user id in two
organisations is two counters. ``cache.incr`` is atomic in Redis: of two requests at once, the one that goes over
is refused and its photos are not counted. A clock hour lets someone use an hour's quota at 10:59 and the next at
11:00; over any 60 minutes that is at most twice the setting, which is what it must bound (decision 0018).
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from .errors import RateLimited

WINDOW_SECONDS = 3600


def _key(person_id: int, window: int) -> str:
    return f"catalog:photo-uploads:{person_id}:{window}"


def take(*, person_id: int, count: int) -> None:
    """Count ``count`` photos against the person's quota for this hour, or refuse (RateLimited) and count none."""
    if count <= 0:
        return
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = _key(person_id, window)
    cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
    try:
        used = cache.incr(key, count)
    except ValueError:  # the key expired between add and incr
        cache.add(key, count, timeout=WINDOW_SECONDS + 60)
        used = count
    limit = settings.PHOTO_UPLOADS_PER_HOUR
    if used > limit:
        cache.decr(key, count)
        retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
        raise RateLimited(
            "too_many_uploads",
            _("You can add at most %(limit)s photos an hour. Try again in %(minutes)s minutes.")
            % {"limit": limit, "minutes": math.ceil(retry_after / 60)},
            retry_after=retry_after,
            field="photos",
        )
