from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "console"
    verbose_name = _("Platform console")

    def ready(self) -> None:
        from datetime import time

        from celery import current_app as app  # platform_.celery's, created when the settings package loads

        from tenants.services import register_daily

        from .jobs import record_usage

        # Each organisation's usage (people, listings, last activity), read in its schema once a night and kept in
        # the public schema, so that the console's list reads every organisation in one query (decision 0053).
        register_daily(name="console.record_usage", function=record_usage, at=time(2, 30))
        # Organisations whose grace period after being marked for deletion has passed are deleted (decision 0053).
        # Hourly: a deletion due today happens within the hour, and a run that finds nothing due costs one query.
        app.add_periodic_task(3600, app.signature("console.tasks.delete_due_organisations"),
                              name="console.delete_due_organisations", expires=3600)
