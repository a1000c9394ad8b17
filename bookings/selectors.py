"""Reads for bookings: availability for any period, a month's calendar, the bookings a person takes part in, and
the figures the statistics count. In the current organisation's schema.

Availability is derived from the holding bookings (lifecycle.HOLDING) every time, from the GiST index on
(listing, period); nothing is counted ahead. A loan that is out holds until it is back, even past its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    DateTimeField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractMonth
from django.utils import timezone

from accounts.selectors import party_of
from platform_.parties import Party

from . import deadlines, periods, permissions
from .lifecycle import HOLDING, BookingKind, BookingStatus
from .models import Booking, BookingEvent, WaitlistEntry
from .parties import is_party
from .periods import Span

LENT_OFFERS = ("lend", "rent")


# ---------------------------------------------------------------------------------------------- availability


def spans(*, listing_id: int, start: datetime, end: datetime | None, exclude: int | None = None) -> list[Span]:
    """The holding bookings of a listing that touch [start, end), as spans. A loan that is out counts from when it
    was picked up to its end or, if that has passed, to the end of today: it is not back yet, and is expected back
    (reminders chase it)."""
    window = DateTimeTZRange(start, end, "[)")
    everything = Booking.objects.exclude(pk=exclude) if exclude is not None else Booking.objects.all()
    # Two arms, each one index scan, and the listing as a bigint, as in _RUNNING below.
    listing = Cast(Value(listing_id), BigIntegerField())
    rows = everything.filter(listing_id=listing, status__in=HOLDING, period__overlap=window).order_by().union(
        everything.filter(listing_id=listing, status=BookingStatus.OUT).exclude(period__overlap=window).order_by(),
        all=True,
    )
    today_ends = periods.day_bounds(timezone.localdate(), timezone.get_current_timezone())[1]
    result = []
    for period, quantity, status, handed_over_at in rows.values_list("period", "quantity", "status", "handed_over_at"):
        begins, ends = period.lower, period.upper
        if status == BookingStatus.OUT:
            begins = min(begins, handed_over_at or begins)
            ends = max(ends, today_ends) if ends is not None else None
        result.append(Span(begins, ends, quantity))
    return result


# What is booked at every moment of [start, end) something changes, computed by PostgreSQL: each holding booking
# that touches the period becomes +quantity at its (clipped) start and -quantity at its (clipped) end, and a running
# sum over them, ends before starts at the same moment, is how much is booked from that moment on. A loan that is
# out counts from its pick-up to its end or the end of today, whichever is later (as spans() above). Returning only
# these numbers keeps an availability check at about a millisecond however many bookings overlap (bench/availability).
_RUNNING = """
WITH touching AS (
    -- Two arms, each one index scan: what overlaps, by (listing, period); loans out past their end, by
    -- (listing, status). The listing is cast to bigint, the column's type: btree_gist compares bigint with
    -- bigint only, and an integer literal would leave the listing out of the index scan.
    SELECT period, status, handed_over_at, quantity FROM {table}
    WHERE listing_id = %(listing)s::bigint AND status = ANY(%(holding)s)
      AND period && tstzrange(%(start)s::timestamptz, %(end)s::timestamptz, '[)')
      AND (%(exclude)s::bigint IS NULL OR id <> %(exclude)s::bigint)
    UNION ALL
    SELECT period, status, handed_over_at, quantity FROM {table}
    WHERE listing_id = %(listing)s::bigint AND status = %(out)s
      AND NOT period && tstzrange(%(start)s::timestamptz, %(end)s::timestamptz, '[)')
      AND (%(exclude)s::bigint IS NULL OR id <> %(exclude)s::bigint)
), spans AS (
    SELECT greatest(CASE WHEN status = %(out)s THEN least(lower(period), coalesce(handed_over_at, lower(period)))
                         ELSE lower(period) END, %(start)s::timestamptz) AS s,
           CASE WHEN upper_inf(period) THEN %(end)s::timestamptz
                WHEN status = %(out)s THEN least(greatest(upper(period), %(today_ends)s::timestamptz), %(until)s)
                ELSE least(upper(period), %(until)s) END AS e,
           quantity AS q
    FROM touching
), events AS (
    SELECT s AS t, q AS d FROM spans WHERE e IS NULL OR e > s
    UNION ALL
    SELECT e, -q FROM spans WHERE e > s
)
SELECT {select} FROM (
    SELECT t, d, sum(d) OVER (ORDER BY t, d ROWS UNBOUNDED PRECEDING) AS booked FROM events
) running {order}
"""


def _running(select: str, *, listing_id: int, start: datetime, end: datetime | None, exclude: int | None = None,
             order: str = ""):
    from django.db import connection

    params = {
        "listing": listing_id, "start": start, "end": end, "until": end or datetime.max.replace(tzinfo=start.tzinfo),
        "holding": list(HOLDING), "out": BookingStatus.OUT, "exclude": exclude,
        "today_ends": periods.day_bounds(timezone.localdate(), timezone.get_current_timezone())[1],
    }
    with connection.cursor() as cursor:
        cursor.execute(_RUNNING.format(table=Booking._meta.db_table, select=select, order=order), params)
        return cursor.fetchall()


def booked_peak(*, listing, start: datetime, end: datetime | None = None, exclude: int | None = None) -> int:
    """The most of ``listing`` booked at any one moment of [start, end) (no end: from ``start`` on, for good)."""
    ((peak,),) = _running("coalesce(max(booked), 0)", listing_id=listing.pk, start=start, end=end, exclude=exclude)
    return int(peak)


def _daily_peaks(listing, days: list[date]) -> dict[date, int]:
    """The most booked at any moment of each of ``days`` (consecutive), from one query."""
    zone = timezone.get_current_timezone()
    bounds = [periods.day_bounds(day, zone) for day in days]
    changes = _running("extract(epoch FROM t)::float8, booked", order="ORDER BY t, d", listing_id=listing.pk,
                       start=bounds[0][0], end=bounds[-1][1])
    result, level, index = {}, 0, 0
    for day, (day_start, day_end) in zip(days, bounds, strict=True):
        begins, ends = day_start.timestamp(), day_end.timestamp()
        # What holds at the day's first moment: everything up to and including what changes at midnight.
        while index < len(changes) and changes[index][0] <= begins:
            level = changes[index][1]
            index += 1
        peak = level
        while index < len(changes) and changes[index][0] < ends:
            level = changes[index][1]
            peak = max(peak, level)
            index += 1
        result[day] = int(peak)
    return result


def free_quantity(*, listing, start: datetime, end: datetime | None = None) -> int:
    """How many of ``listing`` are free for the whole of [start, end)."""
    return max(listing.quantity - booked_peak(listing=listing, start=start, end=end), 0)


def free_now_expression():
    """For a query of listings: how many are free now (the quantity, less what holding bookings cover now and
    loans that are out). Two correlated sums, each served by an index, for the rows of a page only."""
    now = timezone.now()

    def held(condition: Q):
        total = (
            Booking.objects.filter(condition, listing=OuterRef("pk"))
            .order_by()
            .values("listing")
            .annotate(total=Sum("quantity"))
            .values("total")
        )
        return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))

    covering_now = Q(status__in=HOLDING, period__contains=now)
    out_past_its_end = Q(status=BookingStatus.OUT) & ~Q(period__contains=now)
    return F("quantity") - held(covering_now) - held(out_past_its_end)


def open_bookings_expression():
    """For a query of listings: how many of their bookings wait for the owner (a handover or a pick-up)."""
    return Count("bookings", filter=Q(bookings__status__in=OPEN))


# Claims not yet settled: waiting for a handover or pick-up, or for a department manager's approval first.
OPEN = (BookingStatus.RESERVED, BookingStatus.AWAITING_APPROVAL)


def claims(*, listing) -> tuple[int, int]:
    """What is claimed for good (reserved or handed over, with no end) and how many of those claims are still
    open: what the listing's own status follows (catalog.services.settle_status)."""
    rows = Booking.objects.filter(listing=listing, kind=BookingKind.RESERVATION, status__in=HOLDING).aggregate(
        claimed=Sum("quantity"), open=Count("pk", filter=Q(status__in=OPEN))
    )
    return rows["claimed"] or 0, rows["open"] or 0


