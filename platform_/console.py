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


# ------------------------------------------------------------------------------ running organisations (decision 0053)
# Suspend, reactivate, export, delete after a grace period and create with a first admin: each on a page of its own
# that says what will happen and asks for a reason, written through console.services, which logs it (who, what, why)
# in the same transaction. The organisation list shows usage from console.selectors: two queries for the page.

from django.core.exceptions import PermissionDenied, ValidationError  # noqa: E402
from django.http import FileResponse, Http404, HttpResponseRedirect  # noqa: E402
from django.shortcuts import get_object_or_404  # noqa: E402
from django.template.response import TemplateResponse  # noqa: E402
from django.urls import path, reverse  # noqa: E402
from django.utils.formats import date_format, number_format  # noqa: E402

from console import selectors as console_selectors  # noqa: E402
from console import services as console_services  # noqa: E402
from console.models import PlatformAction  # noqa: E402
from tenants.models import OrganisationKind  # noqa: E402
from tenants.services import OrganisationDetails  # noqa: E402


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=console_services.REASON_MAX_LENGTH,
                             help_text=_("Kept in the log of platform actions, and told to the organisation's admins "
                                         "where they are e-mailed."))
    confirm = forms.BooleanField(label=_("I have checked that this is the right organisation"))


class ExportForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=console_services.REASON_MAX_LENGTH,
                             help_text=_("Kept in the log of platform actions."))


class NewOrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(label=_("Address on Delbar"), max_length=40,
                           help_text=_("The sub-domain, e.g. sjobo for sjobo.delbar.se."))
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    organisation_number = forms.CharField(label=_("Organisation number"), max_length=11)
    municipality_code = forms.CharField(label=_("Municipality code"), max_length=4, required=False)
    email_domains = forms.CharField(label=_("E-mail domains"), required=False,
                                    help_text=_("The organisation's own e-mail domains, e.g. ystad.se. Separate "
                                                "several with commas."))
    first_admin_email = forms.EmailField(label=_("First admin's e-mail address"),
                                         help_text=_("They get an e-mail with a one-time link to set a password."))
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=console_services.REASON_MAX_LENGTH,
                             help_text=_("Kept in the log of platform actions, e.g. the order's reference."))


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _usage_columns():
    def column(name, label):
        def show(self, obj):
            usage = getattr(obj, "console_usage", None)
            value = getattr(usage, name, None) if usage else None
            if value is None:
                return "–"
            if name == "last_activity":
                return date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")
            return number_format(value, force_grouping=True)
        show.short_description = label
        show.__name__ = f"usage_{name}"
        return show
    return {f"usage_{name}": column(name, label) for name, label in [
        ("people", _("people")), ("listings", _("listings")), ("items_mediated", _("items mediated")),
        ("last_activity", _("last activity"))]}


for _name, _column in _usage_columns().items():
    setattr(OrganisationAdmin, _name, _column)

OrganisationAdmin.list_display = [*OrganisationAdmin.list_display, "usage_people", "usage_listings",
                                  "usage_items_mediated", "usage_last_activity"]
# Suspending and reactivating are pages of their own, with a reason and a confirmation (not bulk actions).
OrganisationAdmin.actions = [name for name in OrganisationAdmin.actions if name not in ("suspend", "reactivate")]
OrganisationAdmin.change_form_template = "console/organisation_change_form.html"
OrganisationAdmin.change_list_template = "console/organisation_change_list.html"

_original_changelist_instance = OrganisationAdmin.get_changelist_instance


def _get_changelist_instance(self, request):
    changelist = _original_changelist_instance(self, request)
    rows = list(changelist.result_list)  # evaluates the page once; the rows keep what is set on them here
    usage = console_selectors.usage_by_organisation(organisation_ids=[row.pk for row in rows])
    for row in rows:
        row.console_usage = usage.get(row.pk)
    return changelist


OrganisationAdmin.get_changelist_instance = _get_changelist_instance


