from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WantedConfig(AppConfig):
    """Wanted ads (efterlysningar, issue 10 part 4, decision 0036): anyone posts what they need; when a listing that
    matches is published in the organisation, or a partner organisation in its networks offers one, the person is
    told in the product and by e-mail (at most once a day per ad). Above catalog and the exchange, below needs: it
    listens to their outbox events (``catalog.listing_published``, ``exchange.offer_published``); they never import
    it."""

    name = "wanted"
    verbose_name = _("Wanted ads")

    def ready(self) -> None:
        from outbox.registry import register
        from tenants.services import register_daily

        from . import jobs, matching

        register(matching.LISTING_PUBLISHED, matching.listing_published)
        register(matching.OFFER_PUBLISHED, matching.offer_published)
        register_daily(name="wanted.daily", function=jobs.daily, at=jobs.AT)
