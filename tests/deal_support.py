"""Helpers for tests of deals between organisations: a shared listing of one organisation, seen in the exchange by
another, and the relay run in each schema as the worker would after each commit."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from accounts.selectors import party_of
from catalog.models import Reach
from exchange import services
from exchange.models import Offer
from outbox.services import deliver_due

from .catalog_factories import make_listing
from .conftest import user_in


def relay(*organisations) -> None:
    """Deliver what is due in each organisation's outbox and in public, twice round (a message in one may write one
    in another), as the relays do once the transactions have committed."""
    for _ in range(2):
        for organisation in organisations:
            with schema_context(organisation.schema_name):
                deliver_due()
        with schema_context(get_public_schema_name()):
            deliver_due()


def shared_listing(owner, *, author="personal", quantity: int = 3, **details):
    """A listing of ``owner`` shared with its networks, and the exchange's offer of it."""
    poster = user_in(owner, author)
    with schema_context(owner.schema_name):
        listing = make_listing(author=poster, quantity=quantity, reach=details.pop("reach", Reach.NETWORKS),
                               **details)
    relay(owner)
    connection.set_schema_to_public()
    return listing, Offer.objects.get(organisation=owner, listing=listing.uuid)


def asker(organisation, local: str = "personal") -> services.Asker:
    user = user_in(organisation, local)
    with schema_context(organisation.schema_name):
        department = user.department
        return services.Asker(party=party_of(user=user), department_id=department.pk if department else None,
                              department_name=department.name if department else "")


def ask(organisation, offer, *, quantity: int = 2, local: str = "personal", **changes):
    """``organisation``'s person asks for ``offer``, as the request page does (in that organisation's schema)."""
    request = services.DealRequest(offer=offer.pk, quantity=quantity, transport=changes.pop("transport", "operator"),
                                   **changes)
    who = asker(organisation, local)
    with schema_context(organisation.schema_name):
        return services.request_deal(request=request, by=who)


def period(days_from_now: int = 1, days: int = 3):
    start = (timezone.now() + timedelta(days=days_from_now)).replace(microsecond=0)
    return start, start + timedelta(days=days)
