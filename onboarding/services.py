"""Writes of a sign-up (decision 0051). Public schema, except where it enters the new organisation's.

The flow: ``start_signup`` (e-mail, a signed one-time link through the outbox) → ``verify_email`` → ``submit_details``
(checked, the address and organisation number held, provisioning queued after commit) → ``run_provisioning`` (the
Celery task: tenants.services.provision_organisation, the first organisation admin, the welcome e-mail) → with
SIGNUP_REQUIRES_APPROVAL, ``approve_signup`` by a platform admin. Every step is safe to repeat.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from accounts import selectors as accounts_selectors
from accounts import services as accounts_services
from accounts.roles import Role
from billing import selectors as billing_selectors
from billing import services as billing_services
from tenants import selectors as tenants_selectors
from tenants import services as tenants_services
from tenants.validators import normalise_organisation_number, validate_slug

from . import errors, municipalities, notifications
from .models import HOLDING, SignUp, SignUpStatus

log = logging.getLogger("delbar.onboarding")

# A second start for the same address within this time sends no second e-mail (a double-submitted form).
RESEND_AFTER = timedelta(seconds=60)
# A sign-up being set up whose task has not finished after this long is queued again (by its progress page).
REQUEUE_AFTER = timedelta(seconds=60)
PEPPOL_PATTERN = re.compile(r"^(\d{4}):([A-Za-z0-9][A-Za-z0-9.:_-]{0,49})$")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _verify_window() -> timedelta:
    return timedelta(hours=settings.SIGNUP_VERIFY_HOURS)


# ---------------------------------------------------------------------------------------------- 1. the e-mail


@transaction.atomic
def start_signup(*, email: str, language: str, verify_url_for: Callable[[str], str]) -> SignUp:
    """Start (or restart) a sign-up for ``email`` and e-mail it a one-time verification link.

    A sign-up for the same address still waiting for verification is reused; if its link went out less than a
    minute ago nothing is sent again, so a double-submitted form sends one e-mail.
    """
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": [_("Enter a valid e-mail address.")]}) from error
    now = timezone.now()
    signup = (
        SignUp.objects.select_for_update()
        .filter(email=email, status=SignUpStatus.AWAITING_VERIFICATION, verification_sent_at__gt=now - _verify_window())
        .order_by("-created_at")
        .first()
    )
    if signup is not None and now - signup.verification_sent_at < RESEND_AFTER:
        return signup
    signup = signup or SignUp(email=email)
    token = secrets.token_urlsafe(32)
    signup.token_hash = _hash(token)
    signup.language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    signup.verification_sent_at = now
    signup.save()
    notifications.enqueue_verification(
        signup=signup, url=verify_url_for(token), key=f"onboarding:verify:{signup.uuid}:{signup.token_hash[:16]}"
    )
    return signup


def find_by_token(*, token: str) -> SignUp:
    """The sign-up whose link this is, if it still works (raises SignUpError)."""
    signup = SignUp.objects.filter(token_hash=_hash(token or "")).first()
    if signup is None:
        errors.raise_error(errors.LINK_INVALID)
    if signup.status == SignUpStatus.AWAITING_VERIFICATION and (
        signup.verification_sent_at is None or signup.verification_sent_at <= timezone.now() - _verify_window()
    ):
        errors.raise_error(errors.LINK_EXPIRED)
    return signup


@transaction.atomic
def verify_email(*, token: str) -> SignUp:
    """Mark the address verified. The link keeps working (to come back to the form) until the details are sent."""
    signup = SignUp.objects.select_for_update().get(pk=find_by_token(token=token).pk)
    if signup.status == SignUpStatus.AWAITING_VERIFICATION:
        signup.status = SignUpStatus.VERIFIED
        signup.verified_at = timezone.now()
        signup.save(update_fields=["status", "verified_at"])
    return signup


# ---------------------------------------------------------------------------------------------- 2. the details


@dataclass(frozen=True)
class SignUpDetails:
    full_name: str
    name: str
    kind: str
    organisation_number: str
    municipality_code: str
    invoice_address: str
    buyer_reference: str
    peppol_id: str
    slug: str
    # Decision 0057. Empty plan: the only plan offered, when there is one.
    plan_code: str = ""
    band: str = ""
    payment_method: str = "invoice"


def suggested_peppol_id(organisation_number: str) -> str:
    """``0007:<the ten digits>``: the Peppol scheme of Swedish organisation numbers."""
    return "0007:" + re.sub(r"\D", "", organisation_number)


def slug_problem(*, slug: str, exclude: SignUp | None = None) -> str | None:
    """Why this address cannot be had (invalid, reserved, taken), or None if it is free."""
    try:
        validate_slug(slug)
    except ValidationError as error:
        return error.messages[0]
    held = SignUp.objects.filter(slug=slug, status__in=HOLDING)
    if exclude is not None:
        held = held.exclude(pk=exclude.pk)
    if tenants_selectors.slug_taken(slug=slug) or held.exists():
        return _("The address %(slug)s is taken. Choose another.") % {"slug": slug}
    return None


def check_details(details: SignUpDetails, *, signup: SignUp | None = None) -> SignUpDetails:
    """The details normalised, or ValidationError naming every problem by its field."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message) -> None:
        problems.setdefault(field, []).append(str(message))

    kinds = tenants_selectors.OrganisationKind
    if not details.full_name.strip():
        add("full_name", _("Enter your name."))
    if not details.name.strip():
        add("name", _("Enter the organisation's name."))
    if details.kind not in kinds.values:
        add("kind", _("Choose a kind of organisation."))
    number = ""
    try:
        number = normalise_organisation_number(details.organisation_number)
    except ValidationError as error:
        for message in error.messages:
            add("organisation_number", message)
    code = details.municipality_code.strip()
    if code and municipalities.name_of(code) is None:
        add("municipality_code", _("Choose one of Sweden's 290 municipalities."))
    elif not code and details.kind == kinds.MUNICIPALITY:
        add("municipality_code", _("Choose the municipality."))
    if not details.invoice_address.strip():
        add("invoice_address", _("Enter the address invoices are sent to."))
    elif split_invoice_address(details.invoice_address) is None:
        add("invoice_address", _("Write the postal code and town on the last line, e.g. 275 80 Sjöbo."))
    if not details.buyer_reference.strip():
        add("buyer_reference", _("Enter the reference your invoices must carry."))
    peppol = details.peppol_id.strip() or (suggested_peppol_id(number) if number else "")
    match = PEPPOL_PATTERN.match(peppol)
    if peppol and not match:
        add("peppol_id", _("A Peppol id is a four-digit scheme, a colon and the id, for example 0007:2120001157."))
    elif match and match.group(1) == "0007":
        try:
            normalise_organisation_number(match.group(2))
        except ValidationError:
            add("peppol_id", _("After 0007: comes a Swedish organisation number, ten digits."))
    slug = details.slug.strip().lower()
    problem = slug_problem(slug=slug, exclude=signup)
    if problem:
        add("slug", problem)
    plan_code, plan_problems = _checked_plan(details)
    for field, message in plan_problems:
        add(field, message)
    if problems:
        raise ValidationError(problems)
    return SignUpDetails(
        full_name=details.full_name.strip(), name=details.name.strip(), kind=details.kind,
        organisation_number=number, municipality_code=code, invoice_address=details.invoice_address.strip(),
        buyer_reference=details.buyer_reference.strip(), peppol_id=peppol, slug=slug,
        plan_code=plan_code, band=details.band, payment_method=details.payment_method,
    )


