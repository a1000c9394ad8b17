"""Who delivers each kind of message. Apps register their kinds in ``AppConfig.ready()``; the relay looks them up.

A handler is ``handler(message: OutboxMessage) -> None``. It runs in the schema the message was written in, inside
the transaction that marks the message delivered: returning means delivered, raising means try again later. It may
be called again for a message it already handled if the process dies after it acted and before that transaction
commits, so what it does outside the database must be recognisable as a repeat (e-mails carry a Message-ID
derived from the key).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import OutboxMessage

Handler = Callable[["OutboxMessage"], None]


class UnknownKind(LookupError):
    pass


@dataclass(frozen=True)
class Registration:
    handler: Handler
    # Payload fields kept once delivered (None: all). The rest (an e-mail's body, which may hold a secret link)
    # is removed: the outbox is a queue, not an archive.
    keep: frozenset[str] | None


_registry: dict[str, Registration] = {}


def register(kind: str, handler: Handler, *, keep: Iterable[str] | None = None) -> None:
    """Deliver messages of ``kind`` with ``handler``. Registering the same handler again changes nothing."""
    registration = Registration(handler=handler, keep=None if keep is None else frozenset(keep))
    existing = _registry.get(kind)
    if existing is not None and existing.handler is not handler:
        raise ValueError(f"Outbox kind {kind!r} already has a handler: {existing.handler!r}")
    _registry[kind] = registration


def unregister(kind: str) -> None:
    _registry.pop(kind, None)


def registration_for(kind: str) -> Registration:
    try:
        return _registry[kind]
    except KeyError:
        raise UnknownKind(f"No outbox handler is registered for kind {kind!r}") from None


def kinds() -> list[str]:
    return sorted(_registry)
