"""The platform console at the root domain: Django admin for platform admins (public schema users)."""

from allauth.account.decorators import secure_admin_login
from django import forms
from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
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


class LabelledInlineFormSet(BaseInlineFormSet):
    """A tabular inline's inputs sit under column headings, not labels: each gets an aria-label naming its column and
    row, so that a screen reader (and axe) knows what it is (decision 0040)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = _("new") if index is None else index + 1
        for name, field in form.fields.items():
            if not field.widget.is_hidden:
                field.widget.attrs["aria-label"] = f"{capfirst(field.label or name)} ({row})"


class DomainInline(admin.TabularInline):
    formset = LabelledInlineFormSet
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


# ------------------------------------------------------------------------------ impact factors (decision 0032)
# A published version is never changed (the database refuses it too): platform admins draft a new version from the
# current one, edit its factors here, and publish it. Every value is checked by impact's own checks, with the
# same messages the services give.

from django.utils import timezone  # noqa: E402

from impact import checks as impact_checks  # noqa: E402
from impact import services as impact_services  # noqa: E402
from impact.errors import ImpactError  # noqa: E402
from impact.models import Factor, FactorVersion  # noqa: E402
from taxonomy import selectors as taxonomy  # noqa: E402


class FactorForm(forms.ModelForm):
    category_key = forms.ChoiceField(label=_("platform category"), choices=())
    source_url = forms.URLField(label=_("source address"), max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Factor
        fields = list(impact_services.FACTOR_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category_key"].choices = taxonomy.choices()

    def clean(self):
        data = super().clean()
        errors = impact_checks.factor_errors(
            category_key=data.get("category_key", ""), co2e_per_item=data.get("co2e_per_item"),
            typical_weight_kg=data.get("typical_weight_kg"), reference_price=data.get("reference_price"),
            source=data.get("source", ""), source_year=data.get("source_year"),
            price_source=data.get("price_source", ""), method=data.get("method", ""),
            this_year=timezone.localdate().year, is_key=taxonomy.is_key,
        )
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name, message)
        return data


class FactorInline(admin.StackedInline):
    model = Factor
    form = FactorForm
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return obj is not None and not obj.is_published

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.is_published

    def has_view_permission(self, request, obj=None):
        return True


@admin.register(FactorVersion, site=console_site)
class FactorVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "published_at", "valid_from", "published_by_name", "note"]
    fields = ["number", "note", "based_on", "created_at", "published_at", "valid_from", "published_by_name"]
    readonly_fields = ["number", "based_on", "created_at", "published_at", "valid_from", "published_by_name"]
    inlines = [FactorInline]
    actions = ["draft_from", "publish"]

    def has_add_permission(self, request):
        return False  # a version is drafted from the current one (the action), never empty

    def has_delete_permission(self, request, obj=None):
        return obj is not None and not obj.is_published

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return [*self.readonly_fields, "note"]
        return self.readonly_fields

    def save_formset(self, request, form, formset, change):
        # Each factor through the service: a published version is refused with its message.
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not inline_form.cleaned_data:
                continue
            data = inline_form.cleaned_data
            impact_services.set_factor(version=form.instance, **{name: data[name] for name in
                                                                 impact_services.FACTOR_FIELDS})

    @admin.action(description=_("Draft a new version from the current one"))
    def draft_from(self, request, queryset):
        draft = impact_services.draft_version(by=request.user)
        self.message_user(request, _("Version %(number)s is a draft: edit its factors, then publish it.")
                          % {"number": draft.number}, messages.SUCCESS)

    @admin.action(description=_("Publish the selected draft"))
    def publish(self, request, queryset):
        for version in queryset:
            try:
                impact_services.publish_version(version=version, by=request.user, note=version.note)
            except ImpactError as refused:
                self.message_user(request, refused.message, messages.ERROR)
            else:
                self.message_user(request, _("Version %(number)s is published: it counts what changes hands from "
                                             "now on.") % {"number": version.number}, messages.SUCCESS)
