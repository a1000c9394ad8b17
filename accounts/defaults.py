"""Default data every new organisation starts with (run by tenants.services during provisioning)."""

from .services import ensure_departments


def create_default_departments(organisation) -> None:
    # Everyone belongs to a department; until the admin builds the tree, that is the organisation as a whole.
    ensure_departments(tree={organisation.name: []})
