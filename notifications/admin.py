"""Admin for the notifications app: the reminder policy a coordinator edits, preferences, and
the outbox and reminders as read-only records of what went out."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core import permissions
from core.admin import run_service_action

from .models import (
    DigestBatch,
    DigestRun,
    InboundMail,
    OutgoingMail,
    Preference,
    ReferralHandover,
    Reminder,
    ReminderPolicy,
)


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


class AttemptsFilter(admin.SimpleListFilter):
    """Mail that needed retries: where the mail server gave trouble."""

    title = _("attempts")
    parameter_name = "attempts"

    def lookups(self, request, model_admin):
        return [("0", _("not tried yet")), ("1", _("once")), ("retried", _("more than once"))]

    def queryset(self, request, queryset):
        if self.value() == "retried":
            return queryset.filter(attempts__gt=1)
        if self.value() in {"0", "1"}:
            return queryset.filter(attempts=int(self.value()))
        return queryset


class ErrorFilter(admin.SimpleListFilter):
    """Mail whose last attempt failed: still retrying (pending) or given up (failed)."""

    title = _("last error")
    parameter_name = "error"

    def lookups(self, request, model_admin):
        return [("yes", _("with an error")), ("no", _("without an error"))]

    def queryset(self, request, queryset):
        with_error = ~Q(last_error="")
        if self.value() == "yes":
            return queryset.filter(with_error)
        if self.value() == "no":
            return queryset.exclude(with_error)
        return queryset


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnly):
    """The outbox, read-only: what went out, what is still retrying and why, what was given up.
    Coordinators may have failed or retrying mail sent again now (a service, not an edit)."""

    list_display = ["created_at", "kind", "to_email", "subject", "status", "attempts",
                    "next_attempt_at", "last_error_short", "sent_at"]
    list_filter = ["status", "kind", ErrorFilter, AttemptsFilter]
    search_fields = ["to_email", "subject", "key", "last_error"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    fieldsets = (
        (None, {"fields": ("kind", "key", "recipient", "to_email", "subject", "status")}),
        (_("Delivery"), {"fields": ("attempts", "last_error", "next_attempt_at", "lease_until",
                                    "created_at", "sent_at", "window_end")}),
        (_("Content"), {"fields": ("headers", "body_text", "body_html")}),
    )

    @admin.display(description=_("last error"))
    def last_error_short(self, obj) -> str:
        return obj.last_error[:80]

    @admin.action(description=_("Send the selected mails again now"), permissions=["retry"])
    def retry_now(self, request, queryset):
        from .outbox import mail_retry_now

        run_service_action(
            self, request, queryset, mail_retry_now, "outgoing",
            ngettext_lazy(
                "%(n)d mail will be sent again now.", "%(n)d mails will be sent again now.", "n"
            ),
        )

    def has_retry_permission(self, request) -> bool:
        return request.user.is_superuser or permissions.roles_of(request.user).coordinator


class DigestBatchInline(admin.TabularInline):
    model = DigestBatch
    fields = ["first_user_id", "last_user_id", "enqueued_at", "done_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DigestRun)
class DigestRunAdmin(ReadOnly):
    """Each digest run and its batches: a batch without "done at" is still to be built (the
    catch-up job hands it out again once its lease is over)."""

    list_display = ["key", "period", "window_end", "created_at", "finished_at"]
    list_filter = ["period"]
    inlines = [DigestBatchInline]


@admin.register(DigestBatch)
class DigestBatchAdmin(ReadOnly):
    list_display = ["run", "first_user_id", "last_user_id", "enqueued_at", "done_at"]
    list_select_related = ["run"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnly):
    list_display = ["created_at", "challenge", "state", "state_entered_at", "level"]
    list_filter = ["level", "state"]
    list_select_related = ["challenge"]


@admin.register(ReferralHandover)
class ReferralHandoverAdmin(admin.ModelAdmin):
    """Hand-over mails to referral bodies: written by ``notifications.referrals``, read here."""

    list_display = ["created_at", "to_email", "subject", "status", "sent_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in ReferralHandover._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InboundMail)
class InboundMailAdmin(ReadOnly):
    """Replies by mail as received: what became a comment, and what was refused and why."""

    list_display = ["received_at", "sender", "status", "reason", "challenge", "size"]
    list_filter = ["status", "reason"]
    search_fields = ["sender", "message_id"]
    list_select_related = ["challenge"]
    date_hierarchy = "received_at"
