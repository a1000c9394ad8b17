from django import forms
from django.utils.translation import gettext_lazy as _

MIN_LENGTH = 2


class OrganisationSearchForm(forms.Form):
    """"Find your organisation": part of its name. Empty finds nothing (no list of every customer); one character
    is refused with a message."""

    q = forms.CharField(
        label=_("Your organisation's name"), max_length=100, min_length=MIN_LENGTH, required=False,
        error_messages={"min_length": _("Type at least two letters of the name."),
                        "max_length": _("The name can be at most 100 characters.")},
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "organization", "spellcheck": "false",
                                      "aria-describedby": "find-help"}),
    )

    def __init__(self, *args, live_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        attrs = self.fields["q"].widget.attrs
        if live_url:  # results as one types (htmx), into the live region the form's own hx-target names
            attrs.update({"hx-get": live_url, "hx-trigger": "input changed delay:300ms",
                          "hx-target": "#organisation-results", "hx-swap": "innerHTML"})

    def full_clean(self):
        super().full_clean()
        if self.errors.get("q"):
            self.fields["q"].widget.attrs.update({"aria-invalid": "true", "aria-describedby": "find-help find-error"})
