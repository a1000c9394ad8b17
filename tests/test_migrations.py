import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tenants.migration_state import schemas_needing_migration

pytestmark = pytest.mark.django_db


def test_up_to_date_schemas_need_nothing(ystad, skurup):
    assert schemas_needing_migration([settings.TENANT_BASE_SCHEMA, ystad.schema_name, skurup.schema_name]) == []


def test_a_schema_missing_a_migration_is_found(ystad, skurup):
    # given Skurup's schema has lost the record of one migration
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{skurup.schema_name}".django_migrations WHERE app = %s AND name = %s',
                       ["sessions", "0001_initial"])

    # then only Skurup needs migrating
    assert schemas_needing_migration([ystad.schema_name, skurup.schema_name]) == [skurup.schema_name]


def test_a_plain_migrate_schemas_is_a_no_op_when_everything_is_current(capsys):
    call_command("migrate_schemas", interactive=False, verbosity=1)
    assert "0 need migrations" in capsys.readouterr().out
