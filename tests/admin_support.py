"""Django admin on an organisation's host is for platform staff only (decision 0039): a platform superuser in the
organisation's schema, for the tests that use the admin itself, and what an organisation admin gets there instead."""

from __future__ import annotations

from django_tenants.utils import schema_context

from .conftest import PASSWORD

PLATFORM_STAFF_EMAIL = "plattformsstod@delbar.example"
# Platform staff must have an authenticator app (decision 0054); theirs in the tests.
PLATFORM_STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ"
# What an organisation admin is told when Django admin sends them to /administrera/ (accounts.admin).
SENT_TO_ADMINISTRERA = "Django admin (/admin/) är till för Delbars plattformspersonal."
# What anyone else logged in is told, with 403.
PLATFORM_STAFF_ONLY = "Endast för plattformspersonal"


def platform_staff_in(organisation, *, with_app: bool = True):
    """Delbar's platform staff as they exist on an organisation's host: a superuser of its schema (no role), with
    the authenticator app platform staff must have (decision 0054) unless ``with_app`` is false."""
    from accounts.services import ensure_superuser, set_up_totp

    with schema_context(organisation.schema_name):
        user, _created = ensure_superuser(email=PLATFORM_STAFF_EMAIL, password=PASSWORD, full_name="Plattformsstöd")
        if with_app:
            set_up_totp(user=user, secret=PLATFORM_STAFF_TOTP_SECRET)
        return user


def assert_sent_to_administrera(response, path: str = "/administrera/") -> None:
    """An organisation admin at /admin/… is redirected to Delbar's own page that does the same."""
    assert response.status_code == 302, response.status_code
    assert response["Location"] == path, response["Location"]
