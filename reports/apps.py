from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The organisation's statistics page: its own figures (catalog, bookings) with what changed hands with other
    organisations (the exchange). No models: it composes the other apps' selectors (decision 0031)."""

    name = "reports"
    verbose_name = "Reports"
