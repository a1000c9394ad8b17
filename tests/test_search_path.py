import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _sets(queries) -> int:
    return sum(1 for query in queries if query["sql"].startswith("SET search_path"))


def test_search_path_is_set_only_when_the_schema_changes(ystad, skurup):
    with CaptureQueriesContext(connection) as queries:
        connection.set_tenant(ystad)
        connection.cursor().execute("SELECT 1")
        connection.set_tenant(ystad)  # the next request for the same organisation
        connection.cursor().execute("SELECT 1")
        connection.set_tenant(skurup)
        connection.cursor().execute("SELECT 1")
    assert _sets(queries.captured_queries) == 2


def test_a_rolled_back_savepoint_makes_us_set_the_path_again(ystad, skurup):
    # A SET inside a rolled-back savepoint is undone by PostgreSQL; the backend must not trust it afterwards.
    connection.set_tenant(ystad)
    connection.cursor().execute("SELECT 1")
    try:
        with transaction.atomic():
            connection.set_tenant(skurup)
            connection.cursor().execute("SELECT 1")
            raise RuntimeError
    except RuntimeError:
        pass
    connection.set_tenant(skurup)
    with connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        assert cursor.fetchone()[0].startswith(skurup.schema_name)
