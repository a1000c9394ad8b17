"""Many handovers, fast, for the impact bench and the export tests: copies of one handed-over reservation in the
current schema, made by one INSERT … SELECT over generate_series (a shortcut of the bench and the tests; the
product writes through bookings.services). Each copy is its own booking (new UUID, not one of a kind), handed over
at the original's moment minus ``i`` tenths of a second, so the copies spread over the hours before it."""

from __future__ import annotations

from django.db import connection

SKIPPED = {"id", "uuid", "exclusive", "handed_over_at", "reserved_at"}


def copy_handover(*, booking_id: int, copies: int) -> int:
    """``copies`` more handovers like booking ``booking_id`` (one statement). Returns the number made."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = 'bookings_booking' ORDER BY ordinal_position")
        columns = [name for (name,) in cursor.fetchall() if name not in SKIPPED]
        names = ", ".join(f'"{name}"' for name in columns)
        cursor.execute(
            f'INSERT INTO bookings_booking ({names}, "uuid", "exclusive", "handed_over_at", "reserved_at") '
            f"SELECT {names}, gen_random_uuid(), false, b.handed_over_at - make_interval(secs => i / 10.0), "
            f"b.reserved_at - make_interval(secs => i / 10.0) "
            f"FROM bookings_booking b, generate_series(1, %s) AS i WHERE b.id = %s",
            [copies, booking_id])
        return cursor.rowcount
