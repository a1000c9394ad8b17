from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The operator's workspace (issue 10 parts 1 and 2, decision 0044): one page with the day's work — handovers,
    pick-ups and returns due, new requests (also other organisations' deals), listings that need attention — and all
    of the organisation's listings with search, filters and bulk actions; the one-click renewal from the reminder
    e-mail. No models: it composes catalog, bookings and the exchange, beside reports."""

    name = "workspace"
    verbose_name = "Workspace"
