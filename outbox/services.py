"""Writing outgoing messages, and delivering them. See docs/architecture.md, "The outbox".

``enqueue`` writes a message in the caller's transaction; once that transaction commits, a relay is queued for the
schema. If it cannot be queued (the broker is down) the periodic sweep finds the message later. ``deliver_due``
is the relay's work: each due message in its own transaction, locked with SKIP LOCKED so that relays running side
by side never take the same one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from . import email, registry
from .models import PENDING, OutboxMessage

log = logging.getLogger("delbar.outbox")

# After the n-th failed attempt a message waits BACKOFF_SECONDS × 2^(n-1), at most MAX_BACKOFF_SECONDS.
BACKOFF_SECONDS = 60
MAX_BACKOFF_SECONDS = 3600
KEY_MAX_LENGTH = OutboxMessage._meta.get_field("key").max_length


def enqueue(
    *, kind: str, key: str, payload: Mapping[str, Any], available_at: datetime | None = None
) -> bool:
    """Write a message to deliver once this transaction commits. True if written; False if ``key`` was already.

    Must run inside the transaction of the change that causes the message, so that the two are committed (or
    rolled back) together. The first message with a key wins: a second with the same key is not written.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise TransactionManagementError(
            "outbox.services.enqueue() must run inside the transaction of the change that causes the message"
        )
    if not kind or not key or len(key) > KEY_MAX_LENGTH:
        raise ValueError(f"An outbox message needs a kind and a key of at most {KEY_MAX_LENGTH} characters")
    now = timezone.now()
    due = available_at or now
    # One statement, and it tells whether the row is new: ON CONFLICT DO NOTHING RETURNING (bulk_create with
    # ignore_conflicts cannot say).
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, key, payload, created_at, available_at, attempts, last_error) "
            "VALUES (%s, %s, %s::jsonb, %s, %s, 0, '') ON CONFLICT (key) DO NOTHING RETURNING id",
            [kind, key, json.dumps(dict(payload), cls=DjangoJSONEncoder), now, due],
        )
        created = cursor.fetchone() is not None
    if created and due <= now:
        _relay_after_commit()
    return created


