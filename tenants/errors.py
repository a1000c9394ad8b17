"""What tenants' state means for the apps that refuse because of it (decision 0057)."""

from django.utils.translation import gettext_lazy as _

# Read-only mode (Organisation.billing_read_only, set by billing): every app that refuses something new says this,
# with the code "read_only".
READ_ONLY_MESSAGE = _(
    "Nothing new can be published, booked or requested while your organisation's trial has ended unpaid or a "
    "payment to Delbar is overdue. Reading, returning and cancelling still work. Your organisation's administrator "
    "can see what to do under Administer → Subscription."
)
