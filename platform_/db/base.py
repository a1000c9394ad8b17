"""PostgreSQL backend: django-tenants' schema switching, with SET search_path only when the schema changes.

Stock django-tenants forgets the search path on every ``set_tenant()`` call, so each request pays a
``SET search_path`` (and, with TENANT_LIMIT_SET_CALLS off, one before every query). Here ``set_tenant()`` to the
schema the connection already uses keeps the path it has. django-tenants already forgets the path when the
connection closes or a transaction or savepoint rolls back (a SET is undone by a rollback in PostgreSQL), so the
path the server uses and the one we believe it uses cannot drift apart.
"""

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper


class DatabaseWrapper(TenantDatabaseWrapper):
    def set_tenant(self, tenant, include_public=True):
        if tenant.schema_name == self.schema_name and include_public == self.include_public_schema:
            self.tenant = tenant
            return
        super().set_tenant(tenant, include_public)

    def forget_search_path(self) -> None:
        """Call after SQL that may have changed search_path behind Django's back (e.g. clone_schema())."""
        self.search_path_set_schemas = None
