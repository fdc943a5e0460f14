"""Admin for the notifications app: the reminder policy a coordinator edits, preferences, and
the outbox and reminders as read-only records of what went out."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core import permissions

from .models import InboundMail, OutgoingMail, Preference, Reminder, ReminderPolicy


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    """One row: the service-level ages of the open states. Coordinators edit it."""

    list_display = ["__str__", "reported_days", "analysed_days", "approach_proposed_days", "trial_grace_days"]

    def has_add_permission(self, request):
        return ReminderPolicy.objects.count() == 0 and self._coordinator(request)

    def has_change_permission(self, request, obj=None):
        return self._coordinator(request)

    def has_view_permission(self, request, obj=None):
        return self._coordinator(request)

    def has_module_permission(self, request):
        return self._coordinator(request)

    def has_delete_permission(self, request, obj=None):
        return False

    @staticmethod
    def _coordinator(request) -> bool:
        return request.user.is_superuser or permissions.roles_of(request.user).coordinator


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "immediate", "digest"]
    list_filter = ["immediate", "digest"]
    search_fields = ["user__email", "user__display_name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnly):
    list_display = ["created_at", "kind", "to_email", "subject", "status", "attempts", "sent_at"]
    list_filter = ["kind", "status"]
    search_fields = ["to_email", "subject", "key"]
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("kind", "key", "recipient", "to_email", "subject", "status")}),
        (_("Delivery"), {"fields": ("attempts", "last_error", "created_at", "sent_at", "window_end")}),
        (_("Content"), {"fields": ("headers", "body_text", "body_html")}),
    )


@admin.register(Reminder)
class ReminderAdmin(ReadOnly):
    list_display = ["created_at", "challenge", "state", "state_entered_at", "level"]
    list_filter = ["level", "state"]
    list_select_related = ["challenge"]


@admin.register(InboundMail)
class InboundMailAdmin(ReadOnly):
    """Replies by mail as received: what became a comment, and what was refused and why."""

    list_display = ["received_at", "sender", "status", "reason", "challenge", "size"]
    list_filter = ["status", "reason"]
    search_fields = ["sender", "message_id"]
    list_select_related = ["challenge"]
    date_hierarchy = "received_at"
