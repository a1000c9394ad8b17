"""Billing in the platform console (decision 0058).

- The list of organisations shows each one's plan, way to pay, subscription status, read-only flag and trial end,
  read through billing's selectors in one query for the page, and filters by billing state.
- An organisation's page shows its subscription and its invoices with their PDF and Peppol XML, and the actions
  "mark paid", "credit" and "extend the trial", each on a page of its own with a reason and a confirmation, written
  through console.services, which logs them.
- The plans with their yearly prices per size band, read-only: an issued invoice keeps its own amounts (decision
  0050), and a price is changed by a migration, reviewed like code.

A module of its own, imported by the public URLconf after the console, as console_onboarding is.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from billing import selectors as billing_selectors
from billing import services as billing_services
from billing.models import PaymentMethod, Plan, PlanPrice, SizeBand, SubscriptionStatus
from billing.money import vat_ore
from console import services as console_services
from tenants.models import Organisation

from .console import OrganisationAdmin, _add_errors, console_site

# ------------------------------------------------------------------------------------------ the list of organisations


BAND_SHORT = {SizeBand.SMALL: _("Small"), SizeBand.MEDIUM: _("Medium"), SizeBand.LARGE: _("Large")}


def _plan_name(plan) -> str:
    return plan.name_sv if (get_language() or "sv").startswith("sv") else plan.name_en


def _subscription_column(name, label):
    def show(self, obj):
        subscription = getattr(obj, "console_subscription", None)
        if subscription is None:
            return "–"
        if name == "plan":
            return f"{_plan_name(subscription.plan)} ({BAND_SHORT.get(subscription.band, subscription.band)})"
        if name == "payment_method":
            return subscription.get_payment_method_display() if subscription.payment_method else _("not chosen")
        if name == "status":
            return subscription.get_status_display()
        if subscription.status == SubscriptionStatus.TRIALING and subscription.trial_end:
            return date_format(subscription.trial_end, "SHORT_DATE_FORMAT")
        return "–"
    show.short_description = label
    show.__name__ = f"billing_{name}"
    return show


for _name, _label in [("plan", _("plan")), ("payment_method", _("payment method")),
                      ("status", _("subscription")), ("trial_end", _("trial ends"))]:
    setattr(OrganisationAdmin, f"billing_{_name}", _subscription_column(_name, _label))


@admin.display(description=_("read-only"))
def _billing_read_only(self, obj):
    # Text rather than Django's icon, whose alternative text is "True"/"False" in every language.
    return _("read-only") if obj.billing_read_only else "–"


OrganisationAdmin.billing_read_only_column = _billing_read_only


class BillingStateFilter(admin.SimpleListFilter):
    title = _("billing state")
    parameter_name = "billing"

    def lookups(self, request, model_admin):
        return [
            ("read_only", _("Read-only (payment overdue)")),
            ("trial_ending", _("Trial ending within %(days)s days") % {"days": billing_selectors.TRIAL_ENDING_DAYS}),
            *[(value, label) for value, label in SubscriptionStatus.choices],
            ("none", _("No subscription")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value == "read_only":
            return queryset.filter(billing_read_only=True)
        if value == "none":
            return queryset.exclude(pk__in=billing_selectors.organisation_ids_with_subscription())
        if value == "trial_ending" or value in SubscriptionStatus.values:
            return queryset.filter(pk__in=billing_selectors.organisation_ids_in_state(state=value))
        return queryset


# What the operator scans for first — status, billing state, usage — comes before the organisation's fixed details,
# so that it is on screen without scrolling sideways.
_BILLING_COLUMNS = ["billing_status", "billing_read_only_column", "billing_trial_end", "billing_plan",
                    "billing_payment_method"]
_USAGE_COLUMNS = [name for name in OrganisationAdmin.list_display if name.startswith("usage_")]
OrganisationAdmin.list_display = [
    "name", "status", *_BILLING_COLUMNS, *_USAGE_COLUMNS,
    *[name for name in OrganisationAdmin.list_display if name not in ("name", "status", *_USAGE_COLUMNS)],
]
OrganisationAdmin.list_filter = [*OrganisationAdmin.list_filter, BillingStateFilter]

_usage_changelist_instance = OrganisationAdmin.get_changelist_instance


def _get_changelist_instance(self, request):
    changelist = _usage_changelist_instance(self, request)
    rows = list(changelist.result_list)
    subscriptions = billing_selectors.subscriptions_by_organisation(organisation_ids=[row.pk for row in rows])
    for row in rows:
        row.console_subscription = subscriptions.get(row.pk)
    return changelist


OrganisationAdmin.get_changelist_instance = _get_changelist_instance

# ------------------------------------------------------------------------------------------ an organisation's page


def _kronor(ore: int) -> Decimal:
    return Decimal(ore) / 100


def _invoice_state(invoice, today) -> tuple[str, str]:
    """(state, label): credit_note, paid, credited, overdue or to_pay."""
    if invoice.is_credit_note:
        return "credit_note", _("Credit note for %(number)s") % {"number": invoice.credited_invoice.number}
    if invoice.is_paid:
        return "paid", _("Paid")
    if invoice.is_credited:
        return "credited", _("Credited")
    if invoice.due_date < today:
        return "overdue", _("Overdue")
    return "to_pay", _("To pay")


def billing_context(organisation_id: int) -> dict:
    """What the organisation's page shows of its billing: two queries, however many invoices."""
    today = timezone.localdate()
    subscription = billing_selectors.subscription(organisation_id=organisation_id)
    invoices = list(billing_selectors.organisation_invoices(organisation_id=organisation_id))
    for invoice in invoices:
        invoice.console_state, invoice.console_state_label = _invoice_state(invoice, today)
        invoice.gross_kronor = _kronor(invoice.gross_ore)
    return {
        "subscription": subscription,
        "subscription_plan": _plan_name(subscription.plan) if subscription else "",
        "subscription_band": BAND_SHORT.get(subscription.band, "") if subscription else "",
        # As billing.services.extend_trial: a trial without a card and without an invoice (invoice payment chosen at
        # sign-up is invoiced at the trial's end, decision 0057, so until then its trial may still be extended).
        "trial_extendable": bool(subscription and subscription.status == SubscriptionStatus.TRIALING
                                 and subscription.payment_method != PaymentMethod.CARD
                                 and not any(not invoice.is_credit_note for invoice in invoices)),
        "invoices": invoices,
    }


