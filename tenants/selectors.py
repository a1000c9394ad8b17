"""Reads about organisations. Public schema."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Organisation, OrganisationStatus
from .routing import directory


def organisation_for_host(*, host: str) -> Organisation | None:
    """The organisation served at this host name (no port), from the per-process cache."""
    return directory.organisation_for_host(host)


def active_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(status=OrganisationStatus.ACTIVE).order_by("name")


def organisation_base_url(*, organisation: Organisation) -> str:
    """The address of the organisation's own host, for links in e-mails sent where no request is at hand."""
    from django.conf import settings

    from .services import domain_for

    scheme = settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL
    port = settings.PLATFORM_PORT
    default_port = {"http": "80", "https": "443"}[scheme]
    suffix = f":{port}" if port and port != default_port else ""
    return f"{scheme}://{domain_for(organisation.slug)}{suffix}"


def organisation_for_schema(*, schema_name: str) -> Organisation | None:
    """The organisation whose schema this is (for tasks, which know their schema but not always the row)."""
    return Organisation.objects.filter(schema_name=schema_name).first()


def current_organisation_id() -> int:
    """The id of the organisation whose schema the connection is set to.

    Free on a request (the middleware set the organisation itself); one query where only the schema is known (a
    task, a command, ``schema_context``).
    """
    from django.db import connection

    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Organisation) and tenant.pk is not None:
        return tenant.pk
    found = Organisation.objects.filter(schema_name=connection.schema_name).values_list("pk", flat=True).first()
    if found is None:
        raise LookupError(f"No organisation has the schema {connection.schema_name!r}.")
    return found