def claims_by_listing(*, listing_ids) -> dict[int, tuple[int, int]]:
    """``claims`` for many listings in one query, by listing id (listings without such claims are left out)."""
    rows = (
        Booking.objects.filter(listing_id__in=list(listing_ids), kind=BookingKind.RESERVATION, status__in=HOLDING)
        .values("listing_id")
        .annotate(claimed=Sum("quantity"), open=Count("pk", filter=Q(status__in=OPEN)))
        .order_by()
    )
    return {row["listing_id"]: (row["claimed"] or 0, row["open"] or 0) for row in rows}


# ---------------------------------------------------------------------------------------------- calendar


@dataclass(frozen=True)
class Day:
    day: date
    in_month: bool
    past: bool
    free: int
    selected: bool = False

    @property
    def state(self) -> str:
        if self.past:
            return "past"
        return "booked" if self.free == 0 else "free"


@dataclass(frozen=True)
class MonthCalendar:
    first: date  # the first of the month shown
    weeks: list[list[Day]]
    quantity: int
    today: date

    @property
    def previous(self) -> date | None:
        """The month before, unless it is wholly in the past."""
        before = (self.first - timedelta(days=1)).replace(day=1)
        return before if before >= self.today.replace(day=1) else None

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)


def month_calendar(*, listing, first: date, start: date | None = None, end: date | None = None) -> MonthCalendar:
    """The days of ``first``'s month (whole weeks, Monday first), each with how many are free all that day.

    One query, whatever the number of bookings: the holding bookings that touch the six weeks shown.
    """
    today = timezone.localdate()
    weeks = periods.month_weeks(first.year, first.month)
    peaks = _daily_peaks(listing, [day for week in weeks for day in week])
    last = end or start
    rows = [
        [
            Day(
                day=day,
                in_month=day.month == first.month,
                past=day < today,
                free=max(listing.quantity - peaks[day], 0),
                selected=start is not None and start <= day <= last,
            )
            for day in week
        ]
        for week in weeks
    ]
    return MonthCalendar(first=first.replace(day=1), weeks=rows, quantity=listing.quantity, today=today)


