"""What accounts does when allauth reports a change."""

from allauth.account.signals import email_changed
from django.db import connection
from django.dispatch import receiver
from django_tenants.utils import get_public_schema_name

from . import services


@receiver(email_changed)
def tell_admins_of_a_new_login_address(sender, request, user, from_email_address, to_email_address, **kwargs):
    """A colleague made another address their primary (login and contact) address: the admins hear of it."""
    if from_email_address is None or connection.schema_name == get_public_schema_name():
        return
    if from_email_address.email.lower() == to_email_address.email.lower():
        return
    services.queue_email_change_notice(
        user=user, old_email=from_email_address.email, new_email=to_email_address.email
    )
