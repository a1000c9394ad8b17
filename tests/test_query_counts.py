"""Pages cost the same number of queries however much data there is (no N+1)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from tenants.services import OrganisationDetails, provision_organisation

from .conftest import client_for, user_in
from .factories import DepartmentFactory, InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _count(client, path) -> int:
    client.get(path)  # warm caches (host routing, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def _add_people(organisation, n: int) -> None:
    """n colleagues and n open invitations, each in a new enhet under a new förvaltning."""
    admin = user_in(organisation, "admin")
    with schema_context(organisation.schema_name):
        administration = DepartmentFactory()
        for _ in range(n):
            unit = DepartmentFactory(parent=administration)
            UserFactory(department=unit)
            InvitationFactory(department=unit, invited_by=admin)


@pytest.mark.parametrize("path", ["/", "/kollegor/", "/administrera/", "/administrera/personer/",
                                  "/administrera/enheter/"])
def test_organisation_pages_do_not_grow_with_the_data(ystad, path):
    client = client_for(ystad, user_in(ystad, "admin"))
    _add_people(ystad, 2)
    few = _count(client, path)
    _add_people(ystad, 20)
    many = _count(client, path)
    assert many == few


def test_the_public_site_does_not_grow_with_the_number_of_organisations(ystad):
    client = Client(HTTP_HOST="localhost")
    few = _count(client, "/")
    for n in range(3):
        provision_organisation(details=OrganisationDetails(
            name=f"Kommun {n}", slug=f"kommun-{n}", kind="municipality",
            organisation_number=["212000-1173", "212000-1157", "212000-1181"][n],
        ))
    assert _count(client, "/") == few


def test_the_console_list_does_not_grow_with_the_number_of_organisations(ystad):
    from accounts.models import User
    from demo.world import PLATFORM_ADMIN_EMAIL

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(email=PLATFORM_ADMIN_EMAIL))
    few = _count(client, "/konsol/tenants/organisation/")
    provision_organisation(details=OrganisationDetails(
        name="Kommun X", slug="kommun-x", kind="municipality", organisation_number="212000-1173",
    ))
    assert _count(client, "/konsol/tenants/organisation/") == few
