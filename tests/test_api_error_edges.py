"""API errors that Django itself would answer in HTML: a body too large, and a crash. Both keep the JSON shape."""

from __future__ import annotations

import pytest
from django.test import Client

from .api_support import token_client
from .conftest import host_of, user_in

pytestmark = pytest.mark.django_db


def test_a_body_over_the_limit_gets_a_json_413(ystad, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = token_client(ystad, user_in(ystad, "personal"), HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/api/listings/", {"title": "Bord", "description": "x" * 5000}, format="json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_a_crash_under_api_is_a_json_500_and_elsewhere_the_page(ystad, monkeypatch):
    from catalog import selectors

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "categories", broken)  # the API's categories
    monkeypatch.setattr(selectors, "search_listings", broken)  # the start page
    client = Client(HTTP_HOST=host_of(ystad), raise_request_exception=False)
    from django_tenants.utils import schema_context

    with schema_context(ystad.schema_name):
        client.force_login(user_in(ystad, "personal"), backend="django.contrib.auth.backends.ModelBackend")
    api = client.get("/api/categories/")
    assert api.status_code == 500
    assert api.json()["error"]["code"] == "server_error"
    page = client.get("/")
    assert page.status_code == 500
    assert "text/html" in page["Content-Type"]
