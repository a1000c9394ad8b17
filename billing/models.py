"""Delbar's plans and its own invoices to organisations (decision 0050). Public schema: organisation ids and
snapshots of what was invoiced, never foreign keys into an organisation's schema, so an invoice outlives changes to
(and the deletion of) the organisation it was issued to, as bookkeeping law requires.

Amounts are whole öre (1 SEK = 100 öre) in integers: no float, no rounding but the one documented in
``billing.money``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SizeBand(models.TextChoices):
    """An organisation's size for its price, by inhabitants (a municipality) or employees (any other body)."""

    SMALL = "small", _("Small (under 20,000 inhabitants or 1,000 employees)")
    MEDIUM = "medium", _("Medium (20,000–99,999 inhabitants or 1,000–4,999 employees)")
    LARGE = "large", _("Large (100,000 inhabitants or 5,000 employees and more)")


class Plan(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_sv = models.CharField(_("name in Swedish"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)
    trial_days = models.PositiveIntegerField(_("trial days"), default=30)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.code


class PlanPrice(models.Model):
    """A plan's yearly price, excluding VAT, for one size band."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="prices")
    band = models.CharField(_("size band"), max_length=10, choices=SizeBand.choices)
    yearly_price_ore = models.PositiveBigIntegerField(_("yearly price (öre, excluding VAT)"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "band"], name="billing_one_price_per_band")]
        verbose_name = _("plan price")

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.band}"


class InvoiceSeries(models.Model):
    """A number series. ``next_number`` is taken under the row's lock, in the transaction that writes the invoice:
    the numbers are gapless and never reused (a rolled-back invoice rolls its number back with it)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    prefix = models.CharField(_("prefix"), max_length=10)
    next_number = models.PositiveBigIntegerField(_("next number"), default=1)

    class Meta:
        verbose_name = _("invoice series")
        verbose_name_plural = _("invoice series")

    def __str__(self) -> str:
        return self.code


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", pgettext_lazy("billing", "Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class Invoice(models.Model):
    series = models.ForeignKey(InvoiceSeries, on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveBigIntegerField(_("number in the series"))
    number = models.CharField(_("invoice number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    credited_invoice = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_note"
    )
    # The buyer: an organisation's id (public schema) and a snapshot of what the invoice was addressed to.
    organisation_id = models.PositiveBigIntegerField(_("organisation id"), db_index=True)
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_organisation_number = models.CharField(_("buyer's organisation number"), max_length=11)
    buyer_street = models.CharField(_("street address"), max_length=200)
    buyer_postal_code = models.CharField(_("postal code"), max_length=10)
    buyer_city = models.CharField(_("city"), max_length=100)
    buyer_country = models.CharField(_("country"), max_length=2, default="SE")
    buyer_reference = models.CharField(_("buyer reference"), max_length=100)
    buyer_peppol_id = models.CharField(_("buyer's Peppol id"), max_length=60)
    # The seller (settings.BILLING_SELLER as it was when the invoice was issued).
    seller = models.JSONField(_("seller"))
    plan_code = models.CharField(_("plan"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    currency = models.CharField(_("currency"), max_length=3, default="SEK")
    vat_percent = models.PositiveSmallIntegerField(_("VAT rate (%)"), default=25)
    net_ore = models.BigIntegerField(_("amount excluding VAT (öre)"))
    vat_ore = models.BigIntegerField(_("VAT (öre)"))
    gross_ore = models.BigIntegerField(_("amount to pay (öre)"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "sequence"], name="billing_one_invoice_per_number"),
            models.CheckConstraint(
                condition=models.Q(gross_ore=models.F("net_ore") + models.F("vat_ore")),
                name="billing_gross_is_net_plus_vat",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="invoice", credited_invoice__isnull=True)
                | models.Q(kind="credit_note", credited_invoice__isnull=False),
                name="billing_credit_note_names_its_invoice",
            ),
        ]
        verbose_name = pgettext_lazy("billing", "invoice")
        verbose_name_plural = _("invoices")

    def __str__(self) -> str:
        return self.number

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField(_("line"))
    description = models.CharField(_("description"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price_ore = models.BigIntegerField(_("unit price (öre)"))
    net_ore = models.BigIntegerField(_("amount excluding VAT (öre)"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="billing_line_position_unique"),
            models.CheckConstraint(
                condition=models.Q(net_ore=models.F("quantity") * models.F("unit_price_ore")),
                name="billing_line_net_is_quantity_times_price",
            ),
        ]
        verbose_name = _("invoice line")

    def __str__(self) -> str:
        return f"{self.invoice_id}:{self.position}"


class InvoicePayment(models.Model):
    """That an issued invoice was paid (bookkept by hand or from the bank's file). An invoice row is never changed
    (decision 0050), so its payment is a row of its own."""

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="payment")
    paid_on = models.DateField(_("paid on"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("invoice payment")

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.paid_on}"


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card")
    INVOICE = "invoice", pgettext_lazy("payment method", "Invoice")


class SubscriptionStatus(models.TextChoices):
    TRIALING = "trialing", _("Trial")
    ACTIVE = "active", _("Active")
    PAST_DUE = "past_due", _("Payment overdue")
    UNPAID = "unpaid", _("Unpaid")
    CANCELED = "canceled", pgettext_lazy("subscription", "Cancelled")


class Subscription(models.Model):
    """An organisation's subscription (decision 0052): one per organisation, by id (public schema, no foreign key
    into the organisation's schema). With card payment its state mirrors Stripe's subscription, re-read from
    Stripe's API on every webhook; with invoice payment it follows Delbar's own invoices."""

    organisation_id = models.PositiveBigIntegerField(_("organisation id"), unique=True)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    band = models.CharField(_("size band"), max_length=10, choices=SizeBand.choices)
    payment_method = models.CharField(_("payment method"), max_length=10, choices=PaymentMethod.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=SubscriptionStatus.choices,
                              default=SubscriptionStatus.TRIALING)
    trial_end = models.DateField(_("trial ends"), null=True, blank=True)
    current_period_start = models.DateField(_("period from"), null=True, blank=True)
    current_period_end = models.DateField(_("period to"), null=True, blank=True)
    stripe_customer_id = models.CharField(_("Stripe customer"), max_length=255, blank=True)
    stripe_subscription_id = models.CharField(_("Stripe subscription"), max_length=255, blank=True, db_index=True)
    stripe_checkout_session_id = models.CharField(_("Stripe Checkout session"), max_length=255, blank=True)
    grace_end = models.DateField(_("suspended after"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self) -> str:
        return f"{self.organisation_id}:{self.plan_id}/{self.band} {self.status}"


class StripeEvent(models.Model):
    """A Stripe event already acted on: written in the transaction of its effect, so an event delivered twice is
    acted on once (a second delivery finds its id and changes nothing)."""

    event_id = models.CharField(_("Stripe event"), max_length=255, unique=True)
    event_type = models.CharField(_("type"), max_length=100)
    processed_at = models.DateTimeField(_("processed"), auto_now_add=True)

    class Meta:
        verbose_name = _("processed Stripe event")

    def __str__(self) -> str:
        return self.event_id


class InvoiceDetails(models.Model):
    """Where an organisation's invoices go (decision 0057): given at sign-up or on the subscription page, kept here so
    that the invoice at the trial's end, and every later one, is addressed without asking again. One per
    organisation, by id; each invoice keeps its own snapshot of them."""

    organisation_id = models.PositiveBigIntegerField(_("organisation id"), unique=True)
    street = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    buyer_reference = models.CharField(_("buyer reference"), max_length=100)
    peppol_id = models.CharField(_("buyer's Peppol id"), max_length=60, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("invoice details")
        verbose_name_plural = _("invoice details")

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.street}, {self.postal_code} {self.city}"
