"""What platform admins do to organisations from the console (decision 0053). Public schema.

Every action is written to the log (``PlatformAction``: who, what, why) in the same transaction as the action
itself, through tenants' services for the organisation's row and schema, accounts' for its first admin, and the
exchange's for its records between organisations. E-mails to an organisation's admins are written to the public
schema's outbox: the addresses are read in the organisation's schema, but a suspended organisation's own outbox is
not relayed (outbox.selectors.relayed_schemas).
"""

from __future__ import annotations

import logging
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from accounts import selectors as people
from accounts import services as accounts
from billing import selectors as billing_selectors
from billing import services as billing
from exchange import services as exchange
from outbox import services as outbox
from tenants import selectors as organisations
from tenants import services as tenants

from .models import ActionKind, ExportStatus, OrganisationExport, PlannedDeletion, PlatformAction

if TYPE_CHECKING:
    from tenants.models import Organisation

log = logging.getLogger("delbar.console")

GRACE_DAYS = 30
REASON_MAX_LENGTH = 1000
EXPORT_FOLDER = "platform-exports"


def _reason(reason: str, *, required: bool = True) -> str:
    reason = " ".join((reason or "").split())
    if required and not reason:
        raise ValidationError({"reason": [_("Give a reason: it is kept in the log of platform actions.")]})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": [_("Keep the reason under %(n)s characters.") % {"n": REASON_MAX_LENGTH}]})
    return reason


def log_action(*, by, organisation_id: int, organisation_name: str, kind: str, reason: str = "",
               details: dict | None = None) -> PlatformAction:
    """Write one line of the log. Call it inside the transaction of the action it records."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("log_action() must run in the action's transaction")
    with schema_context(get_public_schema_name()):
        return PlatformAction.objects.create(
            actor=by if getattr(by, "pk", None) else None, actor_email=getattr(by, "email", "") or "",
            organisation_id=organisation_id, organisation_name=organisation_name, kind=kind, reason=reason,
            details=details or {},
        )


def _tell_admins(*, organisation: Organisation, key: str, template: str, context: dict) -> list[str]:
    """E-mail the organisation's active admins (read in its schema), through the public outbox. Returns to whom."""
    with schema_context(organisation.schema_name):
        recipients = people.org_admin_addresses()
    if not recipients:
        return []
    context = {"organisation": organisation.name, **context}
    # Staff have no language the platform knows: the organisation's (Swedish), as the exchange's notices do.
    with translation.override(settings.LANGUAGE_CODE), schema_context(get_public_schema_name()):
        subject = render_to_string(f"console/email/{template}_subject.txt", context)
        body = render_to_string(f"console/email/{template}.txt", context)
        outbox.enqueue_email(key=key, to=recipients, subject=subject, body=body)
    return recipients


def _locked(organisation: Organisation) -> Organisation:
    # tenants.set_status locks the row; reading it fresh here is enough to refuse a repeated click.
    organisation.refresh_from_db()
    return organisation


# ---------------------------------------------------------------------------------------- suspend and reactivate


@transaction.atomic
def suspend(*, organisation: Organisation, by, reason: str) -> Organisation:
    """Suspend an organisation (nobody of it can log in; its offers are hidden), log why, and tell its admins."""
    reason = _reason(reason)
    organisation = _locked(organisation)
    if organisation.is_suspended:
        raise ValidationError({"status": [_("%(name)s is suspended already.") % {"name": organisation.name}]})
    organisation = tenants.set_status(organisation=organisation, status="suspended")
    action = log_action(by=by, organisation_id=organisation.pk, organisation_name=organisation.name,
                        kind=ActionKind.SUSPENDED, reason=reason)
    told = _tell_admins(organisation=organisation, key=f"console.suspended:{action.pk}", template="suspended",
                        context={"reason": reason, "contact": settings.DEFAULT_FROM_EMAIL})
    PlatformAction.objects.filter(pk=action.pk).update(details={"told": told})
    return organisation


