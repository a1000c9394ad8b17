"""Reads about organisations. Public schema."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name

from .models import (  # noqa: F401  (ApprovalRule, OrganisationKind: for other apps)
    ApprovalRule,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)
from .routing import directory
from .validators import normalise_email_domain


def organisation_for_host(*, host: str) -> Organisation | None:
    """The organisation served at this host name (no port), from the per-process cache."""
    return directory.organisation_for_host(host)


def active_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(status=OrganisationStatus.ACTIVE).order_by("name")


def active_organisation(*, pk: int) -> Organisation | None:
    return Organisation.objects.filter(pk=pk, status=OrganisationStatus.ACTIVE).first()


def find_active_organisations(*, name_contains: str, exclude_ids=(), limit: int = 20) -> list[Organisation]:
    """Active organisations whose name contains every word of ``name_contains`` (any case), by name; at most
    ``limit``. ``exclude_ids`` may be a list or a subquery of organisation ids."""
    organisations = active_organisations().exclude(pk__in=exclude_ids)
    for word in name_contains.split():
        organisations = organisations.filter(name__icontains=word)
    return list(organisations[:limit])


def active_organisation_count() -> int:
    """How many organisations are on Delbar (active): one query."""
    return active_organisations().count()


def organisations_named(*, query: str, limit: int = 10) -> list[Organisation]:
    """"Find your organisation" on the public site: ``find_active_organisations``, except that an empty query finds
    nothing (never the whole list of customers)."""
    if not query.split():
        return []
    return find_active_organisations(name_contains=query, limit=limit)


def _base_url(host: str) -> str:
    # Scheme, host and port come from settings only, never from a request's Host header, which a client chooses.
    scheme = settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL
    port = settings.PLATFORM_PORT
    default_port = {"http": "80", "https": "443"}[scheme]
    suffix = f":{port}" if port and port != default_port else ""
    return f"{scheme}://{host}{suffix}"


def organisation_base_url(*, organisation: Organisation) -> str:
    """The address of the organisation's own host, for links in e-mails (``http://ystad.localhost:8000``)."""
    from .services import domain_for

    return _base_url(domain_for(organisation.slug))


def platform_base_url() -> str:
    """The address of the root domain: the public site and the platform console."""
    return _base_url(settings.PLATFORM_DOMAIN)


def absolute_url(*, schema_name: str, path: str) -> str:
    """``path`` on the host of the organisation whose schema this is, or on the root domain for the public schema.

    Every absolute URL in an e-mail is made here (or by organisation_base_url), from settings alone.
    """
    organisation = None if schema_name == get_public_schema_name() else organisation_for_schema(schema_name=schema_name)
    base = organisation_base_url(organisation=organisation) if organisation else platform_base_url()
    return base + path


def email_domains(*, schema_name: str) -> list[str] | None:
    """The e-mail domains of the organisation whose schema this is; None for the public schema (platform admins)."""
    if schema_name == get_public_schema_name():
        return None
    organisation = organisation_for_schema(schema_name=schema_name)
    return list(organisation.email_domains) if organisation else []


def is_at_email_domains(*, email: str, domains: list[str]) -> bool:
    """Whether ``email`` is at exactly one of ``domains`` (a sub-domain counts only when listed itself)."""
    _local, _at, domain = email.strip().rpartition("@")
    try:
        return normalise_email_domain(domain) in domains
    except ValidationError:
        return False


def organisation_for_schema(*, schema_name: str) -> Organisation | None:
    """The organisation whose schema this is (for tasks, which know their schema but not always the row)."""
    return Organisation.objects.filter(schema_name=schema_name).first()


def current_organisation() -> Organisation | None:
    """The organisation whose schema the connection is in: free on a request or task (the routed organisation
    itself); one query where only the schema is known (a command, ``schema_context``)."""
    from django.db import connection

    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Organisation) and tenant.pk is not None:
        return tenant
    return organisation_for_schema(schema_name=connection.schema_name)


def current_organisation_id() -> int:
    """The id of the organisation whose schema the connection is set to (LookupError in a schema that is none's)."""
    from django.db import connection

    organisation = current_organisation()
    if organisation is None:
        raise LookupError(f"No organisation has the schema {connection.schema_name!r}.")
    return organisation.pk


def approval_policy() -> tuple[str, int]:
    """The current organisation's rule for a department manager's approval of its people's bookings, and its amount
    in SEK (decision 0045): read fresh, one query, so that a change on the settings page applies at once."""
    from django.db import connection

    row = (Organisation.objects.filter(schema_name=connection.schema_name)
           .values_list("approval_rule", "approval_threshold").first())
    return row if row is not None else ("none", 0)


def organisation_by_id(*, pk: int) -> Organisation | None:
    """The organisation with this id, whatever its status (the console, daily clean-ups); None if it is gone."""
    return Organisation.objects.filter(pk=pk).first()


def all_organisations() -> QuerySet[Organisation]:
    """Every organisation, by name, whatever its status (the console)."""
    return Organisation.objects.order_by("name")


def organisation_with_number(*, organisation_number: str) -> Organisation | None:
    """The organisation (any status) with this organisation number, as normalised (NNNNNN-NNNN)."""
    return Organisation.objects.filter(organisation_number=organisation_number).first()


def slug_taken(*, slug: str) -> bool:
    """Whether an organisation (any status) already has this address."""
    return Organisation.objects.filter(slug=slug).exists()


def is_billing_read_only() -> bool:
    """Whether the current organisation is in read-only mode for an overdue payment (decision 0052): read fresh,
    one query, so that publishing is refused at once when billing says so."""
    from django.db import connection

    return bool(Organisation.objects.filter(schema_name=connection.schema_name)
                .values_list("billing_read_only", flat=True).first())
