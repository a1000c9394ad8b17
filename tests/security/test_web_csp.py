"""Finding 13a of issue 13: a strict Content-Security-Policy on every answer, and templates that keep to it.

The browser check that the pages raise no CSP violation is tests/browser/test_csp.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django_tenants.utils import schema_context

from tests.admin_support import platform_staff_in
from tests.conftest import host_of, user_in

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}


def _policy(response) -> dict[str, set[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.status_code} {response.get('Content-Type')}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def _logged_in(organisation, local: str = "admin") -> Client:
    client = Client(HTTP_HOST=host_of(organisation))
    with schema_context(organisation.schema_name):
        client.force_login(user_in(organisation, local), backend="django.contrib.auth.backends.ModelBackend")
    return client


def _as_platform_staff(organisation) -> Client:
    staff = platform_staff_in(organisation)
    client = Client(HTTP_HOST=host_of(organisation))
    with schema_context(organisation.schema_name):
        client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize(
    "path", ["/", "/annonser/ny/", "/mina-annonser/", "/mina-reservationer/", "/statistik/", "/mitt-konto/",
             "/mitt-konto/api-nycklar/", "/administrera/", "/administrera/kategorier/", "/administrera/e-post/",
             "/admin/", "/admin/catalog/category/", "/finns-inte/", "/api/listings/", "/natverk/"],
)
def test_every_answer_has_the_strict_policy(ystad, path):
    # Django admin is platform staff's (decision 0039): its pages are asked for as a superuser of Ystad's schema
    response = (_as_platform_staff(ystad) if path.startswith("/admin/") else _logged_in(ystad)).get(path)
    assert response.status_code in {200, 404}, (path, response.status_code)
    policy = _policy(response)
    assert policy == STRICT, policy
    every_source = set().union(*policy.values())
    assert not every_source & {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*"}


@pytest.mark.parametrize(("host", "path"), [("localhost", "/"), ("localhost", "/konsol/login/"),
                                             ("finnsinte.localhost", "/")])
def test_the_root_domain_and_unknown_hosts_have_it_too(db, host, path):
    assert _policy(Client(HTTP_HOST=host).get(path)) == STRICT


def test_redoc_which_needed_inline_styles_is_gone(ystad):
    # given the old ReDoc address (decision 0040 retired it; decision 0019 had let it add inline styles)
    response = _logged_in(ystad).get("/api/redoc/", follow=True)
    # then it leads to Swagger UI, whose policy allows no inline style
    assert response.redirect_chain == [("/api/docs/", 301)]
    assert "'unsafe-inline'" not in set().union(*_policy(response).values())


def test_swagger_ui_loads_its_start_up_script_from_our_origin(ystad):
    client = _logged_in(ystad)
    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")
    assert _policy(page) == {**STRICT, "img-src": {"'self'", "data:"}}  # its style sheet's icons
    assert b"<script>" not in page.content and b"<style" not in page.content
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def _templates() -> list[Path]:
    base = Path(settings.BASE_DIR)
    return sorted(p for p in [*base.glob("templates/**/*.html"), *base.glob("*/templates/**/*.html")]
                  if ".venv" not in p.parts)


INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),  # inline script
    re.compile(r"<style\b", re.I),  # inline style sheet
    re.compile(r"\sstyle\s*=", re.I),  # style attribute
    re.compile(r"\son[a-z]+\s*=", re.I),  # event handler attribute
    re.compile(r"javascript:", re.I),
    re.compile(r"hx-on", re.I),  # htmx's inline handlers need eval
]


def test_no_template_has_inline_script_style_or_handlers():
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for path in _templates()
        for pattern in INLINE
        for match in pattern.finditer(path.read_text())
    ]
    assert not found, found
    assert len(_templates()) > 20


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code(ystad):
    page = _logged_in(ystad).get("/").content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", page)
    assert config, "no htmx-config meta tag"
    assert json.loads(config.group(1)) == {"includeIndicatorStyles": False, "allowEval": False,
                                           "allowScriptTags": False}
