"""View decorators every app's pages share."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def org_admin_required(view):
    """The organisation admin's pages: anonymous visitors are sent to log in, everyone else gets 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not getattr(request.user, "is_org_admin", False):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)
