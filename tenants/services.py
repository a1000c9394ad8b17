"""Writes about organisations: provisioning, suspension, time zone, settings, daily jobs. Public schema.

provision_organisation() is idempotent and crash-safe. Every step first checks whether its result already
exists; the schema is cloned from the migrated template in one statement, which PostgreSQL either completes or
rolls back; and the organisation becomes ``active`` only after every step has succeeded. Run it twice and nothing
doubles; kill it half way and running it again finishes the job.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, schema_exists

from . import periodic, template
from .cloning import clone_schema
from .models import (
    APPROVAL_THRESHOLD_MAX,
    LISTING_DAYS_RANGE,
    RESERVATION_DAYS_RANGE,
    ApprovalRule,
    Domain,
    MfaRequirement,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)
from .validators import (
    normalise_email_domain,
    normalise_organisation_number,
    validate_municipality_code,
    validate_slug,
    validate_time_zone,
)

log = logging.getLogger("delbar.provisioning")

# Functions that fill a new organisation's schema with its default data; apps register theirs in ready().
_default_data_steps: list[Callable[[Organisation], None]] = []


def register_default_data(step: Callable[[Organisation], None]) -> Callable[[Organisation], None]:
    """Register an idempotent function run inside each new organisation's schema during provisioning."""
    if step not in _default_data_steps:
        _default_data_steps.append(step)
    return step


# Apps register their daily jobs with register_daily(name=..., function=..., at=time(7, 0)) in ready(): it runs
# function(organisation=..., local_date=...) once a day in each active organisation's schema (tenants/periodic.py).
register_daily = periodic.register_daily


@dataclass(frozen=True)
class OrganisationDetails:
    name: str
    slug: str
    kind: str
    organisation_number: str
    municipality_code: str = ""
    # The organisation's own e-mail domains; staff addresses must be at one of them.
    email_domains: tuple[str, ...] = ()


def schema_name_for(slug: str) -> str:
    return "org_" + slug.replace("-", "_")


def domain_for(slug: str) -> str:
    return f"{slug}.{settings.PLATFORM_DOMAIN}"


def validate_details(details: OrganisationDetails) -> OrganisationDetails:
    """Check the details and return them normalised; raise ValidationError with every problem found."""
    problems: dict[str, list] = {}

    def check(field: str, fn) -> str | None:
        try:
            return fn()
        except ValidationError as error:
            problems.setdefault(field, []).extend(error.messages)
            return None

    number = check("organisation_number", lambda: normalise_organisation_number(details.organisation_number))
    domains = check("email_domains", lambda: normalise_email_domains(details.email_domains))
    check("slug", lambda: validate_slug(details.slug))
    if details.municipality_code:
        check("municipality_code", lambda: validate_municipality_code(details.municipality_code))
    if not details.name.strip():
        problems.setdefault("name", []).append(_("Enter the organisation's name."))
    if details.kind not in OrganisationKind.values:
        problems.setdefault("kind", []).append(_("Choose a kind of organisation."))
    if problems:
        raise ValidationError(problems)
    return OrganisationDetails(
        name=details.name.strip(),
        slug=details.slug,
        kind=details.kind,
        organisation_number=number,
        municipality_code=details.municipality_code,
        email_domains=tuple(domains),
    )


def normalise_email_domains(domains) -> list[str]:
    """Lower-case, IDNA-encoded, without duplicates, in the given order; ValidationError naming a bad one."""
    result: list[str] = []
    for value in domains:
        if not str(value).strip():
            continue
        domain = normalise_email_domain(str(value))
        if domain not in result:
            result.append(domain)
    return result


