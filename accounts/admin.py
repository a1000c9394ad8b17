"""The organisation's own admin pages, for organisation admins (tenant schema)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from outbox.admin import OutboxMessageAdmin
from outbox.models import OutboxMessage

from .models import Department, Invitation, User


class OrganisationAdminSite(admin.AdminSite):
    site_header = _("Delbar – administration")
    site_title = _("Delbar administration")
    index_title = _("Your organisation")

    def has_permission(self, request) -> bool:
        return request.user.is_active and getattr(request.user, "is_org_admin", False)


class OrgAdminPermissions:
    """Organisation admins manage everything in these models, within their own schema."""

    def has_module_permission(self, request):
        return request.user.is_org_admin

    def has_view_permission(self, request, obj=None):
        return request.user.is_org_admin

    def has_add_permission(self, request, obj=None):
        return request.user.is_org_admin

    def has_change_permission(self, request, obj=None):
        return request.user.is_org_admin

    def has_delete_permission(self, request, obj=None):
        return request.user.is_org_admin


organisation_admin_site = OrganisationAdminSite(name="organisation_admin")


@admin.register(Department, site=organisation_admin_site)
class DepartmentAdmin(OrgAdminPermissions, admin.ModelAdmin):
    list_display = ["name", "parent"]
    list_select_related = ["parent"]
    search_fields = ["name"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]


@admin.register(User, site=organisation_admin_site)
class UserAdmin(OrgAdminPermissions, admin.ModelAdmin):
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
