from django.apps import AppConfig


class HistoryConfig(AppConfig):
    """The history of every change: the item's history on its page and the organisation's export for a period
    (decision 0042). No models of its own: django-pghistory's event tables live in the apps they record, and this
    app reads them through pghistory's aggregate ``Events`` view."""

    name = "history"
    verbose_name = "History"

    def ready(self) -> None:
        from datetime import time

        from tenants.services import register_daily

        from . import jobs

        register_daily(name="history.prune", function=jobs.prune, at=time(3, 45))
