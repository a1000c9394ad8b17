from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.backups import BackupError, restore_organisation


class Command(BaseCommand):
    help = ("Restore an organisation from a backup_organisation folder: into a platform without it, or as a copy "
            "under a new address (--as-slug). Exchange, billing and usage records in the public schema are not "
            "restored (docs/operations.md).")

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--as-slug", help="restore under this address (and schema) instead of the original")
        parser.add_argument("--organisation-number", help="for a copy beside the original: another number")

    def handle(self, *args, folder, as_slug, organisation_number, **options):
        try:
            restored = restore_organisation(folder=folder, as_slug=as_slug, organisation_number=organisation_number)
        except (BackupError, ValidationError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {restored.organisation.slug} ({restored.organisation.schema_name}): "
                          f"{restored.tables} tables, {restored.rows} rows, {restored.files} files, as in the backup.")