def _console_view(admin_view, template, *, action, form_class, title, run, intro):
    """A page of one organisation: what will happen, a reason and a confirmation; POST does it."""

    def view(self, request, object_id):
        organisation = get_object_or_404(Organisation, pk=object_id)
        if request.method == "POST":
            form = form_class(request.POST)
            if form.is_valid():
                try:
                    message = run(request, organisation, form.cleaned_data)
                except ValidationError as error:
                    _add_errors(form, error)
                else:
                    self.message_user(request, message, messages.SUCCESS)
                    return HttpResponseRedirect(reverse("console:tenants_organisation_change", args=[organisation.pk]))
        else:
            form = form_class()
        context = {
            **console_site.each_context(request), "title": title % {"name": organisation.name},
            "organisation": organisation, "form": form, "action": action, "intro": intro(organisation),
            "opts": Organisation._meta, "planned": console_selectors.planned_deletion(organisation_id=organisation.pk),
        }
        return TemplateResponse(request, template, context)

    view.__name__ = f"{action}_view"
    return view


def _admins_count(organisation) -> int:
    from django_tenants.utils import schema_context

    from accounts import selectors as people

    with schema_context(organisation.schema_name):
        return len(people.org_admin_addresses())


def _run_suspend(request, organisation, data):
    reason = data["reason"]
    console_services.suspend(organisation=organisation, by=request.user, reason=reason)
    return _("%(name)s is suspended; its admins have been told why.") % {"name": organisation.name}


def _run_reactivate(request, organisation, data):
    reason = data["reason"]
    console_services.reactivate(organisation=organisation, by=request.user, reason=reason)
    return _("%(name)s is active again; its admins have been told.") % {"name": organisation.name}


def _run_mark(request, organisation, data):
    reason = data["reason"]
    planned = console_services.mark_for_deletion(organisation=organisation, by=request.user, reason=reason)
    return _("%(name)s is suspended and will be deleted for good after %(date)s unless it is reactivated first.") % {
        "name": organisation.name, "date": date_format(timezone.localtime(planned.due_at), "DATE_FORMAT")}


def _run_export(request, organisation, data):
    reason = data["reason"]
    console_services.request_export(organisation=organisation, by=request.user, reason=reason)
    return _("The export of %(name)s is being built; it appears on this page when it is ready.") % {
        "name": organisation.name}


OrganisationAdmin.suspend_view = _console_view(
    None, "console/confirm.html", action="suspend", form_class=ReasonForm,
    title=_("Suspend %(name)s"), run=_run_suspend,
    intro=lambda o: _("Nobody of %(name)s can log in while it is suspended, and its offers are hidden from other "
                      "organisations. Its data is kept. Its %(admins)s admins are e-mailed the reason.")
    % {"name": o.name, "admins": _admins_count(o)},
)
OrganisationAdmin.reactivate_view = _console_view(
    None, "console/confirm.html", action="reactivate", form_class=ReasonForm,
    title=_("Reactivate %(name)s"), run=_run_reactivate,
    intro=lambda o: _("%(name)s's people can log in again and its offers are shown again. A planned deletion is "
                      "cancelled. Its %(admins)s admins are e-mailed.") % {"name": o.name, "admins": _admins_count(o)},
)
OrganisationAdmin.mark_for_deletion_view = _console_view(
    None, "console/confirm.html", action="delete", form_class=ReasonForm,
    title=_("Delete %(name)s"), run=_run_mark,
    intro=lambda o: _("%(name)s is suspended now and deleted for good after %(days)s days: its schema with all its "
                      "data and its photos are dropped, its people's names are removed from the exchange's records, "
                      "and Delbar's invoices to it are kept. Until then, reactivating it cancels the deletion. "
                      "Export its data first if it asks for it. Its %(admins)s admins are e-mailed.")
    % {"name": o.name, "days": console_services.GRACE_DAYS, "admins": _admins_count(o)},
)
OrganisationAdmin.export_view = _console_view(
    None, "console/confirm.html", action="export", form_class=ExportForm,
    title=_("Export %(name)s"), run=_run_export,
    intro=lambda o: _("A zip of everything %(name)s keeps on Delbar: each of its tables as JSON and CSV, its "
                      "photos, and a README of the format. Passwords, sessions and tokens are left out.")
    % {"name": o.name},
)


class InviteAdminForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"),
                             help_text=_("They get an e-mail with a one-time link to set a password."))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=console_services.REASON_MAX_LENGTH,
                             help_text=_("Kept in the log of platform actions."))


def _run_invite(request, organisation, data):
    from django.db import transaction

    try:
        with transaction.atomic():
            address = console_services.invite_first_admin(organisation=organisation, email=data["email"],
                                                          by=request.user, reason=data["reason"])
    except ValidationError as error:
        raise ValidationError({"email": error.messages}) from error
    return _("An invitation has been sent to %(email)s.") % {"email": address}


