"""What of tenants the history records (decision 0042): the organisation's settings and status. The organisation
lives in public, so its event table ``tenants_organisationevent`` does too; the trigger runs with the writer's
search path, so a change made on the organisation's own settings page attaches its context (who, which page) in
the organisation's schema, and one made in the platform console in public. Loaded at the end of
``tenants.models``."""

import pghistory
from django.db import models

from tenants.models import Organisation

pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    fields=["name", "kind", "organisation_number", "municipality_code", "time_zone", "status", "reservation_days",
            "listing_days", "approval_rule", "approval_threshold", "email_domains", "mfa_required"],
    model_name="OrganisationEvent",
    meta={"indexes": [
        # The previous event of the same object (the diff's old values) in one index probe; the export's period.
        models.Index(fields=["pgh_obj", "pgh_id"], name="orgevent_obj_id"),
        models.Index(fields=["pgh_created_at"], name="orgevent_created"),
    ]},
)(Organisation)
