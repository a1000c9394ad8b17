from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from django import forms
from django.utils.translation import gettext_lazy as _

from . import services
from .errors import AccountError
from .models import Role
from .selectors import department_choices


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)
    department = forms.TypedChoiceField(
        label=_("Department"), coerce=int, error_messages={"required": _("Choose a department.")}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Nothing chosen for the admin: a department picked by default is a department picked by mistake.
        self.fields["department"].choices = [("", _("— choose —")), *department_choices()]


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits and not a common password."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class AddEmailForm(AllauthAddEmailForm):
    """allauth's form on /konto/email/ (ACCOUNT_FORMS["add_email"]): only addresses at the organisation's domains."""

    def clean_email(self) -> str:
        try:
            services.check_staff_email(email=self.cleaned_data["email"])
        except AccountError as error:
            raise forms.ValidationError(error.message, code=error.code) from error
        return super().clean_email()
