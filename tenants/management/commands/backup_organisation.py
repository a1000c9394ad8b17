from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants.backups import BackupError, backup_organisation


class Command(BaseCommand):
    help = "Back up one organisation: its schema (pg_dump), its media folder and a manifest with counts and checksums."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the organisation's address, e.g. ystad")
        parser.add_argument("--out", required=True, type=Path, help="a new or empty folder for the backup")

    def handle(self, *args, slug, out, **options):
        try:
            manifest = backup_organisation(slug=slug, out=out)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(f"Backed up {slug} into {out}: {len(manifest['tables'])} tables, {rows} rows, "
                          f"{len(manifest['files'])} files.")
