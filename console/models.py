"""The platform console's own records, in the public schema (decision 0053): the log of every platform action, each
organisation's usage as last measured, its exports and its planned deletion.

Organisations are named by id with a snapshot of their name, never by a foreign key: these rows outlive the
organisation (the log must say who deleted it, and why).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActionKind(models.TextChoices):
    CREATED = "created", _("Created the organisation")
    INVITED_ADMIN = "invited_admin", _("Invited its first admin")
    SUSPENDED = "suspended", _("Suspended")
    REACTIVATED = "reactivated", _("Reactivated")
    EXPORTED = "exported", _("Exported its data")
    MARKED_FOR_DELETION = "marked_for_deletion", _("Marked for deletion")
    DELETION_CANCELLED = "deletion_cancelled", _("Cancelled the deletion")
    DELETED = "deleted", _("Deleted")
    INVOICE_PAID = "invoice_paid", _("Marked an invoice paid")
    CREDIT_NOTE_ISSUED = "credit_note_issued", _("Issued a credit note")
    TRIAL_EXTENDED = "trial_extended", _("Extended the trial")


class PlatformAction(models.Model):
    """One thing a platform admin (or the platform's daily job) did to an organisation: who, what, why, when.
    Written in the same transaction as the action itself; never changed."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("platform admin"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    # Who it was, as they were: kept when the admin's account is gone. Empty: the platform's own job.
    actor_email = models.EmailField(_("by"), blank=True)
    organisation_id = models.PositiveBigIntegerField(_("organisation id"), db_index=True)
    organisation_name = models.CharField(_("organisation"), max_length=200)
    kind = models.CharField(_("action"), max_length=30, choices=ActionKind.choices)
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("platform action")
        verbose_name_plural = _("platform actions")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organisation_name}: {self.get_kind_display()}"


class OrganisationUsage(models.Model):
    """An organisation's usage as last measured in its schema (console.jobs.record_usage)."""

    organisation_id = models.PositiveBigIntegerField(primary_key=True)
    people = models.PositiveIntegerField(_("people"), default=0)
    listings = models.PositiveIntegerField(_("listings"), default=0)
    last_activity = models.DateTimeField(_("last activity"), null=True, blank=True)
    measured_at = models.DateTimeField(_("measured"))

    class Meta:
        verbose_name = _("usage")
        verbose_name_plural = _("usage")

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.people} / {self.listings}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class OrganisationExport(models.Model):
    """A zip of one organisation's data (its schema's tables as JSON and CSV, its photos, a README), built by a
    Celery task and kept under MEDIA_ROOT/platform-exports/ until the organisation is deleted."""

    organisation_id = models.PositiveBigIntegerField(_("organisation id"), db_index=True)
    organisation_name = models.CharField(_("organisation"), max_length=200)
    requested_by_email = models.EmailField(_("requested by"), blank=True)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    path = models.CharField(max_length=255, blank=True)  # relative to MEDIA_ROOT
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    photos = models.PositiveIntegerField(_("photos"), default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organisation_name} {self.requested_at:%Y-%m-%d %H:%M}"


class PlannedDeletion(models.Model):
    """An organisation marked for deletion: it is suspended at once and deleted for good when ``due_at`` has passed,
    unless a platform admin cancels first."""

    organisation_id = models.PositiveBigIntegerField(_("organisation id"), unique=True)
    organisation_name = models.CharField(_("organisation"), max_length=200)
    marked_at = models.DateTimeField(_("marked"), auto_now_add=True)
    marked_by_email = models.EmailField(_("marked by"), blank=True)
    due_at = models.DateTimeField(_("deleted after"), db_index=True)

    class Meta:
        verbose_name = _("planned deletion")
        verbose_name_plural = _("planned deletions")
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"{self.organisation_name} {self.due_at:%Y-%m-%d}"
