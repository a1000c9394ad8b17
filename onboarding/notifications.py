"""The sign-up's e-mails, written to the outbox in the transaction that causes them (rendered in the applicant's
language). The verification e-mail goes from the public schema; the welcome e-mail from the new organisation's."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from outbox import services as outbox

VERIFICATION_KIND = "onboarding.verification"
WELCOME_KIND = "onboarding.welcome"
# Once sent, the body (which holds a secret link) is dropped; who and what stay.
KEPT_AFTER_DELIVERY = ("to", "subject", "message_id")


def send(message) -> None:
    outbox.send_email(message)


def _render(name: str, context: dict, language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = render_to_string(f"onboarding/email/{name}_subject.txt", context)
        body = render_to_string(f"onboarding/email/{name}_body.txt", context)
    return subject, body


def enqueue_verification(*, signup, url: str, key: str) -> None:
    subject, body = _render("verify", {"signup": signup, "url": url}, signup.language)
    outbox.enqueue_email(key=key, to=[signup.email], subject=subject, body=body, kind=VERIFICATION_KIND)


def enqueue_welcome(*, signup, organisation_url: str, password_url: str, checklist_url: str) -> None:
    context = {"signup": signup, "organisation_url": organisation_url, "password_url": password_url,
               "checklist_url": checklist_url}
    subject, body = _render("welcome", context, signup.language)
    outbox.enqueue_email(key=f"onboarding:welcome:{signup.uuid}", to=[signup.email], subject=subject, body=body,
                         kind=WELCOME_KIND)


def enqueue_access_request(*, signup, organisation_name: str, recipients: list[str], invite_url: str) -> bool:
    context = {"signup": signup, "organisation_name": organisation_name, "invite_url": invite_url}
    # The admins' language is the organisation's: Swedish.
    subject, body = _render("ask_admins", context, "sv")
    return outbox.enqueue_email(key=f"onboarding:ask:{signup.uuid}", to=recipients, subject=subject, body=body,
                                reply_to=[signup.email])