def _email_payload(*, key: str, to: Sequence[str], subject: str, body: str, reply_to: Sequence[str] = (),
                   extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    subject = " ".join(subject.split())
    recipients = [address for address in to if address]
    if not recipients or not subject:
        raise ValueError("An e-mail needs a recipient and a subject")
    schema_name = transaction.get_connection().schema_name
    return {
        **(extra or {}),
        "to": recipients,
        "subject": subject,
        "body": body,
        "reply_to": list(reply_to),
        "message_id": email.message_id(schema_name=schema_name, key=key),
    }


def enqueue_email(
    *,
    key: str,
    to: Sequence[str],
    subject: str,
    body: str,
    reply_to: Sequence[str] = (),
    kind: str = email.KIND,
    extra: Mapping[str, Any] | None = None,
    available_at: datetime | None = None,
) -> bool:
    """Write an e-mail, already rendered in the recipient's language, to send once this transaction commits.

    ``subject`` is plain text (no HTML escapes); line breaks in it become spaces. The e-mail's Message-ID comes
    from ``key``. A kind other than ``email`` lets an app register its own handler that checks something before
    sending (see ``accounts.notifications``); ``extra`` is kept in the payload for that handler.
    """
    payload = _email_payload(key=key, to=to, subject=subject, body=body, reply_to=reply_to, extra=extra)
    return enqueue(kind=kind, key=key, payload=payload, available_at=available_at)


@dataclass(frozen=True)
class Email:
    """One e-mail for ``enqueue_emails``: rendered, in the recipient's language, under its own key."""

    key: str
    to: Sequence[str]
    subject: str
    body: str
    reply_to: Sequence[str] = ()


def enqueue_emails(*, emails: Sequence[Email]) -> int:
    """Write many e-mails (kind ``email``) in one statement, as ``enqueue_email`` writes one: for a daily job that
    tells hundreds of people something, in queries that do not grow with how many. Returns how many were written;
    an e-mail whose key is there already is not written again."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise TransactionManagementError(
            "outbox.services.enqueue_emails() must run inside the transaction of the change that causes the messages"
        )
    if not emails:
        return 0
    rows, params, keys = [], [], set()
    now = timezone.now()
    for message in emails:
        if message.key in keys:
            continue  # the first e-mail with a key wins, as across transactions
        keys.add(message.key)
        if not message.key or len(message.key) > KEY_MAX_LENGTH:
            raise ValueError(f"An outbox message needs a key of at most {KEY_MAX_LENGTH} characters")
        payload = _email_payload(key=message.key, to=message.to, subject=message.subject, body=message.body,
                                 reply_to=message.reply_to)
        rows.append("(%s, %s, %s::jsonb, %s, %s, 0, '')")
        params += [email.KIND, message.key, json.dumps(payload, cls=DjangoJSONEncoder), now, now]
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, key, payload, created_at, available_at, attempts, last_error) "
            f"VALUES {', '.join(rows)} ON CONFLICT (key) DO NOTHING RETURNING id",
            params,
        )
        written = len(cursor.fetchall())
    if written:
        _relay_after_commit()
    return written


def send_email(message: OutboxMessage) -> None:
    """Send an e-mail message now, as the ``email`` kind does: for handlers of an app's own e-mail kind."""
    email.send(message)


class _RelayAfterCommit:
    """The on-commit callback; a class so that one transaction queues one relay per schema, however many messages."""

    def __init__(self, schema_name: str) -> None:
        self.schema_name = schema_name
        self.ran = False

    def __call__(self) -> None:
        from .tasks import request_relay

        self.ran = True
        request_relay(schema_name=self.schema_name)


def _relay_after_commit() -> None:
    connection = transaction.get_connection()
    schema_name = connection.schema_name
    # run_on_commit holds (savepoint ids, callback, robust); a callback dropped with a rolled-back savepoint is gone
    # from it too, so a later message queues a new one.
    for _savepoints, callback, _robust in connection.run_on_commit:
        # (one that already ran is left in the list only when a test runs callbacks without committing)
        if isinstance(callback, _RelayAfterCommit) and callback.schema_name == schema_name and not callback.ran:
            return
    transaction.on_commit(_RelayAfterCommit(schema_name))


@dataclass(frozen=True)
class Delivery:
    delivered: int
    failed: int
    more: bool  # the batch was full: more may be due


def deliver_due(*, limit: int | None = None) -> Delivery:
    """Deliver up to ``limit`` (OUTBOX_BATCH_SIZE) due messages of the current schema, oldest first.

    Each message in its own transaction: lock it (skipping any another relay holds), call its kind's handler, mark
    it delivered, commit. A handler that raises leaves the message pending with ``attempts`` + 1, the error, and a
    later ``available_at``; after OUTBOX_MAX_ATTEMPTS it is given up (``dead_at``) until someone retries it.
    """
    limit = limit or settings.OUTBOX_BATCH_SIZE
    delivered = failed = 0
    for _ in range(limit):
        outcome = _deliver_next()
        if outcome is None:
            return Delivery(delivered=delivered, failed=failed, more=False)
        if outcome:
            delivered += 1
        else:
            failed += 1
    return Delivery(delivered=delivered, failed=failed, more=True)


def _deliver_next() -> bool | None:
    """Deliver the oldest due message: True if delivered, False if it failed, None if none is due."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(PENDING, available_at__lte=timezone.now())
            .order_by("available_at", "id")
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        message.last_attempt_at = timezone.now()
        try:
            registration = registry.registration_for(message.kind)
            # A savepoint: a handler's failed query must not spoil the transaction that records the failure.
            with transaction.atomic():
                registration.handler(message)
        except Exception as error:  # noqa: BLE001 — any failure of a handler is recorded and retried
            _record_failure(message, error)
            return False
        message.delivered_at = timezone.now()
        message.last_error = ""
        if registration.keep is not None:
            message.payload = {name: value for name, value in message.payload.items() if name in registration.keep}
        message.save(update_fields=["attempts", "last_attempt_at", "delivered_at", "last_error", "payload"])
        return True


def _record_failure(message: OutboxMessage, error: Exception) -> None:
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        message.dead_at = message.last_attempt_at
        log.error("Outbox message %s (%s) given up after %d attempts: %s", message.key, message.kind,
                  message.attempts, message.last_error)
    else:
        delay = min(BACKOFF_SECONDS * 2 ** (message.attempts - 1), MAX_BACKOFF_SECONDS)
        message.available_at = message.last_attempt_at + timedelta(seconds=delay)
        log.warning("Outbox message %s (%s) failed, attempt %d, next in %d s: %s", message.key, message.kind,
                    message.attempts, delay, message.last_error)
    message.save(update_fields=["attempts", "last_attempt_at", "last_error", "available_at", "dead_at"])


@transaction.atomic
def retry(*, ids: Collection[int] | None = None) -> int:
    """Make undelivered messages due now with a fresh count of attempts; returns how many.

    With ``ids``, those messages (given up or waiting for their next attempt); without, every given-up message of
    the current schema. A delivered message is never sent again.
    """
    messages = OutboxMessage.objects.filter(delivered_at__isnull=True)
    messages = messages.filter(pk__in=ids) if ids is not None else messages.filter(dead_at__isnull=False)
    count = messages.update(dead_at=None, attempts=0, available_at=timezone.now())
    if count:
        _relay_after_commit()
    return count
