"""The matching of other organisations' offers, in one organisation's schema (queued by wanted.matching)."""

from __future__ import annotations

from contextlib import nullcontext

from celery import shared_task
from django.db import connection
from django_tenants.utils import schema_context

from . import matching


@shared_task(ignore_result=True, acks_late=True)
def match_offers(schema_name: str, offer_ids: list[int] | None = None) -> int:
    """Idempotent: a match is recorded once per ad and offer, an e-mail once per ad and day."""
    in_schema = nullcontext() if connection.schema_name == schema_name else schema_context(schema_name)
    with in_schema:
        return len(matching.match_offers(offer_ids=offer_ids))
