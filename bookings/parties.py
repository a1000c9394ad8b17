"""A Party stored in four columns of a model: ``<name>_org``, ``<name>_uuid``, ``<name>_name`` and
``<name>_email``, read and written together through one attribute ``<name>``.

    class Booking(models.Model):
        borrower_org, borrower_uuid, borrower_name, borrower_email = party_columns(_("borrower"))
        borrower = PartyField()

Columns rather than a JSON value: "my bookings" looks a person up by organisation and UUID, with an index.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from platform_.parties import Party


def party_columns(label, *, null: bool = False) -> tuple[models.Field, ...]:
    return (
        models.IntegerField(verbose_name=label, null=null, blank=null, help_text="organisation id"),
        models.UUIDField(verbose_name=label, null=null, blank=null, help_text="the person's UUID"),
        models.CharField(verbose_name=label, max_length=200, blank=True, help_text="name when recorded"),
        models.EmailField(verbose_name=label, blank=True, help_text="e-mail when recorded"),
    )


class PartyField:
    """The four columns named after this attribute, as one Party (None when the organisation column is empty)."""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        organisation = getattr(instance, f"{self.name}_org")
        if organisation is None:
            return None
        return Party(
            organisation_id=organisation,
            person=getattr(instance, f"{self.name}_uuid"),
            name=getattr(instance, f"{self.name}_name"),
            email=getattr(instance, f"{self.name}_email"),
        )

    def __set__(self, instance, party: Party | None) -> None:
        setattr(instance, f"{self.name}_org", party.organisation_id if party else None)
        setattr(instance, f"{self.name}_uuid", party.person if party else None)
        setattr(instance, f"{self.name}_name", party.name if party else "")
        setattr(instance, f"{self.name}_email", party.email if party else "")


def is_party(name: str, party: Party) -> Q:
    """A filter: the party stored as ``name`` is ``party`` (same organisation, same person)."""
    return Q(**{f"{name}_org": party.organisation_id, f"{name}_uuid": party.person})
