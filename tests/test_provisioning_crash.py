"""Kill provisioning at different moments; the organisation is never active half-made and a rerun finishes it."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from .conftest import subprocess_env

ARGS = ["--name", "Höörs kommun", "--slug", "hoor-crash", "--organisation-number", "212000-1173"]


def _provision(env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "provision_organisation", *ARGS],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def _cleanup() -> None:
    # The row is written before the schema, and an interrupted copy leaves no schema, so the row finds it all.
    from tenants.models import Organisation
    from tenants.services import delete_organisation

    connection.set_schema_to_public()
    for organisation in Organisation.objects.filter(slug="hoor-crash"):
        delete_organisation(organisation=organisation)
    assert not schema_exists("org_hoor_crash")


def _assert_consistent() -> None:
    """Whatever moment it was killed at: active means complete."""
    from accounts.models import Department
    from tenants.models import Organisation

    connection.set_schema_to_public()
    organisation = Organisation.objects.filter(slug="hoor-crash").first()
    if organisation and organisation.status == "active":
        assert schema_exists(organisation.schema_name)
        with schema_context(organisation.schema_name):
            assert Department.objects.filter(name="Höörs kommun").exists()


@pytest.mark.parametrize("kill_after", [0.8, 1.1, 1.4])
def test_killed_provisioning_is_finished_by_a_rerun(kill_after, django_db_setup, django_db_blocker):
    env = subprocess_env()
    with django_db_blocker.unblock():
        _cleanup()
        try:
            # given a provisioning killed without warning
            process = _provision(env)
            time.sleep(kill_after)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            _assert_consistent()

            # when it runs again
            rerun = _provision(env)
            output, _ = rerun.communicate(timeout=120)

            # then the organisation is complete and active, with one of everything
            assert rerun.returncode == 0, output
            assert "Höörs kommun is active" in output
            from accounts.models import Department
            from tenants.models import Domain, Organisation

            connection.set_schema_to_public()
            organisation = Organisation.objects.get(slug="hoor-crash")
            assert organisation.status == "active"
            assert Domain.objects.filter(tenant=organisation).count() == 1
            with schema_context(organisation.schema_name):
                assert Department.objects.count() == 1
        finally:
            _cleanup()