@contextmanager
def _provisioning_lock(slug: str):
    """One provisioning per organisation at a time, across processes (a PostgreSQL advisory lock)."""
    key = int.from_bytes(hashlib.sha256(f"provision:{slug}".encode()).digest()[:8], "big", signed=True)
    if connection.settings_dict.get("POOL_MODE") == "transaction":
        # Behind a transaction-mode pooler (decision 0060) a session lock and its unlock may land on two server
        # connections: the lock is the transaction's instead, and the provisioning one transaction.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def provision_organisation(*, details: OrganisationDetails, activate: bool = True) -> Organisation:
    """Create (or finish creating) an organisation: its row, domain, schema and default data. Idempotent.

    With ``activate=False`` (a sign-up that waits for a platform admin's approval, onboarding) the organisation is
    left ``provisioning`` — its host shows "being set up" — until ``set_status(status=ACTIVE)``.
    """
    details = validate_details(details)
    connection.set_schema_to_public()
    with _provisioning_lock(details.slug):
        organisation = _ensure_row(details)
        _ensure_domain(organisation)
        _ensure_schema(organisation)
        _ensure_default_data(organisation)
        if activate and organisation.status == OrganisationStatus.PROVISIONING:
            organisation.status = OrganisationStatus.ACTIVE
            organisation.save(update_fields=["status", "updated_at"])
            log.info("Organisation %s is active", organisation.slug)
    return organisation


@transaction.atomic
def _ensure_row(details: OrganisationDetails) -> Organisation:
    existing = Organisation.objects.select_for_update().filter(slug=details.slug).first()
    if existing:
        if existing.organisation_number != details.organisation_number:
            raise ValidationError(
                {"slug": [_("The address %(slug)s is taken by another organisation.") % {"slug": details.slug}]}
            )
        if details.email_domains and not existing.email_domains:
            # Finishing (or repeating) a provisioning with domains fills them in; later changes are the console's.
            existing.email_domains = list(details.email_domains)
            existing.save(update_fields=["email_domains", "updated_at"])
        return existing
    if Organisation.objects.filter(organisation_number=details.organisation_number).exists():
        raise ValidationError(
            {"organisation_number": [_("An organisation with this organisation number already exists.")]}
        )
    organisation = Organisation(
        name=details.name,
        slug=details.slug,
        kind=details.kind,
        organisation_number=details.organisation_number,
        municipality_code=details.municipality_code,
        email_domains=list(details.email_domains),
        schema_name=schema_name_for(details.slug),
        status=OrganisationStatus.PROVISIONING,
    )
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def _ensure_domain(organisation: Organisation) -> None:
    Domain.objects.get_or_create(
        domain=domain_for(organisation.slug), defaults={"tenant": organisation, "is_primary": True}
    )


def _ensure_schema(organisation: Organisation) -> None:
    if schema_exists(organisation.schema_name):
        return
    template.ensure_template()
    # One transaction: PostgreSQL keeps the whole schema or, if interrupted, none of it.
    clone_schema(source=settings.TENANT_BASE_SCHEMA, target=organisation.schema_name)


def _ensure_default_data(organisation: Organisation) -> None:
    with schema_context(organisation.schema_name), transaction.atomic():
        for step in _default_data_steps:
            step(organisation)


@transaction.atomic
def set_time_zone(*, organisation: Organisation, time_zone: str) -> Organisation:
    """Set the time zone by whose clock the organisation's daily jobs run (an IANA name, e.g. Europe/Stockholm)."""
    time_zone = time_zone.strip()
    try:
        validate_time_zone(time_zone)
    except ValidationError as error:
        raise ValidationError({"time_zone": error.messages}) from error
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    organisation.time_zone = time_zone
    organisation.save(update_fields=["time_zone", "updated_at"])
    return organisation


def _check_reservation_days(days) -> int:
    low, high = RESERVATION_DAYS_RANGE
    if isinstance(days, bool) or not isinstance(days, int) or not low <= days <= high:
        raise ValidationError(
            _("Choose a number of days from %(low)s to %(high)s.") % {"low": low, "high": high}, code="range"
        )
    return days


def _check_listing_days(days) -> int:
    low, high = LISTING_DAYS_RANGE
    if isinstance(days, bool) or not isinstance(days, int) or not low <= days <= high:
        raise ValidationError(
            _("Choose a number of days from %(low)s to %(high)s.") % {"low": low, "high": high}, code="range"
        )
    return days


# What update_settings checks, per setting: a function that returns the value to store or raises ValidationError.
# A new setting is a field on Organisation, a checker here, a keyword below and a field on the settings form.
def _check_approval_rule(rule) -> str:
    if rule not in ApprovalRule.values:
        raise ValidationError(_("Choose one of the rules."), code="invalid_choice")
    return rule