POSTAL_LINE = re.compile(r"^(?:SE-?\s?)?(\d{3})\s?(\d{2})\s+(\S.*)$", re.IGNORECASE)


def split_invoice_address(text: str) -> tuple[str, str, str] | None:
    """The invoice address as billing's buyer takes it — (street, postal code, town) — from the lines the applicant
    wrote: the last line ``275 80 Sjöbo``, the lines above it the street (joined by commas). None if it is not so."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) < 2:
        return None
    match = POSTAL_LINE.match(lines[-1])
    if match is None:
        return None
    street = ", ".join(lines[:-1])
    if len(street) > 200:
        return None
    return street, f"{match.group(1)} {match.group(2)}", match.group(3).strip()[:100]


def _checked_plan(details: SignUpDetails) -> tuple[str, list[tuple[str, str]]]:
    """The plan's code (the only one offered, when none was chosen and there is one) and what is wrong with the
    plan, the size band and the payment method."""
    problems = []
    offered = {plan.code: plan for plan in billing_selectors.plans()}
    code = details.plan_code.strip() or (next(iter(offered)) if len(offered) == 1 else "")
    plan = offered.get(code)
    if plan is None:
        problems.append(("plan_code", _("Choose a plan.")))
    if details.band not in dict(billing_selectors.size_bands()):
        problems.append(("band", _("Choose your organisation's size.")))
    elif plan is not None and details.band not in {price.band for price in plan.prices.all()}:
        problems.append(("band", _("This plan has no price for that size. Choose another plan or size.")))
    if details.payment_method not in billing_selectors.payment_methods():
        problems.append(("payment_method", _("Choose how you pay.")))
    return code, problems


ALREADY_ON_DELBAR = "on_delbar"


def _refuse_number_on_delbar(number: str) -> None:
    organisation = tenants_selectors.organisation_with_number(organisation_number=number)
    if organisation is not None:
        raise ValidationError({"organisation_number": [ValidationError(
            _("%(name)s (%(number)s) is already on Delbar. Ask its administrators to invite you.")
            % {"name": organisation.name, "number": number},
            code=ALREADY_ON_DELBAR, params={"organisation_id": organisation.pk},
        )]})


def submit_details(*, signup: SignUp, details: SignUpDetails) -> SignUp:
    """Check the details, hold the address and organisation number, and queue the provisioning after commit.

    Sent twice (a double click, the back button), the second finds the sign-up already submitted and returns it:
    one organisation, one provisioning.
    """
    with transaction.atomic():
        signup = SignUp.objects.select_for_update().get(pk=signup.pk)
        if signup.status in (*HOLDING, SignUpStatus.READY):
            return signup
        if signup.status != SignUpStatus.VERIFIED:
            errors.raise_error(errors.NOT_VERIFIED)
        details = check_details(details, signup=signup)
        _refuse_number_on_delbar(details.organisation_number)
        for field, value in vars(details).items():
            setattr(signup, field, value)
        now = timezone.now()
        signup.status = SignUpStatus.PROVISIONING
        signup.submitted_at = signup.queued_at = now
        signup.token_hash = None  # the verification link has done its work
        signup.last_error = ""
        try:
            with transaction.atomic():
                signup.save()
        except IntegrityError as error:
            # Another sign-up took the address or the number between our check and this write.
            field = "slug" if "signup_holds_slug" in str(error) else "organisation_number"
            message = (_("The address %(slug)s was taken a moment ago. Choose another.") % {"slug": details.slug}
                       if field == "slug" else _("This organisation is being signed up by someone else."))
            raise ValidationError({field: [message]}) from error
        pk = signup.pk
        transaction.on_commit(lambda: queue_provisioning(signup_id=pk))
    return signup


def queue_provisioning(*, signup_id: int) -> bool:
    """Queue the provisioning task. Never raises: a sign-up whose task was not queued is queued again by its
    progress page (``requeue_if_stalled``)."""
    from .tasks import FAIL_FAST, provision_signup

    try:
        with provision_signup.app.connection_for_write(transport_options=FAIL_FAST) as broker:
            provision_signup.apply_async(
                args=[signup_id], headers={"_schema_name": "public"}, retry=False, connection=broker
            )
    except Exception:  # noqa: BLE001 — whatever the broker's client raises, the progress page queues it again
        log.warning("Could not queue the provisioning of sign-up %s", signup_id, exc_info=True)
        return False
    return True


def requeue_if_stalled(*, signup: SignUp, now: datetime | None = None) -> bool:
    """Queue the provisioning again if it has not finished a minute after it was last queued (a worker killed
    half way, a broker that was down). Safe: provisioning is idempotent and takes a lock per address."""
    now = now or timezone.now()
    if signup.status != SignUpStatus.PROVISIONING:
        return False
    updated = SignUp.objects.filter(
        pk=signup.pk, status=SignUpStatus.PROVISIONING, queued_at__lt=now - REQUEUE_AFTER
    ).update(queued_at=now)
    if updated:
        pk = signup.pk
        transaction.on_commit(lambda: queue_provisioning(signup_id=pk))
    return bool(updated)


# ---------------------------------------------------------------------------------------------- 3. provisioning


def _email_domain(email: str) -> tuple[str, ...]:
    return (email.rsplit("@", 1)[1],) if "@" in email else ()


def run_provisioning(*, signup_id: int) -> SignUp | None:
    """Set the organisation up, make the applicant its first admin and send the welcome e-mail. Idempotent: run
    again after a crash at any point, it finishes the job; run after it finished, it changes nothing."""
    signup = SignUp.objects.filter(pk=signup_id).first()
    if signup is None or signup.status != SignUpStatus.PROVISIONING:
        return signup
    SignUp.objects.filter(pk=signup.pk).update(attempts=F("attempts") + 1)
    needs_approval = settings.SIGNUP_REQUIRES_APPROVAL
    details = tenants_services.OrganisationDetails(
        name=signup.name, slug=signup.slug, kind=signup.kind, organisation_number=signup.organisation_number,
        municipality_code=signup.municipality_code, email_domains=_email_domain(signup.email),
    )
    try:
        organisation = tenants_services.provision_organisation(details=details, activate=not needs_approval)
    except ValidationError as error:
        # The address or number went to another organisation after the details were sent (the console, a
        # command): the applicant chooses again.
        with transaction.atomic():
            signup = SignUp.objects.select_for_update().get(pk=signup.pk)
            signup.status = SignUpStatus.VERIFIED
            signup.last_error = " ".join(error.messages)
            signup.save(update_fields=["status", "last_error"])
        return signup
    with schema_context(organisation.schema_name), transaction.atomic():
        admin = _ensure_first_admin(signup)
        if not needs_approval:
            _enqueue_welcome(signup=signup, organisation=organisation, admin=admin)
    with transaction.atomic():
        signup = SignUp.objects.select_for_update().get(pk=signup.pk)
        signup.organisation = organisation
        if signup.status == SignUpStatus.PROVISIONING:
            signup.status = SignUpStatus.AWAITING_APPROVAL if needs_approval else SignUpStatus.READY
            signup.ready_at = None if needs_approval else timezone.now()
            if not needs_approval:
                _hand_over_to_billing(signup, organisation)
        signup.save(update_fields=["organisation", "status", "ready_at", "billing_handed_over_at"])
    log.info("Sign-up %s: %s is %s", signup.uuid, organisation.slug, signup.status)
    return signup


def _hand_over_to_billing(signup: SignUp, organisation) -> None:
    """When the organisation goes live (provisioned, or approved): its trial starts with the plan and size chosen,
    and — for invoice payment — billing keeps the invoice details and issues the first invoice when the trial ends
    (decision 0057). In the transaction that makes the sign-up ready; both billing calls are idempotent, so a
    provisioning run again (a worker killed after this committed, or before) starts one trial. A sign-up from before
    plans were chosen (no plan) is left to the subscription page."""
    if not signup.plan_code:
        return
    billing_services.start_trial(organisation_id=organisation.pk, plan_code=signup.plan_code, band=signup.band)
    if signup.payment_method == "invoice":
        street, postal_code, city = split_invoice_address(signup.invoice_address)
        billing_services.choose_invoice_payment_at_trial_end(
            organisation_id=organisation.pk, street=street, postal_code=postal_code, city=city,
            buyer_reference=signup.buyer_reference, peppol_id=signup.peppol_id,
        )
    signup.billing_handed_over_at = signup.billing_handed_over_at or timezone.now()


def _ensure_first_admin(signup: SignUp):
    """The applicant as the organisation's first admin, in its schema; no password yet (set by a one-time link)."""
    existing = accounts_selectors.colleagues().filter(email__iexact=signup.email).first()
    if existing is not None:
        return existing
    department = accounts_selectors.departments().filter(parent__isnull=True).first()
    return accounts_services.create_user(
        email=signup.email, password=None, full_name=signup.full_name,
        role=Role.ORG_ADMIN, department=department, email_verified=True,
    )