def daily_availability(*, listing, first: date, last: date) -> list[tuple[date, int]]:
    """How many are free all day, for each day from ``first`` to ``last`` (at most 366 days), in one query."""
    last = min(last, first + timedelta(days=365))
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    peaks = _daily_peaks(listing, days) if days else {}
    return [(day, max(listing.quantity - peaks[day], 0)) for day in days]


# ---------------------------------------------------------------------------------------------- bookings


def _with_listing(queryset: QuerySet[Booking]) -> QuerySet[Booking]:
    return queryset.select_related(
        "listing", "listing__created_by", "listing__contact_person", "listing__department", "receiving_department"
    )


def booking_for(*, uuid, user) -> Booking | None:
    """A booking ``user`` takes part in: as its borrower, or on the owner side of its listing."""
    booking = _with_listing(Booking.objects.all()).filter(uuid=uuid).first()
    if booking is None or not permissions.can_see(user, booking):
        return None
    return booking


def listing_bookings(*, listing) -> list[Booking]:
    """Every booking of a listing, newest first (for its owner side)."""
    return list(listing.bookings.select_related("receiving_department").order_by("-reserved_at"))


def my_bookings_of(*, listing, user) -> list[Booking]:
    """``user``'s own bookings of one listing, newest first."""
    party = party_of(user=user)
    return list(listing.bookings.filter(is_party("borrower", party)).order_by("-reserved_at"))


def my_bookings(*, user) -> QuerySet[Booking]:
    """Everything ``user`` has reserved or borrowed, newest first."""
    return (
        Booking.objects.filter(is_party("borrower", party_of(user=user)))
        .select_related("listing", "listing__department", "receiving_department")
        .order_by("-reserved_at", "-pk")
    )


def awaiting_owner(*, user) -> QuerySet[Booking]:
    """Bookings of the user's own listings that wait for them: handovers and pick-ups to confirm, loans out to be
    returned, extensions to answer."""
    waiting = Q(status=BookingStatus.RESERVED) | Q(status=BookingStatus.OUT)
    return (
        Booking.objects.filter(waiting)
        .filter(Q(listing__created_by=user) | Q(listing__contact_person=user))
        .select_related("listing", "receiving_department")
        .order_by("period")
    )


