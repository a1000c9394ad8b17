"""manage.py outbox: what waits in every schema's outbox, what was given up, and retrying it.

    manage.py outbox status                          undelivered messages per schema
    manage.py outbox list --schema org_ystad [--state dead]
    manage.py outbox retry --schema org_ystad --dead | --id 12 --id 13
    manage.py outbox sweep                           deliver everything due now, in this process
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django_tenants.utils import schema_context

from outbox import selectors, services
from outbox.models import MessageState


class Command(BaseCommand):
    help = "Show, retry and deliver outgoing messages (e-mails) of every organisation."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser("status", help="Undelivered messages per schema: waiting, due now, given up.")
        listing = commands.add_parser("list", help="Messages of one schema, newest first.")
        listing.add_argument("--schema", required=True)
        listing.add_argument("--state", choices=MessageState.values)
        listing.add_argument("--limit", type=int, default=50)
        retry = commands.add_parser("retry", help="Make given-up (or waiting) messages due now.")
        retry.add_argument("--schema", required=True)
        which = retry.add_mutually_exclusive_group(required=True)
        which.add_argument("--dead", action="store_true", help="every given-up message of the schema")
        which.add_argument("--id", type=int, action="append", dest="ids", help="this message (repeatable)")
        commands.add_parser("sweep", help="Deliver every due message of every schema now, in this process.")

    def handle(self, *args, command: str, **options):
        connection.set_schema_to_public()
        getattr(self, f"_{command}")(**options)

    def _schema(self, name: str) -> str:
        if name not in selectors.relayed_schemas():
            raise CommandError(f"{name} is neither the public schema nor an active organisation's")
        return name

    def _status(self, **options):
        rows = selectors.counts_by_schema()
        self.stdout.write(f"{'schema':<30} {'waiting':>8} {'due now':>8} {'given up':>9}")
        for row in rows:
            self.stdout.write(f"{row.schema_name:<30} {row.pending:>8} {row.due:>8} {row.dead:>9}")

    def _list(self, *, schema: str, state: str | None, limit: int, **options):
        with schema_context(self._schema(schema)):
            for message in selectors.messages(state=state)[:limit]:
                when = message.delivered_at or message.dead_at or message.available_at
                self.stdout.write(
                    f"{message.pk:>8} {message.state:<9} {message.kind:<20} {message.key:<40} "
                    f"attempts={message.attempts} {when:%Y-%m-%d %H:%M:%S} {message.last_error[:80]}"
                )

    def _retry(self, *, schema: str, dead: bool, ids: list[int] | None, **options):
        with schema_context(self._schema(schema)):
            count = services.retry(ids=None if dead else ids)
        self.stdout.write(f"{count} message(s) in {schema} are due now.")

    def _sweep(self, **options):
        for schema_name in selectors.schemas_with_due_messages():
            delivered = failed = 0
            with schema_context(schema_name):
                while True:
                    delivery = services.deliver_due()
                    delivered += delivery.delivered
                    failed += delivery.failed
                    if not delivery.more:
                        break
            self.stdout.write(f"{schema_name}: {delivered} delivered, {failed} failed.")
