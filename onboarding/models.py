"""Sign-ups: an applicant's verified e-mail and their organisation's details, until it is set up. Public schema."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SignUpStatus(models.TextChoices):
    AWAITING_VERIFICATION = "awaiting_verification", _("Waiting for the e-mail to be verified")
    VERIFIED = "verified", _("E-mail verified")
    PROVISIONING = "provisioning", _("Being set up")
    AWAITING_APPROVAL = "awaiting_approval", _("Waiting for approval")
    READY = "ready", _("Ready")


# While a sign-up is being set up or waits for approval it holds its address and organisation number, so that a
# second sign-up cannot take them in between (the organisation row holds them afterwards).
HOLDING = [SignUpStatus.PROVISIONING, SignUpStatus.AWAITING_APPROVAL]


class SignUp(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("work e-mail"), max_length=254)
    language = models.CharField(max_length=8, default="sv")
    # SHA-256 of the secret in the verification link; cleared once used.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=SignUpStatus.choices, default=SignUpStatus.AWAITING_VERIFICATION
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    verification_sent_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    # The organisation's details (step 2).
    full_name = models.CharField(_("your name"), max_length=200, blank=True)
    name = models.CharField(_("organisation"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    organisation_number = models.CharField(_("organisation number"), max_length=11, blank=True)
    municipality_code = models.CharField(_("municipality code"), max_length=4, blank=True)
    invoice_address = models.TextField(_("invoice address"), blank=True)
    buyer_reference = models.CharField(_("buyer reference"), max_length=100, blank=True)
    peppol_id = models.CharField(_("Peppol id"), max_length=100, blank=True)
    slug = models.CharField(_("address"), max_length=40, blank=True)
    # The plan, size band and how they pay (decision 0057): handed to billing when the organisation goes live.
    plan_code = models.CharField(_("plan"), max_length=40, blank=True)
    band = models.CharField(_("size band"), max_length=10, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=10, blank=True)
    billing_handed_over_at = models.DateTimeField(_("handed to billing"), null=True, blank=True)
    organisation = models.ForeignKey(
        "tenants.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("organisation"),
    )

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], condition=Q(status__in=HOLDING), name="signup_holds_slug"),
            models.UniqueConstraint(
                fields=["organisation_number"], condition=Q(status__in=HOLDING), name="signup_holds_number"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.email
