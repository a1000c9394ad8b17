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


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email_change_notice(self, user_id: int, old_email: str, new_email: str) -> int:
    """Tell the organisation's admins that a colleague's login address changed; return how many were told.

    Runs in the schema of the organisation that queued it. The person's old address hears of it from allauth
    (ACCOUNT_EMAIL_NOTIFICATIONS); the admins, who did not make the change, hear of it here.
    """
    from django.db import connection
    from django.urls import reverse

    from tenants.selectors import organisation_base_url, organisation_for_schema

    from .models import User
    from .selectors import org_admins_to_notify

    person = User.objects.filter(pk=user_id).first()
    organisation = organisation_for_schema(schema_name=connection.schema_name)
    if person is None or organisation is None:
        return 0
    recipients = org_admins_to_notify(about=person)
    context = {
        "person": person,
        "old_email": old_email,
        "new_email": new_email,
        "organisation_name": organisation.name,
        "person_url": organisation_base_url(organisation=organisation)
        + reverse("organisation_admin:accounts_user_change", args=[person.pk]),
    }
    with translation.override("sv"):
        subject = " ".join(render_to_string("accounts/email/email_changed_subject.txt", context).split())
        body = render_to_string("accounts/email/email_changed_body.txt", context)
    for recipient in recipients:
        send_mail(subject, body, None, [recipient])
    return len(recipients)
