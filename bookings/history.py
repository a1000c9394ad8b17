"""What of bookings the history records (decision 0042): every insert, update and delete of a booking
(reservations, loans and rentals), by PostgreSQL triggers in the organisation's schema (``bookings_bookingevent`` is
the bookings' own log of steps; pghistory's table is ``bookings_bookinghistory``). Loaded at the end of
``bookings.models``."""

import pghistory
from django.db import models

from bookings.models import Booking

pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    obj_field=pghistory.ObjForeignKey(related_name="history"),
    model_name="BookingHistory",
    meta={"indexes": [
        # The previous event of the same object (the diff's old values) in one index probe; the export's period.
        models.Index(fields=["pgh_obj", "pgh_id"], name="bookinghistory_obj_id"),
        models.Index(fields=["pgh_created_at"], name="bookinghistory_created"),
    ]},
)(Booking)
