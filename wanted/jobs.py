"""The daily job of wanted ads, in each organisation's schema by its clock (tenants.periodic): ads whose day has
passed expire; the partners' offers of the last two days are matched again (a task the broker lost); e-mails owed
(matches found after the day's e-mail) are sent, at most one a day per ad."""

from __future__ import annotations

from datetime import time

from django.utils import timezone

from . import matching, selectors, services

AT = time(6, 30)


def daily(*, organisation, local_date) -> dict[str, int]:
    expired = services.expire_ads(today=local_date)
    matched = matching.match_offers(since=timezone.now() - matching.CATCH_UP, notify=False)
    emailed = matching.send_alerts(ad_ids=selectors.ads_owed_an_email(), today=local_date)
    return {"expired": expired, "matched": len(matched), "emailed": emailed}
