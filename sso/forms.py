from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import selectors as people
from accounts.roles import Role

from . import selectors

ROLE_CHOICES = [(value, label) for value, label in Role.choices if value != Role.ORG_ADMIN]


class LoginForm(AllauthLoginForm):
    """allauth's login form (ACCOUNT_FORMS["login"]): a right password is still refused when the organisation logs
    in only through its provider and the person is not one of its admins."""

    def clean(self):
        cleaned = super().clean()
        user = getattr(self, "user", None)
        if user is not None:
            refusal = selectors.password_login_refusal(user=user)
            if refusal is not None:
                raise forms.ValidationError(refusal.message, code=refusal.code)
        return cleaned


class ConfigurationForm(forms.Form):
    enabled = forms.BooleanField(label=_("Single sign-on is on"), required=False)
    server_url = forms.URLField(
        label=_("Issuer or discovery URL"), max_length=500, assume_scheme="https",
        help_text=_("For Microsoft Entra ID: https://login.microsoftonline.com/<tenant id>/v2.0. Delbar fetches "
                    "/.well-known/openid-configuration from it when you save."),
    )
    client_id = forms.CharField(label=_("Client id"), max_length=255,
                                help_text=_("Entra ID: the application (client) id."))
    client_secret = forms.CharField(
        label=_("Client secret"), max_length=1000, required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    button_label = forms.CharField(
        label=_("Name on the login button"), max_length=60,
        help_text=_("Shown as “Log in with …”, for example “Ystads kommun” or “Microsoft”."),
    )
    email_domains = forms.CharField(
        label=_("E-mail domains (optional)"), required=False, max_length=2000,
        help_text=_("One or more, separated by commas or spaces, for example ystad.se. Addresses elsewhere are "
                    "refused. Required for Microsoft Entra ID, whose user names are trusted only at these domains."),
    )
    default_department = forms.TypedChoiceField(
        label=_("Department of new accounts"), coerce=int,
        error_messages={"required": _("Choose a department.")},
    )
    default_role = forms.ChoiceField(label=_("Role of new accounts"), choices=ROLE_CHOICES, initial=Role.MEMBER)
    sso_only = forms.BooleanField(
        label=_("Only single sign-on: refuse passwords of everyone but the organisation admins"), required=False,
    )

    def __init__(self, *args, secret_is_set: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_department"].choices = [("", _("— choose —")), *people.department_choices()]
        self.fields["client_secret"].help_text = (
            _("A secret is set. Leave the field empty to keep it, or enter a new one to replace it.")
            if secret_is_set else _("Entra ID: a client secret's value (not its id). It is never shown again.")
        )
        self.fields["client_secret"].required = not secret_is_set

    def domains(self) -> list[str]:
        return [part for part in self.cleaned_data["email_domains"].replace(",", " ").split() if part]
