"""Reads of the history (decision 0042): pghistory's aggregate ``Events`` over the event tables the apps declare
(``catalog/history.py``, ``bookings/history.py``, ``accounts/history.py``, ``tenants/history.py``,
``sso/history.py``), named by label, so this app imports no other app's models. Each event carries the row as it
became (``pgh_data``), what changed from the object's previous event (``pgh_diff``: field → [old, new]) and the
request's context (who, address, method, API or page), which ``history.middleware`` records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from pghistory.models import Events

from accounts import selectors as accounts

# The organisation schema's event tables, and the organisation's own (public) one.
LISTING_EVENTS = ("catalog.ListingEvent", "bookings.BookingHistory")
ORGANISATION_SCHEMA_EVENTS = (
    "catalog.ListingEvent", "bookings.BookingHistory", "accounts.DepartmentEvent", "accounts.UserEvent",
    # The single sign-on configuration, without its secret (decision 0056).
    "sso.IdentityProviderEvent",
)
SETTINGS_EVENTS = ("tenants.OrganisationEvent",)
# Columns named by id whose value is a person or a department of the organisation: shown by name.
PERSON_COLUMNS = {"contact_person_id", "created_by_id"}
DEPARTMENT_COLUMNS = {"department_id", "parent_id", "receiving_department_id", "giving_department_id",
                      "default_department_id"}
EXPORT_CHUNK = 2000


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    at: datetime
    action: str  # created, changed, deleted
    kind: str  # what was changed: "Listing", "Booking", …
    object_id: str
    who: str
    via: str  # the address of the page or API call
    api: bool
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class Names:
    """Names of the organisation's people and departments by id, read once for a page or an export."""

    people: dict[int, str]
    departments: dict[int, str]

    @classmethod
    def load(cls) -> Names:
        return cls(
            people=accounts.names_by_id(),
            departments={department.pk: str(department) for department in accounts.departments()},
        )


def listing_history(*, listing) -> list[Entry]:
    """Every change of ``listing`` and of its bookings, oldest first, in three queries whatever their number."""
    events = (
        Events.objects.references(listing).across(*LISTING_EVENTS).order_by("pgh_created_at", "pgh_id")
    )
    names = Names.load()
    return [_entry(event, names) for event in events]


def period_bounds(*, since: date, until: date) -> tuple[datetime, datetime]:
    """[since 00:00, the day after until 00:00) in the current (the organisation's) time zone."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(since, time.min, tzinfo=zone),
        datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone),
    )


def organisation_events(*, organisation, since: date, until: date) -> Iterator[Entry]:
    """Every change recorded in the organisation's schema in the period, then the changes of its settings, each
    in time order. Read in chunks from a server-side cursor, so a long period is streamed, never held."""
    start, end = period_bounds(since=since, until=until)
    names = Names.load()
    in_schema = _in_period(Events.objects.across(*ORGANISATION_SCHEMA_EVENTS), start, end)
    settings = _in_period(Events.objects.tracks(organisation).across(*SETTINGS_EVENTS), start, end)
    for queryset in (in_schema, settings):
        for event in queryset.iterator(chunk_size=EXPORT_CHUNK):
            yield _entry(event, names)


def export_header() -> list[str]:
    return [_("When"), _("What"), _("Id"), _("Action"), _("Who"), _("Through"), _("Field"), _("Old value"),
            _("New value")]


def export_rows(entries: Iterator[Entry]) -> Iterator[list[str]]:
    """One row per changed field (a created or deleted row: one per field, with its value)."""
    for entry in entries:
        at = timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S")
        via = f"API {entry.via}" if entry.api else entry.via
        for change in entry.changes or [Change("", "", "")]:
            yield [at, entry.kind, entry.object_id, entry.action, entry.who, via, change.field, change.old,
                   change.new]


def _in_period(queryset: QuerySet, start: datetime, end: datetime) -> QuerySet:
    return queryset.filter(pgh_created_at__gte=start, pgh_created_at__lt=end).order_by("pgh_created_at", "pgh_id")


ACTIONS = {"insert": "created", "update": "changed", "delete": "deleted"}


def action_label(action: str) -> str:
    return {"created": _("Created"), "changed": _("Changed"), "deleted": _("Deleted")}.get(action, action)


def _entry(event, names: Names) -> Entry:
    model = apps.get_model(event.pgh_obj_model)
    context = event.pgh_context or {}
    if isinstance(context, str):
        context = json.loads(context)
    user = context.get("user")
    if context.get("job"):
        who = _("Daily job %(name)s") % {"name": context["job"]}
    elif user is None:
        who = _("The system") if not context else _("Nobody logged in")
    else:
        who = names.people.get(int(user), _("Person %(id)s") % {"id": user})
    action = ACTIONS.get(event.pgh_label, event.pgh_label)
    if action == "changed":
        pairs = [(column, old, new) for column, (old, new) in sorted((event.pgh_diff or {}).items())]
    else:
        data = {column: value for column, value in (event.pgh_data or {}).items() if column not in ("id",)}
        pairs = [(column, None, value) if action == "created" else (column, value, None)
                 for column, value in sorted(data.items())]
    return Entry(
        at=event.pgh_created_at,
        action=action_label(action),
        kind=str(model._meta.verbose_name).capitalize(),
        object_id=str(event.pgh_obj_id or ""),
        who=who,
        via=context.get("url", ""),
        api=bool(context.get("api")),
        changes=[Change(_label(model, column), _show(model, column, old, names), _show(model, column, new, names))
                 for column, old, new in pairs],
    )


def _field(model, column: str):
    for model_field in model._meta.concrete_fields:
        if model_field.column == column:
            return model_field
    return None


def _label(model, column: str) -> str:
    model_field = _field(model, column)
    return str(model_field.verbose_name) if model_field is not None else column


def _show(model, column: str, value, names: Names) -> str:
    if value is None or value == "":
        return ""
    if column in PERSON_COLUMNS:
        return names.people.get(value, str(value))
    if column in DEPARTMENT_COLUMNS:
        return names.departments.get(value, str(value))
    model_field = _field(model, column)
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
