from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tenants.selectors import OrganisationKind

from . import municipalities


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

    def __init__(self, *args, slug_check_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality_code"].choices = [("", _("— choose —")), *municipalities.choices()]
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
