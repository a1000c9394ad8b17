"""A listing's version in the API: ``ETag`` on every answer that shows a listing, ``If-Match`` on PUT and PATCH.

The version is ``Listing.edited_at``, the value the edit page carries in its form as ``unchanged_since``, so the API
refuses a stale edit by the same rule as the page: it changes when someone changes the listing's details, not when a
reservation changes how many are left (an edit does not overwrite that). Decision 0020.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils.http import parse_etags

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def etag(listing) -> str:
    """A strong entity tag: edited_at in whole microseconds since 1970 (exact; no float rounding)."""
    return f'"{(listing.edited_at - EPOCH) // timedelta(microseconds=1)}"'


def if_match(request) -> list[str] | None:
    """The entity tags of the request's If-Match header, as sent (``["*"]`` for any); None without the header.

    A header that cannot be read gives an empty list, which matches nothing."""
    header = request.headers.get("If-Match")
    return None if header is None else parse_etags(header)


def matches(listing, expected: list[str]) -> bool:
    # Strong comparison (RFC 9110 13.1.1): a weak tag, W/"...", never matches.
    return "*" in expected or etag(listing) in expected
