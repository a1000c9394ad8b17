"""The console's list of sign-ups and its one action, approve (decision 0051).

A module of its own, imported by the public URLconf after the console: onboarding sits above catalog and the exchange
in the layers, so the console module that every app may reach (through urls) must not import it.
"""

# ------------------------------------------------------------------------------ sign-ups (decision 0051)
# With SIGNUP_REQUIRES_APPROVAL a new organisation waits, set up but not live, until a platform admin approves it
# here; the list also shows the other sign-ups in their states. Read-only but for the action, which writes through
# onboarding.services.

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from onboarding import services as onboarding_services
from onboarding.models import SignUp

from .console import console_site


@admin.register(SignUp, site=console_site)
class SignUpAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "organisation_number", "email", "status", "submitted_at", "ready_at"]
    list_filter = ["status"]
    search_fields = ["name", "slug", "organisation_number", "email"]
    fields = ["email", "status", "full_name", "name", "kind", "organisation_number", "municipality_code",
              "invoice_address", "buyer_reference", "peppol_id", "slug", "organisation", "created_at",
              "verified_at", "submitted_at", "ready_at", "approved_at", "last_error"]
    readonly_fields = fields
    actions = ["approve"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Approve the selected organisations (they go live)"), permissions=["view"])
    def approve(self, request, queryset):
        approved = sum(
            onboarding_services.approve_signup(signup=signup).status == "ready"
            for signup in queryset.filter(status="awaiting_approval")
        )
        self.message_user(
            request,
            ngettext("%(count)d organisation approved.", "%(count)d organisations approved.", approved)
            % {"count": approved},
            messages.SUCCESS,
        )
