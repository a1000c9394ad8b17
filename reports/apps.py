from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The organisation's statistics page: its own figures (catalog, bookings) with what changed hands with other
    organisations (the exchange). Its only table is impact's public ledger, which it fills (decision 0035)."""

    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from tenants.services import register_daily

        from . import ledger

        # Each organisation's figures copied to the public ledger every night, by its clock (decision 0035).
        register_daily(name="reports.impact_ledger", function=ledger.nightly, at=ledger.NIGHTLY_AT)
