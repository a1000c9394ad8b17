from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self) -> None:
        from tenants.services import register_daily

        from . import jobs

        register_daily(name="bookings.reservations", function=jobs.reservations, at=jobs.AT)
        register_daily(name="bookings.loans", function=jobs.loans, at=jobs.AT)