def password_path(*, admin) -> str:
    """The one-time link's path on the organisation's host: valid until the password is set (or it logs in), and
    for PASSWORD_RESET_TIMEOUT (three days) at most."""
    return reverse("onboarding_password", urlconf=settings.ROOT_URLCONF, kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(admin.pk)), "token": default_token_generator.make_token(admin),
    })


def _enqueue_welcome(*, signup: SignUp, organisation, admin) -> None:
    base = tenants_selectors.organisation_base_url(organisation=organisation)
    notifications.enqueue_welcome(
        signup=signup, organisation_url=base + "/", password_url=base + password_path(admin=admin),
        checklist_url=base + reverse("onboarding_checklist", urlconf=settings.ROOT_URLCONF),
    )


def approve_signup(*, signup: SignUp) -> SignUp:
    """A platform admin lets an organisation waiting for approval go live: active, and the welcome e-mail."""
    with transaction.atomic():
        signup = SignUp.objects.select_for_update().get(pk=signup.pk)
        if signup.status != SignUpStatus.AWAITING_APPROVAL or signup.organisation_id is None:
            return signup
        organisation = tenants_selectors.organisation_by_id(pk=signup.organisation_id)
        tenants_services.set_status(organisation=organisation, status=tenants_selectors.OrganisationStatus.ACTIVE)
        with schema_context(organisation.schema_name):
            _enqueue_welcome(signup=signup, organisation=organisation, admin=_ensure_first_admin(signup))
        _hand_over_to_billing(signup, organisation)
        signup.status = SignUpStatus.READY
        signup.approved_at = signup.ready_at = timezone.now()
        signup.save(update_fields=["status", "approved_at", "ready_at", "billing_handed_over_at"])
    return signup


