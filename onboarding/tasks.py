"""The sign-up's Celery tasks: provisioning (queued after the details are committed) and the daily expiry."""

from __future__ import annotations

from celery import shared_task
from django.db import connection

from . import services

FAIL_FAST = {"max_retries": 0, "socket_connect_timeout": 2, "socket_timeout": 2}


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def provision_signup(signup_id: int) -> str | None:
    """Set up the sign-up's organisation. A worker killed half way leaves the task unacknowledged, so the broker
    delivers it again (and the progress page queues it again after a minute): provisioning is idempotent."""
    connection.set_schema_to_public()
    signup = services.run_provisioning(signup_id=signup_id)
    return signup.status if signup else None


@shared_task(ignore_result=True)
def expire_signups() -> int:
    connection.set_schema_to_public()
    return services.expire_signups()
