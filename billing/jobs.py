"""Billing's daily job (decisions 0052, 0057), registered in billing.apps with tenants' register_daily: once a day in
every active organisation, by its clock. From the state of the data, so a run repeated or missed changes nothing more:

- a trial that has ended: the first invoice of an organisation that chose invoice payment is issued;
- a trial that ends within BILLING_TRIAL_REMINDER_DAYS with no payment chosen: its admins are e-mailed, once;
- read-only mode follows what is overdue today (an invoice passes its due date at midnight, not at a request) and
  whether a trial ended unpaid;
- a cancelled subscription whose grace period is over suspends the organisation.
"""

from __future__ import annotations

import logging
from datetime import date, time

from . import services
from .errors import BillingError

AT = time(5, 0)

log = logging.getLogger("delbar.billing")


def daily(*, organisation, local_date: date) -> None:
    try:
        services.issue_trial_end_invoice(organisation_id=organisation.pk, today=local_date)
    except BillingError as error:  # the details refused: read-only follows, and the admin sees why on the page
        log.warning("No invoice at the trial's end of organisation %s: %s", organisation.pk, error.message)
    services.remind_trial_ending(organisation=organisation, today=local_date)
    services.sync_read_only(organisation_id=organisation.pk, today=local_date)
    services.suspend_after_grace(organisation_id=organisation.pk, today=local_date)
