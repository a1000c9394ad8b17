"""Delbar's calls to Stripe's API, with the real ``stripe`` client (decision 0052). Stripe is a service outside the
product; the tests point ``STRIPE_API_BASE`` at a fake of its HTTP API (tests/stripe_fake.py).

Card payment is offered only when ``STRIPE_SECRET_KEY`` and ``STRIPE_WEBHOOK_SECRET`` are both set
(``is_configured``): without the webhook secret Delbar could take payments it never hears about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import stripe
from django.conf import settings

API_VERSION_NOTE = "current_period_* are read from the subscription or, in newer API versions, its first item"


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)


def client() -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key=settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=2,
    )


def lookup_key(*, plan_code: str, band: str, amount_ore: int) -> str:
    """The Price's lookup key: a new amount is a new Price (Stripe's prices are immutable)."""
    return f"delbar_{plan_code}_{band}_{amount_ore}"


def price_id(*, plan_code: str, plan_name: str, band: str, amount_ore: int) -> str:
    """The Stripe Price of a plan's yearly price for a band: ``STRIPE_PRICE_IDS["<plan>:<band>"]`` if set, otherwise
    found by its lookup key, and created (with its product) on first use."""
    configured = settings.STRIPE_PRICE_IDS.get(f"{plan_code}:{band}")
    if configured:
        return configured
    key = lookup_key(plan_code=plan_code, band=band, amount_ore=amount_ore)
    api = client()
    found = api.v1.prices.list(params={"lookup_keys": [key], "active": True, "limit": 1})
    if found.data:
        return found.data[0].id
    created = api.v1.prices.create(params={
        "currency": "sek", "unit_amount": amount_ore, "recurring": {"interval": "year"},
        "tax_behavior": "inclusive", "lookup_key": key,
        "product_data": {"name": f"{plan_name} ({band})"},
        "metadata": {"plan": plan_code, "band": band},
    })
    return created.id


def create_checkout_session(*, organisation_id: int, price: str, success_url: str, cancel_url: str,
                            email: str = "", trial_end: date | None = None) -> stripe.checkout.Session:
    subscription_data: dict = {"metadata": {"organisation_id": str(organisation_id)}}
    if trial_end is not None and trial_end > date.today():
        subscription_data["trial_end"] = int(datetime.combine(trial_end, datetime.min.time(), tzinfo=UTC).timestamp())
    params: dict = {
        "mode": "subscription",
        "line_items": [{"price": price, "quantity": 1}],
        "client_reference_id": str(organisation_id),
        "metadata": {"organisation_id": str(organisation_id)},
        "subscription_data": subscription_data,
        "success_url": success_url,
        "cancel_url": cancel_url,
        "locale": "sv",
    }
    if email:
        params["customer_email"] = email
    return client().v1.checkout.sessions.create(params=params)


@dataclass(frozen=True)
class RemoteSubscription:
    """A Stripe subscription as it is now (read from the API, never from an event's copy)."""

    id: str
    customer: str
    status: str
    organisation_id: int | None
    current_period_start: date | None
    current_period_end: date | None


def _day(timestamp) -> date | None:
    return datetime.fromtimestamp(int(timestamp), tz=UTC).date() if timestamp else None


def retrieve_subscription(subscription_id: str) -> RemoteSubscription:
    remote = client().v1.subscriptions.retrieve(subscription_id)
    data = remote.to_dict()
    start, end = data.get("current_period_start"), data.get("current_period_end")
    items = (data.get("items") or {}).get("data") or []
    if start is None and items:  # API versions from 2025: the period is per item
        start, end = items[0].get("current_period_start"), items[0].get("current_period_end")
    organisation = (data.get("metadata") or {}).get("organisation_id")
    customer = data.get("customer")
    if isinstance(customer, dict):
        customer = customer.get("id")
    return RemoteSubscription(
        id=data["id"], customer=customer or "", status=data.get("status", ""),
        organisation_id=int(organisation) if organisation and str(organisation).isdigit() else None,
        current_period_start=_day(start), current_period_end=_day(end),
    )


def construct_event(*, payload: bytes, signature: str) -> stripe.Event:
    """The event, if Stripe signed it with STRIPE_WEBHOOK_SECRET; ``stripe.SignatureVerificationError`` or
    ``ValueError`` otherwise."""
    return stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)


def subscription_of(event: stripe.Event) -> tuple[str | None, int | None]:
    """The Stripe subscription id an event concerns, and the organisation id it names (if it names one)."""
    obj = event.data.object.to_dict() if hasattr(event.data.object, "to_dict") else dict(event.data.object)
    kind = event.type
    organisation = None
    if kind == "checkout.session.completed":
        reference = obj.get("client_reference_id") or (obj.get("metadata") or {}).get("organisation_id")
        organisation = int(reference) if reference and str(reference).isdigit() else None
        return obj.get("subscription"), organisation
    if kind.startswith("customer.subscription."):
        return obj.get("id"), None
    if kind.startswith("invoice."):
        subscription = obj.get("subscription")
        if not subscription:  # API versions from 2025
            details = (obj.get("parent") or {}).get("subscription_details") or {}
            subscription = details.get("subscription")
        if isinstance(subscription, dict):
            subscription = subscription.get("id")
        return subscription, None
    return None, None