def events_of(*, booking: Booking) -> list:
    return list(booking.events.order_by("at", "pk"))


def has_loans(*, listing) -> bool:
    """Whether the listing was ever booked as a loan or rental, in any state (the demo seed asks before it plays)."""
    return listing.bookings.filter(kind=BookingKind.LOAN).exists()


# ---------------------------------------------------------------------------------------------- daily jobs
# What the daily jobs act on (bookings.jobs, bookings.deadlines): each one query, whatever the number of bookings,
# with what the e-mails need (the listing) joined in.

LAPSE_REMINDER = "lapse_reminder"
LAPSED = "lapsed"
DUE_REMINDER = "due_reminder"
OVERDUE_REMINDER = "overdue_reminder"


def hand_over_by(*, booking: Booking, days: int, zone) -> date | None:
    """The last day a reservation waiting for its handover may be handed over before it lapses (None for any other
    booking), with the organisation's limit of ``days`` and by its clock."""
    if booking.kind != BookingKind.RESERVATION or booking.status != BookingStatus.RESERVED:
        return None
    return deadlines.last_day(reserved_at=booking.reserved_at, days=days, zone=zone)


def _reminded(step: str, **condition) -> Exists:
    return Exists(BookingEvent.objects.filter(booking=OuterRef("pk"), step=step, **condition))


def reservations_to_lapse(*, made_before: datetime) -> QuerySet[Booking]:
    """Reservations still waiting for their handover, made before ``made_before``, oldest first."""
    return Booking.objects.filter(
        kind=BookingKind.RESERVATION, status=BookingStatus.RESERVED, reserved_at__lt=made_before
    ).order_by("reserved_at", "pk")


def reservations_to_remind(*, made_before: datetime) -> QuerySet[Booking]:
    """Reservations still waiting for their handover, made before ``made_before``, whose sides have not been
    reminded that they lapse."""
    return (
        Booking.objects.filter(kind=BookingKind.RESERVATION, status=BookingStatus.RESERVED,
                               reserved_at__lt=made_before)
        .exclude(_reminded(LAPSE_REMINDER))
        .select_related("listing")
        .order_by("reserved_at", "pk")
    )


def loans_due_soon(*, ends_after: datetime, ends_by: datetime) -> QuerySet[Booking]:
    """Loans out whose return is in (ends_after, ends_by], whose borrower has not been reminded of that return."""
    return (
        Booking.objects.filter(kind=BookingKind.LOAN, status=BookingStatus.OUT, period__endswith__gt=ends_after,
                               period__endswith__lte=ends_by)
        .exclude(_reminded(DUE_REMINDER, until=OuterRef("period__endswith")))
        .select_related("listing")
        .order_by("period", "pk")
    )


def loans_overdue(*, ended_by: datetime, reminded_since: date) -> QuerySet[Booking]:
    """Loans still out whose return was at or before ``ended_by``, not reminded on ``reminded_since`` or later."""
    return (
        Booking.objects.filter(kind=BookingKind.LOAN, status=BookingStatus.OUT, period__endswith__lte=ended_by)
        .exclude(_reminded(OVERDUE_REMINDER, on_date__gte=reminded_since))
        .select_related("listing")
        .order_by("period", "pk")
    )


# ---------------------------------------------------------------------------------------------- waiting list


def waitlist_entry(*, listing, user) -> WaitlistEntry | None:
    return listing.waitlist.filter(is_party("person", party_of(user=user)), told_at__isnull=True).first()


def waiting_count(*, listing) -> int:
    return listing.waitlist.filter(told_at__isnull=True).count()


# ---------------------------------------------------------------------------------------------- statistics


