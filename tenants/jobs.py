"""Daily jobs tenants itself runs in every organisation's schema (registered in tenants.apps)."""

from __future__ import annotations

from datetime import date
from importlib import import_module

from django.conf import settings

from .models import Organisation


def clear_expired_sessions(*, organisation: Organisation, local_date: date) -> None:
    """Remove the organisation's expired login sessions, as ``manage.py clearsessions`` does for one schema.

    Sessions live in each organisation's schema; Django's command would clean only the schema it runs in.
    """
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
