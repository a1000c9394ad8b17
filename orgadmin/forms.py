"""Forms of the organisation's admin pages. They only parse input: every rule is the services' (accounts,
orgadmin.services), whose refusals the views put beside the field they name (``add_refusal``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import selectors as people
from accounts.roles import Role
from accounts.services import MAX_FILE_BYTES

from .services import MOVE, WITHDRAW

NO_CHOICE = ("", _("— choose —"))


def add_refusal(form: forms.Form, refusal) -> None:
    """Show a service's refusal (a DomainError) beside the field it names, or above the form."""
    fields = dict(getattr(refusal, "fields", None) or {})
    field = getattr(refusal, "field", None)
    if field and not fields:
        fields = {field: [refusal.message]}
    placed = False
    for name, messages in fields.items():
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, refusal.message)


class DepartmentChoiceField(forms.TypedChoiceField):
    def __init__(self, *, top_label=None, **kwargs) -> None:
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("empty_value", None)
        super().__init__(**kwargs)
        self.top_label = top_label

    def load(self, *, administrations_only: bool = False, exclude: int | None = None) -> None:
        choices = people.department_choices()
        if administrations_only:
            top = {row.department.pk for row in people.department_tree() if row.department.parent_id is None}
            choices = [choice for choice in choices if choice[0] in top]
        if exclude is not None:
            choices = [choice for choice in choices if choice[0] != exclude]
        self.choices = [("", self.top_label or NO_CHOICE[1]), *choices]


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    parent = DepartmentChoiceField(
        label=_("Part of"), required=False, top_label=_("— none: an administration (förvaltning) —"),
        help_text=_("Leave empty for an administration (förvaltning); choose one to make this a unit (enhet) of it."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].load(administrations_only=True)


class RenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=200, required=False)


class MoveForm(forms.Form):
    parent = DepartmentChoiceField(
        label=_("Place under"), required=False, top_label=_("— none: make it an administration (förvaltning) —"),
    )

    def __init__(self, *args, department, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].load(administrations_only=True, exclude=department.pk)


class MergeForm(forms.Form):
    target = DepartmentChoiceField(
        label=_("Merge into"), required=True,
        help_text=_("Its people, open invitations, units and listings move there; this department is wound up."),
        error_messages={"required": _("Choose the department to merge into.")},
    )

    def __init__(self, *args, department, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].load(exclude=department.pk)


class WindUpForm(forms.Form):
    listings = forms.ChoiceField(
        label=_("Its listings"), widget=forms.RadioSelect, initial=MOVE,
        choices=[(MOVE, _("Move them to another department")), (WITHDRAW, _("Withdraw them"))],
    )
    move_to = DepartmentChoiceField(label=_("Move the listings to"), required=False)

    def __init__(self, *args, department, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["move_to"].load(exclude=department.pk)


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or address"), required=False, max_length=200)
    avdelning = DepartmentChoiceField(label=_("Department"), required=False, top_label=_("All departments"))
    roll = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])
    inaktiva = forms.BooleanField(label=_("Show deactivated people"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["avdelning"].load()


class InviteForm(forms.Form):
    addresses = forms.CharField(
        label=_("E-mail addresses"), required=False, widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off"}),
        help_text=_("One a line, or separated by commas or semicolons; copied from an e-mail program works too."),
    )
    file = forms.FileField(
        label=_("Or a file (CSV or Excel .xlsx)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv,"
                                               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
        help_text=_("One person a row: the e-mail address, then optionally the role and the department (a header "
                    "row e-post, roll, enhet names the columns)."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Role.choices, initial=Role.MEMBER,
        help_text=_("For everyone whose row names no role."),
    )
    department = DepartmentChoiceField(
        label=_("Department"), required=False,
        help_text=_("For everyone whose row names no department. Nothing is chosen for you."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].load()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail address (login)"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    department = DepartmentChoiceField(label=_("Department"), required=True,
                                       error_messages={"required": _("Choose a department.")})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].load()


class DeactivateForm(forms.Form):
    colleague = forms.TypedChoiceField(
        label=_("Colleague who takes over"), required=False, coerce=int, empty_value=None,
        help_text=_("Becomes the contact person of their listings and takes over their open bookings and places "
                    "in waiting lists."),
    )

    def __init__(self, *args, person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["colleague"].choices = [NO_CHOICE] + [
            (colleague.pk, f"{colleague.get_full_name()} ({colleague.email})")
            for colleague in people.active_people().exclude(pk=person.pk).only("pk", "full_name", "email")
        ]


# ---------------------------------------------------------------------------------------------- categories


class CategoryForm(forms.Form):
    """A category's fields; the rules (not under itself, not too deep, a platform category for a new one) are
    catalog.services', whose refusals the view places beside these fields."""

    name = forms.CharField(label=_("Name (Swedish)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    parent = forms.TypedChoiceField(label=_("Part of"), required=False, coerce=int, empty_value=None)
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=0, required=False,
                                  help_text=_("Lower numbers come first among categories in the same place."))
    platform_key = forms.ChoiceField(
        label=_("Platform category"), required=False,
        help_text=_("What other organisations search for: a search for it there finds what you file here, "
                    "under your own name."),
    )

    def __init__(self, *args, tree, platform_choices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("— none: a top-level category —")), *tree]
        self.fields["platform_key"].choices = [NO_CHOICE, *platform_choices]


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, states, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *states]