def _check_approval_threshold(amount) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= APPROVAL_THRESHOLD_MAX:
        raise ValidationError(
            _("Give an amount from 0 to %(high)s SEK.") % {"high": APPROVAL_THRESHOLD_MAX}, code="range"
        )
    return amount


def _check_mfa_required(requirement) -> str:
    if requirement not in MfaRequirement.values:
        raise ValidationError(_("Choose who must use two-factor authentication."), code="invalid_choice")
    return requirement


_SETTING_CHECKS = {
    "mfa_required": _check_mfa_required,
    "reservation_days": _check_reservation_days,
    "listing_days": _check_listing_days,
    "approval_rule": _check_approval_rule,
    "approval_threshold": _check_approval_threshold,
}


@transaction.atomic
def update_settings(*, organisation: Organisation, reservation_days: int | None = None,
                    listing_days: int | None = None, approval_rule: str | None = None,
                    approval_threshold: int | None = None, mfa_required: str | None = None) -> Organisation:
    """Change the settings an organisation's own admin may change (its "Settings" page, and the console).

    A setting given as None is left as it is. Every value is checked before anything is written; a ValidationError
    names each bad one by its field.
    """
    given = {"reservation_days": reservation_days, "listing_days": listing_days, "approval_rule": approval_rule,
             "approval_threshold": approval_threshold, "mfa_required": mfa_required}
    changes, problems = {}, {}
    for name, value in given.items():
        if value is None:
            continue
        try:
            changes[name] = _SETTING_CHECKS[name](value)
        except ValidationError as error:
            problems[name] = error.messages
    if problems:
        raise ValidationError(problems)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changed = [name for name, value in changes.items() if getattr(organisation, name) != value]
    for name in changed:
        setattr(organisation, name, changes[name])
    if changed:
        organisation.save(update_fields=[*changed, "updated_at"])
    return organisation


@transaction.atomic
def delete_organisation(*, organisation: Organisation) -> None:
    """Remove an organisation for good: its schema with all its data, its domains and its row. Irreversible.

    Not offered in the console; it exists for clean-up of test and benchmark organisations and for a deliberate,
    documented off-boarding.
    """
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        # Rows written earlier in the same transaction have deferred foreign-key checks pending, and
        # PostgreSQL will not drop a table with pending trigger events: run the checks now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    organisation.delete(force_drop=True)  # django-tenants drops the schema; domains go by cascade


@transaction.atomic
def set_status(*, organisation: Organisation, status: str) -> Organisation:
    """Suspend or reactivate an organisation. Takes effect for every web process within seconds."""
    if status not in (OrganisationStatus.ACTIVE, OrganisationStatus.SUSPENDED):
        raise ValidationError({"status": [_("An organisation can only be activated or suspended.")]})
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    organisation.status = status
    organisation.save(update_fields=["status", "updated_at"])
    return organisation


@transaction.atomic
def set_email_domains(*, organisation: Organisation, domains) -> Organisation:
    """Replace the organisation's own e-mail domains (``ystad.se``, …). Staff addresses must be at one of them.

    An empty list means staff cannot add addresses themselves (see docs/decisions/0017-logins-through-allauth.md).
    """
    try:
        normalised = normalise_email_domains(domains)
    except ValidationError as error:
        raise ValidationError({"email_domains": error.messages}) from error
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    organisation.email_domains = normalised
    organisation.save(update_fields=["email_domains", "updated_at"])
    return organisation


@transaction.atomic
def set_billing_read_only(*, organisation_id: int, read_only: bool) -> bool:
    """Put the organisation in read-only mode for an overdue payment, or take it out (billing's services decide,
    decision 0052). Returns whether anything changed; an unchanged state writes nothing."""
    changed = Organisation.objects.filter(pk=organisation_id).exclude(billing_read_only=read_only).update(
        billing_read_only=read_only, updated_at=timezone.now()
    )
    if changed:
        from .signals import bump_routing_version

        bump_routing_version()  # every process's cached organisation (the banner) follows within seconds
    return bool(changed)
