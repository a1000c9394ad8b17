"""Forms of the networks pages. They check shape and types; the rules live in exchange.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog import selectors as catalog

from .models import NETWORK_NAME_MAX_LENGTH

SEARCH_MAX_LENGTH = 100


class NetworkForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the network"), max_length=NETWORK_NAME_MAX_LENGTH,
        help_text=_("For example the region you share with, such as “Sydöstra Skåne”."),
    )


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find an organisation by name"), required=False, max_length=SEARCH_MAX_LENGTH,
        widget=forms.SearchInput,
    )


class InviteForm(forms.Form):
    organisation = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class DefaultReachForm(forms.Form):
    default_reach = forms.ChoiceField(
        label=_("New listings are visible to"), widget=forms.RadioSelect,
        help_text=_("What the person posting sees chosen; they may choose otherwise for each listing. Listings "
                    "already posted keep their own setting."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_reach"].choices = catalog.reach_choices()


class OfferSearchForm(forms.Form):
    """The search of other organisations' offers: the same words and filters as catalog's search, the category from
    the person's own tree (searched by its platform key), and the offering organisation instead of a department."""

    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH, widget=forms.SearchInput)
    omfang = forms.ChoiceField(
        choices=[("natverk", "natverk"), ("alla", "alla")], initial="natverk", required=False,
        widget=forms.HiddenInput,
    )
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    offer_type = forms.ChoiceField(label=_("Offer"), required=False)
    organisation = forms.TypedChoiceField(label=_("Organisation"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, organisations: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("e.g. office chair, desk, monitor")
        self.fields["category"].choices = [("", _("All categories")), *catalog.category_choices()]
        self.fields["offer_type"].choices = [("", _("All offers")), *catalog.offer_type_choices()]
        self.fields["organisation"].choices = [("", _("All organisations"))] + [
            (str(pk), name) for pk, name in organisations
        ]
