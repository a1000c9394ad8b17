from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from billing import selectors as billing_selectors
from tenants.selectors import OrganisationKind

from . import municipalities

PAYMENT_LABELS = {
    "invoice": _("By invoice: when the trial ends, Delbar sends the invoice for the first year, as PDF and as a "
                 "Peppol e-invoice"),
    "card": _("By card through Stripe: after the set-up you enter the card; nothing is charged before the trial "
              "ends"),
}


def _kronor(ore: int) -> str:
    return f"{ore // 100:,}".replace(",", "\u00a0")


def _plan_label(plan) -> str:
    """The plan's name, its yearly prices by size and its trial, in the applicant's language."""
    name = plan.name_sv if get_language() == "sv" else plan.name_en
    prices = ", ".join(f"{_kronor(price.yearly_price_ore)} kr" for price in plan.prices.all())
    return _("%(name)s: %(prices)s a year by size, excluding VAT; free for the first %(days)s days") % {
        "name": name, "prices": prices, "days": plan.trial_days}


class StartForm(forms.Form):
    email = forms.EmailField(
        label=_("Your work e-mail"), max_length=254,
        help_text=_("We send a link to this address. Use your address at the organisation, e.g. name@sjobo.se."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class DetailsForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    name = forms.CharField(label=_("The organisation's name"), max_length=200,
                           help_text=_("As it is registered, e.g. Sjöbo kommun."),
                           widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    kind = forms.ChoiceField(label=_("Kind of organisation"), choices=OrganisationKind.choices,
                             widget=forms.RadioSelect)
    organisation_number = forms.CharField(label=_("Organisation number"), max_length=13,
                                          help_text=_("Ten digits, e.g. 212000-1157."))
    municipality_code = forms.ChoiceField(
        label=_("Municipality code"), required=False,
        help_text=_("A municipality chooses itself; others the municipality they are seated in."),
    )
    invoice_address = forms.CharField(label=_("Invoice address"), max_length=500,
                                      widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}))
    buyer_reference = forms.CharField(label=_("Buyer reference"), max_length=100,
                                      help_text=_("The reference your invoices must carry (referens, ansvar)."))
    peppol_id = forms.CharField(label=_("Peppol id"), max_length=100, required=False,
                                help_text=_("For e-invoices. Leave it empty to use 0007 and your organisation "
                                            "number, e.g. 0007:2120001157."))
    slug = forms.CharField(label=_("Address on Delbar"), max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))

    # Decision 0057: the plan, the organisation's size (its price) and how it pays. Choices from billing.
    plan_code = forms.ChoiceField(label=_("Plan"), widget=forms.RadioSelect)
    band = forms.ChoiceField(
        label=_("Your organisation's size"), widget=forms.RadioSelect,
        help_text=_("By inhabitants for a municipality or region, by employees for any other body. It sets the "
                    "yearly price."),
    )
    payment_method = forms.ChoiceField(label=_("How you pay"), widget=forms.RadioSelect)

    field_order = ["full_name", "name", "kind", "organisation_number", "municipality_code", "plan_code", "band",
                   "payment_method", "invoice_address", "buyer_reference", "peppol_id", "slug"]

    def __init__(self, *args, slug_check_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality_code"].choices = [("", _("— choose —")), *municipalities.choices()]
        plans = list(billing_selectors.plans())
        self.fields["plan_code"].choices = [(plan.code, _plan_label(plan)) for plan in plans]
        if len(plans) == 1:
            self.fields["plan_code"].initial = plans[0].code
        self.fields["band"].choices = billing_selectors.size_bands()
        methods = billing_selectors.payment_methods()
        self.fields["payment_method"].choices = [(method, PAYMENT_LABELS[method]) for method in methods]
        self.fields["payment_method"].initial = "invoice"
        self.fields["invoice_address"].help_text = _(
            "The lines of the address, the postal code and town on the last, e.g. 275 80 Sjöbo.")
        self.fields["slug"].help_text = _(
            "Lowercase letters a–z, digits and hyphens: your colleagues will find Delbar at "
            "<address>.%(domain)s."
        ) % {"domain": settings.PLATFORM_DOMAIN}
        if slug_check_url:
            self.fields["slug"].widget.attrs.update({
                "hx-get": slug_check_url, "hx-trigger": "input changed delay:300ms, load",
                "hx-target": "#slug-status", "hx-swap": "innerHTML",
                "aria-describedby": "id_slug_helptext slug-status",
            })


class PasswordForm(forms.Form):
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("At least 10 characters, not only digits, not a common password."))
    password2 = forms.CharField(label=_("The password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data
