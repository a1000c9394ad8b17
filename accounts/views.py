from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenants.selectors import organisation_base_url

from . import selectors, services
from .errors import AccountError
from .forms import AcceptInvitationForm, InvitationForm
from .models import Department, Invitation


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {"user_department": request.user.department})


def _require_org_admin(request) -> None:
    if not request.user.is_org_admin:
        raise PermissionDenied


@login_required
def colleagues(request):
    _require_org_admin(request)
    if request.method == "POST":
        form = InvitationForm(request.POST)
        if form.is_valid():
            department = get_object_or_404(Department, pk=form.cleaned_data["department"])
            try:
                invitation, _token = services.invite_colleague(
                    invited_by=request.user,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    department=department,
                    # From settings, never from the Host header the client sent.
                    accept_url_for=lambda token: organisation_base_url(organisation=request.tenant)
                    + reverse("accept_invitation", args=[token]),
                )
            except AccountError as error:
                form.add_error("email", error.message)
            else:
                messages.success(request, _("An invitation has been sent to %(email)s.") % {"email": invitation.email})
                return redirect("colleagues")
    else:
        form = InvitationForm()
    return render(
        request,
        "accounts/colleagues.html",
        {
            "form": form,
            "colleagues": selectors.colleagues(),
            "invitations": selectors.open_invitations(),
        },
    )


@login_required
@require_POST
def revoke_invitation(request, pk: int):
    _require_org_admin(request)
    invitation = get_object_or_404(Invitation, pk=pk)
    services.revoke_invitation(invitation=invitation, revoked_by=request.user)
    messages.success(request, _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email})
    return redirect("colleagues")


def accept_invitation(request, token: str):
    try:
        invitation = services.find_open_invitation(token=token)
    except AccountError as error:
        return render(request, "accounts/invitation_invalid.html", {"message": error.message}, status=410)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(
                token=token, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            form.add_error("password1", error)
        except AccountError as error:
            return render(request, "accounts/invitation_invalid.html", {"message": error.message}, status=410)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Delbar, %(name)s!") % {"name": user.get_short_name()})
            return redirect("home")
    return render(request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation})
