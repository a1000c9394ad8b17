"""Mail backends for the outbox tests. Mail delivery lies outside the product, so it is faked here, at its boundary.

``FlakyBackend`` is Django's in-memory backend (``django.core.mail.outbox``) that can refuse some recipients, or stop
the process dead (SystemExit, as a kill would) at the n-th e-mail before sending it. ``SlowFileBackend`` is the
file backend with a pause before each e-mail is written, like a slow mail server, so that a worker can be killed
between two e-mails.
"""

from __future__ import annotations

import os
import smtplib
import time

from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.core.mail.backends.locmem import EmailBackend as MemoryBackend


class FlakyBackend(MemoryBackend):
    refused: set[str] = set()
    die_at: int | None = None  # the e-mail (counted from 1) at which the process "dies", before sending it
    attempts = 0

    @classmethod
    def reset(cls) -> None:
        cls.refused, cls.die_at, cls.attempts = set(), None, 0

    def send_messages(self, messages):
        for message in messages:
            type(self).attempts += 1
            if self.die_at is not None and self.attempts == self.die_at:
                raise SystemExit("killed while sending")
            refused = set(message.to) & self.refused
            if refused:
                raise smtplib.SMTPRecipientsRefused({address: (550, b"No such mailbox") for address in refused})
        return super().send_messages(messages)


class SlowFileBackend(FileBackend):
    def send_messages(self, messages):
        time.sleep(float(os.environ.get("TEST_MAIL_DELAY", "1")))
        return super().send_messages(messages)
