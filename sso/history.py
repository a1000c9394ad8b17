"""What of sso the history records (decision 0042): every field of the configuration but the client secret, whose
replacement shows as ``secret_changed_at``. Loaded at the end of ``sso.models``."""

import pghistory
from django.db import models

from sso.models import IdentityProvider

pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["client_secret", "updated_at"],
    model_name="IdentityProviderEvent",
    meta={"indexes": [
        models.Index(fields=["pgh_obj", "pgh_id"], name="idpevent_obj_id"),
        models.Index(fields=["pgh_created_at"], name="idpevent_created"),
    ]},
)(IdentityProvider)
