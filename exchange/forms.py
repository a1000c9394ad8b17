"""Forms of the networks, search and deal pages. They check shape and types; the rules live in exchange.services."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog import selectors as catalog

from .deal_labels import STATUSES
from .models import NETWORK_NAME_MAX_LENGTH, Transport

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


PICK_UP_AT = time(9, 0)
RETURN_AT = time(16, 0)
MESSAGE_MAX_LENGTH = 500


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DealRequestForm(forms.Form):
    """Asking another organisation for its offer: how many, when (a loan or a rental), who carries it, which of our
    departments receives it and under which reference. The rules (enough left, the period free) live in
    exchange.services.request_deal; a refusal is shown at the field it names."""

    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    starts_on = forms.DateField(label=_("Pick-up day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Return day"), widget=DateInput())
    transport = forms.ChoiceField(label=_("Transport"), choices=Transport.choices, widget=forms.RadioSelect)
    receiving_department = forms.TypedChoiceField(
        label=_("Receiving department"), coerce=int, required=False, empty_value=None,
        help_text=_("The department that receives it and is charged for it, if there is a price."),
    )
    buyer_reference = forms.CharField(
        label=_("Buyer reference (optional)"), required=False, max_length=100,
        help_text=_("Your reference or cost centre, for the invoice."),
    )
    message = forms.CharField(
        label=_("Message to the contact person (optional)"), required=False, max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, lent: bool, available: int, departments: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lent = lent
        if lent:
            today = timezone.localdate().isoformat()
            self.fields["starts_on"].widget.attrs["min"] = today
            self.fields["ends_on"].widget.attrs["min"] = today
        else:
            del self.fields["starts_on"], self.fields["ends_on"]
            # A hint for the browser only: the service says how many are left (ExchangeError NOT_ENOUGH).
            self.fields["quantity"].widget.attrs["max"] = max(available, 1)
        self.fields["receiving_department"].choices = [("", _("None")), *departments]

    def clean(self):
        data = super().clean()
        if self.lent and data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The return day cannot be before the pick-up day."))
        return data

    def period(self) -> tuple[datetime | None, datetime | None]:
        """(pick-up, return) as aware datetimes in the organisation's time zone; (None, None) for a gift or sale."""
        if not self.lent:
            return None, None
        zone = timezone.get_current_timezone()
        data = self.cleaned_data
        return (datetime.combine(data["starts_on"], PICK_UP_AT).replace(tzinfo=zone),
                datetime.combine(data["ends_on"], RETURN_AT).replace(tzinfo=zone))


class DealFilterForm(forms.Form):
    """The filters of the organisation's deals page."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    direction = forms.ChoiceField(label=_("Direction"), required=False, choices=[
        ("", _("Both ways")), ("in", _("Asked of us")), ("out", _("Asked by us")),
    ])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Every status")), *STATUSES.items()]
