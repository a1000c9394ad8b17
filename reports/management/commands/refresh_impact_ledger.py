"""Refresh the public ledger of the organisations' figures now (decision 0035): every active organisation, or one."""

from django.core.management.base import BaseCommand, CommandError

from reports import ledger
from tenants import selectors as organisations


class Command(BaseCommand):
    help = "Recompute the organisations' figures in the public ledger (platform totals and open data) now."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", help="the slug of one organisation (default: every active one)")

    def handle(self, *args, organisation=None, **options):
        if organisation:
            found = organisations.active_organisations().filter(slug=organisation).first()
            if found is None:
                raise CommandError(f"No active organisation {organisation!r}.")
            months = ledger.refresh(organisation=found)
            self.stdout.write(f"{found.slug}: {months} months written.")
        else:
            count = ledger.refresh_all()
            self.stdout.write(f"{count} organisations refreshed.")
