"""Every reservation of catalog becomes a booking of kind ``reservation``, open-ended from when it was made, with
the same uuid (links and API addresses keep working). Who reserved, and the contact person, become parties
(organisation id, the person's UUID, name and e-mail); who confirmed or cancelled is kept on the booking's events,
and the e-mails already sent stay sent (the outbox keeps them; catalog.0007 moved them there)."""

from django.db import migrations
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange


def _organisation_id(schema_editor) -> int:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM public.tenants_organisation WHERE schema_name = %s", [schema_editor.connection.schema_name]
        )
        row = cursor.fetchone()
    return row[0] if row else 0  # the template schema has no organisation, and no reservations either


def _party(prefix: str, organisation_id: int, user) -> dict:
    if user is None:
        return {}
    return {f"{prefix}_org": organisation_id, f"{prefix}_uuid": user.uuid, f"{prefix}_name": user.full_name or user.email,
            f"{prefix}_email": user.email}


def forwards(apps, schema_editor):
    Reservation = apps.get_model("catalog", "Reservation")
    Booking = apps.get_model("bookings", "Booking")
    BookingEvent = apps.get_model("bookings", "BookingEvent")
    reservations = list(
        Reservation.objects.select_related(
            "listing", "listing__contact_person", "reserved_by", "handed_over_by", "cancelled_by"
        ).order_by("pk")
    )
    if not reservations:
        return
    organisation = _organisation_id(schema_editor)
    for reservation in reservations:
        booking = Booking.objects.create(
            uuid=reservation.uuid,
            listing_id=reservation.listing_id,
            kind="reservation",
            quantity=reservation.quantity,
            status=reservation.status,
            period=DateTimeTZRange(reservation.reserved_at, None, "[)"),
            exclusive=reservation.listing.quantity == 1,
            receiving_department_id=reservation.receiving_department_id,
            message=reservation.message,
            reserved_at=reservation.reserved_at,
            handed_over_at=reservation.handed_over_at,
            giving_department_id=reservation.giving_department_id,
            cancelled_at=reservation.cancelled_at,
            cancel_reason=reservation.cancel_reason,
            **_party("borrower", organisation, reservation.reserved_by),
            **_party("contact", organisation, reservation.listing.contact_person),
        )
        events = {"reserved": BookingEvent.objects.create(
            booking=booking, step="reserved", at=reservation.reserved_at, note=reservation.message,
            **_party("actor", organisation, reservation.reserved_by),
        )}
        if reservation.handed_over_at is not None:
            events["handed_over"] = BookingEvent.objects.create(
                booking=booking, step="handed_over", at=reservation.handed_over_at,
                **_party("actor", organisation, reservation.handed_over_by),
            )
        if reservation.cancelled_at is not None:
            events["cancelled"] = BookingEvent.objects.create(
                booking=booking, step="cancelled", at=reservation.cancelled_at, note=reservation.cancel_reason,
                **_party("actor", organisation, reservation.cancelled_by),
            )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0001_initial"),
        ("catalog", "0009_search_vector_cut_description"),
        ("accounts", "0002_user_uuid"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
