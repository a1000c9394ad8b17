"""The notifications API's shapes (decision 0047)."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Notification


class NotificationOutput(serializers.ModelSerializer):
    read = serializers.SerializerMethodField(help_text="Whether it has been read.")

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "link", "created_at", "read_at", "read"]
        extra_kwargs = {
            "kind": {"help_text": "What it is about, e.g. `booking.reserved`, `wanted.match`, `exchange.deal`."},
            "text": {"help_text": "What happened, in the organisation's language (the e-mail's subject)."},
            "link": {"help_text": "The path on this organisation's host where it is acted on."},
        }

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class UnreadOutput(serializers.Serializer):
    unread = serializers.IntegerField(help_text="How many of your notifications are unread.")
