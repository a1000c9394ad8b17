"""migrate_schemas that also keeps the template schema current and skips schemas that are up to date.

A plain run (no app label, no --fake, no --schema) first migrates the template new organisations are cloned
from, then only the organisation schemas that lack a migration, by default with the batched executor
(tenants/batch_migrations.py; ``--executor=standard`` or TENANT_MIGRATION_EXECUTOR picks another). Any other
form behaves as django-tenants' own.
"""

from django.conf import settings
from django.core.management.commands import makemigrations
from django.db import connection
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.migration_executors import get_executor
from django_tenants.utils import get_public_schema_name

from tenants import batch_migrations  # noqa: F401 - registers the batched executor
from tenants.migration_state import schemas_needing_migration
from tenants.models import Organisation
from tenants.template import create_template_schema

SPECIAL_OPTIONS = (
    "app_label", "migration_name", "fake", "fake_initial", "plan", "prune", "check_unapplied", "run_syncdb"
)


class Command(MigrateSchemasCommand):
    # The autodetector makemigrations uses, which pgtrigger extends with triggers (decision 0042): Django's check
    # requires migrate's to be the same.
    autodetector = makemigrations.Command.autodetector

    def handle(self, *args, **options):
        plain = not options.get("schema_name") and not any(options.get(name) for name in SPECIAL_OPTIONS)
        if not plain:
            return super().handle(*args, **options)

        # SyncCommon.handle sets sync_public / sync_tenant from --shared / --tenant.
        super(MigrateSchemasCommand, self).handle(*args, **options)
        executor = get_executor(codename=self.executor or settings.TENANT_MIGRATION_EXECUTOR)(self.args, self.options)
        if self.sync_public:
            executor.run_migrations(tenants=[get_public_schema_name()])
        if self.sync_tenant:
            connection.set_schema_to_public()
            schemas = [create_template_schema()] + list(
                Organisation.objects.order_by("pk").values_list("schema_name", flat=True)
            )
            # Organisations whose schema does not exist yet are left to provisioning, which copies the template.
            stale = schemas_needing_migration(schemas)
            if int(options.get("verbosity", 1)) >= 1:
                self.stdout.write(
                    f"{len(schemas)} organisation schemas (template included); {len(stale)} need migrations."
                )
            if stale:
                executor.run_migrations(tenants=stale)
