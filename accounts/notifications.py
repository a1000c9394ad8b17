"""E-mails of accounts, written to the outbox in the transaction that causes them.

The invitation e-mail is rendered when the invitation is made and sent by the outbox relay unless the invitation was
withdrawn or used in the meantime (kind ``accounts.invitation``, registered in ``AccountsConfig.ready``). The notice
of a changed login address goes to the organisation's other admins as plain e-mails.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from outbox import services as outbox
from tenants.selectors import current_organisation, organisation_base_url

from .models import Invitation, User

log = logging.getLogger("delbar.accounts")

KIND = "accounts.invitation"
# Once sent, the body (which holds the secret link) is dropped; who, what and which invitation stay.
KEPT_AFTER_DELIVERY = ("to", "subject", "message_id", "invitation")


def enqueue_invitation_email(*, invitation: Invitation, accept_url: str) -> None:
    organisation = current_organisation()
    context = {
        "invitation": invitation,
        "accept_url": accept_url,
        "organisation_name": getattr(organisation, "name", ""),
    }
    # The invited person has no account, so no language of their own yet: the organisation's.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("accounts/email/invitation_subject.txt", context)
        body = render_to_string("accounts/email/invitation_body.txt", context)
    outbox.enqueue_email(
        key=f"invitation:{invitation.pk}", to=[invitation.email], subject=subject, body=body,
        kind=KIND, extra={"invitation": invitation.pk},
    )


def send_invitation_email(message) -> None:
    """Outbox handler: send the e-mail and note when, unless the invitation was withdrawn or accepted meanwhile."""
    invitation = Invitation.objects.select_for_update().filter(pk=message.payload["invitation"]).first()
    if invitation is None or invitation.accepted_at or invitation.revoked_at:
        log.info("Invitation %s is no longer open; its e-mail is not sent.", message.payload["invitation"])
        return
    outbox.send_email(message)
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])


def enqueue_email_change_notice(*, person: User, old_email: str, new_email: str, recipients: list[str]) -> None:
    """Tell the admins (who did not make the change) that ``person``'s login address is now ``new_email``."""
    organisation = current_organisation()
    if organisation is None or not recipients:
        return
    context = {
        "person": person,
        "old_email": old_email,
        "new_email": new_email,
        "organisation_name": organisation.name,
        "person_url": organisation_base_url(organisation=organisation)
        + reverse("orgadmin_person", args=[person.uuid]),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("accounts/email/email_changed_subject.txt", context)
        body = render_to_string("accounts/email/email_changed_body.txt", context)
    changed_at = timezone.now().isoformat(timespec="seconds")
    for recipient in recipients:
        outbox.enqueue_email(
            key=f"email-changed:{person.pk}:{new_email.lower()}:{changed_at}:{recipient.lower()}",
            to=[recipient], subject=subject, body=body,
        )
