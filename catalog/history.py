"""What of catalog the history records (decision 0042): every insert, update and delete of a listing, by PostgreSQL
triggers (django-pghistory), so a bulk ``QuerySet.update()`` is recorded too. The event table
``catalog_listingevent`` lives beside the listings, in the organisation's schema. Loaded at the end of
``catalog.models``."""

import pghistory

from catalog.models import Listing

# Derived or bookkeeping columns stay out: they change with every save and say nothing a person did.
pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["search_vector", "search_suffixes", "updated_at", "edited_at", "version"],
    model_name="ListingEvent",
)(Listing)
