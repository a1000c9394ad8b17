"""PgBouncer in front of PostgreSQL cannot mix organisations (decision 0060).

A private PgBouncer (tests/pgbouncer.py) runs with a small pool; many threads, each with its own client connection
through it, interleave two organisations' work and check every answer against what each organisation holds.
Session mode is safe as it is. Transaction mode hands each transaction any server connection: with the path set
once per connection (what Delbar does otherwise) one organisation's query runs in another's schema; told
POOL_MODE=transaction, Delbar sets the path in every transaction and nothing mixes.
"""

from __future__ import annotations

import random
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction

from catalog.models import Listing
from platform_.db.base import DatabaseWrapper
from tests.pgbouncer import start_pgbouncer, stop_pgbouncer

pytestmark = [pytest.mark.django_db, pytest.mark.pooler]

WORKERS = 20
OPERATIONS = 30  # per worker: 600 operations, each a few queries


@pytest.fixture
def pgbouncer():
    started = []

    def start(pool_mode: str, pool_size: int = 3):
        pooler, process = start_pgbouncer(database=connection.settings_dict, pool_mode=pool_mode, pool_size=pool_size)
        started.append((process, pooler.folder))
        return pooler

    yield start
    for process, folder in started:
        stop_pgbouncer(process, folder)


