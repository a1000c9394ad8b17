from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data: organisations, people, listings with photos and loans (``manage.py seed_demo``). No models:
    it makes everything through the other apps' services, as the demo people would have."""

    name = "demo"
    verbose_name = "Demo"
