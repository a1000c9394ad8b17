from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = _("Sign-ups")

    def ready(self) -> None:
        from celery import current_app as app  # platform_.celery's, created when the settings package loads
        from celery.schedules import crontab

        from outbox.registry import register

        from . import notifications

        # Its e-mails hold a secret link (the verification, the password): the body goes once delivered.
        for kind in (notifications.VERIFICATION_KIND, notifications.WELCOME_KIND):
            register(kind, notifications.send, keep=notifications.KEPT_AFTER_DELIVERY)
        # Sign-ups live in the public schema, so their expiry is not one of the organisations' daily jobs
        # (tenants.periodic): one beat entry, daily at 04:15 Stockholm time. It works from the state of the data, so
        # a day it did not run is made up by the next.
        app.add_periodic_task(
            crontab(hour=4, minute=15),
            app.signature("onboarding.tasks.expire_signups"),
            name="onboarding.expire_signups",
            expires=3600,
        )
