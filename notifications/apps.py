from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Notifications in the product, the bell in the header (issue 10 part 7, decision 0047): what concerns a person
    — requests, approvals, matches, reminders — read and unread, written in the same transaction as the e-mail about
    it and under the e-mail's outbox key. In the organisation's schema, beside its people. Below catalog, bookings,
    wanted and the exchange, which call ``notifications.services``; above accounts."""

    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from tenants.services import register_daily

        from . import jobs

        register_daily(name="notifications.prune", function=jobs.prune, at=jobs.AT)
