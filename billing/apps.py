from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        from outbox.registry import register
        from tenants.services import register_daily

        from . import access_point, jobs

        # Read-only mode by today's date, and suspension after a cancelled subscription's grace (decision 0052).
        register_daily(name="billing.daily", function=jobs.daily, at=jobs.AT)

        # An issued invoice goes to Delbar's Peppol access point through the outbox (decision 0050).
        register(access_point.KIND, access_point.deliver)
