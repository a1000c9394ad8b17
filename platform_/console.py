"""The platform console at the root domain: Django admin for platform admins (public schema users)."""

from allauth.account.decorators import secure_admin_login
from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from tenants.models import Domain, Organisation, OrganisationStatus
from tenants.services import (
    normalise_email_domains,
    set_email_domains,
    set_status,
    set_time_zone,
    update_settings,
)


class ConsoleSite(admin.AdminSite):
    site_header = _("Delbar platform console")
    site_title = _("Delbar console")
    index_title = _("Organisations and platform admins")

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_authenticated and user.is_active and user.is_superuser


console_site = ConsoleSite(name="console")
# No password form of its own: the console's login page sends to allauth's, with its rate limits and lockout
# (docs/decisions/0017-logins-through-allauth.md). A logged-in person who is not a platform admin gets 403.
console_site.login = secure_admin_login(console_site.login)


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ["domain", "is_primary"]


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "organisation_number", "municipality_code", "email_domains", "reservation_days"]

    def clean_email_domains(self):
        # The same normalising as tenants.services.set_email_domains: "Ystad.SE" is kept as "ystad.se".
        return normalise_email_domains(self.cleaned_data.get("email_domains") or [])


@admin.register(Organisation, site=console_site)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "slug", "kind", "organisation_number", "municipality_code", "time_zone",
                    "reservation_days", "status", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "slug", "organisation_number"]
    readonly_fields = ["schema_name", "slug", "status", "created_at", "updated_at"]
    fields = ["name", "slug", "kind", "organisation_number", "municipality_code", "email_domains", "time_zone",
              "reservation_days", "status", "schema_name", "created_at", "updated_at"]
    inlines = [DomainInline]
    actions = ["suspend", "reactivate"]

    def has_add_permission(self, request):
        return False  # organisations are created by provisioning (manage.py provision_organisation, sign-up)

    def has_delete_permission(self, request, obj=None):
        return False  # an organisation's data is its own; deletion is a deliberate, separate procedure

    def save_model(self, request, obj, form, change):
        if "email_domains" in form.changed_data:
            obj.email_domains = set_email_domains(
                organisation=obj, domains=form.cleaned_data["email_domains"]
            ).email_domains
        if "time_zone" in form.changed_data:
            obj.time_zone = set_time_zone(organisation=obj, time_zone=form.cleaned_data["time_zone"]).time_zone
        if "reservation_days" in form.changed_data:
            obj.reservation_days = update_settings(
                organisation=obj, reservation_days=form.cleaned_data["reservation_days"]
            ).reservation_days
        super().save_model(request, obj, form, change)

    def _set_status(self, request, queryset, status):
        for organisation in queryset:
            set_status(organisation=organisation, status=status)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)d organisation updated.", "%(count)d organisations updated.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Suspend the selected organisations"))
    def suspend(self, request, queryset):
        self._set_status(request, queryset, OrganisationStatus.SUSPENDED)

    @admin.action(description=_("Reactivate the selected organisations"))
    def reactivate(self, request, queryset):
        self._set_status(request, queryset, OrganisationStatus.ACTIVE)


@admin.register(User, site=console_site)
class PlatformAdminAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "is_superuser", "is_active", "last_login"]
    fields = ["email", "full_name", "is_superuser", "is_active", "last_login"]
    readonly_fields = ["last_login"]
