"""Finding 13c of issue 13: every answer under /api/ is the JSON error shape, whatever the path looks like.

``/api/foo%0Abar/`` used to get Django's HTML 404: the catch-all route's ``.*`` does not match a newline, so no route
matched and Django's own 404 page answered. Now the URLconfs' error handlers answer JSON for any path under /api/,
and so do the pages answered before any view (unknown host, suspended organisation).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from tests.api_support import token_client
from tests.conftest import host_of, user_in

pytestmark = pytest.mark.django_db

ODD_PATHS = [
    "/api/foo%0Abar/",
    "/api/foo%0D%0Abar/",
    "/api/%0A",
    "/api/listings/%0A/",
    "/api/listings/00000000-0000-4000-8000-000000000000/%0A",
    "/api/foo%00bar/",
    "/api/foo%E2%80%A8bar/",
    "/api/%C0%AF/",
    "/api/foo%0A",
    "/api/docs/%0A",
    "/api/" + "a" * 3000 + "/",
    "/api/listings/?q=%0A%00",
]


def _is_json_error(response, code: str) -> None:
    assert response["Content-Type"].startswith("application/json"), (response.status_code, response.content[:200])
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]


@pytest.mark.parametrize("path", ODD_PATHS[:-1])
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options"])
def test_any_unknown_path_under_api_is_a_json_404(ystad, path, method):
    # given a client with a valid key
    client = token_client(ystad, user_in(ystad, "personal"), HTTP_ACCEPT_LANGUAGE="en")
    # when it asks for a path no endpoint has
    response = getattr(client, method)(path)
    # then the answer is the JSON error shape
    assert response.status_code == 404
    _is_json_error(response, "not_found")


@pytest.mark.parametrize("path", ODD_PATHS)
def test_anonymous_odd_paths_get_json_too(ystad, path):
    response = Client(HTTP_HOST=host_of(ystad)).get(path)
    assert response.status_code in {401, 404}
    _is_json_error(response, "not_found" if response.status_code == 404 else "not_authenticated")


def test_a_wrong_method_on_the_schema_is_a_json_405(ystad):
    response = token_client(ystad, user_in(ystad, "personal")).post("/api/schema/")
    assert response.status_code == 405
    _is_json_error(response, "method_not_allowed")


def test_an_unknown_organisation_under_api_is_a_json_404(db):
    response = Client(HTTP_HOST="finnsinte.localhost").get("/api/listings/")
    assert response.status_code == 404
    _is_json_error(response, "unknown_organisation")


def test_api_on_the_root_domain_is_a_json_404(db):
    response = Client(HTTP_HOST="localhost").get("/api/foo%0Abar/")
    assert response.status_code == 404
    _is_json_error(response, "not_found")


def test_a_suspended_organisation_under_api_is_a_json_403(ystad):
    # given Ystad suspended (rolled back with the test)
    from tenants import services as tenant_services

    tenant_services.set_status(organisation=ystad, status="suspended")
    # when
    response = Client(HTTP_HOST=host_of(ystad)).get("/api/listings/")
    # then
    assert response.status_code == 403
    _is_json_error(response, "suspended")


def test_the_pages_keep_their_html_404(ystad):
    client = Client(HTTP_HOST=host_of(ystad))
    with schema_context(ystad.schema_name):
        client.force_login(user_in(ystad, "personal"), backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/finns-inte%0A/")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


def test_errors_about_a_lists_items_keep_the_documented_shape(ystad):
    # given a multipart post whose "photo" is not a file
    client = token_client(ystad, user_in(ystad, "personal"), HTTP_ACCEPT_LANGUAGE="en")
    # when
    created = client.post("/api/listings/", {"title": "Bord", "photos": ["not a file"]}, format="multipart")
    # then every entry of `fields` is a list of messages, named after the item it is about (never a nested object)
    assert created.status_code == 400
    fields = created.json()["error"]["fields"]
    assert all(isinstance(messages, list) and all(isinstance(m, str) for m in messages) for messages in fields.values())
    assert "photos.0" in fields, fields
