"""The daily pruning of old notifications (decision 0047), in each organisation's schema by its clock."""

from __future__ import annotations

from datetime import time

from . import services

AT = time(3, 50)


def prune(*, organisation, local_date) -> dict[str, int]:
    return {"removed": services.prune()}
