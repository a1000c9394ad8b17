"""The organisation's remaining Django admin site, for organisation admins (tenant schema): the category tree and
the outgoing e-mail. Departments, people and invitations are Delbar's own pages now (orgadmin, decision 0039)."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from outbox.admin import OutboxMessageAdmin
from outbox.models import OutboxMessage


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


# Departments, people and invitations are managed in Delbar's own pages, /administrera/ (orgadmin, decision 0039):
# this site keeps only what has no page of its own yet, the category tree (catalog.admin) and the outgoing e-mail.


# The organisation's outgoing e-mail: what waits, what was given up (with the error), and a retry.
organisation_admin_site.register(OutboxMessage, OutboxMessageAdmin)
