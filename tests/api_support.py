"""Helpers for the API tests: DRF clients talking to an organisation's host, by session or by API token."""

from __future__ import annotations

from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from accounts import services as account_services
from catalog.models import Category
from tests.conftest import host_of


def api_client(organisation, user=None, **headers) -> APIClient:
    """A client at the organisation's host; logged in (a real session in its schema) when ``user`` is given."""
    client = APIClient(HTTP_HOST=host_of(organisation), **headers)
    if user is not None:
        with schema_context(organisation.schema_name):
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def new_token(organisation, user) -> str:
    with schema_context(organisation.schema_name):
        _token, key = account_services.create_api_token(user=user)
    return key


def token_client(organisation, user, key: str | None = None, **headers) -> APIClient:
    """A client at the organisation's host that sends ``Authorization: Token <key>`` and no session cookie."""
    client = APIClient(HTTP_HOST=host_of(organisation), **headers)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key or new_token(organisation, user)}")
    return client


def category_id(organisation, name: str = "Kontorsstolar") -> int:
    with schema_context(organisation.schema_name):
        return Category.objects.get(name=name).pk


def error_code(response) -> str:
    return response.json()["error"]["code"]


def newcomer(organisation, **fields):
    """A new colleague in a new department of their own, so that the demo data is none of theirs."""
    from tests.factories import UserFactory

    with schema_context(organisation.schema_name):
        return UserFactory(**fields)
