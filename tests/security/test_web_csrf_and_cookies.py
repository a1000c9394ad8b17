"""Finding 9 of issue 13: a sibling organisation is not a trusted origin, and production cookies are host-only.

Every organisation is same-origin with itself, so Django's CsrfViewMiddleware accepts its own form posts by comparing
Origin with the request's own scheme and host; ``CSRF_TRUSTED_ORIGINS`` needs no ``https://*.<domain>`` wildcard,
which made any sibling sub-domain (another organisation's page) a trusted origin for this one's forms.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import host_of

pytestmark = pytest.mark.django_db


def _client_with_csrf_cookie(organisation) -> tuple[Client, str]:
    client = Client(HTTP_HOST=f"{host_of(organisation)}:8000", enforce_csrf_checks=True)
    page = client.get("/konto/login/")
    assert page.status_code == 200
    return client, client.cookies[settings.CSRF_COOKIE_NAME].value


def test_a_skurup_page_is_not_a_trusted_origin_for_a_ystad_form(ystad):
    # given a valid Ystad CSRF cookie and token
    client, token = _client_with_csrf_cookie(ystad)
    # when the form post comes from a Skurup page
    response = client.post(
        "/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="http://skurup.localhost:8000",
    )
    # then it is refused
    assert response.status_code == 403


def test_a_ystad_page_may_post_to_ystad(ystad):
    # given
    client, token = _client_with_csrf_cookie(ystad)
    # when the post comes from Ystad's own origin
    response = client.post(
        "/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token}, HTTP_ORIGIN="http://ystad.localhost:8000"
    )
    # then it is accepted
    assert response.status_code == 302


def test_no_trusted_origin_is_a_wildcard():
    assert not [origin for origin in settings.CSRF_TRUSTED_ORIGINS if "*" in origin]


PRINT_COOKIE_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({k: getattr(settings, k) for k in ["
    "'SESSION_COOKIE_NAME', 'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_PATH', 'SESSION_COOKIE_DOMAIN', "
    "'CSRF_COOKIE_NAME', 'CSRF_COOKIE_SECURE', 'CSRF_COOKIE_PATH', 'CSRF_COOKIE_DOMAIN', "
    "'LANGUAGE_COOKIE_NAME', 'LANGUAGE_COOKIE_SECURE', 'LANGUAGE_COOKIE_PATH', 'LANGUAGE_COOKIE_DOMAIN', "
    "'CSRF_TRUSTED_ORIGINS']}))"
)


def test_production_cookies_have_the_host_prefix():
    # given production settings
    env = {key: value for key, value in os.environ.items() if key not in {"DELBAR_TESTING", "DJANGO_SETTINGS_MODULE"}}
    env.update({
        "DELBAR_ENV": "production", "SECRET_KEY": "s" * 50, "DATABASE_URL": "postgres://u@db.internal/delbar",
        "REDIS_URL": "redis://cache.internal:6379/0", "PLATFORM_DOMAIN": "delbar.se",
        "DELBAR_ACCESSIBILITY_CONTACT": "tillganglighet@delbar.se", "DJANGO_SETTINGS_MODULE": "platform_.settings",
    })
    # when they are read
    result = subprocess.run([sys.executable, "-c", PRINT_COOKIE_SETTINGS], env=env, cwd=settings.BASE_DIR,
                            capture_output=True, text=True, timeout=60)
    # then every cookie is __Host-: Secure, Path=/ and no Domain, so no sibling sub-domain can set or read it
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    for cookie in ("SESSION", "CSRF", "LANGUAGE"):
        assert values[f"{cookie}_COOKIE_NAME"].startswith("__Host-delbar_"), values
        assert values[f"{cookie}_COOKIE_SECURE"] is True
        assert values[f"{cookie}_COOKIE_PATH"] == "/"
        assert values[f"{cookie}_COOKIE_DOMAIN"] is None
    assert not [origin for origin in values["CSRF_TRUSTED_ORIGINS"] if "*" in origin]
