import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from accounts.models import Department
from tenants import services
from tenants.models import Domain, Organisation, OrganisationStatus
from tenants.services import OrganisationDetails, provision_organisation

pytestmark = pytest.mark.django_db

SJOBO = OrganisationDetails(
    name="Sjöbo kommun", slug="sjobo", kind="municipality", organisation_number="212000-1157",
    municipality_code="1265",
)


def _tables(schema_name: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema_name])
        return {row[0] for row in cursor.fetchall()}


def test_a_new_organisation_is_active_with_its_full_schema_and_default_data():
    # when
    organisation = provision_organisation(details=SJOBO)

    # then
    assert organisation.status == OrganisationStatus.ACTIVE
    assert organisation.schema_name == "org_sjobo"
    assert Domain.objects.get(tenant=organisation).domain == "sjobo.localhost"
    assert _tables("org_sjobo") >= _tables(settings.TENANT_BASE_SCHEMA)
    assert {"accounts_user", "accounts_department", "django_session", "account_emailaddress"} <= _tables("org_sjobo")
    with schema_context("org_sjobo"):
        assert list(Department.objects.values_list("name", flat=True)) == ["Sjöbo kommun"]


def test_provisioning_twice_doubles_nothing():
    # given
    first = provision_organisation(details=SJOBO)

    # when
    second = provision_organisation(details=SJOBO)

    # then
    assert first.pk == second.pk
    assert Organisation.objects.filter(slug="sjobo").count() == 1
    assert Domain.objects.filter(tenant=first).count() == 1
    with schema_context("org_sjobo"):
        assert Department.objects.count() == 1


def test_a_crash_half_way_leaves_it_provisioning_and_a_rerun_finishes(monkeypatch):
    # given a failure after the schema was cloned, before the default data
    def crash(organisation):
        raise RuntimeError("power cut")

    monkeypatch.setattr(services, "_default_data_steps", [crash, *services._default_data_steps])
    with pytest.raises(RuntimeError):
        provision_organisation(details=SJOBO)
    half_done = Organisation.objects.get(slug="sjobo")
    assert half_done.status == OrganisationStatus.PROVISIONING
    assert schema_exists("org_sjobo")

    # when provisioning runs again without the fault
    monkeypatch.setattr(services, "_default_data_steps", services._default_data_steps[1:])
    organisation = provision_organisation(details=SJOBO)

    # then
    assert organisation.status == OrganisationStatus.ACTIVE
    with schema_context("org_sjobo"):
        assert Department.objects.count() == 1


def test_the_same_address_for_another_organisation_number_is_refused():
    provision_organisation(details=SJOBO)
    other = OrganisationDetails(
        name="Någon annan", slug="sjobo", kind="municipality", organisation_number="212000-1173"
    )
    with pytest.raises(ValidationError) as error:
        provision_organisation(details=other)
    assert "slug" in error.value.message_dict


def test_the_same_organisation_number_twice_is_refused(ystad):
    copy = OrganisationDetails(
        name="Ystad igen", slug="ystad-igen", kind="municipality", organisation_number=ystad.organisation_number
    )
    with pytest.raises(ValidationError) as error:
        provision_organisation(details=copy)
    assert "organisation_number" in error.value.message_dict
    assert not Organisation.objects.filter(slug="ystad-igen").exists()


def test_bad_details_are_all_reported_and_nothing_is_written():
    bad = OrganisationDetails(name=" ", slug="Bad Slug", kind="planet", organisation_number="212000-1166")
    with pytest.raises(ValidationError) as error:
        provision_organisation(details=bad)
    assert set(error.value.message_dict) == {"name", "slug", "kind", "organisation_number"}
    assert not Organisation.objects.filter(name=" ").exists()


def test_the_template_is_never_a_customer():
    # The template schema exists and is migrated, but no organisation row, domain or route points at it.
    assert schema_exists(settings.TENANT_BASE_SCHEMA)
    assert not Organisation.objects.filter(schema_name=settings.TENANT_BASE_SCHEMA).exists()
    assert not Domain.objects.filter(domain__startswith="tenant").exists()
    assert "accounts_user" in _tables(settings.TENANT_BASE_SCHEMA)
    with schema_context(settings.TENANT_BASE_SCHEMA):
        from accounts.models import User

        assert User.objects.count() == 0


def test_deleting_an_organisation_removes_its_schema_domains_and_route():
    from tenants.routing import directory
    from tenants.services import delete_organisation

    # given
    organisation = provision_organisation(details=SJOBO)
    assert directory.organisation_for_host("sjobo.localhost") is not None

    # when
    delete_organisation(organisation=organisation)

    # then
    assert not schema_exists("org_sjobo")
    assert not Organisation.objects.filter(slug="sjobo").exists()
    assert not Domain.objects.filter(domain="sjobo.localhost").exists()
    assert directory.organisation_for_host("sjobo.localhost") is None
