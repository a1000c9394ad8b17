"""PostgreSQL backend: django-tenants' schema switching, with SET search_path only when the schema changes.

Stock django-tenants forgets the search path on every ``set_tenant()`` call, so each request pays a
``SET search_path`` (and, with TENANT_LIMIT_SET_CALLS off, one before every query). Here ``set_tenant()`` to the
schema the connection already uses keeps the path it has. django-tenants already forgets the path when the
connection closes or a transaction or savepoint rolls back (a SET is undone by a rollback in PostgreSQL), so the
path the server uses and the one we believe it uses cannot drift apart.

That holds while one client connection is one server connection: direct, or through PgBouncer in session mode.
Behind a pooler in transaction mode (``POOL_MODE: "transaction"`` in the database's settings, from the
DATABASE_POOL_MODE environment variable) each transaction may run on another server connection, whose session
path another organisation's request set. There the path is set with ``SET LOCAL`` at the start of every
transaction, and a statement run in autocommit is wrapped in a transaction of its own (decision 0060).
"""

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.utils import quote_schema_name
from psycopg.pq import TransactionStatus


class DatabaseWrapper(TenantDatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.transaction_pooling = self.settings_dict.get("POOL_MODE", "session") == "transaction"
        # The path SET LOCAL gave the transaction now open, None when none is open or a rollback undid it.
        self._local_search_path = None
        if self.transaction_pooling:
            # Innermost wrapper (wrappers added later by execute_wrapper() wrap around it): runs just before the SQL.
            self.execute_wrappers.insert(0, self._path_in_every_transaction)

    def set_tenant(self, tenant, include_public=True):
        if tenant.schema_name == self.schema_name and include_public == self.include_public_schema:
            self.tenant = tenant
            return
        super().set_tenant(tenant, include_public)

    def forget_search_path(self) -> None:
        """Call after SQL that may have changed search_path behind Django's back (e.g. clone_schema())."""
        self.search_path_set_schemas = None
        self._local_search_path = None

    # ------------------------------------------------------------------ transaction pooling
    def _handle_search_path(self, cursor=None):
        if not self.transaction_pooling:
            super()._handle_search_path(cursor)
        # In transaction mode a session-level SET would stay on a server connection others get next.

    def rollback(self):
        self._local_search_path = None
        super().rollback()

    def savepoint_rollback(self, sid):
        try:
            super().savepoint_rollback(sid)
        finally:
            self._local_search_path = None

    def _wanted_search_path(self) -> str:
        return ",".join(quote_schema_name(schema) for schema in self._get_cursor_search_paths())

    def _path_in_every_transaction(self, execute, sql, params, many, context):
        # On cursors of their own: a COMMIT on the caller's cursor would replace the result it is about to fetch.
        run = self.connection.execute
        status = self.connection.info.transaction_status
        path = self._wanted_search_path()
        if status == TransactionStatus.IDLE:
            self._local_search_path = None
            if self.connection.autocommit:
                # A statement on its own: its own transaction, so that the path and it run on one server connection.
                run("BEGIN")
                try:
                    run(f"SET LOCAL search_path = {path}")
                    result = execute(sql, params, many, context)
                except BaseException:
                    run("ROLLBACK")
                    raise
                run("COMMIT")
                return result
        if status != TransactionStatus.INERROR and path != self._local_search_path:
            # The first statement of a transaction (psycopg begins it here) or the schema changed inside it.
            run(f"SET LOCAL search_path = {path}")
            self._local_search_path = path
        return execute(sql, params, many, context)
