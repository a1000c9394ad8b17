"""The ``email`` kind: an e-mail rendered by the app that wrote it, sent as it was written.

Each e-mail carries a Message-ID derived from the schema and the message's key, so that if it is ever sent twice
(the process died after the mail server took it and before the delivery was recorded) the copies are one message
to every mail client and server that de-duplicates by Message-ID.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.mail import EmailMessage

from .models import OutboxMessage

KIND = "email"
# What is left of an e-mail once it is sent: to whom, about what, and its Message-ID; not the body.
KEPT_AFTER_DELIVERY = ("to", "subject", "message_id")


def message_id(*, schema_name: str, key: str) -> str:
    digest = hashlib.sha256(f"{schema_name}\n{key}".encode()).hexdigest()[:40]
    return f"<outbox.{digest}@{settings.PLATFORM_DOMAIN}>"


def send(message: OutboxMessage) -> None:
    """Hand the e-mail to the mail backend; raises if it refuses (the relay tries again later)."""
    payload = message.payload
    EmailMessage(
        subject=payload["subject"],
        body=payload["body"],
        to=payload["to"],
        reply_to=payload.get("reply_to") or None,
        headers={"Message-ID": payload["message_id"]},
    ).send(fail_silently=False)
