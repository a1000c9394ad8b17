from django.apps import AppConfig


class NeedsConfig(AppConfig):
    """Check before you buy (issue 12 part 4, decision 0033): a person registers a need, Delbar searches the
    organisation and its networks at once and keeps the evidence, the need is closed as reused, bought used or
    bought new (with the reason), and a compliance report per department and period. Sits beside reports, above the
    exchange: it reads catalog's and the exchange's search, bookings' reservations and the exchange's deals."""

    name = "needs"
    verbose_name = "Needs"
