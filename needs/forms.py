"""Forms of the needs pages. They check shape and types; the rules live in needs.services."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NeedStatus, NewPurchaseReason


class NeedForm(forms.Form):
    what = forms.CharField(label=_("What do you need?"), max_length=200,
                           help_text=_("In a few words, as you would search for it, e.g. “kontorsstol”."))
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    quantity = forms.IntegerField(label=_("How many"), min_value=1, max_value=10_000, initial=1)
    needed_by = forms.DateField(label=_("Needed by"), widget=forms.DateInput(attrs={"type": "date"}),
                                help_text=_("Format: YYYY-MM-DD."))
    budget = forms.DecimalField(label=_("Budget (SEK, optional)"), required=False, min_value=0,
                                max_value=100_000_000, decimal_places=2)
    department = forms.TypedChoiceField(label=_("For department"), coerce=int)
    description = forms.CharField(label=_("More about the need (optional)"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, categories: list[tuple], departments: list[tuple], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Any category"))] + categories
        self.fields["department"].choices = departments


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("How was the need met?"), widget=forms.RadioSelect,
        choices=[(NeedStatus.REUSED, _("Reused through Delbar")), (NeedStatus.BOUGHT_USED, _("Bought used")),
                 (NeedStatus.BOUGHT_NEW, _("Bought new"))],
    )
    link = forms.ChoiceField(label=_("The reservation or deal that met it"), required=False)
    reason = forms.ChoiceField(label=_("Why new?"), required=False,
                               choices=[("", _("Choose a reason"))] + list(NewPurchaseReason.choices))
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, links: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["link"].choices = [("", _("Choose one"))] + links


class ReportForm(forms.Form):
    fran = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    till = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    avdelning = forms.TypedChoiceField(label=_("Department"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, departments: list[tuple], everything_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["avdelning"].choices = [("", everything_label)] + departments

    def clean(self):
        data = super().clean()
        start, end = data.get("fran"), data.get("till")
        if start and end and end < start:
            self.add_error("till", _("The end of the period comes before its start."))
        if start and start < date(2000, 1, 1):
            self.add_error("fran", _("Choose a start in 2000 or later."))
        return data
