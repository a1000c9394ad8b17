"""Outgoing messages in an admin site: what waits, what was sent, what was given up, and a retry.

Not registered here: ``accounts.admin`` registers it on the organisation's admin site, so organisation admins see
their own schema's messages. Read-only; the body of an e-mail is not shown (an invitation's holds its link).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import MessageState, OutboxMessage


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return MessageState.choices

    def queryset(self, request, queryset):
        from . import selectors

        if self.value():
            return queryset & selectors.messages(state=self.value())
        return queryset


class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "recipients", "subject", "state_label", "attempts", "created_at",
                    "available_at", "delivered_at"]
    list_filter = [StateFilter, "kind"]
    search_fields = ["key"]
    fields = ["kind", "key", "recipients", "subject", "state_label", "attempts", "created_at", "available_at",
              "last_attempt_at", "last_error", "delivered_at", "dead_at"]
    readonly_fields = fields
    actions = ["retry_now"]

    # Whoever may use the admin site sees its outgoing messages; nobody edits or deletes them by hand.
    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("to"))
    def recipients(self, message: OutboxMessage) -> str:
        return ", ".join(message.payload.get("to", []))

    @admin.display(description=_("subject"))
    def subject(self, message: OutboxMessage) -> str:
        return message.payload.get("subject", "")

    @admin.display(description=_("state"))
    def state_label(self, message: OutboxMessage) -> str:
        return MessageState(message.state).label

    @admin.action(description=_("Send the selected messages again now (unless already sent)"))
    def retry_now(self, request, queryset):
        count = services.retry(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d message will be sent again.", "%(count)d messages will be sent again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
