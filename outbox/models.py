"""Outgoing messages, written in the same transaction as the change that causes them (every schema)."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PENDING = Q(delivered_at__isnull=True, dead_at__isnull=True)


class MessageState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Sent")
    DEAD = "dead", _("Given up")


class OutboxMessage(models.Model):
    """One message to deliver once: an e-mail, later a publication to the exchange or a webhook.

    ``key`` says what the message is about (``invitation:42``); a second message with the same key is not written,
    so whatever causes it twice still sends it once. Pending until ``delivered_at`` is set, or until ``dead_at``
    is set after too many failed attempts.
    """

    kind = models.CharField(_("kind"), max_length=100)
    key = models.CharField(_("key"), max_length=200, unique=True)
    payload = models.JSONField(_("content"), encoder=DjangoJSONEncoder, default=dict)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Not before this time: now when written, later after a failed attempt (backoff).
    available_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("sent"), null=True, blank=True)
    dead_at = models.DateTimeField(_("given up"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The relay's and the sweep's only question: which pending messages are due, oldest first.
            models.Index(fields=["available_at", "id"], condition=PENDING, name="outbox_pending_due"),
            models.Index(fields=["-dead_at"], condition=Q(dead_at__isnull=False), name="outbox_dead"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(delivered_at__isnull=True) | Q(dead_at__isnull=True), name="outbox_delivered_or_dead"
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def state(self) -> str:
        if self.delivered_at is not None:
            return MessageState.DELIVERED
        if self.dead_at is not None:
            return MessageState.DEAD
        return MessageState.PENDING
