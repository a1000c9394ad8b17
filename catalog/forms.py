"""Forms of the catalogue pages. They check shape and types; the rules live in catalog.services."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from accounts import selectors as people

from .limits import (
    ADDRESS_MAX_LENGTH,
    BUILDING_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    PLACE_NAME_MAX_LENGTH,
    REASON_MAX_LENGTH,
    ROOM_MAX_LENGTH,
    SEARCH_QUERY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)
from .models import PRICED_OFFERS, Category, Condition, OfferType, Place, Reach, RentPeriod
from .permissions import can_post_for_any_department
from .selectors import category_choices, default_reach, places

if TYPE_CHECKING:
    from accounts.models import Department, User


def _department_label(department: Department) -> str:
    return f"{department.parent.name} › {department.name}" if department.parent_id else department.name


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        return _department_label(obj)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


def _category_choices(include_empty: str | None) -> list[tuple[str, str]]:
    """The category tree as select options, each category followed by its subcategories, named by their path."""
    return ([("", include_empty)] if include_empty is not None else []) + category_choices()


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=SEARCH_QUERY_MAX_LENGTH, widget=forms.SearchInput
    )
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    offer_type = forms.ChoiceField(
        label=_("Offer"), required=False, choices=[("", _("All offers")), *OfferType.choices]
    )
    condition = forms.ChoiceField(
        label=_("Condition"), required=False, choices=[("", _("Any condition")), *Condition.choices]
    )
    # The department tree in its order, enheter indented under their förvaltning; a förvaltning includes them.
    department = forms.TypedChoiceField(
        label=_("Department"), required=False, coerce=int, empty_value=None,
        help_text=_("An administration includes its units."),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False,
        choices=[("", _("Best match")), ("newest", _("Newest")), ("nearest", _("Nearest me"))],
    )
    # What the filter button counts (the words and the order are not filters).
    FILTERS = ("category", "offer_type", "condition", "department")

    def __init__(self, *args, departments: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("e.g. office chair, desk, monitor")
        self.fields["category"].choices = _category_choices(str(_("All categories")))
        self.fields["department"].choices = [("", _("All departments"))] + [
            (str(pk), label) for pk, label in departments
        ]

class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        # Counted before any file is decoded: decoding is the expensive part (catalog.photos).
        if len(files) > settings.PHOTOS_PER_LISTING:
            raise forms.ValidationError(
                _("A listing can have at most %(limit)s photos.") % {"limit": settings.PHOTOS_PER_LISTING}
            )
        return [super(MultiplePhotoField, self).clean(item, initial) for item in files]


class ListingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    # Never preselected: the form suggests categories from the title (selectors.suggest_categories) and the person
    # confirms one; a default would file a monitor under the first category.
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices, initial=Condition.GOOD)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=10_000, initial=1)
    offer_type = forms.ChoiceField(
        label=_("Offer"), choices=OfferType.choices, initial=OfferType.GIVE_AWAY, widget=forms.RadioSelect
    )
    price = forms.DecimalField(
        label=_("Price (SEK)"), required=False, min_value=0, max_digits=10, decimal_places=2,
        help_text=_("Only when renting out or selling."),
    )
    rent_period = forms.ChoiceField(
        label=_("Rent period"), required=False, choices=[("", "—"), *RentPeriod.choices]
    )
    place = forms.ModelChoiceField(label=_("Where is it?"), queryset=Place.objects.none(), required=False)
    address = forms.CharField(label=_("Address"), max_length=ADDRESS_MAX_LENGTH, required=False)
    building = forms.CharField(label=_("Building"), max_length=BUILDING_MAX_LENGTH, required=False)
    room = forms.CharField(label=_("Room"), max_length=ROOM_MAX_LENGTH, required=False)
    department = DepartmentChoiceField(
        label=_("Department"), queryset=people.departments().none(), empty_label=None
    )
    contact_person = PersonChoiceField(
        label=_("Contact person"), queryset=people.active_people().none(), empty_label=None
    )
    # Not required: left out, a new listing gets the organisation's default and an edited one keeps its own.
    reach = forms.ChoiceField(
        label=_("Who may see it"), choices=Reach.choices, widget=forms.RadioSelect, required=False,
        help_text=_("Outside your organisation, only staff of the organisations it reaches see it, once it is "
                    "published: its title, description, category, condition, quantity, offer and price, and the "
                    "contact person's name and work e-mail."),
    )
    photos = MultiplePhotoField(label=_("Photos"), required=False)
    # The listing's edited_at when the form was shown, so that an edit made meanwhile is not overwritten.
    edited_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args, user, photos=(), current_department_id: int | None = None, current_place_id: int | None = None,
        suggestions=(), **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Validated against every category, shown in the tree's order (the same options as the search form's),
        # with the categories suggested for the title first, when there are any (without JavaScript, after the
        # form came back).
        self.fields["category"].queryset = Category.objects.all()
        choices = _category_choices(str(_("Choose a category")))
        if suggestions:
            choices = [choices[0], (str(_("Suggested for the title")), [
                (str(suggestion.category_id), suggestion.label) for suggestion in suggestions
            ]), (str(_("All categories")), choices[1:])]
        self.fields["category"].choices = choices
        self.suggestions = list(suggestions)
        in_use = places()
        if current_place_id is not None:
            in_use = Place.objects.filter(Q(is_active=True) | Q(pk=current_place_id)).order_by("name")
        self.fields["place"].queryset = in_use
        self.fields["place"].empty_label = _("Another place (fill in below)")
        self.has_places = in_use.exists()
        departments = people.departments()
        any_department = can_post_for_any_department(user)
        self.without_department = not any_department and not user.department_id
        if not any_department:
            # A listing being edited keeps its department even when the editor (its contact person, or a poster
            # who has moved since) works elsewhere; services.update_listing allows that. Someone who belongs to no
            # department is offered none, and told why (clean).
            departments = departments.filter(pk__in={user.department_id, current_department_id} - {None})
        self.fields["department"].queryset = departments
        self.fields["contact_person"].queryset = people.active_people()
        if not self.is_bound and "reach" not in self.initial:
            self.initial["reach"] = default_reach()  # a new listing: the organisation's default
        self.fields["photos"].widget.attrs.update({"accept": "image/*"})
        # Formatted here, per request, so that it is in the language of this request.
        self.fields["description"].help_text = _(
            "Size, colour, brand, what is included, any faults. At most %(limit)s characters."
        ) % {"limit": number_format(DESCRIPTION_MAX_LENGTH, force_grouping=True)}
        self.fields["photos"].help_text = _("JPEG, PNG or WebP, at most %(size)s MB each, up to %(count)s photos.") % {
            "size": settings.PHOTO_MAX_BYTES // (1024 * 1024), "count": settings.PHOTOS_PER_LISTING,
        }
        self.existing_photos = list(photos)
        if self.existing_photos:
            self.fields["remove_photos"] = forms.MultipleChoiceField(
                label=_("Remove photos"), required=False, widget=forms.CheckboxSelectMultiple,
                choices=[(str(p.pk), _("Photo %(n)s") % {"n": n}) for n, p in enumerate(self.existing_photos, 1)],
            )

    def clean_reach(self):
        return self.cleaned_data.get("reach") or None

    def clean_edited_at(self):
        value = self.cleaned_data.get("edited_at")
        try:
            return datetime.fromisoformat(value) if value else None
        except ValueError:
            return None

    def clean(self):
        data = super().clean()
        if self.without_department and not data.get("department"):
            raise forms.ValidationError(
                _("Your account belongs to no department yet. Ask your organisation admin to add you to one.")
            )
        priced = data.get("offer_type") in PRICED_OFFERS
        if priced and data.get("price") is None:
            self.add_error("price", _("Give a price when renting out or selling."))
        if data.get("offer_type") == OfferType.RENT and not data.get("rent_period"):
            self.add_error("rent_period", _("Say whether the rent is per day, week or month."))
        if not priced:
            data["price"] = None
            data["rent_period"] = ""
        return data


class ReserveForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    message = forms.CharField(
        label=_("Message to the contact person (optional)"), required=False, max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, available: int = 1, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quantity"].max_value = max(available, 1)
        self.fields["quantity"].widget.attrs["max"] = max(available, 1)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class PlaceForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=PLACE_NAME_MAX_LENGTH,
        help_text=_("What people pick when they post, e.g. “Återbrukslagret, hall A”."),
    )
    address = forms.CharField(label=_("Address"), max_length=ADDRESS_MAX_LENGTH, required=False)
    building = forms.CharField(label=_("Building"), max_length=BUILDING_MAX_LENGTH, required=False)
    room = forms.CharField(label=_("Room"), max_length=ROOM_MAX_LENGTH, required=False)


# ------------------------------------------------------------------------------- storage, labels, stock-taking


class StorageForm(forms.Form):
    """One thing registered into storage from a phone: photo, title, category, place, quantity; the department and
    contact person are the operator's defaults (selectors.posting_defaults), changeable under "More"."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    place = forms.ModelChoiceField(label=_("Place"), queryset=Place.objects.none(), required=False)
    room = forms.CharField(label=_("Room or shelf"), max_length=ROOM_MAX_LENGTH, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=10_000, initial=1)
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices, initial=Condition.GOOD)
    department = DepartmentChoiceField(
        label=_("Department"), queryset=people.departments().none(), empty_label=None
    )
    photos = MultiplePhotoField(label=_("Photos"), required=False)

    def __init__(self, *args, suggestions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.all()
        self.fields["category"].choices = _category_choices(str(_("Choose a category")))
        self.suggestions = list(suggestions)
        self.fields["place"].queryset = places()
        self.fields["place"].empty_label = _("Choose a place")
        self.fields["department"].queryset = people.departments()
        self.fields["photos"].widget.attrs.update({"accept": "image/*"})
        self.fields["photos"].help_text = _("JPEG, PNG or WebP, at most %(size)s MB each, up to %(count)s photos.") % {
            "size": settings.PHOTO_MAX_BYTES // (1024 * 1024), "count": settings.PHOTOS_PER_LISTING,
        }

    def clean(self):
        data = super().clean()
        if not data.get("place") and not (data.get("room") or "").strip():
            self.add_error("place", _("Say where it is stored: choose a place."))
        return data


class LabelsForm(forms.Form):
    layout = forms.ChoiceField(label=_("Label sheet"), widget=forms.RadioSelect)
    skip = forms.IntegerField(
        label=_("Labels already used on the first sheet"), min_value=0, max_value=23, initial=0, required=False,
        help_text=_("Printing on a sheet that has been used: the labels are placed after these."),
    )

    def __init__(self, *args, layouts, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["layout"].choices = [(layout.key, layout.name) for layout in layouts]
        self.fields["layout"].initial = layouts[0].key


class StocktakingForm(forms.Form):
    since = forms.DateField(
        label=_("Not seen since"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to list everything on hand with a label."),
    )
    place = forms.ModelChoiceField(label=_("Place"), queryset=Place.objects.none(), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places(include_retired=True)
        self.fields["place"].empty_label = _("All places")


class SeenForm(forms.Form):
    codes = forms.CharField(
        label=_("Codes seen"), required=False, max_length=5000, widget=forms.Textarea(attrs={
            "rows": 3, "autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false",
        }),
        help_text=_("Type the codes on the labels, or scan them with a scanner that types: one or more, separated "
                    "by spaces or new lines."),
    )
