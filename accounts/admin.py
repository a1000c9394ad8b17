"""The organisation's Django admin site (tenant schema), for platform staff only: the category tree and the
outgoing e-mail, as Delbar's staff see them when they help an organisation (decision 0039).

Organisation admins run their organisation from Delbar's own pages under /administrera/ (orgadmin): one who opens
/admin/ is sent to the page there that does the same, with a notice saying so; anyone else logged in who is not
platform staff gets a 403 page that says who /admin/ is for. Anonymous visitors are sent to allauth's login."""

from functools import update_wrapper

from allauth.account.decorators import secure_admin_login
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from outbox.admin import OutboxMessageAdmin
from outbox.models import OutboxMessage

# Where an organisation admin who opens Django admin is sent: the page of Delbar's own that does the same
# (URL names of orgadmin's pages; the hub for anything else).
ADMINISTRERA_FOR = {
    ("catalog", "category"): "orgadmin_categories",
    ("outbox", "outboxmessage"): "orgadmin_outgoing_email",
    ("accounts", "user"): "orgadmin_people",
    ("accounts", "invitation"): "orgadmin_people",
    ("accounts", "department"): "orgadmin_departments",
}


def is_platform_staff(user) -> bool:
    """Delbar's own staff: a superuser of this schema. Not ``is_staff``, which the tenant User gives organisation
    admins too (accounts.models.User.is_staff). Safe for anonymous visitors."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def administrera_url(admin_path: str) -> str:
    """The page under /administrera/ for a path inside the admin site ("catalog/category/7/change/")."""
    parts = [part for part in admin_path.split("/") if part]
    name = ADMINISTRERA_FOR.get(tuple(parts[:2]))
    if name == "orgadmin_categories" and len(parts) >= 3 and parts[2].isdigit():
        return reverse("orgadmin_category", args=[int(parts[2])])
    return reverse(name or "orgadmin")


class OrganisationAdminSite(admin.AdminSite):
    site_header = _("Delbar – administration")
    site_title = _("Delbar administration")
    index_title = _("Your organisation")

    def has_permission(self, request) -> bool:
        # Anyone may ask, logged in or not: one answer, used by every model.
        return is_platform_staff(request.user)

    def admin_view(self, view, cacheable=False):
        return self.not_for_the_organisations_own_people(super().admin_view(view, cacheable))

    def not_for_the_organisations_own_people(self, view):
        """A logged-in person who is not platform staff gets a clear answer instead of Django admin's login form:
        an organisation admin the equivalent page under /administrera/, anyone else a 403 saying who it is for."""

        def guarded(request, *args, **kwargs):
            user = request.user
            if user.is_authenticated and not self.has_permission(request):
                if getattr(user, "is_org_admin", False):
                    messages.info(request, gettext(
                        "Django admin (/admin/) is for Delbar's platform staff. You run your organisation here, "
                        "under “Administration”."))
                    return redirect(administrera_url(request.path[len(reverse(f"{self.name}:index")):]))
                return self.platform_staff_only(request)
            return view(request, *args, **kwargs)

        return update_wrapper(guarded, view)

    def platform_staff_only(self, request):
        return TemplateResponse(request, "admin/platform_staff_only.html", status=403)


class OrgAdminPermissions:
    """Platform staff manage everything in these models, within the organisation's schema: the site's one rule
    (the name is older than the rule: organisation admins have their own pages, decision 0039)."""

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
# No password form of its own: /admin/login/ sends to allauth's login, with its rate limits (see platform_/console.py),
# and a logged-in organisation admin or member gets the same answer as on any other admin page.
organisation_admin_site.login = organisation_admin_site.not_for_the_organisations_own_people(
    secure_admin_login(organisation_admin_site.login)
)


# Departments, people and invitations are managed in Delbar's own pages, /administrera/ (orgadmin, decision 0039);
# categories (catalog.admin) and the outgoing e-mail stay here for platform staff, beside /administrera/kategorier/
# and /administrera/e-post/.

# The organisation's outgoing e-mail: what waits, what was given up (with the error), and a retry.
organisation_admin_site.register(OutboxMessage, OutboxMessageAdmin)
