"""The organisation's "Settings" page on its own host, for its organisation admins.

It edits the organisation the host belongs to (``request.tenant``) and nothing else: no organisation is named in
the address or the form. Writes go through tenants.services.update_settings.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import services
from .forms import OrganisationSettingsForm


@login_required
def organisation_settings(request):
    if not getattr(request.user, "is_org_admin", False):
        raise PermissionDenied
    organisation = request.tenant
    form = OrganisationSettingsForm.for_organisation(organisation, request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                services.update_settings(organisation=organisation, **form.cleaned_data)
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, _("The settings are saved."))
                return redirect("organisation_settings")
        status = 400
    return render(request, "tenants/settings.html", {"form": form}, status=status)
