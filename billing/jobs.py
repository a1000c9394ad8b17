"""Billing's daily job (decision 0052), registered in billing.apps with tenants' register_daily: once a day in every
active organisation, by its clock. From the state of the data, so a run repeated or missed changes nothing more:

- read-only mode follows what is overdue today (an invoice passes its due date at midnight, not at a request);
- a cancelled subscription whose grace period is over suspends the organisation.
"""

from __future__ import annotations

from datetime import date, time

from . import services

AT = time(5, 0)


def daily(*, organisation, local_date: date) -> None:
    services.sync_read_only(organisation_id=organisation.pk, today=local_date)
    services.suspend_after_grace(organisation_id=organisation.pk, today=local_date)
