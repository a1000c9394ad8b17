"""The organisation's own settings, as its admin edits them on the "Settings" page (tenants.views).

The form checks shape and types; tenants.services.update_settings checks the values and writes them. A new setting
is one more field here, named like the service's keyword, placed in a section of the page by ``SECTIONS``.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    APPROVAL_THRESHOLD_MAX,
    LISTING_DAYS_RANGE,
    RESERVATION_DAYS_RANGE,
    ApprovalRule,
    MfaRequirement,
    Organisation,
)


class OrganisationSettingsForm(forms.Form):
    # The range is the service's to check (one message for the page and the console's callers); the browser is told
    # it too.
    reservation_days = forms.IntegerField(
        label=_("Days a reservation is held"),
        widget=forms.NumberInput(attrs={"min": RESERVATION_DAYS_RANGE[0], "max": RESERVATION_DAYS_RANGE[1]}),
        help_text=_("A reservation not handed over within this many days lapses, and the item is free again. Both "
                    "sides are reminded three days before."),
    )
    approval_rule = forms.ChoiceField(
        label=_("A department manager approves a booking"), choices=ApprovalRule.choices, required=False,
        help_text=_("Before a reservation or loan by one of your people goes ahead, the manager of their department "
                    "(or of its förvaltning) approves it."),
    )
    approval_threshold = forms.IntegerField(
        label=_("Approval above (SEK)"), min_value=0, max_value=APPROVAL_THRESHOLD_MAX, required=False,
        help_text=_("With the rule \u201cabove an amount\u201d: a booking worth more than this (price times "
                    "quantity, or a rental's fee) waits for approval."),
    )

    def clean_approval_rule(self):
        # Left out (a client that sends only some settings): left as it is, as the service's None means.
        return self.cleaned_data["approval_rule"] or None

    # Not required: a form posted without it (an older page) leaves it as it is.
    listing_days = forms.IntegerField(
        required=False,
        label=_("Days a listing stays current"),
        widget=forms.NumberInput(attrs={"min": LISTING_DAYS_RANGE[0], "max": LISTING_DAYS_RANGE[1]}),
        help_text=_("A published listing not renewed within this many days expires. Its contact person is reminded "
                    "a week before and can renew it with one click."),
    )

    # Not required: a form posted without it leaves it as it is (decision 0054).
    mfa_required = forms.ChoiceField(
        label=_("Two-factor authentication is required for"), choices=MfaRequirement.choices, required=False,
        help_text=_("Those it applies to set up an authenticator app at their next page view and then log in with a "
                    "code from it. Platform admins always use it."),
    )

    def clean_mfa_required(self):
        return self.cleaned_data["mfa_required"] or None

    # The page's sections, each a heading and its fields, in order.
    SECTIONS = [
        (_("Reservations"), ["reservation_days"]),
        (_("Listings"), ["listing_days"]),
        (_("Approvals"), ["approval_rule", "approval_threshold"]),
        (_("Logins"), ["mfa_required"]),
    ]

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    @classmethod
    def for_organisation(cls, organisation: Organisation, data=None) -> OrganisationSettingsForm:
        initial = {name: getattr(organisation, name) for name in cls.base_fields}
        return cls(data, initial=initial)
