"""Forms of the organisation's own impact decisions (decision 0032): a reference price of its own for a platform
category, and a correction of one listing's items. They only carry the text typed; impact.services checks it and
gives each field its message (ImpactError.fields), the note's length included."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

NOTE_HELP = _("Required: why, and where the figure comes from. It is shown with the figures.")


class PriceOverrideForm(forms.Form):
    reference_price = forms.CharField(
        label=_("Our reference new price (SEK per item, excl. VAT)"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("A whole number or with decimals, e.g. 2450 or 2450,50."))
    note = forms.CharField(label=_("Note"), required=False, help_text=NOTE_HELP,
                           widget=forms.Textarea(attrs={"rows": 3}))


class CorrectionForm(forms.Form):
    WEIGHT, NOT_BOUGHT = "weight", "not_bought"
    kind = forms.ChoiceField(
        label=_("What should its items count for?"), widget=forms.RadioSelect,
        choices=[(WEIGHT, _("Another weight per item (its CO₂e follows the weight)")),
                 (NOT_BOUGHT, _("Nothing: it would not have been bought (no CO₂e, no SEK saved)"))],
        error_messages={"required": _("Choose another weight or “would not have been bought”.")})
    weight_kg = forms.CharField(
        label=_("Weight per item (kg)"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("Only for another weight, e.g. 12,5."))
    note = forms.CharField(label=_("Note"), required=False, help_text=NOTE_HELP,
                           widget=forms.Textarea(attrs={"rows": 3}))


def with_service_errors(form: forms.Form, error) -> None:
    """Put an ImpactError's messages beside their fields (the rest above the form)."""
    fields = getattr(error, "fields", None) or {}
    for name, message in fields.items():
        form.add_error(name if name in form.fields else None, message)
    if not fields:
        form.add_error(None, error.message)