_change_view_before_billing = OrganisationAdmin.change_view


def _change_view(self, request, object_id, form_url="", extra_context=None):
    extra_context = {**(extra_context or {}),
                     "billing": billing_context(int(object_id)) if str(object_id).isdigit() else None}
    return _change_view_before_billing(self, request, object_id, form_url, extra_context)


OrganisationAdmin.change_view = _change_view


def _own_invoice_or_404(object_id: int, number: str):
    invoice = billing_selectors.organisation_invoice(organisation_id=object_id, number=number)
    if invoice is None:
        raise Http404
    return invoice


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def invoice_pdf_view(self, request, object_id, number):
    invoice = _own_invoice_or_404(object_id, number)
    return _download(billing_services.invoice_pdf(invoice=invoice), "application/pdf", f"{invoice.number}.pdf")


def invoice_xml_view(self, request, object_id, number):
    invoice = _own_invoice_or_404(object_id, number)
    return _download(billing_services.invoice_xml(invoice=invoice), "application/xml", f"{invoice.number}.xml")


class _ConfirmedForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=console_services.REASON_MAX_LENGTH,
                             help_text=_("Kept in the log of platform actions."))
    confirm = forms.BooleanField(label=_("I have checked that this is the right organisation"))


class _Date(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class PaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=_Date(),
                              help_text=_("The day the payment reached Delbar's account."))
    reason = _ConfirmedForm.base_fields["reason"]
    confirm = _ConfirmedForm.base_fields["confirm"]


class CreditForm(_ConfirmedForm):
    pass


class ExtendTrialForm(forms.Form):
    trial_end = forms.DateField(label=_("New end of the trial"), widget=_Date(),
                                help_text=_("The last day of the trial."))
    reason = _ConfirmedForm.base_fields["reason"]
    confirm = _ConfirmedForm.base_fields["confirm"]


def _billing_action_view(*, action, form_class, title, intro, run, initial=lambda organisation, invoice: {}):
    """A page for one billing action on an organisation (an invoice of its, when the URL names one): what happens,
    the inputs, a reason and a confirmation; POST does it through console.services, which logs it."""

    def view(self, request, object_id, number=None):
        organisation = get_object_or_404(Organisation, pk=object_id)
        invoice = _own_invoice_or_404(organisation.pk, number) if number is not None else None
        if request.method == "POST":
            form = form_class(request.POST)
            if form.is_valid():
                try:
                    message = run(request, organisation, invoice, form.cleaned_data)
                except ValidationError as error:
                    _add_errors(form, error)
                else:
                    self.message_user(request, message, messages.SUCCESS)
                    return HttpResponseRedirect(reverse("console:tenants_organisation_change",
                                                        args=[organisation.pk]))
        else:
            form = form_class(initial=initial(organisation, invoice))
        names = {"name": organisation.name, "number": invoice.number if invoice else ""}
        context = {
            **console_site.each_context(request), "title": title % names, "organisation": organisation,
            "form": form, "action": action, "intro": intro(organisation, invoice), "opts": Organisation._meta,
            "planned": None,
        }
        return TemplateResponse(request, "console/confirm.html", context)

    view.__name__ = f"{action}_view"
    return view


def _amount(invoice) -> str:
    return number_format(_kronor(invoice.gross_ore), decimal_pos=2, force_grouping=True)


def _run_paid(request, organisation, invoice, data):
    console_services.mark_invoice_paid(organisation=organisation, number=invoice.number, paid_on=data["paid_on"],
                                       by=request.user, reason=data["reason"])
    return _("Invoice %(number)s is marked paid.") % {"number": invoice.number}


