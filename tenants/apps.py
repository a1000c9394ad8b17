from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from datetime import time

        from celery import current_app as app  # platform_.celery's, created when the settings package loads
        from django.conf import settings

        from . import signals  # noqa: F401
        from .jobs import clear_expired_sessions
        from .periodic import register_daily

        # Outside the hour that daylight saving skips or repeats, and before the working day.
        register_daily(name="tenants.clear_expired_sessions", function=clear_expired_sessions, at=time(3, 30))

        # One beat entry for the daily jobs of every organisation (tenants/periodic.py). A dispatch that waited
        # longer than one interval in the queue (no worker) is dropped: the next one does the same work.
        app.add_periodic_task(
            settings.PERIODIC_DISPATCH_SECONDS,
            app.signature("tenants.tasks.dispatch_periodic_jobs"),
            name="tenants.dispatch_periodic_jobs",
            expires=settings.PERIODIC_DISPATCH_SECONDS,
        )
