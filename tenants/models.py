from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from .validators import (
    time_zone_choices,
    validate_email_domain,
    validate_municipality_code,
    validate_organisation_number,
    validate_slug,
    validate_time_zone,
)

DEFAULT_TIME_ZONE = "Europe/Stockholm"
# How long a reservation waits for its handover before it lapses (bookings' daily job), unless the organisation
# chooses otherwise: the default, and the range an organisation may choose from.
DEFAULT_RESERVATION_DAYS = 14
RESERVATION_DAYS_RANGE = (1, 365)
# How long a published listing stays current before it expires unless renewed (decision 0044).
DEFAULT_LISTING_DAYS = 90
LISTING_DAYS_RANGE = (14, 730)

APPROVAL_THRESHOLD_MAX = 10_000_000


class ApprovalRule(models.TextChoices):
    """When a department manager approves a booking of one of the organisation's people before it goes ahead
    (bookings.approvals, decision 0045)."""

    NONE = "none", _("Never")
    ALL = "all", _("Always")
    ABOVE_VALUE = "above_value", _("When its value is above an amount")
    OUTSIDE_DEPARTMENT = "outside_department", _("When it is from another department")


class MfaRequirement(models.TextChoices):
    """Who in the organisation must log in with a second factor (allauth.mfa; enforced by
    accounts.mfa.RequireMFAMiddleware, decision 0054)."""

    NONE = "none", _("No one (each person may choose)")
    ADMINS = "admins", _("Organisation admins")
    EVERYONE = "everyone", _("Everyone")


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    REGION = "region", _("Region")
    COMPANY = "company", _("Municipal company")
    OTHER = "other", _("Other public organisation")


class OrganisationStatus(models.TextChoices):
    PROVISIONING = "provisioning", _("Being set up")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")


class Organisation(TenantMixin):
    """A customer: a municipality, region or public company, with its own PostgreSQL schema."""

    # tenants.services.provision_organisation() creates the schema itself, by cloning the template.
    auto_create_schema = False
    auto_drop_schema = False

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("address"), max_length=40, unique=True, validators=[validate_slug])
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    organisation_number = models.CharField(
        _("organisation number"), max_length=11, unique=True, validators=[validate_organisation_number]
    )
    municipality_code = models.CharField(
        _("municipality code"), max_length=4, blank=True, validators=[validate_municipality_code]
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=DEFAULT_TIME_ZONE, choices=time_zone_choices,
        validators=[validate_time_zone], help_text=_("Daily jobs such as reminders run by this clock."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OrganisationStatus.choices, default=OrganisationStatus.PROVISIONING
    )
    # Settings the organisation's own admin may change (tenants.services.update_settings, the "Settings" page).
    reservation_days = models.PositiveSmallIntegerField(
        _("days a reservation is held"),
        default=DEFAULT_RESERVATION_DAYS,
        validators=[MinValueValidator(RESERVATION_DAYS_RANGE[0]), MaxValueValidator(RESERVATION_DAYS_RANGE[1])],
        help_text=_("A reservation not handed over within this many days lapses, and the item is free again. Both "
                    "sides are reminded three days before."),
    )
    listing_days = models.PositiveSmallIntegerField(
        _("days a listing stays current"),
        default=DEFAULT_LISTING_DAYS,
        validators=[MinValueValidator(LISTING_DAYS_RANGE[0]), MaxValueValidator(LISTING_DAYS_RANGE[1])],
        help_text=_("A published listing not renewed within this many days expires. Its contact person is reminded "
                    "a week before and can renew it with one click."),
    )
    # A department manager's approval before a booking of one of the organisation's people goes ahead (decision 0045).
    approval_rule = models.CharField(
        _("approval by a department manager"), max_length=20, choices=ApprovalRule.choices, default=ApprovalRule.NONE,
    )
    approval_threshold = models.PositiveIntegerField(
        _("approval above (SEK)"), default=0, validators=[MaxValueValidator(APPROVAL_THRESHOLD_MAX)],
        help_text=_("With the rule \u201cabove an amount\u201d: a booking worth more than this (price times "
                    "quantity, or a rental's fee) waits for approval."),
    )
    # Who must log in with a second factor (an authenticator app), decision 0054.
    mfa_required = models.CharField(
        _("two-factor authentication required for"), max_length=10, choices=MfaRequirement.choices,
        default=MfaRequirement.NONE,
    )
    # Staff addresses must be at one of these domains (accounts.services.check_staff_email). Empty: staff cannot
    # add addresses themselves, and invitations may go to any address (the admin chooses it).
    email_domains = ArrayField(
        models.CharField(max_length=253, validators=[validate_email_domain]),
        verbose_name=_("e-mail domains"),
        default=list,
        blank=True,
        help_text=_("The organisation's own e-mail domains, e.g. ystad.se. Separate several with commas."),
    )
    # Set by billing's services when a payment is overdue (decision 0052): the organisation's data stays readable,
    # nothing new is published. Kept here so that the apps beside billing (catalog) can read it through tenants.
    billing_read_only = models.BooleanField(_("read-only (payment overdue)"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == OrganisationStatus.ACTIVE

    @property
    def is_suspended(self) -> bool:
        return self.status == OrganisationStatus.SUSPENDED


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return self.domain


class RoutingVersion(models.Model):
    """One row whose number grows whenever an organisation or domain changes.

    Web processes cache host → organisation and compare this number every few seconds; it is bumped in the same
    transaction as the change, so the caches can never miss a committed change.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("routing version")

    def __str__(self) -> str:
        return str(self.version)


class PeriodicRun(models.Model):
    """One daily job of one organisation on one of its local dates (tenants.periodic).

    Recorded before the job is queued; the unique constraint makes sure it is queued once whoever dispatches it, and
    ``finished_at`` is set in the job's own transaction, so a redelivered job does nothing.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    job = models.CharField(max_length=100)
    local_date = models.DateField()
    queued_at = models.DateTimeField()
    times_queued = models.PositiveSmallIntegerField(default=1)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "job", "local_date"], name="periodic_run_once_a_day"),
        ]
        indexes = [
            models.Index(fields=["queued_at"], condition=models.Q(finished_at__isnull=True),
                         name="periodic_run_unfinished"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.local_date}"

# The history of every change (decision 0042) registers its triggers on the models above.
from tenants import history as _history  # noqa: E402, F401