def set_first_password(*, admin, password: str) -> None:
    """The first admin's password, from the one-time link (checked by the caller with ``password_link_user``)."""
    from django.contrib.auth.password_validation import validate_password

    try:
        validate_password(password, user=admin)
    except ValidationError as error:
        raise ValidationError({"password1": error.messages}) from error
    accounts_services.set_password(user=admin, password=password)


# ---------------------------------------------------------------------------------------------- already on Delbar


def ask_admins_to_invite(*, signup: SignUp, organisation_id: int) -> bool:
    """E-mail the admins of the organisation already on Delbar that this verified applicant asks to be invited
    (their addresses are never shown). Once per sign-up."""
    if signup.status == SignUpStatus.AWAITING_VERIFICATION:
        errors.raise_error(errors.NOT_VERIFIED)
    organisation = tenants_selectors.organisation_by_id(pk=organisation_id)
    if organisation is None or not organisation.is_active:
        return False
    base = tenants_selectors.organisation_base_url(organisation=organisation)
    with schema_context(organisation.schema_name), transaction.atomic():
        recipients = accounts_selectors.org_admin_addresses()
        if not recipients:
            return False
        return notifications.enqueue_access_request(
            signup=signup, organisation_name=organisation.name, recipients=recipients,
            invite_url=base + reverse("orgadmin_invite", urlconf=settings.ROOT_URLCONF),
        )


