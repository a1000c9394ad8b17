"""The e-mails of a deal between organisations, written to the exchange's own outbox in the public schema, in the
transaction of the step (decision 0030). Who is told: the owner's contact person when asked, withdrawn and written
to by the asking side; the person who asked when answered, when the deal moves on, and when written to by the owner.
The addresses are the deal's snapshots: the exchange reads no organisation's staff for them — except the managers
asked to approve a deal first (decision 0048), whom the asking organisation's services name in its own schema; the
person who asked is told their answer."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from outbox import services as outbox
from tenants import selectors as organisations

REQUESTED = "requested"
ACCEPTED = "accepted"
DECLINED = "declined"
WITHDRAWN = "withdrawn"
FOLLOWED = "followed"  # handed over, picked up, returned, cancelled, lapsed
MESSAGE = "message"
APPROVAL_ANSWERED = "approval_answered"  # a department manager of the asking side approved or refused (decision 0048)

_TO_OWNER = {REQUESTED, WITHDRAWN}


def _link(deal, organisation) -> str:
    if organisation is None:
        return ""
    path = reverse("deal_detail", kwargs={"uuid": deal.uuid}, urlconf=settings.ROOT_URLCONF)
    return organisations.absolute_url(schema_name=organisation.schema_name, path=path)


def enqueue(*, deal, kind: str, message=None) -> None:
    """Write the e-mail about ``deal``'s latest step (or ``message``) to the public outbox."""
    from .deal_services import public

    to_owner = kind in _TO_OWNER or (kind == MESSAGE and message.organisation_id != deal.owner_id)
    if kind == FOLLOWED and deal.status == "cancelled":
        to_owner = False  # the person who asked is told; the owner side cancelled, or was told by bookings
    recipient = deal.contact_email if to_owner else deal.person_email
    organisation = deal.owner if to_owner else deal.requester
    if not recipient:
        return
    context = {
        "deal": deal, "kind": kind, "message": message, "link": _link(deal, organisation),
        "status": deal.get_status_display(), "transport": deal.get_transport_display(),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("exchange/email/deal_subject.txt", context).split())
        body = render_to_string("exchange/email/deal.txt", context)
    step = f"message:{message.pk}" if message is not None else f"{kind}:{deal.status}:{deal.events.count()}"
    with public():
        outbox.enqueue_email(key=f"exchange.deal:{deal.uuid}:{step}", to=[recipient], subject=subject, body=body)
    _notify(organisation=organisation, deal=deal, recipient=recipient, subject=subject,
            key=f"exchange.deal:{deal.uuid}:{step}")


def enqueue_approval_asked(*, deal, approvers) -> None:
    """Each department manager who may approve ``deal`` (Parties of the asking organisation) is asked to, with a link
    to their queue "Att godkänna" on the asking organisation's host (decision 0048)."""
    from .deal_services import public

    path = reverse("approval_queue", urlconf=settings.ROOT_URLCONF)
    queue_url = organisations.absolute_url(schema_name=deal.requester.schema_name, path=path)
    for person in approvers:
        if not person.email:
            continue
        context = {"deal": deal, "kind": "approval_asked", "message": None, "link": queue_url, "person": person,
                   "status": deal.get_status_display(), "transport": deal.get_transport_display()}
        with translation.override(settings.LANGUAGE_CODE):
            subject = " ".join(render_to_string("exchange/email/deal_subject.txt", context).split())
            body = render_to_string("exchange/email/deal.txt", context)
        with public():
            outbox.enqueue_email(key=f"exchange.deal:{deal.uuid}:approval_asked:{person.person}", to=[person.email],
                                 subject=subject, body=body)
        _notify(organisation=deal.requester, deal=deal, recipient=person.email, subject=subject,
                key=f"exchange.deal:{deal.uuid}:approval_asked:{person.person}", link=path)


def _notify(*, organisation, deal, recipient: str, subject: str, key: str, link: str = "") -> None:
    """The bell tells the same as the e-mail (decision 0047): written in the recipient's organisation's schema, in
    this transaction, to the person with the deal's snapshot address."""
    from django_tenants.utils import schema_context

    from notifications import services as notifications

    if organisation is None:
        return
    path = link or reverse("deal_detail", kwargs={"uuid": deal.uuid}, urlconf=settings.ROOT_URLCONF)
    with schema_context(organisation.schema_name):
        notifications.notify_addresses(addresses=[recipient], kind="exchange.deal", text=subject, link=path, key=key)
