"""The exchange's e-mails. The message is written in the public schema; its handler, running there, reads the
invited organisation's admins in that organisation's schema and writes the e-mail to its outbox (decision 0024).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tenants.utils import schema_context

from accounts import selectors as people
from notifications import services as notifications
from outbox import services as outbox
from tenants import selectors as organisations

from .models import Membership, MembershipState

if TYPE_CHECKING:
    from outbox.models import OutboxMessage


def send_network_invitation(message: OutboxMessage) -> None:
    """Tell the invited organisation's admins, if the invitation is still open and still the latest one.

    Runs in the public schema, inside the transaction that marks the message delivered: the e-mail written to the
    invited organisation's outbox commits with it, so it is written once, and sent by that schema's relay.
    """
    payload = message.payload
    membership = (
        Membership.objects.select_related("network", "organisation", "invited_by_organisation")
        .filter(pk=payload["membership"]).first()
    )
    if membership is None or membership.state != MembershipState.INVITED:
        return  # answered, or invited again (that invitation has its own message): nothing to say any more
    latest = membership.changes.order_by("-at", "-pk").values_list("pk", flat=True).first()
    invited = membership.organisation
    if latest != payload["change"] or not invited.is_active:
        return  # a suspended organisation sees its open invitations on the networks page when it is back
    with schema_context(invited.schema_name):
        recipients = people.org_admin_addresses()
        if not recipients:
            return
        link = organisations.absolute_url(
            schema_name=invited.schema_name, path=reverse("networks", urlconf=settings.ROOT_URLCONF)
        )
        context = {
            "network": membership.network.name,
            "inviter": membership.invited_by_organisation.name if membership.invited_by_organisation else "",
            "person": membership.invited_by_name or membership.invited_by_email,
            "organisation": invited.name,
            "link": link,
        }
        # Staff have no language of their own yet: the organisation's.
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("exchange/email/network_invitation_subject.txt", context)
            body = render_to_string("exchange/email/network_invitation.txt", context)
        key = f"exchange.invitation:{membership.pk}:{payload['change']}"
        outbox.enqueue_email(key=key, to=recipients, subject=subject, body=body)
        # The bell tells each admin the same, under the e-mail's key (decision 0047).
        notifications.notify_addresses(addresses=recipients, kind="exchange.network_invitation", text=subject,
                                       link=reverse("networks", urlconf=settings.ROOT_URLCONF), key=key)