def _read() -> tuple:
    """What the organisation the connection is set to holds, as seen through the ORM."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
    listings = frozenset(Listing.objects.values_list("pk", "title"))
    users = frozenset(get_user_model().objects.values_list("pk", "email"))
    return schema, listings, users


def _schema(wrapper) -> str:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


def _client(settings_dict: dict, alias: str) -> DatabaseWrapper:
    """A second client connection in this thread, under an alias of its own (connection signals look it up)."""
    connections[alias] = DatabaseWrapper(settings_dict, alias)
    return connections[alias]


def _interleave(pooled_settings: dict, organisations: list, expected: dict, seed: int, mixed: list, failed: list):
    connections["default"] = DatabaseWrapper(pooled_settings, "default")  # this thread's own client connection
    rng = random.Random(seed)
    try:
        for number in range(OPERATIONS):
            organisation = rng.choice(organisations)
            other = organisations[0] if organisation is organisations[1] else organisations[1]
            connection.set_tenant(organisation)  # as OrganisationMiddleware does for a request
            kind = number % 3
            if kind == 0:  # autocommit, as a page that only reads
                seen = _read()
            elif kind == 1:  # a transaction, as a form that writes
                with transaction.atomic():
                    seen = _read()
            else:  # the other organisation inside the same transaction, then back (as the exchange does)
                with transaction.atomic():
                    connection.set_tenant(other)
                    seen_other = _read()
                    connection.set_tenant(organisation)
                    seen = _read()
                if seen_other != expected[other.schema_name]:
                    mixed.append((other.schema_name, seen_other[0]))
            if seen != expected[organisation.schema_name]:
                mixed.append((organisation.schema_name, seen[0]))
            if rng.random() < 0.5:
                connection.close()  # the end of a request with CONN_MAX_AGE=0: the next one is a new client
    except Exception as error:  # noqa: BLE001 - reported by the test
        failed.append(repr(error))
    finally:
        connection.close()


def _run_interleaving(pooled_settings: dict, organisations: list) -> tuple[list, list]:
    expected = {}
    for organisation in organisations:
        connection.set_tenant(organisation)
        expected[organisation.schema_name] = _read()
    connection.set_schema_to_public()
    assert expected[organisations[0].schema_name][1:] != expected[organisations[1].schema_name][1:]
    mixed, failed = [], []
    threads = [threading.Thread(target=_interleave, args=(pooled_settings, organisations, expected, seed, mixed,
                                                          failed)) for seed in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return mixed, failed


@pytest.mark.parametrize("pool_mode", ["session", "transaction"])
def test_many_connections_through_a_small_pool_never_mix_two_organisations(pgbouncer, ystad, skurup, pool_mode):
    # given a pooler with 3 server connections and Delbar told its mode
    pooler = pgbouncer(pool_mode, pool_size=3)

    # when 20 client connections interleave 600 operations on Ystad and Skurup
    mixed, failed = _run_interleaving(pooler.settings_dict(connection.settings_dict), [ystad, skurup])

    # then every answer came from the organisation asked for
    assert failed == []
    assert mixed == []


def test_transaction_pooling_mixes_organisations_when_the_path_is_set_once_per_connection(pgbouncer, ystad, skurup):
    # given a transaction-mode pooler with one server connection, and Delbar not told (it sets the path once)
    pooler = pgbouncer("transaction", pool_size=1)
    settings_dict = pooler.settings_dict(connection.settings_dict, backend_pool_mode="session")
    ystad_request, skurup_request = _client(settings_dict, "ystad_request"), _client(settings_dict, "skurup_request")
    try:
        ystad_request.set_tenant(ystad)
        assert _schema(ystad_request) == ystad.schema_name

        # when Skurup's request runs on the same server connection in between
        skurup_request.set_tenant(skurup)
        assert _schema(skurup_request) == skurup.schema_name

        # then Ystad's next query runs in Skurup's schema: the hazard
        assert _schema(ystad_request) == skurup.schema_name
    finally:
        for alias in ("ystad_request", "skurup_request"):
            connections[alias].close()
            del connections[alias]


def test_transaction_pooling_sets_the_path_in_every_transaction_when_told(pgbouncer, ystad, skurup):
    # given the same pooler, Delbar told POOL_MODE=transaction
    pooler = pgbouncer("transaction", pool_size=1)
    settings_dict = pooler.settings_dict(connection.settings_dict)
    ystad_request, skurup_request = _client(settings_dict, "ystad_request"), _client(settings_dict, "skurup_request")
    try:
        ystad_request.set_tenant(ystad)
        assert _schema(ystad_request) == ystad.schema_name

        # when Skurup's request runs on the same server connection in between
        skurup_request.set_tenant(skurup)
        assert _schema(skurup_request) == skurup.schema_name

        # then Ystad's next query still runs in Ystad's schema, and the server connection keeps no path behind
        assert _schema(ystad_request) == ystad.schema_name
        with ystad_request.cursor() as cursor:
            cursor.execute("SELECT reset_val FROM pg_settings WHERE name = 'search_path'")
            session_path = cursor.fetchone()[0]
        assert ystad.schema_name not in session_path and skurup.schema_name not in session_path
    finally:
        for alias in ("ystad_request", "skurup_request"):
            connections[alias].close()
            del connections[alias]


def test_provisioning_through_a_transaction_pooler_leaves_no_lock_behind(pgbouncer):
    # given a transaction-mode pooler and Delbar told so (provisioning then holds its lock as the transaction's: a
    # session lock and its unlock could land on two server connections and the lock outlive the provisioning)
    from django_tenants.utils import quote_schema_name

    from tenants.models import Organisation
    from tenants.services import OrganisationDetails, provision_organisation

    pooler = pgbouncer("transaction", pool_size=2)
    result = {}

    def provision():
        connections["default"] = DatabaseWrapper(pooler.settings_dict(connection.settings_dict), "default")
        try:
            organisation = provision_organisation(details=OrganisationDetails(
                name="Poolby kommun", slug="poolby", kind="municipality", organisation_number="212000-9960"))
            result["status"] = organisation.status
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
                               "(SELECT oid FROM pg_database WHERE datname = current_database())")
                result["advisory_locks"] = cursor.fetchone()[0]
        except Exception as error:  # noqa: BLE001 - reported below
            result["error"] = repr(error)
        finally:
            # Provisioning committed (outside the test's transaction): removed the same way.
            connection.set_schema_to_public()
            for organisation in Organisation.objects.filter(slug="poolby"):
                with connection.cursor() as cursor:
                    cursor.execute(f"DROP SCHEMA IF EXISTS {quote_schema_name(organisation.schema_name)} CASCADE")
                organisation.delete()
            connection.close()

    # when an organisation is provisioned through it
    thread = threading.Thread(target=provision)
    thread.start()
    thread.join(timeout=60)

    # then it became active and no advisory lock stays held on any server connection
    assert result == {"status": "active", "advisory_locks": 0}