@transaction.atomic
def reactivate(*, organisation: Organisation, by, reason: str) -> Organisation:
    """Let a suspended organisation in again, log why, and tell its admins. Cancels a planned deletion."""
    reason = _reason(reason)
    organisation = _locked(organisation)
    if organisation.is_active:
        raise ValidationError({"status": [_("%(name)s is active already.") % {"name": organisation.name}]})
    cancelled = PlannedDeletion.objects.filter(organisation_id=organisation.pk).delete()[0]
    organisation = tenants.set_status(organisation=organisation, status="active")
    action = log_action(by=by, organisation_id=organisation.pk, organisation_name=organisation.name,
                        kind=ActionKind.REACTIVATED, reason=reason)
    if cancelled:
        log_action(by=by, organisation_id=organisation.pk, organisation_name=organisation.name,
                   kind=ActionKind.DELETION_CANCELLED, reason=reason)
    link = organisations.organisation_base_url(organisation=organisation) + "/"
    told = _tell_admins(organisation=organisation, key=f"console.reactivated:{action.pk}", template="reactivated",
                        context={"reason": reason, "link": link})
    PlatformAction.objects.filter(pk=action.pk).update(details={"told": told})
    return organisation


# ---------------------------------------------------------------------------------------- create and first admin


def create_organisation(*, details: tenants.OrganisationDetails, first_admin_email: str, by,
                        reason: str = "") -> Organisation:
    """Provision an organisation (tenants' crash-safe provisioning: run again, it finishes the job) and invite its
    first admin, who gets an e-mail with a one-time link to set a password. The log and the invitation are written
    in one transaction once the schema exists."""
    reason = _reason(reason, required=False)
    email = (first_admin_email or "").strip()
    if not email:
        raise ValidationError({"first_admin_email": [_("Enter the address of the organisation's first admin.")]})
    organisation = tenants.provision_organisation(details=details)
    with transaction.atomic():
        log_action(by=by, organisation_id=organisation.pk, organisation_name=organisation.name,
                   kind=ActionKind.CREATED, reason=reason, details={"slug": organisation.slug})
        invite_first_admin(organisation=organisation, email=email, by=by, reason=reason)
    return organisation


@transaction.atomic
def invite_first_admin(*, organisation: Organisation, email: str, by, reason: str = "") -> str:
    """Invite an admin of the organisation on a platform admin's word (its first, or a new one when the last has
    left). The invitation lives in the organisation's schema and its e-mail in that schema's outbox."""
    from accounts.errors import AccountError

    base = organisations.organisation_base_url(organisation=organisation)
    with schema_context(organisation.schema_name):
        try:
            invitation, _token = accounts.invite_first_admin(
                email=email,
                accept_url_for=lambda token: base + reverse("accept_invitation", args=[token],
                                                            urlconf=settings.ROOT_URLCONF),
            )
        except AccountError as error:
            raise ValidationError({"first_admin_email": [error.message]}) from error
        except ValidationError as error:
            raise ValidationError({"first_admin_email": error.messages}) from error
        address = invitation.email
    log_action(by=by, organisation_id=organisation.pk, organisation_name=organisation.name,
               kind=ActionKind.INVITED_ADMIN, reason=reason, details={"email": address})
    return address


# ------------------------------------------------------------------------------------------------------- export


@transaction.atomic
def request_export(*, organisation: Organisation, by, reason: str) -> OrganisationExport:
    """Log the export and queue its building (console.tasks.build_export) once this commits."""
    reason = _reason(reason)
    export = OrganisationExport.objects.create(
        organisation_id=organisation.pk, organisation_name=organisation.name,
        requested_by_email=getattr(by, "email", "") or "",
    )
    log_action(by=by, organisation_id=organisation.pk, organisation_name=organisation.name,
               kind=ActionKind.EXPORTED, reason=reason, details={"export": export.pk})
    transaction.on_commit(lambda: _queue_export(export.pk))
    return export


def _queue_export(export_id: int) -> None:
    from .tasks import build_export

    try:
        build_export.apply_async(args=[export_id], headers={"_schema_name": get_public_schema_name()})
    except Exception:  # the broker is away: the export stays "being built"; the admin may ask again
        log.exception("Could not queue export %s", export_id)


