"""What of accounts the history records (decision 0042): departments, and people — their name, e-mail address,
role, department and whether they are active, never their password hash or last login. Triggers in the schema the
person lives in (the organisation's; platform admins in public). Loaded at the end of ``accounts.models``."""

import pghistory
from django.db import models

from accounts.models import Department, User


def trackers() -> tuple:
    """New trackers for each model: pghistory binds a tracker to the model it tracks."""
    return pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent()


def indexes(short: str) -> list:
    """The previous event of the same object (the diff's old values) in one index probe; the export's period."""
    return [
        models.Index(fields=["pgh_obj", "pgh_id"], name=f"{short}_obj_id"),
        models.Index(fields=["pgh_created_at"], name=f"{short}_created"),
    ]


pghistory.track(
    *trackers(), exclude=["created_at"], model_name="DepartmentEvent", meta={"indexes": indexes("departmentevent")}
)(Department)
pghistory.track(
    *trackers(),
    fields=["uuid", "email", "full_name", "role", "department", "is_active", "is_superuser"],
    model_name="UserEvent",
    meta={"indexes": indexes("userevent")},
)(User)
