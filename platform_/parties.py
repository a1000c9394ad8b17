"""Who takes part in a booking or a deal, as a value that means the same person in every organisation's schema.

A user's primary key is an integer of one organisation's schema: Skurup's user 5 is not Ystad's user 5. A ``Party``
names a person by the organisation they belong to and their stable UUID (``accounts.User.uuid``), and carries a
snapshot of how to show and reach them (name, e-mail) as it was when recorded. Two parties are the same person
when organisation and UUID match; the snapshot does not take part in the comparison.

Build one for a user of the current organisation with ``accounts.selectors.party_of(user=...)``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Party:
    organisation_id: int
    person: uuid.UUID
    name: str = field(default="", compare=False)
    email: str = field(default="", compare=False)

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def short_name(self) -> str:
        return (self.name or self.email).split(" ")[0]