@dataclass(frozen=True)
class Changes:
    """What changed hands in a period, by month and by giving department. Inside the organisation (mediated,
    handovers, loans) apart from what went to other organisations' people through deals (given: items of every kind,
    given away, sold, lent or rented), so that nothing is counted twice."""

    mediated_by_month: dict[int, int]  # items handed over (reservations: give away, sell)
    handovers_by_month: dict[int, int]  # handovers confirmed
    loans_by_month: dict[int, int]  # loans and rentals picked up
    mediated_by_department: dict[int | None, int]
    loans_by_department: dict[int | None, int]
    given_by_month: dict[int, int]  # items to other organisations' people (deals), of every kind
    given_by_department: dict[int | None, int]


def changed_hands(*, start: datetime, end: datetime) -> Changes:
    """Reservations handed over (items mediated) and loans picked up in [start, end), in two queries; those that
    carry out a deal with another organisation (Booking.deal) are counted as given to other organisations instead."""
    handed = (
        Booking.objects.filter(handed_over_at__gte=start, handed_over_at__lt=end)
        .exclude(status__in=[BookingStatus.CANCELLED, BookingStatus.LAPSED])
        .annotate(across=ExpressionWrapper(Q(deal__isnull=False), output_field=BooleanField()))
    )
    by_month = (
        handed.annotate(m=ExtractMonth("handed_over_at")).values("m", "kind", "across")
        .annotate(items=Sum("quantity"), n=Count("pk")).order_by()
    )
    mediated, handovers, loans, given = {}, {}, {}, {}
    for row in by_month:
        m = row["m"]
        if row["across"]:
            given[m] = given.get(m, 0) + (row["items"] or 0)
        elif row["kind"] == BookingKind.RESERVATION:
            mediated[m] = row["items"] or 0
            handovers[m] = row["n"]
        else:
            loans[m] = row["n"]
    mediated_by_department, loans_by_department, given_by_department = {}, {}, {}
    rows = handed.values("giving_department", "kind", "across").annotate(items=Sum("quantity"), n=Count("pk"))
    for row in rows.order_by():
        department = row["giving_department"]
        if row["across"]:
            given_by_department[department] = given_by_department.get(department, 0) + (row["items"] or 0)
        elif row["kind"] == BookingKind.RESERVATION:
            mediated_by_department[department] = row["items"] or 0
        else:
            loans_by_department[department] = row["n"]
    return Changes(mediated, handovers, loans, mediated_by_department, loans_by_department, given,
                   given_by_department)


# ---------------------------------------------------------------------------------------------- deals


def booking_for_deal(*, deal) -> Booking | None:
    """The booking that carries out a deal between organisations (its UUID in the public schema), if made."""
    return Booking.objects.select_related("listing").filter(deal=deal).first()


def bookings_for_deals(*, deals) -> dict[str, Booking]:
    """Deal UUID (as text) → its booking, for those of ``deals`` that have one here."""
    return {str(booking.deal): booking for booking in Booking.objects.filter(deal__in=list(deals))}


def rental_amount(*, unit_price: Decimal, unit: str, start: datetime, end: datetime) -> Decimal:
    """What renting one item at ``unit_price`` per ``unit`` for [start, end) costs, as a booking's fee counts it."""
    return periods.fee(unit_price=unit_price, unit=unit, start=start, end=end,
                       zone=timezone.get_current_timezone())[1]


def free_of_listing(*, listing_uuid, start: datetime, end: datetime | None = None) -> int | None:
    """How many of the listing are free over the whole of [start, end) (from ``start`` on, without an end); None if
    there is no such listing or it is not published. For the exchange, which checks another organisation's request
    against this organisation's bookings before it is sent."""
    from catalog import selectors as listings  # catalog's selectors read bookings' too: imported when called

    listing = listings.listing_by_uuid(uuid=listing_uuid)
    if listing is None or listing.status not in ("published", "reserved"):
        return None
    return max(listing.quantity - booked_peak(listing=listing, start=start, end=end), 0)


def booking_by_uuid(*, uuid) -> Booking | None:
    """A booking by its UUID, whoever asks: for the exchange's handlers, which act for the organisations involved."""
    return Booking.objects.select_related("listing").filter(uuid=uuid).first()


# ------------------------------------------------------------------------------- for impact (decision 0032)