def build_export(*, export_id: int) -> OrganisationExport:
    """Build the zip of an export (see console.exporting) and mark it ready, or failed with why."""
    from . import exporting

    connection.set_schema_to_public()
    export = OrganisationExport.objects.get(pk=export_id)
    organisation = organisations.organisation_by_id(pk=export.organisation_id)
    if organisation is None:
        OrganisationExport.objects.filter(pk=export_id).update(status=ExportStatus.FAILED, error="deleted")
        export.refresh_from_db()
        return export
    relative = f"{EXPORT_FOLDER}/{organisation.pk}/{organisation.slug}-{export.pk}.zip"
    target = Path(settings.MEDIA_ROOT) / relative
    try:
        figures = exporting.write_zip(organisation=organisation, target=target)
    except Exception as error:
        log.exception("Export %s of %s failed", export_id, organisation.slug)
        OrganisationExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000], finished_at=timezone.now())
    else:
        OrganisationExport.objects.filter(pk=export_id).update(
            status=ExportStatus.READY, path=relative, size=target.stat().st_size, rows=figures.rows,
            photos=figures.photos, finished_at=timezone.now())
    export.refresh_from_db()
    return export


# ------------------------------------------------------------------------------------------------------ deletion


@transaction.atomic
def mark_for_deletion(*, organisation: Organisation, by, reason: str, now: datetime | None = None) -> PlannedDeletion:
    """Suspend the organisation now and delete it for good after GRACE_DAYS days (the hourly job), unless it is
    reactivated first. Its admins are told, with the date."""
    reason = _reason(reason)
    now = now or timezone.now()
    organisation = _locked(organisation)
    if PlannedDeletion.objects.filter(organisation_id=organisation.pk).exists():
        raise ValidationError({"status": [_("%(name)s is marked for deletion already.") % {"name": organisation.name}]})
    if not organisation.is_suspended:
        organisation = tenants.set_status(organisation=organisation, status="suspended")
    planned = PlannedDeletion.objects.create(
        organisation_id=organisation.pk, organisation_name=organisation.name,
        marked_by_email=getattr(by, "email", "") or "", due_at=now + timedelta(days=GRACE_DAYS),
    )
    action = log_action(by=by, organisation_id=organisation.pk, organisation_name=organisation.name,
                        kind=ActionKind.MARKED_FOR_DELETION, reason=reason,
                        details={"due_at": planned.due_at.isoformat()})
    told = _tell_admins(organisation=organisation, key=f"console.deletion:{action.pk}", template="deletion",
                        context={"reason": reason, "due_at": planned.due_at, "contact": settings.DEFAULT_FROM_EMAIL})
    PlatformAction.objects.filter(pk=action.pk).update(details={**action.details, "told": told})
    return planned


def delete_due(*, now: datetime | None = None) -> list[str]:
    """Delete every organisation whose grace period has passed; return their names. One transaction each."""
    now = now or timezone.now()
    connection.set_schema_to_public()
    deleted = []
    for planned_id in PlannedDeletion.objects.filter(due_at__lte=now).values_list("pk", flat=True):
        name = delete_now(planned_id=planned_id, now=now)
        if name:
            deleted.append(name)
    return deleted


@transaction.atomic
def delete_now(*, planned_id: int, now: datetime) -> str | None:
    """Delete one organisation whose grace period has passed: its exchange records anonymised (exchange's
    forget_organisation), its schema, domains and row dropped (tenants.delete_organisation), its invoices kept
    (billing's rows are snapshots keyed by id), and — once that has committed — its media folder and exports
    removed from disk. Logged as done by the platform."""
    planned = PlannedDeletion.objects.select_for_update(skip_locked=True).filter(pk=planned_id,
                                                                                due_at__lte=now).first()
    if planned is None:
        return None
    organisation = organisations.organisation_by_id(pk=planned.organisation_id)
    if organisation is None:
        planned.delete()
        return None
    if organisation.is_active:  # reactivated without the planned deletion being cancelled: not deleted
        planned.delete()
        return None
    schema_name, name, pk = organisation.schema_name, organisation.name, organisation.pk
    counts = exchange.forget_organisation(organisation_id=pk)
    exports = list(OrganisationExport.objects.filter(organisation_id=pk).values_list("path", flat=True))
    OrganisationExport.objects.filter(organisation_id=pk).delete()
    tenants.delete_organisation(organisation=organisation)
    planned.delete()
    log_action(by=None, organisation_id=pk, organisation_name=name, kind=ActionKind.DELETED,
               details={"schema": schema_name, "anonymised": counts, "exports_removed": len(exports)})
    transaction.on_commit(lambda: _remove_files(schema_name=schema_name, organisation_id=pk))
    return name


