from celery import shared_task
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Invitation


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(self, invitation_id: int, accept_url: str) -> bool:
    """Send the invitation once. Runs in the schema of the organisation that queued it (tenant-schemas-celery).

    Idempotent: an invitation already sent, accepted or revoked is left alone, so a redelivered task sends nothing.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",)).select_related("invited_by").filter(pk=invitation_id).first()
        )
        if invitation is None or invitation.sent_at or invitation.accepted_at or invitation.revoked_at:
            return False
        from django.db import connection

        organisation = connection.tenant
        context = {
            "invitation": invitation,
            "accept_url": accept_url,
            "organisation_name": getattr(organisation, "name", ""),
        }
        with translation.override("sv"):
            subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
            body = render_to_string("accounts/email/invitation_body.txt", context)
        send_mail(subject, body, None, [invitation.email])
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
    return True