def items_mediated(*, start: datetime, end: datetime) -> QuerySet[Booking]:
    """Reservations handed over inside the organisation in [start, end) — not those carrying out a deal, which the
    exchange counts — for the impact figures, with plain names impact reads: ``platform_key`` (the listing's
    category's), ``listing_uuid``, ``paid_per_item`` (the listing's price when it was sold, else 0)."""
    return (
        Booking.objects.filter(kind=BookingKind.RESERVATION, handed_over_at__gte=start, handed_over_at__lt=end,
                               deal__isnull=True)
        .exclude(status__in=[BookingStatus.CANCELLED, BookingStatus.LAPSED])
        .annotate(
            platform_key=F("listing__category__platform_key"),
            listing_uuid=F("listing__uuid"),
            paid_per_item=Case(When(listing__offer_type="sell", then=F("listing__price")),
                               default=Value(Decimal("0")), output_field=DecimalField(max_digits=10,
                                                                                      decimal_places=2)),
        )
    )


def loans_for_use_days(*, start: datetime, end: datetime) -> QuerySet[Booking]:
    """Loans and rentals picked up inside the organisation in [start, end) (not deals), with ``use_from`` (the
    pick-up) and ``use_until`` (the return, or the end of the booked period while out), for use-days."""
    return (
        Booking.objects.filter(kind=BookingKind.LOAN, handed_over_at__gte=start, handed_over_at__lt=end,
                               deal__isnull=True)
        .exclude(status__in=[BookingStatus.CANCELLED, BookingStatus.LAPSED])
        .annotate(use_from=F("handed_over_at"),
                  use_until=Coalesce("returned_at", Func(F("period"), function="upper",
                                                         output_field=DateTimeField())))
    )


def open_bookings_of_count(*, party: Party) -> int:
    """How many open bookings (reserved, or out on loan) ``party`` made or is the contact person of."""
    return Booking.objects.filter(
        is_party("borrower", party) | is_party("contact", party),
        status__in=(BookingStatus.RESERVED, BookingStatus.OUT),
    ).count()


# ---------------------------------------------------------------------------------------------- the workspace (0044)


@dataclass(frozen=True)
class TodaysBookings:
    """What the operator's workspace shows of bookings: up to ``shown`` of each kind, oldest first, and how many."""

    handovers: list
    handovers_count: int
    pick_ups: list
    pick_ups_count: int
    returns: list
    returns_count: int


def todays_bookings(*, end_of_today: datetime, shown: int = 20) -> TodaysBookings:
    """Across the organisation: reservations waiting for their handover (each one is due), loans to be picked up by
    the end of today, and loans out whose return is by the end of today (overdue when before today). Six queries,
    whatever the number of bookings."""
    def part(queryset: QuerySet[Booking], order: str) -> tuple[list, int]:
        return list(_with_listing(queryset).order_by(order, "pk")[:shown]), queryset.count()

    handovers = part(Booking.objects.filter(kind=BookingKind.RESERVATION, status=BookingStatus.RESERVED),
                     "reserved_at")
    pick_ups = part(Booking.objects.filter(kind=BookingKind.LOAN, status=BookingStatus.RESERVED,
                                           period__startswith__lt=end_of_today), "period")
    returns = part(Booking.objects.filter(kind=BookingKind.LOAN, status=BookingStatus.OUT,
                                          period__endswith__lt=end_of_today), "period")
    return TodaysBookings(*handovers, *pick_ups, *returns)


def awaiting_approval(*, department_ids: list[int]) -> QuerySet[Booking]:
    """The bookings by people of these departments that wait for a manager's approval, oldest first (the queue
    "Att godkänna", decision 0045): listing, its department and the receiving department joined in."""
    return (
        Booking.objects.filter(status=BookingStatus.AWAITING_APPROVAL, receiving_department_id__in=department_ids)
        .select_related("listing", "listing__department", "receiving_department")
        .order_by("reserved_at", "pk")
    )


def department_bookings(*, department_ids: list[int], limit: int = 50) -> list[Booking]:
    """The latest bookings by people of these departments, whatever their state: what a manager oversees."""
    return list(
        Booking.objects.filter(receiving_department_id__in=department_ids)
        .select_related("listing", "receiving_department")
        .order_by("-reserved_at", "-pk")[:limit]
    )