def _remove_files(*, schema_name: str, organisation_id: int) -> None:
    root = Path(settings.MEDIA_ROOT)
    shutil.rmtree(root / schema_name, ignore_errors=True)
    shutil.rmtree(root / EXPORT_FOLDER / str(organisation_id), ignore_errors=True)


# ------------------------------------------------------------------------------------ billing (decision 0058)
# Invoices are billing's: an issued invoice never changes (decision 0050). A payment is a row of its own and a
# mistake is undone by a credit note, each through billing's services, logged here in the same transaction.


def _billing_refusal(error, field: str | None = None) -> ValidationError:
    return ValidationError({field: [error.message]} if field else [error.message])


def _own_invoice(organisation: Organisation, number: str):
    invoice = billing_selectors.organisation_invoice(organisation_id=organisation.pk, number=number)
    if invoice is None:
        raise ValidationError(_("%(name)s has no invoice %(number)s.") % {"name": organisation.name,
                                                                          "number": number})
    return invoice


@transaction.atomic
def mark_invoice_paid(*, organisation: Organisation, number: str, paid_on, by, reason: str):
    """Book that one of the organisation's invoices was paid (billing.services.record_invoice_paid, which lifts the
    read-only mode when nothing else is overdue) and log who booked it and why."""
    reason = _reason(reason)
    invoice = _own_invoice(organisation, number)
    if invoice.is_credit_note:
        raise ValidationError(_("A credit note is not paid."))
    if invoice.is_paid:
        raise ValidationError(_("Invoice %(number)s is marked paid already.") % {"number": number})
    if invoice.is_credited:
        raise ValidationError(_("Invoice %(number)s is credited: there is nothing to pay.") % {"number": number})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": [_("The payment date cannot be in the future.")]})
    if paid_on < invoice.issue_date:
        raise ValidationError({"paid_on": [_("The payment date cannot be before the invoice was issued.")]})
    if not billing.record_invoice_paid(invoice=invoice, paid_on=paid_on):  # booked by a click at the same time
        raise ValidationError(_("Invoice %(number)s is marked paid already.") % {"number": number})
    log_action(by=by, organisation_id=organisation.pk, organisation_name=organisation.name,
               kind=ActionKind.INVOICE_PAID, reason=reason,
               details={"invoice": number, "paid_on": paid_on.isoformat(), "amount_ore": invoice.gross_ore})
    return invoice


@transaction.atomic
def issue_credit_note(*, organisation: Organisation, number: str, by, reason: str):
    """Credit one of the organisation's invoices in full (billing.services.issue_credit_note: series K, naming it;
    an invoice is credited once), send it to the access point when one is configured, and log it."""
    from billing.errors import BillingError

    reason = _reason(reason)
    invoice = _own_invoice(organisation, number)
    try:
        credit_note = billing.issue_credit_note(invoice=invoice)
    except BillingError as error:
        raise _billing_refusal(error) from error
    billing.sync_read_only(organisation_id=organisation.pk)
    if settings.PEPPOL_ACCESS_POINT_URL:
        billing.send_invoice(invoice=credit_note)
    log_action(by=by, organisation_id=organisation.pk, organisation_name=organisation.name,
               kind=ActionKind.CREDIT_NOTE_ISSUED, reason=reason,
               details={"invoice": number, "credit_note": credit_note.number, "amount_ore": credit_note.gross_ore})
    return credit_note


@transaction.atomic
def extend_trial(*, organisation: Organisation, trial_end, by, reason: str):
    """Move the end of the organisation's trial later (billing.services.extend_trial) and log it."""
    from billing.errors import BillingError

    reason = _reason(reason)
    before = billing_selectors.subscription(organisation_id=organisation.pk)
    try:
        subscription = billing.extend_trial(organisation_id=organisation.pk, trial_end=trial_end)
    except BillingError as error:
        raise _billing_refusal(error, "trial_end" if error.code == "bad_trial_end" else None) from error
    log_action(by=by, organisation_id=organisation.pk, organisation_name=organisation.name,
               kind=ActionKind.TRIAL_EXTENDED, reason=reason,
               details={"from": before.trial_end.isoformat() if before and before.trial_end else None,
                        "to": trial_end.isoformat()})
    return subscription
