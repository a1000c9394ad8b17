"""The template schema new organisations are cloned from.

It is a fully migrated, empty organisation schema with no Organisation row, so it is never routed to, listed or
shown in the console. ``migrate_schemas`` (tenants.management.commands) migrates it before the organisations.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import quote_schema_name, schema_exists


def template_schema_name() -> str:
    return settings.TENANT_BASE_SCHEMA


def create_template_schema() -> str:
    """Create the (empty) template schema if it is missing; return its name."""
    name = template_schema_name()
    if not schema_exists(name):
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_schema_name(name)}")
    return name


def ensure_template(*, verbosity: int = 0) -> None:
    """Create the template schema if it is missing and bring it up to date, so no clone starts behind."""
    from .migration_state import schemas_needing_migration

    if schemas_needing_migration([create_template_schema()]):
        migrate_template(verbosity=verbosity)


def migrate_template(*, verbosity: int = 0) -> None:
    call_command(
        "migrate_schemas", schema_name=template_schema_name(), tenant=True, interactive=False, verbosity=verbosity
    )
    connection.set_schema_to_public()
