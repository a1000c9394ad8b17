"""Reads of sign-ups (public schema) and the first-run checklist (the organisation's schema)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from accounts import selectors as accounts_selectors
from billing import selectors as billing_selectors
from catalog import selectors as catalog_selectors
from exchange import selectors as exchange_selectors

from .models import SignUp, SignUpStatus  # noqa: F401  (SignUpStatus: for the views and the console)


def signup_by_uuid(*, uuid) -> SignUp | None:
    return SignUp.objects.filter(uuid=uuid).first()


def awaiting_approval():
    return SignUp.objects.filter(status=SignUpStatus.AWAITING_APPROVAL).order_by("submitted_at")


# ---------------------------------------------------------------------------------------------- the checklist


def has_own_departments() -> bool:
    """More than the one department every organisation starts with (the organisation as a whole)."""
    return accounts_selectors.departments().count() > 1


def has_invited_colleagues() -> bool:
    return accounts_selectors.colleagues().count() > 1 or accounts_selectors.open_invitations().exists()


def is_in_a_network(*, organisation_id: int) -> bool:
    return exchange_selectors.networks_of(organisation_id=organisation_id).exists()


def has_posted_a_listing() -> bool:
    return catalog_selectors.has_listings()


@dataclass(frozen=True)
class ChecklistStep:
    key: str
    title: str
    text: str
    url: str
    done: bool


def payment_step(*, organisation_id: int) -> ChecklistStep | None:
    """How the organisation pays (decision 0057), from billing's subscription (one query): done once a payment
    method is set — invoice payment chosen at sign-up, or Stripe's word that the card checkout completed. None for an
    organisation without a subscription (made in the console or by a command)."""
    subscription = billing_selectors.subscription(organisation_id=organisation_id)
    if subscription is None:
        return None
    url = reverse("billing_subscription")
    date = formats.date_format(subscription.trial_end, "DATE_FORMAT") if subscription.trial_end else ""
    if subscription.payment_method == "invoice":
        return ChecklistStep("payment", _("Pay by invoice"),
                             _("Chosen. The first invoice comes when the trial ends (%(date)s).") % {"date": date},
                             url, True)
    if subscription.payment_method == "card":
        return ChecklistStep("payment", _("Pay by card"), _("Your card is registered with Stripe."), url, True)
    return ChecklistStep("payment", _("Choose how to pay"),
                         _("Before the trial ends (%(date)s): by invoice, or enter your card with Stripe.")
                         % {"date": date} if billing_selectors.card_payment_available() else
                         _("Before the trial ends (%(date)s): give the address your invoices go to.") % {"date": date},
                         url, False)


def checklist(*, organisation_id: int) -> list[ChecklistStep]:
    """The first-run checklist, each step ticked from the organisation's data (one or two queries a step)."""
    payment = payment_step(organisation_id=organisation_id)
    return [
        ChecklistStep("departments", _("Build your departments"),
                      _("Add your administrations (förvaltningar) and units (enheter), or import them."),
                      reverse("orgadmin_departments"), has_own_departments()),
        ChecklistStep("invite", _("Invite your colleagues"),
                      _("Paste their addresses or upload a list; they get an e-mail with a link."),
                      reverse("orgadmin_invite"), has_invited_colleagues()),
        ChecklistStep("network", _("Join a network"),
                      _("Share with neighbouring organisations: create a network or accept an invitation."),
                      reverse("networks"), is_in_a_network(organisation_id=organisation_id)),
        ChecklistStep("listing", _("Post your first listing"),
                      _("Something you no longer need: a chair, a screen, a projector."),
                      reverse("listing_create"), has_posted_a_listing()),
    ] + ([payment] if payment else [])