def _run_credit(request, organisation, invoice, data):
    credit_note = console_services.issue_credit_note(organisation=organisation, number=invoice.number,
                                                     by=request.user, reason=data["reason"])
    return _("Credit note %(credit)s credits invoice %(number)s.") % {"credit": credit_note.number,
                                                                      "number": invoice.number}


def _run_extend(request, organisation, invoice, data):
    console_services.extend_trial(organisation=organisation, trial_end=data["trial_end"], by=request.user,
                                  reason=data["reason"])
    return _("The trial of %(name)s now ends on %(date)s.") % {
        "name": organisation.name, "date": date_format(data["trial_end"], "DATE_FORMAT")}


mark_paid_view = _billing_action_view(
    action="invoice_paid", form_class=PaidForm, title=_("Mark invoice %(number)s paid"), run=_run_paid,
    intro=lambda o, invoice: _("Books that %(name)s has paid invoice %(number)s, %(amount)s SEK including VAT, due "
                               "%(due)s. If nothing else is overdue, its read-only mode ends at once.")
    % {"name": o.name, "number": invoice.number, "amount": _amount(invoice),
       "due": date_format(invoice.due_date, "DATE_FORMAT")},
    initial=lambda o, invoice: {"paid_on": timezone.localdate()},
)
credit_view = _billing_action_view(
    action="credit_note", form_class=CreditForm, title=_("Credit invoice %(number)s"), run=_run_credit,
    intro=lambda o, invoice: _("Issues a credit note for the whole of invoice %(number)s to %(name)s (%(amount)s "
                               "SEK including VAT), numbered in the credit notes' series and naming the invoice. The "
                               "invoice itself stays as it is, as bookkeeping requires, and cannot be credited "
                               "again. The credit note is sent to the Peppol access point when one is configured.")
    % {"name": o.name, "number": invoice.number, "amount": _amount(invoice)},
)
extend_trial_view = _billing_action_view(
    action="extend_trial", form_class=ExtendTrialForm, title=_("Extend the trial of %(name)s"), run=_run_extend,
    intro=lambda o, invoice: _("%(name)s has not chosen how to pay yet. Its trial is moved to end later; nothing is "
                               "invoiced until it chooses.") % {"name": o.name},
)

_get_urls_before_billing = OrganisationAdmin.get_urls


def _get_urls(self):
    wrap = self.admin_site.admin_view

    def bound(view):
        return wrap(lambda request, **kwargs: view(self, request, **kwargs))

    return [
        path("<int:object_id>/invoices/<str:number>.pdf", bound(invoice_pdf_view), name="console_invoice_pdf"),
        path("<int:object_id>/invoices/<str:number>.xml", bound(invoice_xml_view), name="console_invoice_xml"),
        path("<int:object_id>/invoices/<str:number>/paid/", bound(mark_paid_view), name="console_invoice_paid"),
        path("<int:object_id>/invoices/<str:number>/credit/", bound(credit_view), name="console_invoice_credit"),
        path("<int:object_id>/extend-trial/", bound(extend_trial_view), name="console_extend_trial"),
        *_get_urls_before_billing(self),
    ]


OrganisationAdmin.get_urls = _get_urls

# ------------------------------------------------------------------------------------------------------- plans


def _price_column(band, label):
    def show(self, obj):
        price = next((p.yearly_price_ore for p in obj.prices.all() if p.band == band), None)
        if price is None:
            return "–"
        return _("%(net)s SEK (%(gross)s incl. VAT)") % {
            "net": number_format(_kronor(price), decimal_pos=0, force_grouping=True),
            "gross": number_format(_kronor(price + vat_ore(price)), decimal_pos=0, force_grouping=True)}
    show.short_description = label
    show.__name__ = f"price_{band}"
    return show


class PlanPriceInline(admin.TabularInline):
    model = PlanPrice
    extra = 0
    can_delete = False
    fields = ["band", "yearly_price_excluding_vat", "yearly_price_including_vat"]
    readonly_fields = fields

    @admin.display(description=_("yearly price excluding VAT (SEK)"))
    def yearly_price_excluding_vat(self, obj):
        return number_format(_kronor(obj.yearly_price_ore), decimal_pos=2, force_grouping=True)

    @admin.display(description=_("yearly price including 25 % VAT (SEK)"))
    def yearly_price_including_vat(self, obj):
        return number_format(_kronor(obj.yearly_price_ore + vat_ore(obj.yearly_price_ore)), decimal_pos=2,
                             force_grouping=True)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Plan, site=console_site)
class PlanAdmin(admin.ModelAdmin):
    """Plans and their yearly prices, read-only. A price changed here would not change an issued invoice (each keeps
    its own amounts), but it would change what every new invoice and card checkout asks for: that is a migration."""

    list_display = ["code", "name_sv", "name_en", "trial_days", "is_active", "price_small", "price_medium",
                    "price_large"]
    fields = ["code", "name_sv", "name_en", "trial_days", "is_active"]
    readonly_fields = fields
    inlines = [PlanPriceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("prices")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for _band, _band_label in BAND_SHORT.items():
    setattr(PlanAdmin, f"price_{_band}", _price_column(_band, _band_label))
