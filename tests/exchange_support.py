"""Helpers for the exchange's tests: acting as an organisation's admin, finding the demo network."""

from __future__ import annotations

from django.db import connection

from demo.network import DEMO_NETWORK
from exchange.models import Network
from exchange.services import Actor

from .conftest import user_in


def admin_of(organisation) -> Actor:
    """The organisation's demo admin as the pages would pass them to exchange.services."""
    user = user_in(organisation, "admin")
    connection.set_schema_to_public()
    return Actor(organisation_id=organisation.pk, name=user.full_name, email=user.email,
                 person=getattr(user, "uuid", None))


def demo_network() -> Network:
    return Network.objects.get(name=DEMO_NETWORK)