# ---------------------------------------------------------------------------------------------- expiry


@transaction.atomic
def expire_signups(*, now: datetime | None = None) -> int:
    """Remove sign-ups whose e-mail was never verified within SIGNUP_VERIFY_HOURS, and verified ones whose details
    never came within SIGNUP_ABANDONED_DAYS (the address is personal data: nothing of them is kept). From the
    state of the data: a second run changes nothing, a day missed is made up by the next."""
    now = now or timezone.now()
    unverified = SignUp.objects.filter(
        status=SignUpStatus.AWAITING_VERIFICATION, verification_sent_at__lte=now - _verify_window()
    )
    abandoned = SignUp.objects.filter(
        status=SignUpStatus.VERIFIED, verified_at__lte=now - timedelta(days=settings.SIGNUP_ABANDONED_DAYS)
    )
    removed = unverified.delete()[0] + abandoned.delete()[0]
    if removed:
        log.info("Removed %s expired sign-ups", removed)
    return removed


def first_admin_links(*, signup: SignUp) -> dict:
    """For the progress page of a ready sign-up: the organisation's address, and the one-time password link while
    the first admin has no password yet (None afterwards: they log in)."""
    organisation = tenants_selectors.organisation_by_id(pk=signup.organisation_id)
    if organisation is None:
        return {}
    base = tenants_selectors.organisation_base_url(organisation=organisation)
    with schema_context(organisation.schema_name):
        admin = accounts_selectors.colleagues().filter(email__iexact=signup.email).first()
        url = base + password_path(admin=admin) if admin and not admin.has_usable_password() else None
    return {"organisation_url": base + "/", "password_url": url, "organisation": organisation}
