"""What of catalog the history records (decision 0042): every insert, update and delete of a listing, by PostgreSQL
triggers (django-pghistory), so a bulk ``QuerySet.update()`` is recorded too. The event table
``catalog_listingevent`` lives beside the listings, in the organisation's schema. Loaded at the end of
``catalog.models``."""

import pghistory
from django.db import models

from catalog.models import Listing

# Derived or bookkeeping columns stay out: they change with every save and say nothing a person did.
pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["search_vector", "search_suffixes", "updated_at", "edited_at", "version"],
    model_name="ListingEvent",
    meta={"indexes": [
        # The previous event of the same object (the diff's old values) in one index probe; the export's period.
        models.Index(fields=["pgh_obj", "pgh_id"], name="listingevent_obj_id"),
        models.Index(fields=["pgh_created_at"], name="listingevent_created"),
    ]},
)(Listing)
