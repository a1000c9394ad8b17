"""The sign-up pages on the public host (/anslut/…) and the first-run pages on the new organisation's host
(/kom-igang/…). Thin: they parse input and call onboarding.services and selectors (decision 0051)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors as accounts_selectors
from tenants import selectors as tenants_selectors

from . import selectors, services
from .errors import SignUpError
from .forms import DetailsForm, PasswordForm, StartForm
from .models import SignUpStatus

SESSION_KEY = "onboarding_signup"
ON_DELBAR_KEY = "onboarding_on_delbar"


def _signup_of(request):
    """The sign-up this browser verified, or None."""
    uuid = request.session.get(SESSION_KEY)
    return selectors.signup_by_uuid(uuid=uuid) if uuid else None


# ---------------------------------------------------------------------------------------------- public host


def start(request):
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.start_signup(
                email=form.cleaned_data["email"], language=get_language(),
                verify_url_for=lambda token: tenants_selectors.platform_base_url()
                + reverse("signup_verify", kwargs={"token": token}),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session["onboarding_email"] = form.cleaned_data["email"].strip().lower()
            return redirect("signup_sent")
    return render(request, "onboarding/start.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def sent(request):
    return render(request, "onboarding/sent.html", {"email": request.session.get("onboarding_email", ""),
                                                    "signup_hours": settings.SIGNUP_VERIFY_HOURS})


def verify(request, token: str):
    """GET asks for one click (a mail program that opens links to scan them verifies nothing); POST verifies."""
    try:
        signup = services.find_by_token(token=token)
        if request.method == "POST":
            signup = services.verify_email(token=token)
            request.session.cycle_key()
            request.session[SESSION_KEY] = str(signup.uuid)
            return redirect("signup_details")
    except SignUpError as error:
        return render(request, "onboarding/link_invalid.html", {"message": error.message}, status=error.http_status)
    return render(request, "onboarding/verify.html", {"signup": signup})


def details(request):
    signup = _signup_of(request)
    if signup is None:
        return redirect("signup_start")
    if signup.status != SignUpStatus.VERIFIED:
        return redirect("signup_progress")
    slug_url = reverse("signup_slug")
    form = DetailsForm(request.POST or None, slug_check_url=slug_url, initial={
        "full_name": signup.full_name, "name": signup.name, "kind": signup.kind,
        "organisation_number": signup.organisation_number, "municipality_code": signup.municipality_code,
        "invoice_address": signup.invoice_address, "buyer_reference": signup.buyer_reference,
        "peppol_id": signup.peppol_id, "slug": signup.slug,
        **{name: value for name, value in (("plan_code", signup.plan_code), ("band", signup.band),
                                            ("payment_method", signup.payment_method)) if value},
    })
    on_delbar = None
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_details(signup=signup, details=services.SignUpDetails(**form.cleaned_data))
        except ValidationError as error:
            on_delbar = _organisation_on_delbar(error)
            if on_delbar is not None:
                request.session[ON_DELBAR_KEY] = on_delbar
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        except SignUpError as error:
            form.add_error(None, error.message)
        else:
            return redirect("signup_progress")
    return render(request, "onboarding/details.html", {
        "form": form, "signup": signup, "on_delbar": on_delbar, "last_error": signup.last_error,
        "domain": tenants_selectors.platform_base_url().split("://", 1)[1],
    }, status=400 if form.errors else 200)


def _organisation_on_delbar(error: ValidationError) -> int | None:
    for problem in getattr(error, "error_dict", {}).get("organisation_number", []):
        if problem.code == services.ALREADY_ON_DELBAR:
            return problem.params["organisation_id"]
    return None


@require_GET
def slug_status(request):
    """The address's availability as the applicant types (htmx): a short sentence for a live region."""
    slug = request.GET.get("slug", "").strip().lower()[:40]
    signup = _signup_of(request)
    problem = services.slug_problem(slug=slug, exclude=signup) if slug else None
    return render(request, "onboarding/_slug_status.html", {"slug": slug, "problem": problem})


@require_POST
def ask_admins(request):
    signup = _signup_of(request)
    organisation_id = request.session.get(ON_DELBAR_KEY)
    if signup is None or organisation_id is None:
        raise Http404
    sent = services.ask_admins_to_invite(signup=signup, organisation_id=organisation_id)
    return render(request, "onboarding/asked.html", {"sent": sent})


def progress(request):
    signup = _signup_of(request)
    if signup is None:
        raise Http404
    if signup.status == SignUpStatus.VERIFIED and not signup.last_error:
        return redirect("signup_details")
    services.requeue_if_stalled(signup=signup)
    context = {"signup": signup, "password_url": None}
    if signup.status == SignUpStatus.READY:
        context.update(services.first_admin_links(signup=signup))
    template = "onboarding/_progress.html" if request.htmx else "onboarding/progress.html"
    return render(request, template, context)


# ---------------------------------------------------------------------------------------------- organisation host


def password(request, uidb64: str, token: str):
    """The first admin's password, from the one-time link of the welcome e-mail (or the progress page)."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError):
        pk = None
    admin = accounts_selectors.person_by_pk(pk=pk) if pk else None
    if admin is None or not default_token_generator.check_token(admin, token):
        return render(request, "onboarding/password_invalid.html", status=410)
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_first_password(admin=admin, password=form.cleaned_data["password1"])
        except ValidationError as error:
            form.add_error("password1", error.message_dict["password1"])
        else:
            login(request, admin, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("onboarding_checklist")
    return render(request, "onboarding/password.html", {"form": form, "admin": admin},
                  status=400 if form.errors else 200)


@login_required
def checklist(request):
    if not request.user.is_org_admin:
        raise Http404
    steps = selectors.checklist(organisation_id=request.tenant.pk)
    return render(request, "onboarding/checklist.html", {
        "steps": steps, "done": sum(step.done for step in steps),
    })


