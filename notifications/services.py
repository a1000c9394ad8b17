"""Writing notifications (decision 0047), in the transaction of the step and beside its e-mail.

Every e-mail to a person of the organisation about something that concerns them is also a notification for that
person: the apps that write the e-mail call ``notify_many`` (or ``notify_addresses`` when they know only the
addresses, as the exchange does) with the e-mail's outbox key, its subject as the text, and the path where the person
acts on it. One statement for many (``INSERT … ON CONFLICT DO NOTHING``), like ``outbox.services.enqueue_emails``;
writing the same key for the same person again writes nothing. The bell's cached count of each person told is
moved now and dropped once the transaction commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts import selectors as people
from platform_.parties import Party
from tenants import selectors as organisations

from .errors import NotificationError
from .models import KEY_MAX_LENGTH, LINK_MAX_LENGTH, TEXT_MAX_LENGTH, Notification
from .selectors import COUNT_SECONDS, count_key

if TYPE_CHECKING:
    from accounts.models import User

# Read notifications are kept this long, then the daily job removes them; unread ones are kept a year.
KEEP_READ_DAYS = 90
KEEP_UNREAD_DAYS = 365


@dataclass(frozen=True)
class Notice:
    """One notification for ``notify_many``: to whom (a person of the current schema), what kind, its text already
    rendered in their language, the path to act on it, and the key of the e-mail about the same event."""

    recipient_id: int
    kind: str
    text: str
    link: str
    key: str


def _text(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= TEXT_MAX_LENGTH else text[: TEXT_MAX_LENGTH - 1] + "…"


# Above this many people at once (a daily job's batch), their cached counts are dropped instead of moved one by one.
COUNTS_MOVED_ONE_BY_ONE = 50


def _counts_changed(changes: dict[int, int | None]) -> None:
    """Move the bell's cached count of each person by their change now (``None``: to zero), so that the next page
    needs no query for it, and drop it once this transaction commits (the next page counts afresh). Were the
    transaction rolled back, a moved count is wrong until it expires (COUNT_SECONDS) or the person opens the page."""
    keys = {count_key(user_id): change for user_id, change in changes.items()}
    if not keys:
        return
    if len(keys) > COUNTS_MOVED_ONE_BY_ONE:
        cache.delete_many(list(keys))
    else:
        for key, change in keys.items():
            if change is None:
                cache.set(key, 0, timeout=COUNT_SECONDS)
                continue
            try:
                cache.incr(key, change)
            except ValueError:
                pass  # not cached: the next page counts
    schema_name = connection.schema_name

    def forget() -> None:
        with schema_context(schema_name):
            cache.delete_many(list(keys))

    transaction.on_commit(forget)


def notify_many(*, notices: Sequence[Notice]) -> int:
    """Write many notifications in one statement, in the caller's transaction and the current schema. Returns how
    many were written; one whose person already has its key is not written again."""
    if not connection.in_atomic_block:
        raise TransactionManagementError(
            "notifications.services.notify_many() must run inside the transaction of the change that causes them"
        )
    rows, params, seen = [], [], set()
    now = timezone.now()
    for notice in notices:
        if not notice.recipient_id or (notice.recipient_id, notice.key) in seen:
            continue
        seen.add((notice.recipient_id, notice.key))
        if not notice.key or len(notice.key) > KEY_MAX_LENGTH or len(notice.link) > LINK_MAX_LENGTH:
            raise ValueError(f"A notification needs a key of at most {KEY_MAX_LENGTH} characters")
        rows.append("(%s, %s, %s, %s, %s, %s)")
        params += [notice.recipient_id, notice.kind, _text(notice.text), notice.link, notice.key, now]
    if not rows:
        return 0
    table = connection.ops.quote_name(Notification._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (recipient_id, kind, text, link, key, created_at) VALUES {', '.join(rows)} "
            "ON CONFLICT (recipient_id, key) DO NOTHING RETURNING recipient_id",
            params,
        )
        written = [row[0] for row in cursor.fetchall()]
    changes: dict[int, int | None] = defaultdict(int)
    for user_id in written:
        changes[user_id] += 1
    _counts_changed(changes)
    return len(written)


def notify(*, recipient: User, kind: str, text: str, link: str, key: str) -> bool:
    """One notification for ``recipient``; True if written, False if they had it already."""
    return notify_many(notices=[Notice(recipient_id=recipient.pk, kind=kind, text=text, link=link, key=key)]) == 1


def notify_addresses(*, addresses: Sequence[str], kind: str, text: str, link: str, key: str) -> int:
    """Notify the active people of the current schema with these e-mail addresses (the recipients of an e-mail
    written from a snapshot of addresses, such as the exchange's): one query to find them, one statement to write."""
    ids = people.active_ids_by_email(emails=addresses)
    return notify_many(notices=[Notice(recipient_id=pk, kind=kind, text=text, link=link, key=key) for pk in ids])


@dataclass(frozen=True)
class PartyNotice:
    """One notification for ``notify_parties``: to a ``Party`` (a person named by organisation and UUID, as bookings
    name their borrower and contact person), of this organisation or another."""

    party: Party
    kind: str
    text: str
    link: str
    key: str
    # The path for a party of another organisation, where ``link`` (a path of this organisation's host) is not theirs.
    link_elsewhere: str = ""


def notify_parties(*, notices: Sequence[PartyNotice]) -> int:
    """Notify parties, each in their own organisation's schema (switched to in this same transaction, as the
    exchange writes an e-mail in another organisation's outbox): per organisation one query to find the people by
    UUID and one statement to write. A party no longer active there is not notified."""
    by_organisation: dict[int, list[PartyNotice]] = defaultdict(list)
    for notice in notices:
        if notice.party is not None and notice.party.organisation_id:
            by_organisation[notice.party.organisation_id].append(notice)
    if not by_organisation:
        return 0
    current = organisations.current_organisation()
    written = 0
    for organisation_id, group in by_organisation.items():
        here = current is not None and organisation_id == current.pk
        if here:
            schema_name = connection.schema_name
        else:
            organisation = organisations.active_organisation(pk=organisation_id)
            if organisation is None:
                continue
            schema_name = organisation.schema_name
        with schema_context(schema_name):
            ids = {str(person): pk for person, pk in
                   people.active_ids_by_uuid(uuids=[notice.party.person for notice in group]).items()}
            written += notify_many(notices=[
                Notice(recipient_id=ids[str(notice.party.person)], kind=notice.kind, text=notice.text,
                       link=notice.link if here else notice.link_elsewhere, key=notice.key)
                for notice in group if str(notice.party.person) in ids
            ])
    return written


@transaction.atomic
def mark_read(*, user: User, pk: int) -> Notification:
    """Mark ``user``'s notification ``pk`` read (it stays read if it was). Someone else's: NotificationError
    (not found)."""
    if not 0 < pk < 2**63:  # beyond a bigint: no such row (and no query error)
        raise NotificationError.not_found()
    notification = Notification.objects.select_for_update().filter(recipient=user, pk=pk).first()
    if notification is None:
        raise NotificationError.not_found()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        _counts_changed({user.pk: -1})
    return notification


@transaction.atomic
def mark_all_read(*, user: User) -> int:
    """Mark every unread notification of ``user`` read, in one statement. Returns how many."""
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    _counts_changed({user.pk: None})
    return marked


@transaction.atomic
def prune(*, now=None) -> int:
    """Remove the notifications read more than KEEP_READ_DAYS ago, and any older than KEEP_UNREAD_DAYS (the daily
    job's, in the current schema). Returns how many."""
    now = now or timezone.now()
    removed, _ = Notification.objects.filter(read_at__lt=now - timedelta(days=KEEP_READ_DAYS)).delete()
    old, _ = Notification.objects.filter(created_at__lt=now - timedelta(days=KEEP_UNREAD_DAYS)).delete()
    return removed + old
