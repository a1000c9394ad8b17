"""Sentry: errors and traces tagged with the organisation of each request and task."""

from __future__ import annotations

import sentry_sdk


def init_sentry(*, dsn: str, environment: str, transport=None) -> None:
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    options = {
        "dsn": dsn,
        "environment": environment,
        "integrations": [DjangoIntegration(), CeleryIntegration()],
        "traces_sample_rate": 0.0,
    }
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)
    _connect_celery_tagging()


def tag_organisation(schema_name: str | None, slug: str | None = None) -> None:
    scope = sentry_sdk.get_isolation_scope()
    scope.set_tag("organisation", slug or schema_name or "public")
    scope.set_tag("schema", schema_name or "public")


def _connect_celery_tagging() -> None:
    from celery.signals import task_prerun

    @task_prerun.connect(weak=False)
    def _tag_task(task=None, **kwargs):
        from django.db import connection

        tenant = getattr(connection, "tenant", None)
        tag_organisation(connection.schema_name, getattr(tenant, "slug", None))
