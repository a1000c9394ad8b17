"""A daily job for the tests that start a real worker (``--include tests.periodic_probe``): it notes each run.

Due at 00:00, so any time of day finds it due. Each run appends "<schema> <organisation slug> <local date>" to the
file named by PERIODIC_PROBE_FILE.
"""

from __future__ import annotations

import os
from datetime import date, time

from django.db import connection

from tenants.services import register_daily

JOB = "tests.probe"


def note_run(*, organisation, local_date: date) -> None:
    with open(os.environ["PERIODIC_PROBE_FILE"], "a") as probe:
        probe.write(f"{connection.schema_name} {organisation.slug} {local_date.isoformat()}\n")


register_daily(name=JOB, function=note_run, at=time(0, 0))