OrganisationAdmin.invite_admin_view = _console_view(
    None, "console/confirm.html", action="invite", form_class=InviteAdminForm,
    title=_("Invite an admin of %(name)s"), run=_run_invite,
    intro=lambda o: _("For an organisation without an admin who can invite (a new one, or one whose last admin has "
                      "left): the person becomes an organisation admin of %(name)s once they have set a password "
                      "through the e-mailed link.") % {"name": o.name},
)


def _download_export(self, request, export_id):
    export = console_selectors.export(pk=export_id)
    if export is None or not export.path:
        raise Http404
    from pathlib import Path

    from django.conf import settings as django_settings

    full = Path(django_settings.MEDIA_ROOT) / export.path
    if not full.is_file():
        raise Http404
    if not console_site.has_permission(request):
        raise PermissionDenied
    return FileResponse(full.open("rb"), as_attachment=True, filename=full.name, content_type="application/zip")


def _new_organisation_view(self, request):
    if request.method == "POST":
        form = NewOrganisationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            details = OrganisationDetails(
                name=data["name"], slug=data["slug"], kind=data["kind"],
                organisation_number=data["organisation_number"], municipality_code=data["municipality_code"],
                email_domains=tuple(part.strip() for part in data["email_domains"].split(",") if part.strip()),
            )
            try:
                organisation = console_services.create_organisation(
                    details=details, first_admin_email=data["first_admin_email"], by=request.user,
                    reason=data["reason"])
            except ValidationError as error:
                _add_errors(form, error)
            else:
                self.message_user(request, _("%(name)s is ready; an invitation has been sent to %(email)s.") % {
                    "name": organisation.name, "email": data["first_admin_email"]}, messages.SUCCESS)
                return HttpResponseRedirect(reverse("console:tenants_organisation_change", args=[organisation.pk]))
    else:
        form = NewOrganisationForm()
    context = {**console_site.each_context(request), "title": _("New organisation"), "form": form,
               "opts": Organisation._meta}
    return TemplateResponse(request, "console/new_organisation.html", context)


_original_get_urls = OrganisationAdmin.get_urls


def _get_urls(self):
    wrap = self.admin_site.admin_view
    return [
        path("new/", wrap(lambda request: _new_organisation_view(self, request)), name="console_new_organisation"),
        path("<int:object_id>/suspend/", wrap(lambda request, object_id: self.suspend_view(request, object_id)),
             name="console_suspend"),
        path("<int:object_id>/reactivate/",
             wrap(lambda request, object_id: self.reactivate_view(request, object_id)), name="console_reactivate"),
        path("<int:object_id>/delete-later/",
             wrap(lambda request, object_id: self.mark_for_deletion_view(request, object_id)),
             name="console_mark_for_deletion"),
        path("<int:object_id>/invite-admin/",
             wrap(lambda request, object_id: self.invite_admin_view(request, object_id)), name="console_invite_admin"),
        path("<int:object_id>/export/", wrap(lambda request, object_id: self.export_view(request, object_id)),
             name="console_export"),
        path("exports/<int:export_id>/", wrap(lambda request, export_id: _download_export(self, request, export_id)),
             name="console_download_export"),
        *_original_get_urls(self),
    ]


OrganisationAdmin.get_urls = _get_urls


_original_change_view = OrganisationAdmin.change_view


def _change_view(self, request, object_id, form_url="", extra_context=None):
    extra_context = {
        **(extra_context or {}),
        "platform_actions": list(console_selectors.actions(organisation_id=int(object_id))[:50])
        if str(object_id).isdigit() else [],
        "exports": list(console_selectors.exports(organisation_id=int(object_id))[:10])
        if str(object_id).isdigit() else [],
        "planned": console_selectors.planned_deletion(organisation_id=int(object_id))
        if str(object_id).isdigit() else None,
    }
    return _original_change_view(self, request, object_id, form_url, extra_context)


OrganisationAdmin.change_view = _change_view


@admin.register(PlatformAction, site=console_site)
class PlatformActionAdmin(admin.ModelAdmin):
    """The log of every platform action: read only."""

    list_display = ["at", "organisation_name", "kind", "actor_email", "reason"]
    list_filter = ["kind"]
    search_fields = ["organisation_name", "actor_email", "reason"]
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
