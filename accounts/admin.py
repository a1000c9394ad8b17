"""The organisation's own admin pages, for organisation admins (tenant schema)."""

from allauth.account.decorators import secure_admin_login
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from outbox.admin import OutboxMessageAdmin
from outbox.models import OutboxMessage

from . import services
from .errors import AccountError
from .models import Department, Invitation, User


class OrganisationAdminSite(admin.AdminSite):
    site_header = _("Delbar – administration")
    site_title = _("Delbar administration")
    index_title = _("Your organisation")

    def has_permission(self, request) -> bool:
        # Anyone may ask, logged in or not (AnonymousUser has no is_org_admin): one answer, used by every model.
        user = request.user
        return user.is_authenticated and user.is_active and user.is_org_admin


class OrgAdminPermissions:
    """Organisation admins manage everything in these models, within their own schema: the site's one rule."""

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)


organisation_admin_site = OrganisationAdminSite(name="organisation_admin")
# No password form of its own: /admin/login/ sends to allauth's login, with its rate limits (see platform_/console.py).
organisation_admin_site.login = secure_admin_login(organisation_admin_site.login)


@admin.register(Department, site=organisation_admin_site)
class DepartmentAdmin(OrgAdminPermissions, admin.ModelAdmin):
    list_display = ["name", "parent"]
    list_select_related = ["parent"]
    search_fields = ["name"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]


class UserAdminForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "role", "department", "is_active"]

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if "email" in self.changed_data:
            try:
                services.check_staff_email(email=email, chosen_by_admin=True)
            except AccountError as error:
                raise forms.ValidationError(error.message, code=error.code) from error
        return email


@admin.register(User, site=organisation_admin_site)
class UserAdmin(OrgAdminPermissions, admin.ModelAdmin):
    form = UserAdminForm
    list_display = ["email", "full_name", "role", "department", "is_active", "last_login"]
    list_select_related = ["department"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "role", "department", "is_active", "last_login", "date_joined"]
    readonly_fields = ["last_login", "date_joined"]

    def has_add_permission(self, request, obj=None):
        return False  # colleagues join by invitation

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead, so their history stays


@admin.register(Invitation, site=organisation_admin_site)
class InvitationAdmin(OrgAdminPermissions, admin.ModelAdmin):
    list_display = ["email", "role", "department", "created_at", "expires_at", "sent_at", "accepted_at"]
    list_select_related = ["department"]
    readonly_fields = ["email", "role", "department", "invited_by", "created_at", "expires_at", "sent_at",
                       "accepted_at", "revoked_at"]

    def has_add_permission(self, request, obj=None):
        return False


# The organisation's outgoing e-mail: what waits, what was given up (with the error), and a retry.
organisation_admin_site.register(OutboxMessage, OutboxMessageAdmin)
