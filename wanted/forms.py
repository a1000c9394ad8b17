"""Forms of the wanted-ad pages. They check shape and types; the rules live in wanted.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DESCRIPTION_MAX_LENGTH, WHAT_MAX_LENGTH


class WantedForm(forms.Form):
    what = forms.CharField(label=_("What are you looking for?"), max_length=WHAT_MAX_LENGTH,
                           help_text=_("In a few words, as someone would title a listing of it, e.g. “kontorsstol”."))
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    quantity = forms.IntegerField(label=_("How many"), min_value=1, max_value=10_000, initial=1)
    expires_on = forms.DateField(label=_("Wanted until"), widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Format: YYYY-MM-DD. The wanted ad expires after this day."))
    description = forms.CharField(label=_("More about it (optional)"), required=False,
                                  max_length=DESCRIPTION_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, categories: list[tuple], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Any category"))] + categories


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search wanted ads"), required=False, max_length=200)
