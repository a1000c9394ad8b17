"""Helpers of the single sign-on tests: the organisation's configuration pointing at the test provider, and one
login driven through allauth's real views and the real provider (tests/oidc_support.py)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import requests
from django.db import connection
from django_tenants.utils import schema_context

from accounts.models import Department, Role, User
from sso import services
from tests.conftest import user_in
from tests.oidc_support import CLIENT_SECRET, PASSWORD

CALLBACK = "/konto/oidc/sso/login/callback/"
LOGIN = "/konto/oidc/sso/login/"


def redirect_uri(organisation) -> str:
    return f"http://{organisation.slug}.localhost{CALLBACK}"


def client_id(organisation) -> str:
    return f"delbar-{organisation.slug}"


def configure(organisation, provider, **overrides) -> Department:
    """Single sign-on on for ``organisation``, through ``provider``; returns the default department."""
    with schema_context(organisation.schema_name):
        department = Department.objects.filter(is_active=True, parent__isnull=False).order_by("pk").first()
        settings = dict(
            enabled=True, server_url=provider.issuer, client_id=client_id(organisation), client_secret=CLIENT_SECRET,
            button_label=f"{organisation.name} AD", email_domains=[f"{organisation.slug}.example"],
            default_department_id=department.pk, default_role=Role.OPERATOR, sso_only=False,
        )
        settings.update(overrides)
        services.save_configuration(by=user_in(organisation, "admin"), settings=services.Settings(**settings))
    connection.set_schema_to_public()
    return department


def at_provider(provider, authorize_url: str, *, username: str) -> str:
    """The person signs in on the provider's own login form; returns where the provider sends them back to."""
    browser = requests.Session()
    answer = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    login_url = provider.base + answer.headers["Location"]
    browser.get(login_url, timeout=10).raise_for_status()
    answer = browser.post(login_url, data={
        "username": username, "password": PASSWORD, "csrfmiddlewaretoken": browser.cookies["provider_csrftoken"],
        "next": parse_qs(urlsplit(login_url).query)["next"][0],
    }, headers={"Referer": login_url}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    answer = browser.get(provider.base + answer.headers["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


def start(client) -> str:
    """The login page's button: allauth answers with a redirect to the provider's authorize endpoint."""
    answer = client.post(LOGIN)
    assert answer.status_code == 302, answer.status_code
    return answer["Location"]


def local(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path, parts.query, ""))


def log_in(client, provider, *, username: str):
    """The whole login: Delbar → the provider's form → Delbar's callback. Returns the callback's answer."""
    back = at_provider(provider, start(client), username=username)
    return client.get(local(back))


def with_state(url: str, state: str) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query["state"] = state
    return urlunsplit(("", "", parts.path, urlencode(query), ""))


def logged_in_user(client, organisation) -> User | None:
    user_id = client.session.get("_auth_user_id")
    if user_id is None:
        return None
    with schema_context(organisation.schema_name):
        return User.objects.select_related("department").get(pk=user_id)
