"""Shared fixtures: one test database per run, holding the demo world (Ystad, Skurup, Trelleborg).

The database and its organisation schemas are built once per run, from the same code as ``make demo``, and every
test runs inside a transaction that is rolled back, so a test may write freely. Tests that need data another process
can see (the Celery worker, the browser's live server) use the committed demo world and clean up what they add.
"""

from __future__ import annotations

import os

os.environ.setdefault("DELBAR_TESTING", "1")

import pytest  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from platform_.demo import DEMO_ORGANISATIONS, DEMO_PASSWORD  # noqa: E402

PASSWORD = DEMO_PASSWORD


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from platform_.demo import seed_demo

    with django_db_blocker.unblock():
        seed_demo(password=PASSWORD)
        connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _fresh_routing_between_tests():
    # The host cache is per process; a test's rolled-back changes must not stay in it for the next test.
    from tenants.routing import directory

    directory.clear()
    yield
    directory.clear()
    connection.set_schema_to_public()


def _organisation(slug: str):
    from tenants.models import Organisation

    connection.set_schema_to_public()
    return Organisation.objects.get(slug=slug)


@pytest.fixture
def ystad(db):
    return _organisation("ystad")


@pytest.fixture
def skurup(db):
    return _organisation("skurup")


@pytest.fixture
def trelleborg(db):
    return _organisation("trelleborg")


def host_of(organisation) -> str:
    return f"{organisation.slug}.localhost"


def demo_email(slug: str, local: str) -> str:
    return f"{local}@{slug}.example"


def user_in(organisation, local: str):
    """A demo person (admin, operator, chef, personal) of the organisation, read in its schema."""
    from accounts.models import User

    with schema_context(organisation.schema_name):
        return User.objects.select_related("department").get(email=demo_email(organisation.slug, local))


def client_for(organisation, user=None) -> Client:
    """A test client talking to the organisation's host, optionally logged in as ``user``."""
    client = Client(HTTP_HOST=host_of(organisation))
    if user is not None:
        with schema_context(organisation.schema_name):
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def demo_organisations():
    return DEMO_ORGANISATIONS
