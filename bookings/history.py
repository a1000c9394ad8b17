"""What of bookings the history records (decision 0042): every insert, update and delete of a booking
(reservations, loans and rentals), by PostgreSQL triggers in the organisation's schema (``bookings_bookingevent`` is
the bookings' own log of steps; pghistory's table is ``bookings_bookinghistory``). Loaded at the end of
``bookings.models``."""

import pghistory

from bookings.models import Booking

pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    obj_field=pghistory.ObjForeignKey(related_name="history"),
    model_name="BookingHistory",
)(Booking)
