"""The relay (queued when a transaction that wrote messages commits) and the periodic sweep (Celery beat)."""

from __future__ import annotations

import logging
from contextlib import nullcontext

from celery import shared_task
from django.db import connection
from django_tenants.utils import schema_context

from . import selectors, services

log = logging.getLogger("delbar.outbox")

FAIL_FAST = {"max_retries": 0, "socket_connect_timeout": 2, "socket_timeout": 2}


@shared_task(ignore_result=True)
def relay(schema_name: str) -> int:
    """Deliver one batch of the schema's due messages; queue another relay if the batch was full."""
    # tenant-schemas-celery has switched to the schema of the _schema_name header; the argument makes sure.
    in_schema = nullcontext() if connection.schema_name == schema_name else schema_context(schema_name)
    with in_schema:
        delivery = services.deliver_due()
    if delivery.more:
        request_relay(schema_name=schema_name)
    return delivery.delivered


@shared_task(ignore_result=True)
def sweep() -> list[str]:
    """Queue a relay for every schema with due messages: those whose relay was never queued, and retries."""
    schema_names = selectors.schemas_with_due_messages()
    for schema_name in schema_names:
        request_relay(schema_name=schema_name)
    return schema_names


def request_relay(*, schema_name: str) -> bool:
    """Queue a relay for the schema. Never raises: a committed action must not fail because the broker is away;
    the sweep delivers the messages once it is back."""
    try:
        # Fail at once rather than hold the request while the broker is down: no retry of the publish, and no
        # reconnecting (kombu's default spends about 6 s on that) on a connection of its own.
        with relay.app.connection_for_write(transport_options=FAIL_FAST) as broker:
            relay.apply_async(
                args=[schema_name], headers={"_schema_name": schema_name}, retry=False, connection=broker
            )
    except Exception:  # noqa: BLE001 — whatever the broker's client raises, the sweep covers it
        log.warning(
            "Could not queue the outbox relay for schema %s; the periodic sweep will deliver its messages.",
            schema_name, exc_info=True,
        )
        return False
    return True
