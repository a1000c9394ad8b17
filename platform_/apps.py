from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "platform_"
    verbose_name = "Delbar"

    def ready(self) -> None:
        from django.conf import settings

        from .celery import announce_mode

        if not settings.TESTING:
            announce_mode()
