"""The workspace's forms: the filters of the listings table (GET) and a bulk action over chosen listings (POST).
Shapes and choices only; catalog.services decides what may be changed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import selectors as people
from catalog import selectors as catalog

AGES = [("", _("Any age")), ("30", _("Older than 30 days")), ("90", _("Older than 90 days")),
        ("180", _("Older than 180 days")), ("365", _("Older than a year"))]


def _status_choices():
    return [("", _("Any status")), *catalog.ListingStatus.choices, ("expired", _("Expired"))]


def _department_choices():
    return [("", _("Every department")), *people.department_choices()]


def _place_choices():
    return [("", _("Any place")), *((place.pk, place.name) for place in catalog.places(include_retired=True))]


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search titles"), required=False, max_length=200)
    avdelning = forms.TypedChoiceField(label=_("Department"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    alder = forms.TypedChoiceField(label=_("Age"), required=False, choices=AGES, coerce=int, empty_value=None)
    plats = forms.TypedChoiceField(label=_("Place"), required=False, coerce=int, empty_value=None)
    utan_foto = forms.BooleanField(label=_("Only without a photo"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["avdelning"].choices = _department_choices()
        self.fields["status"].choices = _status_choices()
        self.fields["plats"].choices = _place_choices()

    def filters(self) -> catalog.WorkspaceFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return catalog.WorkspaceFilters(
            query=data.get("q", ""), department_id=data.get("avdelning"), status=data.get("status", ""),
            older_than_days=data.get("alder"), place_id=data.get("plats"), missing_photo=data.get("utan_foto", False),
        )


ACTIONS = [("renew", _("Renew")), ("withdraw", _("Withdraw")), ("move", _("Move to a department or place")),
           ("contact", _("Change contact person"))]


class BulkForm(forms.Form):
    action = forms.ChoiceField(label=pgettext_lazy("what to do with the chosen listings", "Action"), choices=ACTIONS)
    all_matching = forms.BooleanField(required=False)
    reason = forms.CharField(label=_("Reason for withdrawing"), required=False, max_length=300)
    department = forms.TypedChoiceField(label=_("New department"), required=False, coerce=int, empty_value=None)
    place = forms.TypedChoiceField(label=_("New place"), required=False, coerce=int, empty_value=None)
    contact_person = forms.TypedChoiceField(label=_("New contact person"), required=False, coerce=int,
                                            empty_value=None)
    skip_refused = forms.BooleanField(label=_("If some cannot be changed, change the rest"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "—"), *people.department_choices()]
        self.fields["place"].choices = [("", "—"), *((p.pk, p.name) for p in catalog.places())]
        self.fields["contact_person"].choices = [
            ("", "—"), *((person.pk, person.get_full_name() or person.email) for person in people.active_people())
        ]

    def chosen(self) -> list[str]:
        """The chosen listings' UUIDs (checkboxes named ``listings``)."""
        return catalog.uuid_strings(self.data.getlist("listings"))
