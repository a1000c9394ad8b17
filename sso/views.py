"""The organisation admin's single sign-on page, /administrera/inloggning/ (decision 0056). Like the other pages of
"Administrera" (decision 0039): organisation admins only (anyone else logged in gets 403); the configuration lives
in the organisation's own schema, so another organisation's is simply not there."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from platform_.decorators import org_admin_required
from tenants.selectors import organisation_base_url

from . import forms, selectors, services
from .errors import SsoError


def _initial(config) -> dict:
    if config is None:
        return {"default_role": forms.Role.MEMBER}
    return {
        "enabled": config.enabled, "server_url": config.server_url, "client_id": config.client_id,
        "button_label": config.button_label, "email_domains": ", ".join(config.email_domains),
        "default_department": config.default_department_id, "default_role": config.default_role,
        "sso_only": config.sso_only,
    }


def _add_refusal(form, refusal: SsoError) -> None:
    placed = False
    for name, texts in (refusal.fields or {}).items():
        if name in form.fields:
            for text in texts:
                form.add_error(name, text)
            placed = True
    if not placed:
        form.add_error(None, refusal.message)


@org_admin_required
def configuration(request):
    config = selectors.configuration()
    secret_is_set = bool(config and config.client_secret)
    form = forms.ConfigurationForm(request.POST or None, initial=_initial(config), secret_is_set=secret_is_set)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.save_configuration(by=request.user, settings=services.Settings(
                    enabled=data["enabled"], server_url=data["server_url"], client_id=data["client_id"],
                    client_secret=data["client_secret"], button_label=data["button_label"],
                    email_domains=form.domains(), default_department_id=data["default_department"],
                    default_role=data["default_role"], sso_only=data["sso_only"],
                ))
            except SsoError as refusal:
                _add_refusal(form, refusal)
                status = refusal.http_status
            else:
                messages.success(request, _("Single sign-on has been saved."))
                return redirect("sso_configuration")
    return render(request, "sso/configuration.html", {
        "form": form, "config": config, "secret_is_set": secret_is_set,
        "redirect_uri": organisation_base_url(organisation=request.tenant) + selectors.callback_path(),
        "linked_count": selectors.linked_count(),
    }, status=status)
