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

from demo.world import DEMO_ORGANISATIONS, DEMO_PASSWORD  # noqa: E402

PASSWORD = DEMO_PASSWORD


def pytest_collection_modifyitems(config, items):
    """Tests that start a real worker (mark ``worker``) run last. They work on the committed demo world, and the
    daily jobs their worker runs by today's date change it — old demo reservations lapse — which the tests after
    them must not depend on. (A stable sort: otherwise the order is pytest's.)"""
    items.sort(key=lambda item: item.get_closest_marker("worker") is not None)


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """The test database with the demo world, built for every run, whichever tests were selected.

    pytest-django's own fixture creates a test database only when a collected test is marked django_db; the
    browser and worker tests are not (their data must be committed), so alone they would reach the development
    database. This one always creates it.
    """
    import shutil

    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    from demo.world import seed_demo

    verbosity = request.config.option.verbose
    assert "test-media" in str(settings.MEDIA_ROOT), "refusing to use a media folder that is not the tests' own"
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    with django_db_blocker.unblock():
        _remove_leftovers_of_dead_runs()
        config = setup_databases(verbosity=verbosity, interactive=False, aliases={"default"}, serialized_aliases=[])
        assert connection.settings_dict["NAME"].startswith("test_"), "refusing to seed a non-test database"
        seed_demo(password=PASSWORD)
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        # Connections the live server's request threads kept open would block DROP DATABASE.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        connection.close()
        teardown_databases(config, verbosity=verbosity)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_leftovers_of_dead_runs() -> None:
    """Drop test databases and media folders of earlier runs (named by their process id) that have ended."""
    import re
    import shutil

    from django.conf import settings
    from django.db import DatabaseError

    ours = settings.DATABASES["default"]["TEST"]["NAME"]
    this_machine = ours.rsplit("_", 1)[0]  # test_<name>_<machine>
    pattern = re.compile(rf"^{re.escape(this_machine)}_(\d+)$")
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{this_machine}_%"])
        for (name,) in cursor.fetchall():
            match = pattern.match(name)
            if match and not _pid_alive(int(match.group(1))):
                # Without FORCE: a database someone is still connected to is not ours to remove.
                try:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
                except DatabaseError:
                    pass
    media_parent = settings.MEDIA_ROOT.parent
    if media_parent.name == "test-media" and media_parent.is_dir():
        for folder in media_parent.iterdir():
            if folder.name.isdigit() and not _pid_alive(int(folder.name)):
                shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_routing_between_tests(settings):
    # The host cache is per process; a test's rolled-back changes must not stay in it for the next test. The
    # periodic version check is pushed out of the way so that it cannot land inside a counted request; the
    # tests of that check set their own interval.
    from tenants.routing import directory

    settings.TENANT_ROUTING_RECHECK_SECONDS = 3600
    directory.clear()
    yield
    directory.clear()
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _fresh_cache_between_tests():
    # Counters kept in the cache (the API's throttle histories, photo uploads an hour) must not carry over from one
    # test's requests to the next. Only the per-process memory cache is cleared: a Redis cache may be someone else's.
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    cache = caches["default"]
    if isinstance(cache, LocMemCache):
        cache.clear()
    yield


@pytest.fixture
def in_english():
    """Run the test in English (messages are translated when they are raised)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path):
    """This test's own media folder, so that "nothing was written" is not disturbed by other tests."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def subprocess_env(**extra: str) -> dict[str, str]:
    """Environment for a process the tests start (a worker, a command): same server, the test database, and the
    same media folder (a worker reads and copies the photos the tests' process stored, as in production)."""
    from django.conf import settings

    return {**os.environ, "DATABASE_NAME": settings.DATABASES["default"]["NAME"], "DELBAR_TESTING": "1",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT), **extra}


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


@pytest.fixture
def tomelilla(db):
    """The demo organisation outside the demo network "Sydöstra Skåne" (no listings)."""
    return _organisation("tomelilla")


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
