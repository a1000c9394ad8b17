"""Forms of the booking pages. They check shape and types and put dates and times together in the organisation's
time zone; the rules (free or not, in the past, too long) live in bookings.services."""

from __future__ import annotations

from datetime import date, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import periods

PICK_UP_AT = time(9, 0)
RETURN_AT = time(16, 0)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%H:%M", **kwargs)


class LoanForm(forms.Form):
    start = forms.DateField(label=_("Pick-up day"), widget=DateInput())
    start_time = forms.TimeField(label=_("Pick-up time"), initial=PICK_UP_AT, widget=TimeInput())
    end = forms.DateField(label=_("Return day"), widget=DateInput())
    end_time = forms.TimeField(label=_("Return time"), initial=RETURN_AT, widget=TimeInput())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    message = forms.CharField(
        label=_("Message to the contact person (optional)"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, quantity: int = 1, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate().isoformat()
        self.fields["start"].widget.attrs["min"] = today
        self.fields["end"].widget.attrs["min"] = today
        self.fields["quantity"].max_value = max(quantity, 1)
        self.fields["quantity"].widget.attrs["max"] = max(quantity, 1)
        if quantity <= 1:
            self.fields["quantity"].widget = forms.HiddenInput()

    def period(self):
        """(start, end) as aware datetimes in the organisation's time zone."""
        zone = timezone.get_current_timezone()
        data = self.cleaned_data
        return (periods.at(data["start"], data["start_time"], zone), periods.at(data["end"], data["end_time"], zone))


class ExtensionForm(forms.Form):
    until = forms.DateField(label=_("New return day"), widget=DateInput())
    until_time = forms.TimeField(label=_("Return time"), widget=TimeInput())

    def __init__(self, *args, current_end=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if current_end is not None:
            local = timezone.localtime(current_end)
            self.fields["until"].widget.attrs["min"] = local.date().isoformat()
            self.fields["until_time"].initial = local.time().replace(second=0, microsecond=0)

    def until_moment(self):
        return periods.at(self.cleaned_data["until"], self.cleaned_data["until_time"], timezone.get_current_timezone())


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, required: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Whoever cancels their own reservation or booking needs no reason; anyone else tells the borrower why.
        field = self.fields["reason"]
        field.required = required
        if not required:
            field.label = _("Reason (optional)")
        else:
            field.help_text = _("Told to the person who reserved or booked.")


def parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def parse_month(value: str | None) -> date | None:
    try:
        return date.fromisoformat(f"{value}-01") if value else None
    except ValueError:
        return None
