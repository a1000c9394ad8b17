"""A notification: one person told of one thing that concerns them, in the organisation's schema (decision 0047).

``text`` is already rendered in the person's language (the e-mail's subject); ``link`` is a path on the
organisation's own host where they act on it. ``key`` is the outbox key of the e-mail about the same event, so
writing it again (a job run twice, a step repeated) writes nothing: unique per person, as one e-mail may go to
several people.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_MAX_LENGTH = 255
TEXT_MAX_LENGTH = 300
LINK_MAX_LENGTH = 500


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("kind"), max_length=60)
    text = models.CharField(_("text"), max_length=TEXT_MAX_LENGTH)
    link = models.CharField(_("link"), max_length=LINK_MAX_LENGTH, blank=True)
    key = models.CharField(max_length=KEY_MAX_LENGTH)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key"),
        ]
        indexes = [
            # The page: a person's, newest first.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_list"),
            # The bell: a person's unread ones.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            # The daily pruning of old read ones.
            models.Index(fields=["read_at"], condition=Q(read_at__isnull=False), name="notification_read"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
