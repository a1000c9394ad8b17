"""Bookings: every claim on a listing is a quantity over a time range. These tables live in each organisation's
schema, beside the listings they book (decision 0023).

Availability for any period is derived from the bookings that hold (``lifecycle.HOLDING``), never from a counter.
Two guards against double booking, both PostgreSQL's own:

- an exclusion constraint: two holding bookings of a one-of-a-kind listing (``exclusive``) never overlap;
- for listings of several items, services lock the listing's row and check the peak of what is booked in the
  period before they write (``bookings.services``), so two bookings of the last items are decided one at a time.
"""

from __future__ import annotations

import uuid

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.contrib.postgres.indexes import GistIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .lifecycle import HOLDING, BookingKind, BookingStatus
from .parties import PartyField, party_columns


def _holding() -> models.Q:
    # Written out as OR rather than IN: PostgreSQL prints an IN over a varchar column differently each time it
    # reads its own output, and tenants.cloning recreates constraints and indexes from that print.
    condition = models.Q()
    for status in HOLDING:
        condition |= models.Q(status=status)
    return condition


class FeeUnit(models.TextChoices):
    DAY = "day", _("day")
    WEEK = "week", _("week")
    MONTH = "month", _("month")


class Booking(models.Model):
    """A quantity of a listing over ``period`` = [from, to): a reservation from when it is made on (no end), a loan
    from its pick-up to its return."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    listing = models.ForeignKey(
        "catalog.Listing", verbose_name=_("listing"), on_delete=models.PROTECT, related_name="bookings"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=BookingKind.choices)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=BookingStatus.choices,
                              default=BookingStatus.RESERVED)
    period = DateTimeRangeField(_("period"))
    # The listing was one of a kind when this was booked: the exclusion constraint keeps such bookings apart.
    exclusive = models.BooleanField(_("one of a kind"), default=False)

    # Who borrows or receives it, and the listing's contact person when it was booked: values that mean the same
    # person whichever organisation reads them (platform_.parties.Party).
    borrower_org, borrower_uuid, borrower_name, borrower_email = party_columns(_("borrower"))
    borrower = PartyField()
    contact_org, contact_uuid, contact_name, contact_email = party_columns(_("contact person"))
    contact = PartyField()

    # The receiving department (the cost centre) as it was when booked: statistics and charges must not move when
    # a person changes department. Its name is kept too, for the invoice.
    receiving_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("receiving department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    cost_centre = models.CharField(_("cost centre"), max_length=200, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    reserved_at = models.DateTimeField(_("booked"), default=timezone.now)
    # When it changed hands: a reservation's handover or a loan's pick-up. What the statistics count by.
    handed_over_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    # The giving department when it changed hands, so that moving the listing later does not move past figures.
    giving_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("giving department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # A reservation not handed over within the organisation's limit lapses (bookings.services.lapse_reservations).
    lapsed_at = models.DateTimeField(_("lapsed"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)
    # The new end the borrower asked for, until the owner accepts or refuses it.
    extension_until = models.DateTimeField(_("extension asked until"), null=True, blank=True)

    # The deal between organisations this booking carries out (exchange.Deal's UUID, in the public schema): a
    # snapshot of a link, not a foreign key. Unique: a deal is booked once, however often its acceptance is tried.
    deal = models.UUIDField(_("deal between organisations"), null=True, blank=True, unique=True, editable=False)

    # A rental's fee, as agreed when booked (and again when an extension is accepted): ready for invoicing.
    fee_unit_price = models.DecimalField(_("price per unit (SEK)"), max_digits=10, decimal_places=2, null=True,
                                         blank=True)
    fee_unit = models.CharField(_("unit"), max_length=10, choices=FeeUnit.choices, blank=True)
    fee_units = models.PositiveIntegerField(_("units"), null=True, blank=True)
    fee_amount = models.DecimalField(_("fee (SEK)"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-reserved_at"]
        indexes = [
            # Availability: the holding bookings of one listing that overlap a period (btree_gist for the listing).
            GistIndex(fields=["listing", "period"], name="booking_holding_period", condition=_holding()),
            models.Index(fields=["listing", "status"], name="booking_listing_status"),
            models.Index(fields=["status", "handed_over_at"], name="booking_handed_over"),
            models.Index(fields=["borrower_org", "borrower_uuid", "-reserved_at"],
                         name="booking_by_borrower"),
            # The daily jobs: reservations waiting for their handover, by age; loans out, by their end.
            models.Index(fields=["reserved_at"], name="booking_reservation_open",
                         condition=models.Q(kind=BookingKind.RESERVATION) & models.Q(status=BookingStatus.RESERVED)),
            models.Index(fields=["period"], name="booking_loan_out", condition=models.Q(status=BookingStatus.OUT)),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="booking_quantity_positive"),
            # A period has a start and is not empty; a loan's has an end too.
            models.CheckConstraint(
                condition=models.Q(period__isempty=False, period__lower_inf=False)
                & (models.Q(kind=BookingKind.RESERVATION) | models.Q(period__upper_inf=False)),
                name="booking_period_bounded",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["handed_over", "out", "returned"])
                | models.Q(handed_over_at__isnull=False),
                name="booking_handover_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="returned") | models.Q(returned_at__isnull=False),
                name="booking_return_has_time",
            ),
            ExclusionConstraint(
                name="booking_one_of_a_kind_no_overlap",
                index_type="gist",
                expressions=[("listing", RangeOperators.EQUAL), ("period", RangeOperators.OVERLAPS)],
                condition=models.Q(exclusive=True) & _holding(),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.listing} × {self.quantity}"

    @property
    def is_loan(self) -> bool:
        return self.kind == BookingKind.LOAN

    @property
    def starts_at(self):
        return self.period.lower

    @property
    def ends_at(self):
        return self.period.upper


class BookingEvent(models.Model):
    """One step in a booking's life, with who took it: booked, handed over, picked up, returned, cancelled, an
    extension asked for and answered; and what the daily jobs did (no one took those steps): a reminder sent, a
    reservation lapsed, each with the organisation's local date it was done for. E-mails hang off these."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("step"), max_length=40)
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor_org, actor_uuid, actor_name, actor_email = party_columns(_("by"), null=True)
    actor = PartyField()
    note = models.CharField(_("note"), max_length=500, blank=True)
    until = models.DateTimeField(_("until"), null=True, blank=True)  # an extension's new end; a return reminded of
    # The organisation's local date a daily job did this for (reminders, lapsing): once per booking, step and date.
    on_date = models.DateField(_("for the day"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["booking", "step"], name="booking_event_step")]
        constraints = [
            models.UniqueConstraint(fields=["booking", "step", "on_date"], condition=models.Q(on_date__isnull=False),
                                    name="booking_event_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.step} {self.at:%Y-%m-%d %H:%M}"


class NoticeKind(models.TextChoices):
    RESERVED = "reserved", _("Reserved")
    CANCELLED = "cancelled", _("Cancelled")
    # To the contact person when a third party (an operator, an admin) cancelled: both sides should know.
    CANCELLED_FOR_CONTACT = "cancelled_contact", _("Cancelled (to the contact person)")
    BOOKED = "booked", _("Loan booked")
    EXTENSION_ASKED = "extension_asked", _("Extension asked for")
    EXTENSION_ANSWERED = "extension_answered", _("Extension answered")
    APPROVAL_ANSWERED = "approval_answered", _("Approval answered")


class WaitlistEntry(models.Model):
    """Someone waiting for a listing that is out. When it comes back, the first in line is told, once."""

    listing = models.ForeignKey(
        "catalog.Listing", verbose_name=_("listing"), on_delete=models.CASCADE, related_name="waitlist"
    )
    person_org, person_uuid, person_name, person_email = party_columns(_("person"))
    person = PartyField()
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    # Set in the transaction that gave the item back; the e-mail itself is sent once, after it commits.
    told_at = models.DateTimeField(_("told"), null=True, blank=True)

    class Meta:
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list entries")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                "listing", "person_org", "person_uuid", condition=models.Q(told_at__isnull=True),
                name="waitlist_once_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} ← {self.listing}"

# The history of every change (decision 0042) registers its triggers on the models above.
from bookings import history as _history  # noqa: E402, F401
