"""Keep every process's host cache true when an organisation or a domain changes."""

from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Domain, Organisation, RoutingVersion
from .routing import directory


def bump_routing_version() -> None:
    # In the same transaction as the change: a process that sees the new number also sees the change.
    updated = RoutingVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        RoutingVersion.objects.get_or_create(pk=1, defaults={"version": 1})
    directory.clear()
    transaction.on_commit(directory.clear)


@receiver(post_save, sender=Organisation)
@receiver(post_delete, sender=Organisation)
@receiver(post_save, sender=Domain)
@receiver(post_delete, sender=Domain)
def _routing_changed(sender, **kwargs) -> None:
    bump_routing_version()
