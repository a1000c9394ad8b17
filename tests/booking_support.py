"""Helpers for the booking tests: moments relative to today, in Swedish time, and a lendable listing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from tests.catalog_factories import make_listing


def day(offset: int, hour: int = 9, minute: int = 0) -> datetime:
    """``offset`` days from today at ``hour``, in the organisation's time zone."""
    local = timezone.localdate() + timedelta(days=offset)
    return datetime.combine(local, time(hour, minute)).replace(tzinfo=timezone.get_current_timezone())


def on(local: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(local, time(hour, minute)).replace(tzinfo=timezone.get_current_timezone())


def a_month_ahead() -> date:
    """The first day of a month that lies wholly ahead (next month, or the one after near a month's end)."""
    return (timezone.localdate().replace(day=1) + timedelta(days=40)).replace(day=1)


def lendable(author, *, title: str = "Projektor Testmodell", quantity: int = 1, rent: int | None = None, **details):
    """A published listing lent out (or rented out per day for ``rent`` SEK)."""
    from decimal import Decimal

    if rent is not None:
        details.update(offer_type="rent", price=Decimal(rent), rent_period=details.pop("rent_period", "day"))
    else:
        details.setdefault("offer_type", "lend")
    return make_listing(author=author, title=title, quantity=quantity, category_name="Ljud och bild", **details)
